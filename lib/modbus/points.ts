/**
 * An EdgeX device profile's resources as Modbus points, read the way EdgeX's device-modbus service reads them:
 * `primaryTable` (HOLDING_REGISTERS, INPUT_REGISTERS, COILS, DISCRETES_INPUT), `startingAddress` (zero-based; "n.b"
 * names bit b of register n for a Bool), `rawType` (what the registers hold, when it differs from valueType),
 * `isByteSwap` / `isWordSwap` (for 32-bit values only, as device-modbus swaps them) and `stringRegisterSize`.
 * A point's value is the register content as its valueType: EdgeX's transforms (scale, offset, …) are edge-ingest's
 * to apply with the same profile; a write applies them in reverse first.
 */
import type { DeviceProfile, DeviceResource, ResourceProperties } from "../ingest/profile";
import type { ValueType } from "../ingest/event";

export type Table = "COILS" | "DISCRETES_INPUT" | "INPUT_REGISTERS" | "HOLDING_REGISTERS";
export type RawType = "INT16" | "UINT16" | "INT32" | "UINT32" | "INT64" | "UINT64" | "FLOAT32" | "FLOAT64";

const TABLE_ALIASES: Record<string, Table> = {
  COILS: "COILS",
  COIL: "COILS",
  DISCRETES_INPUT: "DISCRETES_INPUT",
  DISCRETE_INPUTS: "DISCRETES_INPUT",
  DISCRETE_INPUT: "DISCRETES_INPUT",
  INPUT_REGISTERS: "INPUT_REGISTERS",
  INPUT_REGISTER: "INPUT_REGISTERS",
  HOLDING_REGISTERS: "HOLDING_REGISTERS",
  HOLDING_REGISTER: "HOLDING_REGISTERS",
};
const RAW_WORDS: Record<RawType, number> = { INT16: 1, UINT16: 1, INT32: 2, UINT32: 2, FLOAT32: 2, INT64: 4, UINT64: 4, FLOAT64: 4 };
const DEFAULT_RAW: Partial<Record<ValueType, RawType>> = {
  Int8: "INT16", Int16: "INT16", Int32: "INT32", Int64: "INT64",
  Uint8: "UINT16", Uint16: "UINT16", Uint32: "UINT32", Uint64: "UINT64",
  Float32: "FLOAT32", Float64: "FLOAT64",
};

export interface ModbusPoint {
  name: string;
  table: Table;
  address: number;
  /** registers (register tables) or bits (coils, discrete inputs) */
  count: number;
  valueType: ValueType;
  rawType?: RawType;
  /** bit of a register a Bool reads */
  bit?: number;
  byteSwap: boolean;
  wordSwap: boolean;
  readable: boolean;
  writable: boolean;
  properties: ResourceProperties;
}

export class PointError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("; "));
    this.name = "PointError";
  }
}

export const isBitTable = (t: Table) => t === "COILS" || t === "DISCRETES_INPUT";

