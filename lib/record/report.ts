/**
 * A device's report for a day (UTC) or a trip, from the record: per resource min, max, mean, mean kinetic
 * temperature (lib/rules/mkt.ts, over the readings), time out of range, time without data; and the alarms with
 * their acknowledgements, shelving and escalations.
 *
 * Time out of range is counted sample-and-hold: each reading stands until the next one, so the time from an
 * out-of-range reading to the next reading is out of range; an interval longer than the gap limit counts as no
 * data instead (a logger that stopped is not a temperature); the last reading of the period adds no time.
 * Suppression never enters here: the record holds every reading whatever an alarm did.
 */
import { meanKineticTemperature } from "../rules/mkt";
import { Entry, parseEntryLine } from "./entry";
import { Range, outOfRange } from "./limits-table";
import { DAY_MS, dayOf, dayStart, listSegments, readLines } from "./segments";

export interface ReportQuery {
  device: string;
  /** YYYY-MM-DD (UTC), or */
  day?: string;
  /** a trip id, as readings carry it (msg.trip, the event's trip or metadata.trip) */
  trip?: string;
  /** resources to report (default: every numeric one) */
  resources?: string[];
  range: Range;
  /** intervals between readings longer than this count as no data (ms) */
  gapMs: number;
}

export interface ResourceSummary {
  resource: string;
  units: string;
  readings: number;
  first: number;
  last: number;
  min: number;
  max: number;
  mean: number;
  mkt: number;
  low: number | null;
  high: number | null;
  outOfRangeMs: number;
  noDataMs: number;
  excursions: number;
}

export interface AlarmSummary {
  alarmId: string;
  rule: string;
  resource: string;
  severity: string;
  start: number | null;
  end: number | null;
  peak: number | null;
  units: string;
  acknowledgements: Array<{ by: string; comment: string; at: number }>;
  shelves: Array<{ by: string; reason: string; until: number | null; at: number }>;
  escalations: Array<{ severity: string; at: number }>;
  suppressed: string[];
}

export interface ReportReading {
  origin: number;
  resource: string;
  value: number;
  units: string;
  outOfRange: boolean;
}

export interface Report {
  device: string;
  period: { label: string; from: number; to: number };
  summaries: ResourceSummary[];
  alarms: AlarmSummary[];
  readings: ReportReading[];
  /** the record's entries the report was made from */
  entries: { first: number | null; last: number | null };
}

export class ReportQueryError extends Error {}

