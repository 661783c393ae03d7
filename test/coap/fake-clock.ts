import type { Clock } from "../../lib/coap/clock";

/** timers that run only when the test advances time */
export class FakeClock implements Clock {
  private time = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private next = 1;
  constructor(private readonly r = 0) {}
  now = () => this.time;
  random = () => this.r;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.next++;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  };
  clearTimeout = (id: unknown) => void this.timers.delete(id as number);
  /** runs every timer due up to now + ms, in order */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
    }
    this.time = end;
  }
  get nextDue(): number | undefined {
    return Math.min(...[...this.timers.values()].map((t) => t.at));
  }
  get pending(): number {
    return this.timers.size;
  }
}
