/**
 * One bound on what a node parses, copies or walks: the size in bytes and the nesting depth of a payload. A payload
 * over either is refused with a PayloadLimitError that names the limit, before anything recursive (JSON.stringify,
 * a deep clone, a regular expression with a repeated group) meets it and overflows the stack.
 *
 * Defaults: 1 MiB and 64 levels. A sensor reading, a LoRaWAN or CoAP message or an EdgeX event is a few KB and a
 * handful of levels deep; 64 levels stays far below what recursive code in Node.js and Node-RED survives (a few
 * thousand), and 1 MiB bounds what one message can make a node hold or copy.
 *
 * Usage:
 *   assertWithinLimits(msg.payload, { maxBytes: 256 * 1024 }, "msg.payload"); // walks iteratively, throws on excess
 *   const value = parseJsonWithin(text, {}, "CoAP payload");                  // size and depth checked before JSON.parse
 *   if (isPayloadLimitError(err)) ... err.limit === "maxBytes" | "maxDepth", err.max, err.actual
 */

export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 64;

export interface PayloadLimits {
  /** default DEFAULT_MAX_BYTES */
  maxBytes?: number;
  /** default DEFAULT_MAX_DEPTH; a scalar is depth 0, `{a: 1}` depth 1 */
  maxDepth?: number;
}

export class PayloadLimitError extends Error {
  override name = "PayloadLimitError";
  constructor(
    message: string,
    readonly limit: "maxBytes" | "maxDepth",
    readonly max: number,
    /** bytes counted or depth reached when the walk stopped (a lower bound: it stops at the first excess) */
    readonly actual: number,
  ) {
    super(message);
  }
}

export function isPayloadLimitError(err: unknown): err is PayloadLimitError {
  return err instanceof Error && err.name === "PayloadLimitError" && "limit" in err;
}

export function resolveLimits(limits: PayloadLimits = {}): Required<PayloadLimits> {
  const maxBytes = limits.maxBytes !== undefined && Number.isFinite(limits.maxBytes) && limits.maxBytes > 0 ? Math.floor(limits.maxBytes) : DEFAULT_MAX_BYTES;
  const maxDepth = limits.maxDepth !== undefined && Number.isFinite(limits.maxDepth) && limits.maxDepth >= 0 ? Math.floor(limits.maxDepth) : DEFAULT_MAX_DEPTH;
  return { maxBytes, maxDepth };
}

/** "1 MiB", "64 KiB", "1500 bytes" */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

export function sizeError(what: string, actual: number, maxBytes: number, atLeast = false): PayloadLimitError {
  return new PayloadLimitError(`${what} is over the ${formatBytes(maxBytes)} size limit (${atLeast ? "at least " : ""}${actual} bytes; maxBytes ${maxBytes})`, "maxBytes", maxBytes, actual);
}

export function depthError(what: string, maxDepth: number): PayloadLimitError {
  return new PayloadLimitError(`${what} is nested deeper than the ${maxDepth}-level depth limit (maxDepth ${maxDepth})`, "maxDepth", maxDepth, maxDepth + 1);
}

/** Throws when a string or byte sequence alone is over maxBytes (UTF-8 bytes for a string). */
export function assertSizeWithin(value: string | Uint8Array | ArrayBuffer, limits: PayloadLimits = {}, what = "payload"): void {
  const { maxBytes } = resolveLimits(limits);
  // a string's UTF-8 length is at least its length in UTF-16 units: no need to count a string already too long
  const bytes = typeof value === "string" ? (value.length > maxBytes ? value.length : Buffer.byteLength(value)) : value.byteLength;
  if (bytes > maxBytes) throw sizeError(what, bytes, maxBytes, typeof value === "string" && value.length > maxBytes);
}

/**
 * Walks a value without recursion and throws a PayloadLimitError at the first excess of size or depth. Size counts
 * UTF-8 bytes of strings and keys, bytes of Buffers and typed arrays, 8 per other scalar; an object met twice (a
 * shared or circular reference) counts once.
 */
export function assertWithinLimits(value: unknown, limits: PayloadLimits = {}, what = "payload"): void {
  const { maxBytes, maxDepth } = resolveLimits(limits);
  const seen = new Set<object>();
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  let bytes = 0;
  const add = (n: number) => {
    bytes += n;
    if (bytes > maxBytes) throw sizeError(what, bytes, maxBytes, true);
  };
  while (stack.length > 0) {
    const item = stack.pop()!;
    const v = item.value;
    if (typeof v === "string") {
      add(v.length > maxBytes ? v.length : Buffer.byteLength(v));
      continue;
    }
    if (v === null || typeof v !== "object") {
      add(8);
      continue;
    }
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) {
      add(v.byteLength);
      continue;
    }
    if (seen.has(v)) continue;
    seen.add(v);
    if (item.depth + 1 > maxDepth) throw depthError(what, maxDepth);
    if (v instanceof Date) {
      add(8);
      continue;
    }
    if (v instanceof Map) {
      for (const [k, x] of v) {
        stack.push({ value: k, depth: item.depth + 1 }, { value: x, depth: item.depth + 1 });
        add(1);
      }
      continue;
    }
    if (Array.isArray(v) || v instanceof Set) {
      for (const x of v) {
        stack.push({ value: x, depth: item.depth + 1 });
        add(1);
      }
      add(2);
      continue;
    }
    add(2);
    for (const key of Object.keys(v)) {
      add(key.length + 1);
      stack.push({ value: (v as Record<string, unknown>)[key], depth: item.depth + 1 });
    }
  }
}

/** The nesting depth of JSON text ({ and [ outside strings), scanned without building anything; stops past maxDepth. */
export function jsonTextDepth(text: string, stopAbove = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) {
        max = depth;
        if (max > stopAbove) return max;
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** JSON.parse with the size checked first and the depth checked on the text, so nothing deep is ever built. */
export function parseJsonWithin(input: string | Buffer, limits: PayloadLimits = {}, what = "payload"): unknown {
  const resolved = resolveLimits(limits);
  assertSizeWithin(input, resolved, what);
  const text = typeof input === "string" ? input : input.toString("utf8");
  if (jsonTextDepth(text, resolved.maxDepth) > resolved.maxDepth) throw depthError(what, resolved.maxDepth);
  return JSON.parse(text);
}