export function buildReport(dir: string, query: ReportQuery): Report {
  const window = periodOf(query);
  const entries = readEntries(dir, window?.from);
  const mine = entries.filter((e) => e.data.device === query.device);
  const readingEntries = withoutRedeliveries(mine.filter((e) => e.kind === "reading" && typeof e.data.value === "number" && (!query.resources || query.resources.includes(e.data.resource as string))));
  let from: number;
  let to: number;
  let label: string;
  let inPeriod: Entry[];
  if (window) {
    ({ from, to, label } = window);
    inPeriod = readingEntries.filter((e) => originOf(e) >= from && originOf(e) < to);
  } else {
    inPeriod = readingEntries.filter((e) => e.data.trip === query.trip);
    if (inPeriod.length === 0) throw new ReportQueryError(`no readings of ${query.device} on trip ${query.trip} in the record`);
    from = extreme(inPeriod.map(originOf), -1);
    to = extreme(inPeriod.map(originOf), 1) + 1;
    label = `trip ${query.trip}`;
  }
  const byResource = new Map<string, Entry[]>();
  for (const e of inPeriod) {
    const r = e.data.resource as string;
    if (!byResource.has(r)) byResource.set(r, []);
    byResource.get(r)!.push(e);
  }
  const summaries: ResourceSummary[] = [];
  const readings: ReportReading[] = [];
  for (const [resource, list] of [...byResource.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    list.sort((a, b) => originOf(a) - originOf(b) || a.seq - b.seq);
    const values = list.map((e) => e.data.value as number);
    const units = (list.find((e) => typeof e.data.units === "string")?.data.units as string | undefined) ?? "";
    let outOfRangeMs = 0;
    let noDataMs = 0;
    let excursions = 0;
    for (let i = 0; i < list.length; i++) {
      const out = outOfRange(values[i], query.range);
      if (out && (i === 0 || !outOfRange(values[i - 1], query.range))) excursions++;
      readings.push({ origin: originOf(list[i]), resource, value: values[i], units, outOfRange: out });
      if (i === list.length - 1) break;
      const dt = originOf(list[i + 1]) - originOf(list[i]);
      if (dt > query.gapMs) noDataMs += dt;
      else if (out) outOfRangeMs += dt;
    }
    summaries.push({
      resource,
      units,
      readings: list.length,
      first: originOf(list[0]),
      last: originOf(list[list.length - 1]),
      min: extreme(values, -1),
      max: extreme(values, 1),
      mean: values.reduce((s, v) => s + v, 0) / values.length,
      mkt: meanKineticTemperature(values),
      low: query.range.low ?? null,
      high: query.range.high ?? null,
      outOfRangeMs,
      noDataMs,
      excursions,
    });
  }
  readings.sort((a, b) => a.origin - b.origin || (a.resource < b.resource ? -1 : 1));
  const used = [...inPeriod];
  const alarms = alarmsOf(mine, from, to, used);
  const seqs = used.map((e) => e.seq);
  return { device: query.device, period: { label, from, to }, summaries, alarms, readings, entries: { first: seqs.length ? extreme(seqs, -1) : null, last: seqs.length ? extreme(seqs, 1) : null } };
}

/**
 * A reading delivered twice (a buffer's redelivery after a lost acknowledgement) is in the log twice, as it
 * happened, but counts once in the figures: the same reading id, or the same event id, resource and time.
 */
function withoutRedeliveries(readings: Entry[]): Entry[] {
  const seen = new Set<string>();
  return readings.filter((e) => {
    const d = e.data;
    const key = typeof d.readingId === "string" ? `r:${d.readingId}:${String(d.resource)}` : typeof d.eventId === "string" ? `e:${d.eventId}:${String(d.resource)}:${String(d.origin)}` : undefined;
    if (key === undefined) return true;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function periodOf(query: ReportQuery): { from: number; to: number; label: string } | undefined {
  if (query.day !== undefined) {
    const from = dayStart(query.day);
    if (from === undefined) throw new ReportQueryError(`day must be YYYY-MM-DD, not "${query.day}"`);
    return { from, to: from + DAY_MS, label: query.day };
  }
  if (query.trip === undefined || query.trip === "") throw new ReportQueryError("a report needs a day (YYYY-MM-DD) or a trip");
  return undefined;
}

function originOf(e: Entry): number {
  return typeof e.data.origin === "number" ? e.data.origin : e.at;
}

/** the record's entries from the day before `from` on (readings arrive late, never early); every segment without one */
function readEntries(dir: string, from: number | undefined): Entry[] {
  const firstDay = from === undefined ? "" : dayOf(from - DAY_MS);
  const out: Entry[] = [];
  for (const s of listSegments(dir)) {
    if (s.day < firstDay) continue;
    for (const line of readLines(s.file).lines) {
      const e = parseEntryLine(line);
      if (e) out.push(e);
    }
  }
  return out;
}

/** alarms of the device that were open at some time in [from, to), folded over their transitions */
function alarmsOf(entries: Entry[], from: number, to: number, used: Entry[]): AlarmSummary[] {
  const groups = new Map<string, { summary: AlarmSummary; entries: Entry[] }>();
  const ids = new Map<string, string>();
  for (const e of entries) {
    if (e.kind !== "alert" && e.kind !== "alarm" && e.kind !== "ack") continue;
    const d = e.data;
    const keys = [d.alarmId, d.alertId, typeof d.key === "string" && typeof d.start === "number" ? `${d.key}@${d.start}` : undefined].filter((k): k is string => typeof k === "string");
    if (keys.length === 0) continue;
    let id = keys.map((k) => ids.get(k)).find((k) => k !== undefined);
    if (!id) {
      id = keys[0];
      groups.set(id, {
        summary: { alarmId: (d.alarmId as string) ?? keys[0], rule: "", resource: "", severity: "", start: null, end: null, peak: null, units: "", acknowledgements: [], shelves: [], escalations: [], suppressed: [] },
        entries: [],
      });
    }
    for (const k of keys) ids.set(k, id);
    const g = groups.get(id)!;
    g.entries.push(e);
    const s = g.summary;
    if (typeof d.alarmId === "string") s.alarmId = d.alarmId;
    if (typeof d.rule === "string") s.rule = d.rule;
    if (typeof d.resource === "string") s.resource = d.resource;
    if (typeof d.units === "string") s.units = d.units;
    if (typeof d.start === "number") s.start = d.start;
    // the first clear ends it: a clear repeated later (a producer that lost its state in a crash) does not move the end
    if (typeof d.end === "number" && s.end === null) s.end = d.end;
    if (typeof d.peak === "number") s.peak = d.peak;
    if (typeof d.severity === "string" && e.kind !== "alarm") s.severity ||= d.severity;
    if (e.kind === "alarm" && typeof d.severity === "string") s.severity = d.severity;
    if (Array.isArray(d.suppressed)) for (const n of d.suppressed) if (typeof n === "string" && !s.suppressed.includes(n)) s.suppressed.push(n);
    if (e.kind === "ack") s.acknowledgements.push({ by: String(d.by ?? ""), comment: String(d.comment ?? ""), at: typeof d.ackAt === "number" ? d.ackAt : e.at });
    if (e.kind === "alarm" && d.transition === "shelved") {
      const shelf = (d.shelved ?? {}) as Record<string, unknown>;
      s.shelves.push({ by: String(shelf.by ?? ""), reason: String(shelf.reason ?? ""), until: typeof shelf.until === "number" ? shelf.until : null, at: e.at });
    }
    if (e.kind === "alarm" && d.transition === "escalated") s.escalations.push({ severity: String(d.severity ?? ""), at: e.at });
  }
  const out: AlarmSummary[] = [];
  for (const { summary, entries: list } of groups.values()) {
    const start = summary.start ?? extreme(list.map((e) => e.at), -1);
    const end = summary.end ?? Infinity;
    if (start >= to || end < from) continue;
    out.push(summary);
    used.push(...list);
  }
  return out.sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
}

/** the least (-1) or greatest (1) of many values, without spreading them into arguments (a day holds 100,000s) */
function extreme(values: readonly number[], sign: 1 | -1): number {
  let best = values[0];
  for (const v of values) if (sign * (v - best) > 0) best = v;
  return best;
}