function flag(v: unknown): boolean | undefined {
  if (v === undefined) return false;
  if (typeof v === "boolean") return v;
  if (typeof v === "string" && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === "true";
  return undefined;
}

/** the profile's Modbus points; resources without a primaryTable are not Modbus's and are skipped */
export function modbusPoints(profile: DeviceProfile): ModbusPoint[] {
  const problems: string[] = [];
  const points: ModbusPoint[] = [];
  for (const r of profile.deviceResources) {
    if (r.attributes.primaryTable === undefined) continue;
    const p = pointOf(r, (m) => problems.push(`${r.name}: ${m}`));
    if (p) points.push(p);
  }
  if (problems.length) throw new PointError(problems);
  if (!points.length) throw new PointError([`profile '${profile.name}' has no resource with a Modbus primaryTable attribute`]);
  return points;
}

function pointOf(r: DeviceResource, problem: (m: string) => void): ModbusPoint | undefined {
  const a = r.attributes;
  const valueType = r.properties.valueType;
  const table = TABLE_ALIASES[String(a.primaryTable).trim().toUpperCase()];
  if (!table) return void problem(`primaryTable '${String(a.primaryTable)}' is not HOLDING_REGISTERS, INPUT_REGISTERS, COILS or DISCRETES_INPUT`);
  const addressText = typeof a.startingAddress === "number" ? String(a.startingAddress) : typeof a.startingAddress === "string" ? a.startingAddress.trim() : "";
  const m = /^(\d{1,5})(?:\.(\d{1,2}))?$/.exec(addressText);
  if (!m || Number(m[1]) > 65535) return void problem(`startingAddress '${String(a.startingAddress ?? "")}' is not a register address 0…65535 (n, or n.bit for a Bool)`);
  const address = Number(m[1]);
  const bit = m[2] === undefined ? undefined : Number(m[2]);
  const byteSwap = flag(a.isByteSwap);
  const wordSwap = flag(a.isWordSwap);
  if (byteSwap === undefined || wordSwap === undefined) return void problem("isByteSwap and isWordSwap are true or false");
  const rw = (r.properties.readWrite ?? "RW").toUpperCase();
  const base = { name: r.name, table, address, valueType, byteSwap, wordSwap, readable: rw.includes("R"), writable: rw.includes("W") && table !== "DISCRETES_INPUT" && table !== "INPUT_REGISTERS", properties: r.properties };
  if (isBitTable(table)) {
    if (valueType !== "Bool") return void problem(`a ${table} resource is a Bool, not ${valueType}`);
    if (bit !== undefined) return void problem("a bit address (n.b) is for a Bool in a register table");
    return { ...base, count: 1 };
  }
  if (valueType === "Bool") {
    if (bit !== undefined && bit > 15) return void problem(`bit ${bit} of a 16-bit register`);
    return { ...base, count: 1, bit: bit ?? 0, writable: false };
  }
  if (bit !== undefined) return void problem("a bit address (n.b) is for a Bool");
  if (valueType === "String") {
    const size = Number(a.stringRegisterSize);
    if (!Number.isInteger(size) || size < 1 || size > 123) return void problem("a String needs stringRegisterSize 1…123");
    return { ...base, count: size };
  }
  if (valueType === "Object") return void problem("an Object is not a Modbus value");
  const rawType = (a.rawType === undefined ? DEFAULT_RAW[valueType] : String(a.rawType).trim().toUpperCase()) as RawType | undefined;
  if (!rawType || !(rawType in RAW_WORDS)) return void problem(`rawType '${String(a.rawType)}' is not INT16, UINT16, INT32, UINT32, INT64, UINT64, FLOAT32 or FLOAT64`);
  if (address + RAW_WORDS[rawType] > 0x10000) return void problem(`${rawType} at ${address} runs past register 65535`);
  return { ...base, count: RAW_WORDS[rawType], rawType };
}

/** the words of a 32-bit value as device-modbus swaps them: bytes within each word, then the two words */
function swap32(bytes: Buffer, byteSwap: boolean, wordSwap: boolean): Buffer {
  const b = Buffer.from(bytes);
  if (b.length !== 4) return b;
  if (byteSwap) b.swap16();
  if (wordSwap) return Buffer.concat([b.subarray(2, 4), b.subarray(0, 2)]);
  return b;
}

function registersToBytes(words: number[]): Buffer {
  const b = Buffer.alloc(words.length * 2);
  words.forEach((w, i) => b.writeUInt16BE(w, i * 2));
  return b;
}

/** a point's value from its registers or bit */
export function decodePoint(p: ModbusPoint, data: number[] | boolean[]): number | boolean | string {
  if (isBitTable(p.table)) return (data as boolean[])[0];
  const words = data as number[];
  if (p.valueType === "Bool") return ((words[0] >> (p.bit ?? 0)) & 1) === 1;
  let bytes = registersToBytes(words);
  if (p.valueType === "String") {
    let end = bytes.length;
    while (end > 0 && bytes[end - 1] === 0) end--;
    return bytes.subarray(0, end).toString("utf8");
  }
  if (p.count === 2) bytes = swap32(bytes, p.byteSwap, p.wordSwap);
  switch (p.rawType!) {
    case "INT16": return bytes.readInt16BE(0);
    case "UINT16": return bytes.readUInt16BE(0);
    case "INT32": return bytes.readInt32BE(0);
    case "UINT32": return bytes.readUInt32BE(0);
    case "FLOAT32": return shortestFloat32(bytes.readFloatBE(0));
    case "INT64": return Number(bytes.readBigInt64BE(0));
    case "UINT64": return Number(bytes.readBigUInt64BE(0));
    case "FLOAT64": return bytes.readDoubleBE(0);
  }
}

/** 21.3 rather than 21.299999237060547 */
function shortestFloat32(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(7)) : v;
}

export class WriteValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WriteValueError";
  }
}

