/**
 * A rule's window of [time, value] samples (rate, time out of range, mean kinetic temperature), with a running sum
 * kept beside it, so that time out of range and MKT cost O(1) per reading instead of a pass over an hour of samples.
 * The window and its sum are plain data, saved with the rule state; a sum saved for other limits (a product class
 * changed them), or by a version without sums, is recomputed from the samples. Floating-point sums drift with
 * every add and remove: they are recomputed after RECOMPUTE_EVERY removals.
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

export interface WindowState {
  samples?: Sample[];
  windowSum?: WindowSum;
}

const outside = (v: number, sum: OutOfRangeSum) => v < sum.low || v > sum.high;
const arrhenius = (celsius: number, sum: ArrheniusSum) => Math.exp(-sum.deltaHOverR / (celsius + 273.15));

/** the sum's contribution of samples[i] (for tor: the span to samples[i + 1], none for the last sample) */
function term(samples: Sample[], i: number, sum: WindowSum): number {
  if (sum.kind === "mkt") return arrhenius(samples[i][1], sum);
  return i + 1 < samples.length && outside(samples[i][1], sum) ? samples[i + 1][0] - samples[i][0] : 0;
}

function recompute(samples: Sample[], sum: WindowSum): void {
  let total = 0;
  for (let i = 0; i < samples.length; i++) total += term(samples, i, sum);
  sum.sum = total;
  sum.removals = 0;
}

function sameParameters(a: WindowSum | undefined, b: WindowSum): boolean {
  if (!a || a.kind !== b.kind) return false;
  return a.kind === "mkt" ? a.deltaHOverR === (b as ArrheniusSum).deltaHOverR : a.low === (b as OutOfRangeSum).low && a.high === (b as OutOfRangeSum).high;
}

/**
 * Appends the sample, drops those older than the window (keeping one sample just before it, so a span that
 * began before the window still counts) and keeps `wanted`'s running sum up to date; returns the samples.
 */
export function pushSample(s: WindowState, t: number, v: number, windowMs: number, wanted?: WindowSum): Sample[] {
  const samples = (s.samples ??= []);
  let sum: WindowSum | undefined;
  if (wanted) {
    if (!sameParameters(s.windowSum, wanted)) {
      s.windowSum = wanted;
      recompute(samples, wanted);
    }
    sum = s.windowSum!;
  }
  samples.push([t, v]);
  // the previous last sample's span now ends at this one
  if (sum) sum.sum += sum.kind === "tor" ? (samples.length > 1 ? term(samples, samples.length - 2, sum) : 0) : term(samples, samples.length - 1, sum);
  while (samples.length > 2 && samples[1][0] <= t - windowMs) {
    if (sum) {
      sum.sum -= term(samples, 0, sum);
      sum.removals++;
    }
    samples.shift();
  }
  if (samples.length > MAX_SAMPLES) {
    samples.splice(0, samples.length - MAX_SAMPLES);
    if (sum) recompute(samples, sum);
  }
  if (sum && sum.removals >= RECOMPUTE_EVERY) recompute(samples, sum);
  return samples;
}
