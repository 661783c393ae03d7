/**
 * JSON as Basics Station writes it: xtime, rctx, gpstime and JoinEui ranges are 64-bit integers (xtime carries a
 * session id in its top byte), beyond what a double holds exactly. Reading quotes every integer literal longer than
 * 15 digits before JSON.parse, so it arrives as the string "#digits" (a prefix no EUI or hex field starts with) for
 * int64() to read; writing puts bigints back as bare integer literals.
 */
import { isPayloadLimitError, parseJsonWithin } from "../../common/payload-limits";

export class StationJsonError extends Error {
  override name = "StationJsonError";
}

/** marks an integer literal parseStationJson had to quote */
export const LONG_INTEGER_PREFIX = "#";

/** integers up to 15 digits are exact as doubles (Number.MAX_SAFE_INTEGER has 16) */
const MAX_EXACT_DIGITS = 15;

/** Parses a text frame; integers too long for a double come back as "#digits". */
export function parseStationJson(text: string, maxBytes: number): unknown {
  let quoted: string;
  try {
    quoted = quoteLongIntegers(text);
    return parseJsonWithin(quoted, { maxBytes, maxDepth: 16 }, "Basics Station message");
  } catch (err) {
    if (isPayloadLimitError(err)) throw new StationJsonError(err.message);
    throw new StationJsonError(`malformed JSON: ${(err as Error).message}`);
  }
}

/** one pass outside strings: an integer literal (no fraction or exponent) of more than 15 digits becomes "digits" */
function quoteLongIntegers(text: string): string {
  let out = "";
  let copiedTo = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    const isMinus = c === 0x2d;
    if (!isMinus && !(c >= 0x30 && c <= 0x39)) continue;
    const intEnd = digitsFrom(text, i + (isMinus ? 1 : 0));
    let end = intEnd;
    // a fraction or an exponent: the whole number is a double, its digits are not an integer of their own
    if (text[end] === ".") end = digitsFrom(text, end + 1);
    if (text[end] === "e" || text[end] === "E") end = digitsFrom(text, text[end + 1] === "+" || text[end + 1] === "-" ? end + 2 : end + 1);
    if (end === intEnd && intEnd - i - (isMinus ? 1 : 0) > MAX_EXACT_DIGITS) {
      out += text.slice(copiedTo, i) + '"' + LONG_INTEGER_PREFIX + text.slice(i, end) + '"';
      copiedTo = end;
    }
    i = Math.max(i, end - 1);
  }
  return copiedTo === 0 ? text : out + text.slice(copiedTo);
}

function digitsFrom(text: string, from: number): number {
  let end = from;
  while (end < text.length && text.charCodeAt(end) >= 0x30 && text.charCodeAt(end) <= 0x39) end++;
  return end;
}

/** Serialises a message whose 64-bit fields are bigints, written as bare integers. */
export function stringifyStationJson(value: unknown): string {
  const marker = `\u0001big${Math.random().toString(36).slice(2)}:`;
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? marker + v.toString() : v));
  const escaped = JSON.stringify(marker).slice(1, -1);
  return text.split(`"${escaped}`).map((part, i) => (i === 0 ? part : part.replace(/^(-?\d+)"/, "$1"))).join("");
}

/**
 * A 64-bit integer field: a number, or "#digits" (as parseStationJson leaves a long one). Undefined when it is
 * neither; a number that is not an integer is refused too.
 */
export function int64(value: unknown): bigint | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) ? BigInt(value) : undefined;
  if (typeof value === "string" && value.startsWith(LONG_INTEGER_PREFIX) && /^-?\d{1,20}$/.test(value.slice(1))) {
    const v = BigInt(value.slice(1));
    return v >= -(1n << 63n) && v < 1n << 64n ? v : undefined;
  }
  return undefined;
}
