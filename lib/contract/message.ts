/**
 * The message contract: the fields the pack's nodes hand each other on `msg`, and the one place that reads and
 * writes them. docs/MESSAGE-CONTRACT.md lists who writes and who reads each field.
 *
 * - `msg.eventId`: the identity of the message as a unit of delivery. Unique per message that carries new
 *   information (a reading event, one transition of an alert, a summary), the same on every redelivery; durable
 *   queues de-duplicate on it and exports key their records by it. A message derived from another gets an id of
 *   its own and may name its cause (`causeEventId` in an alert's payload).
 * - `msg.priority`: 0 critical … 3 bulk; durable queues drain the lowest number first.
 * - `msg._buffer`: edge-buffer's tag on a message it sends, so its Complete/Catch echo finds the record.
 * - times: epoch milliseconds everywhere; `toEpochMs` converts what devices and EdgeX send.
 */
import { createHash, randomUUID } from "crypto";

export const PRIORITY = { critical: 0, major: 1, minor: 2, bulk: 3 } as const;
export type PriorityName = keyof typeof PRIORITY;
export const DEFAULT_PRIORITY = PRIORITY.bulk;

/** a fresh message identity */
export function newEventId(): string {
  return randomUUID();
}

/**
 * The identity of a message derived from another (a model's result, one transition of an alert): a name-based
 * UUID of the cause's id and the producer's scope, so a redelivered cause yields the same id (queues de-duplicate
 * the copy) while the derived message never shares its cause's id. A fresh id when there is no cause.
 */
export function derivedEventId(causeEventId: string | undefined, scope: string): string {
  if (causeEventId === undefined) return newEventId();
  const h = createHash("sha256").update(causeEventId).update("\u0000").update(scope).digest();
  h[6] = (h[6] & 0x0f) | 0x80; // version 8: custom, name-based
  h[8] = (h[8] & 0x3f) | 0x80; // RFC 9562 variant
  const x = h.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** the message that carries an event (edge-ingest, edge-lorawan-uplink): the event's id is the message's identity */
export function withEventIdentity<M extends Record<string, unknown>>(msg: M, event: { id: string }): M & { eventId: string } {
  return { ...msg, eventId: event.id };
}

/** msg.eventId when it is a usable identity (a non-empty string of at most 255 bytes), else undefined */
export function eventIdOf(msg: Record<string, unknown>): string | undefined {
  const id = msg.eventId;
  return typeof id === "string" && id.length > 0 && Buffer.byteLength(id) <= 255 ? id : undefined;
}

/**
 * msg.priority as a lane: a number (rounded down, clamped to 0 … lanes-1) or a name ("critical", "major",
 * "minor", "bulk"); anything else, or nothing, is bulk (the last lane).
 */
export function priorityOf(msg: Record<string, unknown>, lanes = 4): number {
  const last = Math.max(0, lanes - 1);
  const raw = msg.priority;
  let p: number | undefined;
  if (typeof raw === "number" && Number.isFinite(raw)) p = Math.floor(raw);
  else if (typeof raw === "string" && raw.trim() !== "") {
    const named = (PRIORITY as Record<string, number>)[raw.trim().toLowerCase()];
    p = named ?? (Number.isFinite(Number(raw)) ? Math.floor(Number(raw)) : undefined);
  }
  if (p === undefined) return last;
  return Math.max(0, Math.min(last, p));
}

/** what travels with a message edge-buffer sent, so its ack (Complete) or nack (Catch) finds the record */
export interface BufferTag {
  /** the record's id in the buffer's queue */
  id: string;
  /** the edge-buffer node that sent it */
  node: string;
  /** 1 on the first delivery, then 2, 3, … */
  attempt: number;
}

export function bufferTagOf(msg: Record<string, unknown>): BufferTag | undefined {
  const tag = msg._buffer as Partial<BufferTag> | undefined;
  if (!tag || typeof tag !== "object" || typeof tag.id !== "string" || typeof tag.node !== "string") return undefined;
  return { id: tag.id, node: tag.node, attempt: typeof tag.attempt === "number" ? tag.attempt : 1 };
}

const NS_THRESHOLD = 1e17; // epoch ns since 1973; epoch ms reach this only in the year 3 million
const US_THRESHOLD = 1e14; // epoch µs since 1973

/**
 * A time as epoch milliseconds: a Date, an ISO 8601 string, or a number of milliseconds, microseconds or
 * nanoseconds since the epoch (told apart by magnitude, for times after 1973: EdgeX origins are nanoseconds).
 * Seconds are not guessed (a small number is as likely a relative time in ms): callers that know a field is in
 * seconds multiply it themselves. Undefined when not a time.
 */
export function toEpochMs(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? value.getTime() : undefined;
  if (typeof value === "bigint") return toEpochMs(Number(value));
  if (typeof value === "string") {
    const t = value.trim();
    if (t === "") return undefined;
    if (/^-?\d+(\.\d+)?$/.test(t)) return toEpochMs(Number(t));
    const parsed = Date.parse(t);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  if (typeof value !== "number" || !Number.isFinite(value)) return undefined;
  const a = Math.abs(value);
  if (a >= NS_THRESHOLD) return Math.round(value / 1e6);
  if (a >= US_THRESHOLD) return Math.round(value / 1e3);
  return value;
}
