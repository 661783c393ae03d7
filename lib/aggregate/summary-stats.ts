/** The statistics of one window of readings. */
import { meanKineticTemperature, DEFAULT_DELTA_H_OVER_R } from "../rules/mkt";

export interface WindowStats {
  count: number;
  min: number;
  max: number;
  mean: number;
  last: number;
  sd: number;
  percentiles: Record<string, number>;
  mkt?: number;
  /** share of the window's time spent inside [low, high], 0..1 */
  timeInRange?: number;
}

export interface StatsOptions {
  percentiles: number[];
  mkt: boolean;
  deltaHOverR?: number;
  range?: { low: number; high: number };
}

/** Percentile by linear interpolation between closest ranks (as numpy's default). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

/** samples in time order: [epoch ms, value] */
export function windowStats(samples: ReadonlyArray<readonly [number, number]>, o: StatsOptions, windowEnd?: number): WindowStats {
  const values = samples.map(([, v]) => v);
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const variance = n > 1 ? values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1) : 0;
  const sorted = [...values].sort((a, b) => a - b);
  const stats: WindowStats = {
    count: n,
    min: sorted[0],
    max: sorted[n - 1],
    mean,
    last: values[n - 1],
    sd: Math.sqrt(variance),
    percentiles: Object.fromEntries(o.percentiles.map((p) => [`p${p}`, percentile(sorted, p)])),
  };
  if (o.mkt) stats.mkt = meanKineticTemperature(values, o.deltaHOverR ?? DEFAULT_DELTA_H_OVER_R);
  if (o.range) {
    // each sample's state lasts until the next one (the last until the window's end)
    let inside = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const until = i + 1 < n ? samples[i + 1][0] : (windowEnd ?? samples[i][0]);
      const span = Math.max(0, until - samples[i][0]);
      total += span;
      if (values[i] >= o.range.low && values[i] <= o.range.high) inside += span;
    }
    stats.timeInRange = total > 0 ? inside / total : values.every((v) => v >= o.range!.low && v <= o.range!.high) ? 1 : 0;
  }
  return stats;
}
