/**
 * EdgeX's reading transforms, applied in its order — base, scale, offset, mask, shift — then the value's type
 * and range checks. Base raises base to the power of the raw value; mask is a bitwise AND and shift a bit shift
 * (positive: left, negative: right), for integer types only.
 */
import type { ResourceProperties } from "./profile";
import type { ValueType } from "./event";

const INT_RANGES: Partial<Record<ValueType, [bigint, bigint]>> = {
  Int8: [-128n, 127n],
  Int16: [-32768n, 32767n],
  Int32: [-2147483648n, 2147483647n],
  Int64: [-(2n ** 63n), 2n ** 63n - 1n],
  Uint8: [0n, 255n],
  Uint16: [0n, 65535n],
  Uint32: [0n, 4294967295n],
  Uint64: [0n, 2n ** 64n - 1n],
};

export function isIntegerType(t: ValueType): boolean {
  return t in INT_RANGES;
}

export function applyTransforms(value: number, p: ResourceProperties): number {
  let v = value;
  if (p.base !== undefined && p.base !== 0) v = p.base ** v;
  if (p.scale !== undefined) v *= p.scale;
  if (p.offset !== undefined) v += p.offset;
  if (isIntegerType(p.valueType)) {
    if (p.mask !== undefined) v = Number(BigInt(Math.trunc(v)) & BigInt(Math.trunc(p.mask)));
    if (p.shift !== undefined && p.shift !== 0) {
      const b = BigInt(Math.trunc(v));
      const s = BigInt(Math.abs(Math.trunc(p.shift)));
      v = Number(p.shift > 0 ? b << s : b >> s);
    }
  }
  return v;
}

export type Coerced = { ok: true; value: number | boolean | string | Record<string, unknown> | unknown[] } | { ok: false; message: string };

/** Brings a raw value to the resource's value type, or says why it cannot be. */
export function coerce(raw: unknown, t: ValueType): Coerced {
  switch (t) {
    case "Bool":
      if (typeof raw === "boolean") return { ok: true, value: raw };
      if (raw === 1 || raw === 0) return { ok: true, value: raw === 1 };
      if (typeof raw === "string" && /^(true|false|on|off|open|closed|1|0)$/i.test(raw)) return { ok: true, value: /^(true|on|open|1)$/i.test(raw) };
      return { ok: false, message: `${JSON.stringify(raw)} is not a Bool` };
    case "String":
      if (typeof raw === "string") return { ok: true, value: raw };
      if (typeof raw === "number" || typeof raw === "boolean") return { ok: true, value: String(raw) };
      return { ok: false, message: `${JSON.stringify(raw)} is not a String` };
    case "Object":
      if (raw !== null && typeof raw === "object") return { ok: true, value: raw as Record<string, unknown> };
      return { ok: false, message: `${JSON.stringify(raw)} is not an Object` };
    default: {
      const n = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : typeof raw === "boolean" ? Number(raw) : NaN;
      if (!Number.isFinite(n)) return { ok: false, message: `${JSON.stringify(raw)} is not a number` };
      return { ok: true, value: n };
    }
  }
}

/** The value fits its type: integers whole and within the type's range, Float32 within its range. */
export function typeRangeProblem(v: number, t: ValueType): string | undefined {
  const range = INT_RANGES[t];
  if (range) {
    if (!Number.isInteger(v)) return `${v} is not a whole number for ${t}`;
    if (BigInt(v) < range[0] || BigInt(v) > range[1]) return `${v} is outside ${t}`;
  } else if (t === "Float32" && Math.abs(v) > 3.4028234663852886e38) return `${v} is outside Float32`;
  return undefined;
}
