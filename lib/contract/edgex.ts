/**
 * EdgeX's v3 event DTO and the pack's normalised event (lib/ingest/event.ts), both ways. The DTO carries values
 * as strings and origins in nanoseconds; a node that takes events converts it here, so nothing reads "21.5" as a
 * string or nanoseconds as milliseconds. What cannot be converted is refused with an error that names the field.
 */
import { randomUUID } from "crypto";
import type { EdgeEvent, Reading, ReadingValue, ValueType } from "../ingest/event";
import { toEpochMs } from "./message";

export interface EdgexReadingDto {
  id: string;
  /** epoch nanoseconds */
  origin: number;
  deviceName: string;
  resourceName: string;
  profileName: string;
  valueType: string;
  value?: string;
  objectValue?: unknown;
  units?: string;
}

export interface EdgexEventDto {
  apiVersion: "v3";
  id: string;
  deviceName: string;
  profileName: string;
  sourceName: string;
  /** epoch nanoseconds */
  origin: number;
  readings: EdgexReadingDto[];
}

export class EventFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EventFormatError";
  }
}

const INTEGER_RANGES: Partial<Record<ValueType, [number, number]>> = {
  Int8: [-128, 127],
  Int16: [-32768, 32767],
  Int32: [-2147483648, 2147483647],
  Int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  Uint8: [0, 255],
  Uint16: [0, 65535],
  Uint32: [0, 4294967295],
  Uint64: [0, Number.MAX_SAFE_INTEGER],
};
const SUPPORTED: ReadonlySet<string> = new Set(["Bool", "String", "Object", "Float32", "Float64", ...Object.keys(INTEGER_RANGES)]);

const nsOf = (ms: number) => ms * 1e6;

/** EdgeX's own v3 event DTO: values as strings, origins in nanoseconds. */
export function toEdgexDto(e: EdgeEvent): EdgexEventDto {
  return {
    apiVersion: "v3",
    id: e.id,
    deviceName: e.deviceName,
    profileName: e.profileName,
    sourceName: e.sourceName,
    origin: nsOf(e.origin),
    readings: e.readings.map((r) => ({
      id: r.id,
      origin: nsOf(r.origin),
      deviceName: r.deviceName,
      resourceName: r.resourceName,
      profileName: r.profileName,
      valueType: r.valueType,
      ...(r.valueType === "Object" ? { objectValue: r.value } : { value: String(r.value) }),
      ...(r.units ? { units: r.units } : {}),
    })),
  };
}

/** an EdgeX event DTO (it names its API version), or an AddEventRequest wrapping one */
export function isEdgexDto(x: unknown): boolean {
  if (!x || typeof x !== "object") return false;
  const o = x as Record<string, unknown>;
  if (typeof o.apiVersion !== "string") return false;
  return Array.isArray(o.readings) || (!!o.event && typeof o.event === "object" && Array.isArray((o.event as Record<string, unknown>).readings));
}

/**
 * An event as the pack's nodes read it: an EdgeX DTO converted (strictly: every value as its valueType says),
 * or a normalised event with its times brought to epoch ms and any value sent as a string typed. Throws
 * EventFormatError naming the reading and field that is wrong.
 */
export function toEdgeEvent(payload: Record<string, unknown>, now = Date.now()): EdgeEvent {
  // what one node of the pack sends the next is already in this form: taken as it is, not copied reading by reading
  if (isNormalised(payload)) return payload as unknown as EdgeEvent;
  const dto = isEdgexDto(payload);
  const e = (dto && !Array.isArray(payload.readings) ? payload.event : payload) as Record<string, unknown>;
  const readingsIn = e.readings as unknown[];
  const eventOrigin = e.origin === undefined ? undefined : timeOf(e.origin, "the event's origin");
  const deviceName = typeof e.deviceName === "string" ? e.deviceName : undefined;
  const profileName = typeof e.profileName === "string" ? e.profileName : "";
  const readings = readingsIn.map((raw, i) => {
    if (!raw || typeof raw !== "object") throw new EventFormatError(`reading ${i + 1} is not an object`);
    const r = raw as Record<string, unknown>;
    const resourceName = typeof r.resourceName === "string" && r.resourceName ? r.resourceName : undefined;
    // the reading's name in an error is put together only when there is one: not two strings per reading and node
    if (dto && !resourceName) throw new EventFormatError(`${whereOf(i, resourceName)} has no resourceName`);
    const origin = r.origin === undefined ? (eventOrigin ?? now) : readingTime(r.origin, i, resourceName);
    // a normalised event keeps what else its readings carry (flags, edge-rules' annotations)
    const reading: Reading = {
      ...(dto ? {} : (r as Partial<Reading>)),
      id: typeof r.id === "string" && r.id ? r.id : randomUUID(),
      origin,
      deviceName: typeof r.deviceName === "string" && r.deviceName ? r.deviceName : (deviceName ?? ""),
      resourceName: resourceName ?? "value",
      profileName: typeof r.profileName === "string" ? r.profileName : profileName,
      valueType: (typeof r.valueType === "string" ? r.valueType : "Float64") as ValueType,
      value: dto ? dtoValue(r, i, resourceName) : eventValue(r, i, resourceName),
    };
    if (typeof r.units === "string" && r.units) reading.units = r.units;
    return reading;
  });
  const event: EdgeEvent = {
    ...(dto ? {} : (e as Partial<EdgeEvent>)),
    id: typeof e.id === "string" && e.id ? e.id : randomUUID(),
    deviceName: deviceName ?? readings[0]?.deviceName ?? "",
    profileName,
    sourceName: typeof e.sourceName === "string" ? e.sourceName : (readings[0]?.resourceName ?? ""),
    origin: eventOrigin ?? readings[0]?.origin ?? now,
    readings,
  };
  return event;
}

