/**
 * Windows per key over a stream of readings — tumbling or sliding, by time or by count — each closing into one
 * summary. Time windows close when the stream's watermark (latest event time minus the allowed lateness) or the
 * wall clock (flush) passes their end; a reading later than that is dropped and counted, or, when allowed,
 * included in the window that is still open for its time.
 */
import { windowStats, StatsOptions, WindowStats } from "./summary-stats";

export interface WindowOptions extends StatsOptions {
  kind: "tumbling" | "sliding";
  by: "time" | "count";
  /** ms for time windows, readings for count windows */
  size: number;
  /** sliding step: ms or readings (default: size / 4) */
  slide?: number;
  /** how late (ms) a reading may arrive and still count in its window */
  latenessMs: number;
}

export interface Summary extends WindowStats {
  key: string;
  start: number;
  end: number;
}

interface KeyWindows {
  /** window start → samples */
  open: Map<number, Array<[number, number]>>;
  /** count windows: the samples since the last emit / the last `size` samples */
  recent: Array<[number, number]>;
  sinceEmit: number;
  watermark: number;
}

export class WindowAggregator {
  private readonly keys = new Map<string, KeyWindows>();
  /** a key's own range for time in range (its product class), in place of the node's */
  private readonly ranges = new Map<string, { low: number; high: number }>();
  private lateDropped = 0;
  /** window end → how many keys hold that time window open (a batch of that end waits for them) */
  private readonly openByEnd = new Map<number, number>();

  constructor(private readonly o: WindowOptions) {
    if (!(o.size > 0)) throw new Error("the window size must be positive");
    if (o.kind === "sliding" && o.slide !== undefined && !(o.slide > 0)) throw new Error("the slide must be positive");
  }

  /** whether some key still holds a time window ending at `end` open */
  isOpen(end: number): boolean {
    return (this.openByEnd.get(end) ?? 0) > 0;
  }

  get droppedLate(): number {
    return this.lateDropped;
  }

  /** the range a key's time in range is measured against from now on (a device's product class), or the default again */
  setRange(key: string, range: { low: number; high: number } | undefined): void {
    if (range) this.ranges.set(key, range);
    else this.ranges.delete(key);
  }

  private optionsFor(key: string): WindowOptions {
    const range = this.ranges.get(key);
    return range ? { ...this.o, range } : this.o;
  }

  add(key: string, t: number, v: number): Summary[] {
    const k = this.keys.get(key) ?? { open: new Map(), recent: [], sinceEmit: 0, watermark: -Infinity };
    this.keys.set(key, k);
    return this.o.by === "count" ? this.addCount(key, k, t, v) : this.addTime(key, k, t, v);
  }

  /** closes the time windows whose end the wall clock has passed (with the allowed lateness) */
  flush(now: number): Summary[] {
    if (this.o.by !== "time") return [];
    const out: Summary[] = [];
    for (const [key, k] of this.keys) out.push(...this.close(key, k, now - this.o.latenessMs));
    return out;
  }

  private addCount(key: string, k: KeyWindows, t: number, v: number): Summary[] {
    k.recent.push([t, v]);
    k.sinceEmit++;
    const step = this.o.kind === "tumbling" ? this.o.size : Math.max(1, Math.round(this.o.slide ?? this.o.size / 4));
    if (k.recent.length > this.o.size) k.recent.shift();
    if (this.o.kind === "tumbling" ? k.recent.length < this.o.size : k.sinceEmit < step || k.recent.length < this.o.size) return [];
    k.sinceEmit = 0;
    const samples = k.recent;
    const summary = { key, start: samples[0][0], end: samples[samples.length - 1][0], ...windowStats(samples, this.optionsFor(key)) };
    if (this.o.kind === "tumbling") k.recent = [];
    return [summary];
  }

  private starts(t: number): number[] {
    const size = this.o.size;
    if (this.o.kind === "tumbling") return [Math.floor(t / size) * size];
    const slide = this.o.slide ?? size / 4;
    const out: number[] = [];
    for (let s = Math.floor(t / slide) * slide; s > t - size; s -= slide) out.push(s);
    return out;
  }

  private addTime(key: string, k: KeyWindows, t: number, v: number): Summary[] {
    const watermark = k.watermark - this.o.latenessMs;
    let placed = false;
    for (const start of this.starts(t)) {
      if (start + this.o.size <= watermark) continue; // that window has closed
      let samples = k.open.get(start);
      if (!samples) {
        samples = [];
        this.openByEnd.set(start + this.o.size, (this.openByEnd.get(start + this.o.size) ?? 0) + 1);
      }
      samples.push([t, v]);
      if (samples.length > 1 && samples[samples.length - 2][0] > t) samples.sort((a, b) => a[0] - b[0]);
      k.open.set(start, samples);
      placed = true;
    }
    if (!placed) this.lateDropped++;
    k.watermark = Math.max(k.watermark, t);
    return this.close(key, k, k.watermark - this.o.latenessMs);
  }

  private close(key: string, k: KeyWindows, before: number): Summary[] {
    const out: Summary[] = [];
    for (const start of [...k.open.keys()].sort((a, b) => a - b)) {
      const end = start + this.o.size;
      if (end > before) continue;
      const samples = k.open.get(start)!;
      k.open.delete(start);
      const left = (this.openByEnd.get(end) ?? 1) - 1;
      if (left > 0) this.openByEnd.set(end, left);
      else this.openByEnd.delete(end);
      if (samples.length) out.push({ key, start, end, ...windowStats(samples, this.optionsFor(key), end) });
    }
    return out;
  }
}
