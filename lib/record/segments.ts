/**
 * The record's files: one segment per UTC day of recording (`record-YYYY-MM-DD.jsonl`), so retention drops whole
 * days, and a head file (`record-head.json`) naming the last entry written and the node's configuration.
 */
import * as fs from "fs";
import * as path from "path";

export const HEAD_FILE = "record-head.json";
const SEGMENT = /^record-(\d{4}-\d{2}-\d{2})\.jsonl$/;
export const DAY_MS = 86400000;

export function dayOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** the epoch ms of a day's 00:00 UTC, or undefined when `day` is not YYYY-MM-DD */
export function dayStart(day: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const t = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(t) && dayOf(t) === day ? t : undefined;
}

export function segmentName(day: string): string {
  return `record-${day}.jsonl`;
}

export interface Segment {
  day: string;
  file: string;
}

/** the segments in the folder, oldest first */
export function listSegments(dir: string): Segment[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((name) => SEGMENT.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ day: m[1], file: path.join(dir, m[0]) }))
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}

export interface SegmentLines {
  lines: string[];
  /** the bytes after the last newline (a write cut short), as text */
  torn: string;
  /** the byte length of the whole lines, newlines included: where a torn tail begins */
  wholeBytes: number;
}

/** a segment's lines, with the bytes after its last newline apart */
export function readLines(file: string): SegmentLines {
  const buf = fs.readFileSync(file);
  const end = buf.lastIndexOf(0x0a);
  const whole = end < 0 ? "" : buf.subarray(0, end).toString("utf8");
  return { lines: whole === "" ? [] : whole.split("\n"), torn: buf.subarray(end + 1).toString("utf8"), wholeBytes: end + 1 };
}
