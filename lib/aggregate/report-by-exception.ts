/**
 * Report by exception for window summaries (as Kura's and EdgeX's deadbands): a key's summary goes upstream only
 * when its level moved beyond the deadband since the summary last sent for it, or when `heartbeat` windows have
 * passed without one, so a consumer reads silence as "unchanged" for at most heartbeat - 1 windows and longer
 * silence as a device that stopped reporting. Plain code: it sees summaries, never alerts.
 */
import type { Summary } from "./window-aggregator";

export interface DeadbandOptions {
  /** how far (in the reading's units) min, max or mean may move before a summary is sent again */
  deadband: number;
  /** a summary is sent at least every this many windows of a key, changed or not */
  heartbeat: number;
}

/** time in range is a share 0..1: a move of more than a percentage point of the window is a change */
const TIME_IN_RANGE_BAND = 0.01;

export class DeadbandFilter {
  private readonly sent = new Map<string, { summary: Summary; windowsSince: number }>();

  constructor(private readonly o: DeadbandOptions) {
    if (!(o.deadband >= 0)) throw new Error("the deadband must be 0 or more");
    if (!(Number.isInteger(o.heartbeat) && o.heartbeat >= 1)) throw new Error("the heartbeat must be a whole number of windows, 1 or more");
  }

  /** whether this summary goes upstream; call once per summary, in window order per key */
  pass(s: Summary): boolean {
    const last = this.sent.get(s.key);
    if (last && last.windowsSince + 1 < this.o.heartbeat && !this.changed(last.summary, s)) {
      last.windowsSince++;
      return false;
    }
    this.sent.set(s.key, { summary: s, windowsSince: 0 });
    return true;
  }

  private changed(a: Summary, b: Summary): boolean {
    const band = this.o.deadband;
    const moved = (x: number | undefined, y: number | undefined, limit: number) => (x === undefined || y === undefined ? x !== y : !(Math.abs(x - y) <= limit));
    return moved(a.min, b.min, band) || moved(a.max, b.max, band) || moved(a.mean, b.mean, band) || moved(a.timeInRange, b.timeInRange, TIME_IN_RANGE_BAND);
  }
}
