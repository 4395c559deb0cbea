/**
 * Reconnects forever with jittered exponential backoff: the n-th retry waits a random time between half and all
 * of `min(maxDelayMs, baseDelayMs * 2^n)`, so many clients cut off at once do not come back at once.
 */
export class LiveSyncRetryPolicy {
  /** The first retry's upper bound, in ms. */
  readonly baseDelayMs: number;

  /** The upper bound of any retry, in ms. */
  readonly maxDelayMs: number;

  /**
   * @param baseDelayMs The first retry's upper bound; positive. Default 500.
   * @param maxDelayMs The upper bound of any retry; at least `baseDelayMs`. Default 30000.
   * @throws RangeError when a delay is out of range.
   */
  constructor(baseDelayMs = 500, maxDelayMs = 30_000) {
    if (!(baseDelayMs > 0) || !(maxDelayMs >= baseDelayMs)) {
      throw new RangeError("need 0 < baseDelayMs <= maxDelayMs");
    }

    this.baseDelayMs = baseDelayMs;
    this.maxDelayMs = maxDelayMs;
  }

  /** The delay before retry number `retry` (0 for the first), for a `jitter` in [0, 1). */
  nextDelayMs(retry: number, jitter: number = Math.random()): number {
    // Past 2^30 the bound is maxDelayMs anyway; capping the exponent keeps the arithmetic finite.
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(retry, 30));
    return ceiling / 2 + (ceiling / 2) * jitter;
  }
}