/**
 * What to write for a value in the resource's units: a coil's state, or register words. Checks the profile's
 * minimum and maximum, then undoes offset and scale as EdgeX's SDK does for a write, then fits the raw type.
 */
export function encodePoint(p: ModbusPoint, value: unknown): { bits: boolean[] } | { registers: number[] } {
  const fail = (m: string): never => {
    throw new WriteValueError(`${p.name}: ${m}`);
  };
  if (!p.writable) fail(p.table === "INPUT_REGISTERS" || p.table === "DISCRETES_INPUT" ? `${p.table} cannot be written` : p.valueType === "Bool" && p.bit !== undefined ? "a bit of a register is not written (it would race the device's own updates of the register)" : "the profile marks it read-only");
  if (p.valueType === "Bool") {
    if (typeof value === "boolean") return { bits: [value] };
    if (value === 1 || value === 0) return { bits: [value === 1] };
    if (typeof value === "string" && /^(true|false)$/i.test(value.trim())) return { bits: [value.trim().toLowerCase() === "true"] };
    return fail(`${short(value)} is not a Bool (true or false)`);
  }
  if (p.valueType === "String") {
    if (typeof value !== "string") return fail(`${short(value)} is not a String`);
    const bytes = Buffer.from(value, "utf8");
    if (bytes.length > p.count * 2) fail(`'${value.slice(0, 20)}' is longer than ${p.count * 2} bytes`);
    const padded = Buffer.alloc(p.count * 2);
    bytes.copy(padded);
    return { registers: Array.from({ length: p.count }, (_, i) => padded.readUInt16BE(i * 2)) };
  }
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  if (!Number.isFinite(n)) fail(`${short(value)} is not a number`);
  const pr = p.properties;
  if (pr.minimum !== undefined && n < pr.minimum) fail(`${n} is below the minimum ${pr.minimum}`);
  if (pr.maximum !== undefined && n > pr.maximum) fail(`${n} is above the maximum ${pr.maximum}`);
  if (pr.base !== undefined || pr.mask !== undefined || pr.shift !== undefined) fail("a value with base, mask or shift transforms cannot be written back");
  let raw = n;
  if (pr.offset !== undefined) raw -= pr.offset;
  if (pr.scale !== undefined && pr.scale !== 0) raw /= pr.scale;
  const bytes = Buffer.alloc(p.count * 2);
  const rawType = p.rawType!;
  if (rawType === "FLOAT32") {
    if (Math.abs(raw) > 3.4028234663852886e38) fail(`${n} does not fit FLOAT32`);
    bytes.writeFloatBE(raw, 0);
  } else if (rawType === "FLOAT64") bytes.writeDoubleBE(raw, 0);
  else {
    // 2.1 / 0.1 is 21.000000000000004: round what scale made fractional by floating point, not by the user
    const whole = Math.abs(raw - Math.round(raw)) < 1e-6 ? Math.round(raw) : raw;
    if (!Number.isInteger(whole)) fail(`${n} is ${raw} in the register's units, not a whole number for ${rawType}`);
    const ranges: Record<string, [number, number]> = { INT16: [-32768, 32767], UINT16: [0, 65535], INT32: [-2147483648, 2147483647], UINT32: [0, 4294967295], INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], UINT64: [0, Number.MAX_SAFE_INTEGER] };
    const [lo, hi] = ranges[rawType];
    if (whole < lo || whole > hi) fail(`${n} is ${whole} in the register's units, outside ${rawType}`);
    if (rawType === "INT16") bytes.writeInt16BE(whole, 0);
    else if (rawType === "UINT16") bytes.writeUInt16BE(whole, 0);
    else if (rawType === "INT32") bytes.writeInt32BE(whole, 0);
    else if (rawType === "UINT32") bytes.writeUInt32BE(whole, 0);
    else if (rawType === "INT64") bytes.writeBigInt64BE(BigInt(whole), 0);
    else bytes.writeBigUInt64BE(BigInt(whole), 0);
  }
  // the swap is its own inverse
  const out = p.count === 2 ? swap32(bytes, p.byteSwap, p.wordSwap) : bytes;
  return { registers: Array.from({ length: p.count }, (_, i) => out.readUInt16BE(i * 2)) };
}

function short(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 30 ? `${v.slice(0, 30)}…` : v);
  if (v === null || v === undefined) return String(v);
  if (typeof v === "object") return Array.isArray(v) ? "an array" : "an object";
  return String(v);
}
