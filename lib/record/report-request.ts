/**
 * A report asked for by a message or an HTTP query string (`device`, `day` or `trip`, `format` csv | pdf | json,
 * optional `resources`, `low`, `high`): parsed with a clear refusal, made, and rendered with its content type and a
 * file name, so the node only hands the result to HTTP or to its output.
 */
import { Range, RangeRule, rangeFor } from "./limits-table";
import { Report, ReportQueryError, buildReport } from "./report";
import { reportCsv } from "./report-csv";
import { reportPdf } from "./report-pdf";

export type ReportFormat = "csv" | "pdf" | "json";
export const REPORT_FORMATS: readonly ReportFormat[] = ["csv", "pdf", "json"];

export interface ReportDefaults {
  ranges: readonly RangeRule[];
  range: Range;
  gapMs: number;
  resources?: string[];
}

export interface RenderedReport {
  format: ReportFormat;
  contentType: string;
  filename: string;
  body: string | Buffer;
  report: Report;
}

export function renderReport(dir: string, params: unknown, defaults: ReportDefaults, head: { seq: number; hash: string }, now: number): RenderedReport {
  const p = params && typeof params === "object" && !Array.isArray(params) ? (params as Record<string, unknown>) : {};
  const device = text(p.device);
  if (!device) throw new ReportQueryError("a report needs a device (device=…)");
  const day = text(p.day);
  const trip = text(p.trip);
  if (!day && !trip) throw new ReportQueryError("a report needs a day (day=YYYY-MM-DD) or a trip (trip=…)");
  const format = (text(p.format) ?? "csv").toLowerCase() as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) throw new ReportQueryError(`format must be csv, pdf or json, not "${format}"`);
  const fallback = rangeFor(device, defaults.ranges, defaults.range);
  const range = { low: bound(p.low, "low") ?? fallback.low, high: bound(p.high, "high") ?? fallback.high };
  const resources = text(p.resources)?.split(",").map((s) => s.trim()).filter(Boolean) ?? defaults.resources;
  const report = buildReport(dir, { device, day, trip: day ? undefined : trip, resources: resources?.length ? resources : undefined, range, gapMs: defaults.gapMs });
  const filename = `${device}-${day ?? `trip-${trip}`}`.replace(/[^\w.-]+/g, "_");
  if (format === "pdf") return { format, contentType: "application/pdf", filename: `${filename}.pdf`, body: reportPdf(report, now, head), report };
  if (format === "csv") return { format, contentType: "text/csv; charset=utf-8", filename: `${filename}.csv`, body: reportCsv(report, now, head), report };
  return { format, contentType: "application/json; charset=utf-8", filename: `${filename}.json`, body: JSON.stringify({ ...report, generatedAt: now, head }), report };
}

function text(v: unknown): string | undefined {
  if (Array.isArray(v)) v = v[0];
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

function bound(v: unknown, name: string): number | undefined {
  const t = text(typeof v === "number" ? String(v) : v);
  if (t === undefined) return undefined;
  const n = Number(t);
  if (!Number.isFinite(n)) throw new ReportQueryError(`${name} must be a number, not "${t}"`);
  return n;
}
