/**
 * How a message is stored by the pack's durable queues, so that what comes back equals what went in: Buffers stay
 * Buffers, typed arrays the same typed array, Dates Dates, Maps, Sets, RegExps and Errors themselves, nested and
 * shared (even circular) references as they were. V8's structured clone (v8.serialize) does that; before it, one
 * pass leaves out what cannot be stored, as Node-RED's core leaves `req` and `res` out when it clones a message:
 * functions, symbols, and live objects (sockets, streams and other event emitters, timers, promises, weak
 * collections). Other class instances are kept as their data (toJSON if they have one, as JSON did before, else
 * their own enumerable fields); if one still holds something V8 cannot copy, all class instances are left out.
 */
import * as v8 from "v8";
import { types } from "util";
import { EventEmitter } from "events";

/** how deep a message may nest: deeper ones are refused (V8's copy, like JSON's, would overflow the stack) */
export const MAX_MESSAGE_DEPTH = 1000;

export class MessageNotStorableError extends Error {}

/** top-level fields of a Node-RED message that are live handles of the runtime, never data */
const RUNTIME_FIELDS = new Set(["req", "res"]);

const OMIT = Symbol("omit");

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as object | null;
  // an object of another realm (a function node's sandbox) has that realm's Object.prototype
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function isLiveObject(value: object): boolean {
  if (value instanceof EventEmitter || types.isPromise(value) || types.isWeakMap(value) || types.isWeakSet(value) || types.isProxy(value)) return true;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return name === "Timeout" || name === "Immediate" || name === "WeakRef" || name === "FinalizationRegistry" || name === "KeyObject" || name === "AbortSignal";
}

/** values V8 copies itself, whole */
function isClonedAsIs(value: object): boolean {
  return types.isDate(value) || types.isRegExp(value) || types.isNativeError(value) || types.isArrayBufferView(value) || types.isAnyArrayBuffer(value) || types.isBoxedPrimitive(value);
}

class Stripper {
  private readonly copies = new Map<object, unknown>();

  constructor(private readonly keepInstances: boolean) {}

  strip(value: unknown, depth: number): unknown {
    const t = typeof value;
    if (t !== "object") return t === "function" || t === "symbol" ? OMIT : value;
    if (value === null) return null;
    const obj = value as object;
    const seen = this.copies.get(obj);
    if (seen !== undefined) return seen;
    if (depth > MAX_MESSAGE_DEPTH) throw new MessageNotStorableError(`the message is nested deeper than ${MAX_MESSAGE_DEPTH} levels; it cannot be stored`);
    // the common shapes first: plain objects and arrays
    if (Array.isArray(obj)) {
      const out: unknown[] = new Array(obj.length);
      this.copies.set(obj, out);
      for (let i = 0; i < obj.length; i++) {
        const v = this.strip(obj[i], depth + 1);
        out[i] = v === OMIT ? null : v; // as JSON does: an array keeps its length
      }
      return out;
    }
    if (isPlainObject(obj)) return this.copyFields(obj as Record<string, unknown>, depth);
    if (isClonedAsIs(obj)) return obj;
    if (types.isMap(obj)) {
      const out = new Map<unknown, unknown>();
      this.copies.set(obj, out);
      for (const [k, v] of obj as Map<unknown, unknown>) {
        const sk = this.strip(k, depth + 1);
        const sv = this.strip(v, depth + 1);
        if (sk !== OMIT && sv !== OMIT) out.set(sk, sv);
      }
      return out;
    }
    if (types.isSet(obj)) {
      const out = new Set<unknown>();
      this.copies.set(obj, out);
      for (const v of obj as Set<unknown>) {
        const sv = this.strip(v, depth + 1);
        if (sv !== OMIT) out.add(sv);
      }
      return out;
    }
    // a class instance
    if (!this.keepInstances || isLiveObject(obj)) return OMIT;
    const toJSON = (obj as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") {
      this.copies.set(obj, null); // a toJSON that returns its own object would otherwise recurse
      const data = this.strip(toJSON.call(obj), depth + 1);
      this.copies.set(obj, data === OMIT ? null : data);
      return data;
    }
    return this.copyFields(obj as Record<string, unknown>, depth);
  }

  private copyFields(obj: Record<string, unknown>, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.copies.set(obj, out);
    for (const key in obj) {
      if (!Object.prototype.hasOwnProperty.call(obj, key) || (depth === 0 && RUNTIME_FIELDS.has(key))) continue;
      const v = this.strip(obj[key], depth + 1);
      if (v !== OMIT) out[key] = v;
    }
    return out;
  }
}

function serialize(value: unknown, keepInstances: boolean): Buffer {
  const stripped = new Stripper(keepInstances).strip(value, 0);
  return v8.serialize(stripped === OMIT ? null : stripped);
}

/** true when JSON gives back exactly this value: plain objects and arrays of strings, finite numbers, booleans, null, no shared references */
function isExactJson(value: unknown, depth: number, seen: Set<object>): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0);
    case "object": {
      if (value === null) return true;
      if (depth > MAX_MESSAGE_DEPTH || seen.has(value)) return false;
      seen.add(value);
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isExactJson(value[i], depth + 1, seen)) return false;
        return true;
      }
      if (!isPlainObject(value) || (depth === 0 && ("req" in value || "res" in value))) return false;
      for (const key in value) if (key === "__proto__" || !isExactJson((value as Record<string, unknown>)[key], depth + 1, seen)) return false;
      return true;
    }
    default:
      return false;
  }
}

/**
 * Most messages are plain data, for which JSON is exact and costs half of the structured clone: their stored form
 * is JSON text, or undefined when the message needs encodeMessage.
 */
export function exactJsonOf(value: unknown): string | undefined {
  // one set for every call, emptied after each: a set per message was garbage at every push (a getter calling
  // back in here while the set is in use gets a set of its own)
  if (seenInUse) return isExactJson(value, 0, new Set()) ? JSON.stringify(value) : undefined;
  seenInUse = true;
  try {
    return isExactJson(value, 0, SEEN) ? JSON.stringify(value) : undefined;
  } finally {
    SEEN.clear();
    seenInUse = false;
  }
}

const SEEN = new Set<object>();
let seenInUse = false;

/** the stored form of a message (or any value); throws MessageNotStorableError when it cannot be stored */
export function encodeMessage(value: unknown): Buffer {
  try {
    return serialize(value, true);
  } catch (err) {
    if (err instanceof MessageNotStorableError) throw err;
    if (err instanceof RangeError) throw new MessageNotStorableError(`the message cannot be stored: ${err.message}`);
    // a class instance holding something V8 cannot copy (a native handle): leave class instances out altogether
    try {
      return serialize(value, false);
    } catch (again) {
      throw new MessageNotStorableError(`the message cannot be stored: ${(again as Error).message}`);
    }
  }
}

/** the value back from its stored form */
export function decodeMessage(stored: Buffer): unknown {
  return v8.deserialize(stored);
}
