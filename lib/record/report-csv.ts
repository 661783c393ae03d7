/**
 * The report as CSV (RFC 4180, CRLF): a few `#` lines naming the device, the period and the record's entries, then
 * three tables each with its own header, a blank line between: the summary per resource, the alarms with their
 * acknowledgements, the readings. Text that a spreadsheet would take for a formula is prefixed with a quote.
 */
import type { Report } from "./report";
import { fixed, isoTime, minutes } from "./report-format";

export function reportCsv(report: Report, generatedAt: number, head: { seq: number; hash: string }): string {
  const rows: string[][] = [
    ["# temperature record report"],
    ["# device", report.device],
    ["# period", report.period.label, isoTime(report.period.from), isoTime(report.period.to)],
    ["# generated", isoTime(generatedAt)],
    ["# record entries", String(report.entries.first ?? ""), String(report.entries.last ?? ""), "head", String(head.seq), head.hash],
    [],
    ["resource", "units", "readings", "first", "last", "min", "max", "mean", "mkt", "low", "high", "out_of_range_min", "excursions", "no_data_min"],
    ...report.summaries.map((s) => [s.resource, s.units, String(s.readings), isoTime(s.first), isoTime(s.last), fixed(s.min), fixed(s.max), fixed(s.mean), fixed(s.mkt), fixed(s.low, 1), fixed(s.high, 1), minutes(s.outOfRangeMs), String(s.excursions), minutes(s.noDataMs)]),
    [],
    ["alarm", "rule", "resource", "severity", "start", "end", "peak", "units", "acknowledged_by", "acknowledged_at", "comment", "shelved", "escalations", "suppressed"],
    ...report.alarms.map((a) => [
      a.alarmId,
      a.rule,
      a.resource,
      a.severity,
      isoTime(a.start),
      isoTime(a.end),
      fixed(a.peak),
      a.units,
      a.acknowledgements.map((k) => k.by).join("; "),
      a.acknowledgements.map((k) => isoTime(k.at)).join("; "),
      a.acknowledgements.map((k) => k.comment).join("; "),
      a.shelves.map((s) => `${s.by} ${isoTime(s.at)}–${isoTime(s.until)}: ${s.reason}`).join("; "),
      a.escalations.map((e) => `${e.severity} ${isoTime(e.at)}`).join("; "),
      a.suppressed.join("; "),
    ]),
    [],
    ["origin", "resource", "value", "units", "out_of_range"],
    ...report.readings.map((r) => [isoTime(r.origin), r.resource, String(r.value), r.units, r.outOfRange ? "yes" : "no"]),
  ];
  return rows.map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}

function cell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
