/** Exponential backoff with jitter, for retrying a start that failed: initial, ×2 per failure, capped. */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
  ) {}

  /** the wait before the next attempt (and one failure more) */
  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(20, this.failures));
    this.failures++;
    return Math.round(base * (0.8 + 0.4 * Math.random()));
  }

  reset(): void {
    this.failures = 0;
  }
}
