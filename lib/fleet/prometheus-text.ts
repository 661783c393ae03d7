/**
 * The Prometheus text exposition format (version 0.0.4): one `# HELP` and `# TYPE` per metric family, then its
 * samples; histograms as cumulative `_bucket{le="…"}` series ending in `+Inf`, with `_sum` and `_count`. Label
 * values escape backslash, double quote and newline; help text escapes backslash and newline.
 */
import type { HistogramValue, Labels, Sample } from "./metrics-registry";
import { specOf, MetricType } from "./metric-catalogue";

export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

const escapeLabel = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
const escapeHelp = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function labelText(labels: Labels, extra?: [string, string]): string {
  const entries = Object.entries(labels).filter(([k]) => LABEL_NAME.test(k));
  if (extra) entries.push(extra);
  return entries.length ? `{${entries.map(([k, v]) => `${k}="${escapeLabel(String(v))}"`).join(",")}}` : "";
}

function numberText(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  return String(n);
}

export interface Exposition {
  counters: Sample[];
  gauges: Sample[];
  histograms: Array<{ name: string; labels: Labels; h: HistogramValue }>;
}

export function renderPrometheus(e: Exposition): string {
  const families = new Map<string, { type: MetricType | "untyped"; lines: string[] }>();
  const family = (name: string, fallback: MetricType) => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { type: specOf(name)?.type ?? fallback, lines: [] }));
    return f;
  };
  for (const s of e.counters) family(s.name, "counter").lines.push(`${s.name}${labelText(s.labels)} ${numberText(s.value)}`);
  for (const s of e.gauges) family(s.name, "gauge").lines.push(`${s.name}${labelText(s.labels)} ${numberText(s.value)}`);
  for (const { name, labels, h } of e.histograms) {
    const f = family(name, "histogram");
    h.buckets.forEach((le, i) => f.lines.push(`${name}_bucket${labelText(labels, ["le", numberText(le)])} ${h.counts[i]}`));
    f.lines.push(`${name}_bucket${labelText(labels, ["le", "+Inf"])} ${h.count}`);
    f.lines.push(`${name}_sum${labelText(labels)} ${numberText(h.sum)}`);
    f.lines.push(`${name}_count${labelText(labels)} ${h.count}`);
  }
  const out: string[] = [];
  for (const [name, f] of [...families].sort(([a], [b]) => (a < b ? -1 : 1))) {
    out.push(`# HELP ${name} ${escapeHelp(specOf(name)?.help ?? `${name} (reported by a node of the pack)`)}`);
    out.push(`# TYPE ${name} ${f.type}`);
    out.push(...f.lines);
  }
  return `${out.join("\n")}\n`;
}
