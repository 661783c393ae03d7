/**
 * Verification of the record: every entry's hash recomputed, every link checked, the numbering followed, the
 * first entry anchored (entry 0, or a checkpoint naming the entry before it), and the head file matched. Each
 * problem names the segment, the line and the entry: an edited entry (its hash no longer matches), one removed
 * (a gap in seq), one inserted or a copy (seq behind, or a link that does not hold), reordered (seq out of order),
 * an unreadable line, a torn tail, entries missing at the end (the head names a later one).
 */
import * as path from "path";
import { Entry, GENESIS, entryHash, parseEntryLine } from "./entry";
import { listSegments, readLines } from "./segments";
import { readHeadFile } from "./record-log";

export type ProblemKind = "edited" | "removed" | "inserted" | "reordered" | "unreadable" | "torn" | "unanchored" | "truncated";

export interface Problem {
  kind: ProblemKind;
  segment: string;
  /** 1-based line in the segment */
  line?: number;
  seq?: number;
  message: string;
}

export interface Verification {
  ok: boolean;
  entries: number;
  segments: number;
  firstSeq: number | null;
  last: { seq: number; hash: string } | null;
  problems: Problem[];
  /** what the record says of itself: repairs after a crash, retention checkpoints */
  notes: Array<{ seq: number; kind: string; data: Record<string, unknown> }>;
  verifiedAt: number;
}

/** at most this many problems are listed: a file replaced whole would otherwise list every line */
const MAX_PROBLEMS = 100;

export function verifyRecord(dir: string, now = Date.now()): Verification {
  const problems: Problem[] = [];
  const notes: Verification["notes"] = [];
  const add = (p: Problem) => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  const segments = listSegments(dir);
  let prev: Entry | undefined;
  let first: { entry: Entry; segment: string; line: number } | undefined;
  const anchors: Array<{ seq: unknown; hash: unknown }> = [];
  let entries = 0;
  let prevLine = 0;
  /** the second of two entries with the same number, until the next entry tells which one was inserted */
  let twin: { entry: Entry; problem: Problem; line: number; refLine: number; refWhere: string } | undefined;
  const gaps: Array<{ from: number; to: number; seen: Set<number>; segment: string; line: number; where: string }> = [];
  segments.forEach((s, si) => {
    const segment = path.basename(s.file);
    const { lines, torn } = readLines(s.file);
    lines.forEach((text, i) => {
      const line = i + 1;
      const entry = parseEntryLine(text);
      if (!entry) {
        add({ kind: "unreadable", segment, line, message: `${segment} line ${line} is not a record entry (edited or damaged)` });
        return;
      }
      entries++;
      const where = `${segment} line ${line} (entry ${entry.seq})`;
      if (entryHash(entry.prev, entry) !== entry.hash) add({ kind: "edited", segment, line, seq: entry.seq, message: `${where}: its content does not match its hash (edited)` });
      if (!prev) first = { entry, segment, line };
      else if (entry.seq > prev.seq + 1) gaps.push({ from: prev.seq + 1, to: entry.seq - 1, seen: new Set(), segment, line, where });
      else if (entry.seq === prev.seq + 1) {
        if (twin && entry.prev === twin.entry.hash) {
          // the entry after two of the same number chains to the later one: the earlier was the insertion
          twin.problem.line = twin.refLine;
          twin.problem.message = `${twin.refWhere}: inserted (the entry after it chains to line ${twin.line} instead)`;
        } else if (entry.prev !== prev.hash) add({ kind: "inserted", segment, line, seq: entry.seq, message: `${where}: it does not follow entry ${prev.seq} (replaced or inserted)` });
      } else if (entry.seq === prev.seq && entry.hash !== prev.hash) {
        const problem: Problem = { kind: "inserted", segment, line, seq: entry.seq, message: `${where}: a second entry ${entry.seq} (inserted)` };
        add(problem);
        twin = { entry, problem, line, refLine: prevLine, refWhere: `${segment} line ${prevLine} (entry ${prev.seq})` };
        return;
      }
      else {
        for (const g of gaps) if (entry.seq >= g.from && entry.seq <= g.to) g.seen.add(entry.seq);
        add({ kind: entry.seq === prev.seq ? "inserted" : "reordered", segment, line, seq: entry.seq, message: `${where}: comes after entry ${prev.seq} (${entry.seq === prev.seq ? "a copy inserted" : "reordered or inserted"})` });
      }
      if (entry.kind === "checkpoint") anchors.push((entry.data.anchor ?? {}) as { seq: unknown; hash: unknown });
      if (entry.kind === "recovery" || entry.kind === "checkpoint") notes.push({ seq: entry.seq, kind: entry.kind, data: entry.data });
      // a reordered entry does not become the reference: the next one is checked against the order it broke
      if (!prev || entry.seq > prev.seq) {
        prev = entry;
        prevLine = line;
      }
      twin = undefined;
    });
    if (torn !== "") {
      const last = si === segments.length - 1;
      add({ kind: last ? "torn" : "unreadable", segment, line: lines.length + 1, message: last ? `${segment} ends in a line cut short (${Buffer.byteLength(torn)} bytes): a torn write` : `${segment} ends in ${Buffer.byteLength(torn)} bytes that are not a whole entry (edited or damaged)` });
    }
  });
  // a gap whose entries all turn up later is an order changed, not entries removed
  for (const g of gaps) {
    const all = g.seen.size === g.to - g.from + 1;
    add({ kind: all ? "reordered" : "removed", segment: g.segment, line: g.line, seq: g.from, message: all ? `${g.where}: entries ${range(g)} should come before it and come later (reordered)` : `${g.where}: entries ${range(g)} are missing before it (removed)` });
  }
  if (first) {
    const e = first.entry;
    const atGenesis = e.seq === 0 && e.prev === GENESIS;
    const anchored = anchors.some((a) => a.seq === e.seq - 1 && a.hash === e.prev);
    if (!atGenesis && !anchored) add({ kind: "unanchored", segment: first.segment, line: first.line, seq: e.seq, message: `the record begins at entry ${e.seq} (${first.segment} line ${first.line}) with no checkpoint naming the entry before it (entries removed at the start)` });
  }
  const head = readHeadFile(dir);
  if (head && head.seq >= 0) {
    const lastSeq = prev?.seq ?? -1;
    if (head.seq > lastSeq) add({ kind: "truncated", segment: HEAD_NAME, seq: head.seq, message: `the head names entry ${head.seq} but the record ends at entry ${lastSeq} (entries removed at the end)` });
    else if (head.seq === lastSeq && prev && head.hash !== prev.hash) add({ kind: "edited", segment: HEAD_NAME, seq: head.seq, message: `entry ${head.seq} is not the one the head names (rewritten)` });
  }
  // in file order: segments by day (the head last), lines within
  problems.sort((a, b) => (a.segment === b.segment ? (a.line ?? 0) - (b.line ?? 0) : a.segment === HEAD_NAME ? 1 : b.segment === HEAD_NAME ? -1 : a.segment < b.segment ? -1 : 1));
  return { ok: problems.length === 0, entries, segments: segments.length, firstSeq: first?.entry.seq ?? null, last: prev ? { seq: prev.seq, hash: prev.hash } : null, problems, notes, verifiedAt: now };
}

const HEAD_NAME = "record-head.json";

function range(g: { from: number; to: number }): string {
  return g.from === g.to ? String(g.from) : `${g.from}…${g.to}`;
}
