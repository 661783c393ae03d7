/**
 * Many window summaries as one compact, columnar JSON object: each field's name once, its values in an array (row
 * i of every array is summary i), and a column whose values are all equal (the window's start and end, the units)
 * as that single value. `fromBatch` is the consumer's side: it gives back one object per summary, as
 * edge-aggregate's one-per-message output has them.
 */
import type { Summary } from "./window-aggregator";

export const BATCH_FORMAT = "edge-summaries/1";

/** a summary as edge-aggregate outputs it: the device's names beside the statistics */
export interface NamedSummary extends Summary {
  deviceName: string;
  resourceName: string;
  units?: string;
}

type Cell = string | number | null;
export type SummaryBatch = { format: typeof BATCH_FORMAT; n: number } & Record<string, Cell | Cell[]>;

const NAMES = ["deviceName", "resourceName", "units", "start", "end"] as const;
const STATS = ["count", "min", "max", "mean", "last", "sd"] as const;
const OPTIONAL = ["mkt", "timeInRange"] as const;
const PERCENTILE = /^p\d+(\.\d+)?$/;
/** a batch from outside cannot make the decoder build more rows than a gateway ever sends in one window */
export const MAX_ROWS = 100_000;

/** summaries (of one node: the same statistics each) as one columnar object */
export function toBatch(summaries: readonly NamedSummary[]): SummaryBatch {
  const batch: SummaryBatch = { format: BATCH_FORMAT, n: summaries.length } as SummaryBatch;
  const column = (name: string, value: (s: NamedSummary) => Cell | undefined) => {
    const cells = summaries.map((s) => {
      const v = value(s);
      return v === undefined || (typeof v === "number" && !Number.isFinite(v)) ? null : v;
    });
    batch[name] = cells.length > 0 && cells.every((c) => c === cells[0]) ? cells[0] : cells;
  };
  for (const k of NAMES) column(k, (s) => s[k]);
  for (const k of STATS) column(k, (s) => s[k]);
  const percentiles = [...new Set(summaries.flatMap((s) => Object.keys(s.percentiles)))];
  for (const p of percentiles) column(p, (s) => s.percentiles[p]);
  for (const k of OPTIONAL) if (summaries.some((s) => s[k] !== undefined)) column(k, (s) => s[k]);
  return batch;
}

/** a columnar batch back into one summary per row; throws on anything not of BATCH_FORMAT */
export function fromBatch(value: unknown): NamedSummary[] {
  if (!value || typeof value !== "object" || (value as { format?: unknown }).format !== BATCH_FORMAT) throw new Error(`not a summary batch (format ${BATCH_FORMAT})`);
  const batch = value as Record<string, unknown>;
  const n = batch.n;
  if (!Number.isInteger(n) || (n as number) < 0 || (n as number) > MAX_ROWS) throw new Error(`a summary batch needs its row count n, 0 to ${MAX_ROWS}`);
  const cell = (name: string, i: number): unknown => {
    const c = batch[name];
    if (!Array.isArray(c)) return c;
    if (c.length !== n) throw new Error(`column ${name} holds ${c.length} values for ${n} rows`);
    return c[i];
  };
  const num = (name: string, i: number) => {
    const v = cell(name, i);
    return v === null || v === undefined ? NaN : Number(v);
  };
  const percentiles = Object.keys(batch).filter((k) => PERCENTILE.test(k));
  return Array.from({ length: n as number }, (_, i) => {
    const deviceName = String(cell("deviceName", i));
    const resourceName = String(cell("resourceName", i));
    const units = cell("units", i);
    const s: NamedSummary = {
      deviceName,
      resourceName,
      ...(units === null || units === undefined ? {} : { units: String(units) }),
      key: `${deviceName}/${resourceName}`,
      start: num("start", i),
      end: num("end", i),
      count: num("count", i),
      min: num("min", i),
      max: num("max", i),
      mean: num("mean", i),
      last: num("last", i),
      sd: num("sd", i),
      percentiles: Object.fromEntries(percentiles.map((p) => [p, num(p, i)])),
    };
    for (const k of OPTIONAL) if (k in batch) s[k] = num(k, i);
    return s;
  });
}
