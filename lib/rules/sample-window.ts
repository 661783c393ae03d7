/**
 * A rule's window of [time, value] samples (rate, time out of range, mean kinetic temperature), with a running sum
 * kept beside it, so that time out of range and MKT cost O(1) per reading instead of a pass over an hour of samples.
 * The window and its sum are plain data, saved with the rule state; a sum saved for other limits (a product class
 * changed them), or by a version without sums, is recomputed from the samples. Floating-point sums drift with
 * every add and remove: they are recomputed after RECOMPUTE_EVERY removals.
 * The samples are kept in two ring buffers of doubles (SampleWindow), not an array of [time, value] pairs: a pair
 * per reading and rule lived an hour, reached the old generation and made the collector a fifth of the rules'
 * time. The buffers are plain arrays of doubles (8 bytes an element, as a Float64Array), not typed arrays: a
 * typed array's memory is allocated and freed outside the heap, and a fleet's windows growing from 8 to 64
 * samples made that a tenth of the rules' time.
 * A SampleWindow saves as the array of pairs (toJSON), and a saved array becomes one again on the next sample.
 */

export type Sample = [number, number];

/** Σ of (next time − time) over samples out of [low, high]: each sample's state lasts until the next sample */
export interface OutOfRangeSum {
  kind: "tor";
  low: number;
  high: number;
  sum: number;
  removals: number;
}

/** Σ e^(−ΔH/(R·T)) over the samples, T in kelvin (USP <1160>) */
export interface ArrheniusSum {
  kind: "mkt";
  deltaHOverR: number;
  sum: number;
  removals: number;
}

export type WindowSum = OutOfRangeSum | ArrheniusSum;

export const MAX_SAMPLES = 100_000;
const RECOMPUTE_EVERY = 4096;

/**
 * an array of n doubles, allocated at its size and of one elements kind (doubles) from the start: grown by push,
 * its backing store was reallocated three times on the way to 64, a fleet's windows filling made that a sixth of
 * what the rules allocated
 */
function doubles(n: number): number[] {
  return new Array<number>(n).fill(NaN);
}

/** a window's samples, oldest first, in ring buffers whose capacity is a power of two */
export class SampleWindow {
  private times: number[];
  private values: number[];
  private head = 0;
  length = 0;

  constructor(capacity = 8) {
    this.times = doubles(capacity);
    this.values = doubles(capacity);
  }

  static of(samples: readonly Sample[]): SampleWindow {
    let capacity = 8;
    while (capacity < samples.length) capacity *= 2;
    const w = new SampleWindow(capacity);
    for (const [t, v] of samples) w.push(t, v);
    return w;
  }

  time(i: number): number {
    return this.times[(this.head + i) & (this.times.length - 1)];
  }

  value(i: number): number {
    return this.values[(this.head + i) & (this.times.length - 1)];
  }

  push(t: number, v: number): void {
    if (this.length === this.times.length) this.grow();
    const at = (this.head + this.length) & (this.times.length - 1);
    this.times[at] = t;
    this.values[at] = v;
    this.length++;
  }

  /** drops the oldest n samples */
  drop(n = 1): void {
    this.head = (this.head + n) & (this.times.length - 1);
    this.length -= n;
  }

  toJSON(): Sample[] {
    const out: Sample[] = new Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = [this.time(i), this.value(i)];
    return out;
  }

  private grow(): void {
    const times = doubles(this.times.length * 2);
    const values = doubles(this.times.length * 2);
    for (let i = 0; i < this.length; i++) {
      times[i] = this.time(i);
      values[i] = this.value(i);
    }
    this.times = times;
    this.values = values;
    this.head = 0;
  }
}

export interface WindowState {
  /** a saved state's array of pairs until its next sample */
  samples?: SampleWindow | Sample[];
  windowSum?: WindowSum;
}

const outside = (v: number, sum: OutOfRangeSum) => v < sum.low || v > sum.high;
const arrhenius = (celsius: number, sum: ArrheniusSum) => Math.exp(-sum.deltaHOverR / (celsius + 273.15));

/** the sum's contribution of sample i (for tor: the span to sample i + 1, none for the last sample) */
function term(w: SampleWindow, i: number, sum: WindowSum): number {
  if (sum.kind === "mkt") return arrhenius(w.value(i), sum);
  return i + 1 < w.length && outside(w.value(i), sum) ? w.time(i + 1) - w.time(i) : 0;
}

function recompute(w: SampleWindow, sum: WindowSum): void {
  let total = 0;
  for (let i = 0; i < w.length; i++) total += term(w, i, sum);
  sum.sum = total;
  sum.removals = 0;
}

function sameParameters(a: WindowSum | undefined, b: WindowSum): boolean {
  if (!a || a.kind !== b.kind) return false;
  return a.kind === "mkt" ? a.deltaHOverR === (b as ArrheniusSum).deltaHOverR : a.low === (b as OutOfRangeSum).low && a.high === (b as OutOfRangeSum).high;
}

/** the state's window, made from a saved array of pairs when it is one */
export function windowOf(s: WindowState): SampleWindow {
  const samples = s.samples;
  if (samples instanceof SampleWindow) return samples;
  return (s.samples = SampleWindow.of(samples ?? []));
}

/**
 * Appends the sample, drops those older than the window (keeping one sample just before it, so a span that
 * began before the window still counts) and keeps `wanted`'s running sum up to date; returns the samples.
 */
export function pushSample(s: WindowState, t: number, v: number, windowMs: number, wanted?: WindowSum): SampleWindow {
  if (wanted && !sameParameters(s.windowSum, wanted)) adopt(s, wanted);
  return push(s, t, v, windowMs, wanted ? s.windowSum : undefined);
}

/** pushSample keeping the time out of [low, high]; the sum's object is made only when the limits change */
export function pushOutOfRangeSample(s: WindowState, t: number, v: number, windowMs: number, low: number, high: number): SampleWindow {
  const current = s.windowSum;
  if (!current || current.kind !== "tor" || current.low !== low || current.high !== high) adopt(s, { kind: "tor", low, high, sum: 0, removals: 0 });
  return push(s, t, v, windowMs, s.windowSum);
}

/** pushSample keeping Σ e^(−ΔH/(R·T)); the sum's object is made only when ΔH/R changes */
export function pushArrheniusSample(s: WindowState, t: number, v: number, windowMs: number, deltaHOverR: number): SampleWindow {
  const current = s.windowSum;
  if (!current || current.kind !== "mkt" || current.deltaHOverR !== deltaHOverR) adopt(s, { kind: "mkt", deltaHOverR, sum: 0, removals: 0 });
  return push(s, t, v, windowMs, s.windowSum);
}

function adopt(s: WindowState, sum: WindowSum): void {
  s.windowSum = sum;
  recompute(windowOf(s), sum);
}

function push(s: WindowState, t: number, v: number, windowMs: number, sum: WindowSum | undefined): SampleWindow {
  const w = windowOf(s);
  w.push(t, v);
  // the previous last sample's span now ends at this one
  if (sum) sum.sum += sum.kind === "tor" ? (w.length > 1 ? term(w, w.length - 2, sum) : 0) : arrhenius(v, sum);
  while (w.length > 2 && w.time(1) <= t - windowMs) {
    if (sum) {
      sum.sum -= term(w, 0, sum);
      sum.removals++;
    }
    w.drop();
  }
  if (w.length > MAX_SAMPLES) {
    w.drop(w.length - MAX_SAMPLES);
    if (sum) recompute(w, sum);
  }
  if (sum && sum.removals >= RECOMPUTE_EVERY) recompute(w, sum);
  return w;
}
