// Bounded waiting for tests: every wait has a timeout, so a hang fails fast with a message.

/** Polls `condition` (sync or async) every `intervalMs` until it is truthy; rejects after `timeoutMs`. */
export async function waitFor(condition, { timeoutMs = 10_000, intervalMs = 20, what = "a condition" } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) {
      return value;
    }

    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }

    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Resolves with the first `name` event of `emitter` that passes `filter`; rejects after `timeoutMs`. */
export function nextEvent(emitter, name, { filter = () => true, timeoutMs = 10_000 } = {}) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for a '${name}' event`));
    }, timeoutMs);
    const off = emitter.on(name, (event) => {
      if (filter(event)) {
        clearTimeout(timer);
        off();
        resolve(event);
      }
    });
  });
}

/** `promise`, or a rejection after `timeoutMs`. */
export function within(promise, timeoutMs = 10_000, what = "a promise") {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs))),
  ]).finally(() => clearTimeout(timer));
}