const isEpochMs = (v: unknown): boolean => typeof v === "number" && v > 1e11 && v < 1e14;
const isName = (v: unknown): boolean => typeof v === "string" && v !== "";

/**
 * an event the conversion below would give back unchanged (every field there, times in epoch ms, values typed): a
 * check of a few fields per reading instead of a copy of each
 */
function isNormalised(e: Record<string, unknown>): boolean {
  if (typeof e.apiVersion === "string" || !isName(e.id) || typeof e.deviceName !== "string" || typeof e.profileName !== "string" || typeof e.sourceName !== "string" || !isEpochMs(e.origin)) return false;
  const readings = e.readings;
  if (!Array.isArray(readings)) return false;
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i] as Record<string, unknown> | null;
    if (!r || typeof r !== "object" || !isName(r.id) || !isEpochMs(r.origin) || !isName(r.deviceName) || !isName(r.resourceName) || typeof r.profileName !== "string") return false;
    const t = r.valueType;
    // a string value is typed by the conversion when its valueType is a number or Bool
    if (typeof t !== "string" || (typeof r.value === "string" && t !== "String" && t !== "Object")) return false;
  }
  return true;
}

/** how an error names reading `i` (0-based) */
function whereOf(i: number, name: string | undefined): string {
  return `reading ${i + 1}${name ? ` (${name})` : ""}`;
}

function readingTime(v: unknown, i: number, name: string | undefined): number {
  // epoch ms, the common case, as toEpochMs reads it
  if (typeof v === "number" && v > 1e11 && v < 1e14) return v;
  return timeOf(v, `the origin of ${whereOf(i, name)}`);
}

function timeOf(v: unknown, what: string): number {
  const ms = toEpochMs(v);
  if (ms === undefined) throw new EventFormatError(`${what} is not a time (epoch ms, µs or ns, or ISO 8601): ${short(v)}`);
  return ms;
}

/** a DTO reading's value, strictly by its valueType */
function dtoValue(r: Record<string, unknown>, i: number, name: string | undefined): ReadingValue {
  const t = r.valueType;
  const where = whereOf(i, name);
  if (typeof t !== "string" || !SUPPORTED.has(t)) throw new EventFormatError(`${where}: valueType ${short(t)} is not supported (Bool, Int8…Int64, Uint8…Uint64, Float32, Float64, String, Object)`);
  if (t === "Object") {
    const o = r.objectValue ?? r.value;
    if (o && typeof o === "object") return o as Record<string, unknown>;
    if (typeof o === "string") {
      try {
        const parsed: unknown = JSON.parse(o);
        if (parsed && typeof parsed === "object") return parsed as Record<string, unknown>;
      } catch {
        // refused below
      }
    }
    throw new EventFormatError(`${where}: an Object reading needs an objectValue, got ${short(o)}`);
  }
  return typed(r.value, t as ValueType, where);
}

/** a normalised event's value: kept when already typed, a string typed when the valueType says number or Bool */
function eventValue(r: Record<string, unknown>, i: number, name: string | undefined): ReadingValue {
  const v = r.value;
  if (typeof v === "string" && typeof r.valueType === "string" && (r.valueType === "Bool" || r.valueType === "Float32" || r.valueType === "Float64" || r.valueType in INTEGER_RANGES)) {
    return typed(v, r.valueType as ValueType, whereOf(i, name));
  }
  return v as ReadingValue;
}

function typed(v: unknown, t: ValueType, where: string): ReadingValue {
  if (t === "String") {
    if (typeof v === "string") return v;
    throw new EventFormatError(`${where}: a String reading needs a string value, got ${short(v)}`);
  }
  if (t === "Bool") {
    if (typeof v === "boolean") return v;
    if (typeof v === "string" && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === "true";
    throw new EventFormatError(`${where}: ${short(v)} is not a Bool (true or false)`);
  }
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new EventFormatError(`${where}: ${short(v)} is not a ${t}`);
  const range = INTEGER_RANGES[t];
  if (range) {
    if (!Number.isInteger(n)) throw new EventFormatError(`${where}: ${short(v)} is not a whole number for ${t}`);
    if (n < range[0] || n > range[1]) throw new EventFormatError(`${where}: ${short(v)} is outside ${t}${t.endsWith("64") ? " or beyond the integers a JavaScript number holds exactly (2^53)" : ""}`);
  }
  return n;
}

/** a value as an error message shows it: short, and without walking a large or deep object */
function short(v: unknown): string {
  if (v === undefined) return "nothing";
  if (typeof v === "string") return v.length > 40 ? `${JSON.stringify(v.slice(0, 40))}…` : JSON.stringify(v);
  if (Array.isArray(v)) return "an array";
  if (v !== null && typeof v === "object") return "an object";
  return String(v);
}
