/**
 * A small typed event emitter: `on` returns a function that removes the handler. A handler that throws is
 * reported through `onHandlerError` and never stops the others or the SDK.
 */
export class Emitter<Events extends Record<string, unknown>> {
  private readonly handlers = new Map<keyof Events, Set<(event: never) => void>>();

  constructor(private readonly onHandlerError: (error: unknown) => void = (error) => console.error(error)) {}

  /** Calls `handler` for every `name` event until the returned function is called. */
  on<K extends keyof Events>(name: K, handler: (event: Events[K]) => void): () => void {
    let set = this.handlers.get(name);
    if (!set) {
      set = new Set();
      this.handlers.set(name, set);
    }

    set.add(handler as (event: never) => void);
    return () => this.off(name, handler);
  }

  /** Stops calling `handler` for `name` events. */
  off<K extends keyof Events>(name: K, handler: (event: Events[K]) => void): void {
    this.handlers.get(name)?.delete(handler as (event: never) => void);
  }

  /** Calls every handler of `name` with `event`, in the order they were added. */
  emit<K extends keyof Events>(name: K, event: Events[K]): void {
    const set = this.handlers.get(name);
    if (!set) {
      return;
    }

    for (const handler of [...set]) {
      try {
        (handler as (event: Events[K]) => void)(event);
      } catch (error) {
        this.onHandlerError(error);
      }
    }
  }
}
