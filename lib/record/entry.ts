/**
 * One entry of the compliance record and its place in the hash chain: hash = SHA-256(prev hash ‖ canonical entry),
 * so editing an entry changes its hash, and removing, inserting or reordering one breaks the next entry's `prev`.
 * `seq` numbers every entry ever written (0 the first), so a verifier can say which entries are missing.
 */
import { createHash } from "crypto";
import { canonicalJson } from "./canonical-json";

/** readings, alert transitions (edge-rules), alarm transitions and acknowledgements (edge-alarms), configuration, the log's own life */
export type EntryKind = "reading" | "alert" | "alarm" | "ack" | "config" | "start" | "recovery" | "checkpoint";
export const ENTRY_KINDS: readonly EntryKind[] = ["reading", "alert", "alarm", "ack", "config", "start", "recovery", "checkpoint"];

/** the prev of entry 0 */
export const GENESIS = "0".repeat(64);

export interface EntryBody {
  seq: number;
  /** when the gateway recorded it, epoch ms (the gateway's clock, not the reading's) */
  at: number;
  kind: EntryKind;
  data: Record<string, unknown>;
}

export interface Entry extends EntryBody {
  prev: string;
  hash: string;
}

export function entryHash(prev: string, body: EntryBody): string {
  return createHash("sha256").update(prev).update(canonicalJson({ seq: body.seq, at: body.at, kind: body.kind, data: body.data })).digest("hex");
}

export function sealEntry(prev: string, body: EntryBody): Entry {
  return { ...body, prev, hash: entryHash(prev, body) };
}

/** the line the entry is stored as (canonical too, so the file's bytes are the same for the same entry) */
export function entryLine(entry: Entry): string {
  return `${canonicalJson(entry)}\n`;
}

/** an entry read back, or undefined when the line is not one (a verifier then reports it as damaged) */
export function parseEntryLine(line: string): Entry | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!v || typeof v !== "object") return undefined;
  const e = v as Partial<Entry>;
  if (typeof e.seq !== "number" || !Number.isInteger(e.seq) || e.seq < 0) return undefined;
  if (typeof e.at !== "number" || typeof e.kind !== "string" || !ENTRY_KINDS.includes(e.kind as EntryKind)) return undefined;
  if (!e.data || typeof e.data !== "object" || typeof e.prev !== "string" || typeof e.hash !== "string") return undefined;
  return e as Entry;
}
