/** Events per second over the last few seconds, in one-second buckets; the clock is injectable for tests. */
export class RateMeter {
  private readonly buckets: number[];
  private currentSecond: number;

  constructor(
    private readonly windowSeconds = 5,
    private readonly now: () => number = Date.now,
  ) {
    this.buckets = new Array<number>(windowSeconds).fill(0);
    this.currentSecond = Math.floor(now() / 1000);
  }

  mark(count = 1): void {
    this.advance();
    this.buckets[this.currentSecond % this.windowSeconds] += count;
  }

  /** mean rate over the completed seconds of the window */
  perSecond(): number {
    this.advance();
    const current = this.currentSecond % this.windowSeconds;
    let sum = 0;
    for (let i = 0; i < this.windowSeconds; i++) if (i !== current) sum += this.buckets[i];
    return sum / (this.windowSeconds - 1);
  }

  private advance(): void {
    const second = Math.floor(this.now() / 1000);
    if (second === this.currentSecond) return;
    const steps = Math.min(this.windowSeconds, second - this.currentSecond);
    for (let i = 1; i <= steps; i++) this.buckets[(this.currentSecond + i) % this.windowSeconds] = 0;
    this.currentSecond = second;
  }
}
