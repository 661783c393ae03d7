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
  /**
   * decimals kept in every statistic (timeInRange: two more, as it is a fraction); absent: full precision.
   * A sensor's resolution is 0.1 °C or coarser, so 17 significant digits upstream are only bytes.
   */
  decimals?: number;
}

function rounder(decimals: number | undefined): (v: number) => number {
  if (decimals === undefined || !Number.isInteger(decimals) || decimals < 0 || decimals > 15) return (v) => v;
  const f = 10 ** decimals;
  return (v) => (Number.isFinite(v) ? Math.round(v * f) / f : v);
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
  if (o.decimals !== undefined) {
    const r = rounder(o.decimals);
    const fraction = rounder(o.decimals + 2);
    for (const k of ["min", "max", "mean", "last", "sd", "mkt"] as const) if (stats[k] !== undefined) stats[k] = r(stats[k]);
    for (const p of Object.keys(stats.percentiles)) stats.percentiles[p] = r(stats.percentiles[p]);
    if (stats.timeInRange !== undefined) stats.timeInRange = fraction(stats.timeInRange);
  }
  return stats;
}
