/**
 * The JSON text of a plain-data value written as UTF-8 straight into a buffer, in the one walk that also checks
 * the value is exact JSON (message-codec's exactJsonOf: the same values pass, the same bytes as
 * Buffer.from(JSON.stringify(value)) come out). JSON.stringify scans and escapes a string a character at a time
 * (about 2.9 µs for 1 KB on Node 20) and its text is then encoded again; here a string is encoded once by the
 * native UTF-8 writer and checked four bytes at a time for what JSON escapes (about 0.5 µs for 1 KB). Strings
 * that need escaping, and numbers other than small integers, go through JSON.stringify / String themselves.
 */
import { MAX_MESSAGE_DEPTH } from "./message-codec";

/** where the bytes go: `buf` from `at` on; need(n) makes room for n more bytes (it may replace buf and move at) */
export interface JsonSink {
  buf: Buffer;
  /** the same memory as buf, as 32-bit words from the start of its ArrayBuffer (buf.byteOffset is a multiple of 4) */
  words: Int32Array;
  at: number;
  need(bytes: number): void;
}

/** strings shorter than this are checked in a JavaScript loop, longer ones by the native encoder and words */
const SHORT_STRING = 24;

const SEEN = new Set<object>();
let seenInUse = false;

/** writes the JSON of `value` into the sink; false (sink position undefined) when the value is not exact JSON */
export function writeExactJson(value: unknown, sink: JsonSink): boolean {
  // a getter calling back in here while the set is in use gets a set of its own
  if (seenInUse) return writeValue(value, 0, sink, new Set());
  seenInUse = true;
  try {
    return writeValue(value, 0, sink, SEEN);
  } finally {
    SEEN.clear();
    seenInUse = false;
  }
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as object | null;
  // an object of another realm (a function node's sandbox) has that realm's Object.prototype
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function writeValue(value: unknown, depth: number, sink: JsonSink, seen: Set<object>): boolean {
  switch (typeof value) {
    case "string":
      writeString(value, sink);
      return true;
    case "number":
      if (!Number.isFinite(value) || Object.is(value, -0)) return false;
      writeNumber(value, sink);
      return true;
    case "boolean":
      writeAscii(value ? "true" : "false", sink);
      return true;
    case "object": {
      if (value === null) {
        writeAscii("null", sink);
        return true;
      }
      if (depth > MAX_MESSAGE_DEPTH || seen.has(value)) return false;
      seen.add(value);
      if (Array.isArray(value)) {
        writeByte(0x5b, sink);
        for (let i = 0; i < value.length; i++) {
          if (i > 0) writeByte(0x2c, sink);
          if (!writeValue(value[i], depth + 1, sink, seen)) return false;
        }
        writeByte(0x5d, sink);
        return true;
      }
      if (!isPlainObject(value) || (depth === 0 && ("req" in value || "res" in value))) return false;
      writeByte(0x7b, sink);
      let first = true;
      for (const key in value) {
        if (key === "__proto__") return false;
        if (!first) writeByte(0x2c, sink);
        first = false;
        writeString(key, sink);
        writeByte(0x3a, sink);
        if (!writeValue((value as Record<string, unknown>)[key], depth + 1, sink, seen)) return false;
      }
      writeByte(0x7d, sink);
      return true;
    }
    default:
      return false;
  }
}

function writeByte(byte: number, sink: JsonSink): void {
  sink.need(1);
  sink.buf[sink.at++] = byte;
}

/** text known to be ASCII (literals, the digits of a number) */
function writeAscii(text: string, sink: JsonSink): void {
  sink.need(text.length);
  const buf = sink.buf;
  let at = sink.at;
  for (let i = 0; i < text.length; i++) buf[at++] = text.charCodeAt(i);
  sink.at = at;
}

function writeNumber(value: number, sink: JsonSink): void {
  // small integers (counters, ids, epoch milliseconds) digit by digit; the rest as JSON (and String) print them
  if (Number.isSafeInteger(value)) {
    let n = value < 0 ? -value : value;
    let digits = 1;
    for (let p = 10; p <= n; p *= 10) digits++;
    const length = digits + (value < 0 ? 1 : 0);
    sink.need(length);
    const buf = sink.buf;
    if (value < 0) buf[sink.at] = 0x2d;
    let at = sink.at + length;
    sink.at = at;
    do {
      buf[--at] = 0x30 + (n % 10);
      n = Math.floor(n / 10);
    } while (n > 0);
    return;
  }
  writeAscii(String(value), sink);
}

function writeString(text: string, sink: JsonSink): void {
  const n = text.length;
  if (n < SHORT_STRING) {
    sink.need(n + 2);
    const buf = sink.buf;
    let at = sink.at;
    buf[at++] = 0x22;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x20 || c > 0x7f || c === 0x22 || c === 0x5c) return writeEscaped(text, sink);
      buf[at++] = c;
    }
    buf[at++] = 0x22;
    sink.at = at;
    return;
  }
  // UTF-8 takes at most 3 bytes per UTF-16 code unit
  sink.need(3 * n + 2);
  const buf = sink.buf;
  const start = sink.at + 1;
  const written = buf.write(text, start, "utf8");
  // any byte JSON escapes, or any of a multi-byte character (they need no escape, but a lone surrogate does, and
  // JSON.stringify tells them apart): written again the slow way
  if (!plainAscii(sink, start, start + written)) return writeEscaped(text, sink);
  buf[start - 1] = 0x22;
  buf[start + written] = 0x22;
  sink.at = start + written + 1;
}

function writeEscaped(text: string, sink: JsonSink): void {
  const json = JSON.stringify(text);
  sink.need(3 * json.length);
  sink.at += sink.buf.write(json, sink.at, "utf8");
}

/** bytes [from, to) of the sink are all ASCII from 0x20 on but `"` and `\`: what JSON writes as is */
function plainAscii(sink: JsonSink, from: number, to: number): boolean {
  const buf = sink.buf;
  const base = buf.byteOffset;
  let i = from;
  // the bytes before the first whole word
  for (; i < to && ((base + i) & 3) !== 0; i++) if (!plainByte(buf[i])) return false;
  const words = sink.words;
  let bad = 0;
  let w = (base + i) >> 2;
  const lastWord = (base + to) >> 2;
  for (; w < lastWord; w++) {
    const v = words[w];
    const quote = v ^ 0x22222222;
    const backslash = v ^ 0x5c5c5c5c;
    // a byte below 0x20 (v - 0x20 borrows into its top bit), at or above 0x80, or equal to 0x22 or 0x5c (a zero
    // byte in v xor that pattern: the classic haszero test, exact)
    bad |= ((v - 0x20202020) | v | ((quote - 0x01010101) & ~quote) | ((backslash - 0x01010101) & ~backslash)) & 0x80808080;
  }
  if (bad !== 0) return false;
  for (i = Math.max(i, (lastWord << 2) - base); i < to; i++) if (!plainByte(buf[i])) return false;
  return true;
}

function plainByte(c: number): boolean {
  return c >= 0x20 && c <= 0x7f && c !== 0x22 && c !== 0x5c;
}
