/**
 * Cayenne Low Power Payload (LPP): a frame is a sequence of fields `channel (1 byte) | type (1 byte) | data`, the
 * data big-endian with a fixed size, scale and signedness per type (the IPSO object id minus 3200). Covers the
 * classic myDevices list and the extended types of the ElectronicCats library (at their IPSO ids; that library's
 * newest release also knows PPM and RGB at 143/144, which are not decoded here).
 */

export type LppTypeName =
  | "digitalInput"
  | "digitalOutput"
  | "analogInput"
  | "analogOutput"
  | "genericSensor"
  | "illuminance"
  | "presence"
  | "temperature"
  | "relativeHumidity"
  | "accelerometer"
  | "barometricPressure"
  | "voltage"
  | "current"
  | "frequency"
  | "percentage"
  | "altitude"
  | "concentration"
  | "power"
  | "distance"
  | "energy"
  | "direction"
  | "unixTime"
  | "gyrometer"
  | "colour"
  | "gps"
  | "switch";

export interface LppReading {
  channel: number;
  type: LppTypeName;
  value: number | Record<string, number>;
}

export class LppError extends Error {
  override name = "LppError";
}

/** one big-endian integer inside a field's data */
interface Part {
  /** key in the value object; absent for single-value types */
  key?: string;
  bytes: number;
  signed: boolean;
  /** raw integer = value × scale */
  scale: number;
}

interface LppType {
  id: number;
  name: LppTypeName;
  parts: Part[];
}

const one = (bytes: number, signed: boolean, scale: number): Part[] => [{ bytes, signed, scale }];
const xyz = (scale: number): Part[] => ["x", "y", "z"].map((key) => ({ key, bytes: 2, signed: true, scale }));

const TYPES: LppType[] = [
  { id: 0, name: "digitalInput", parts: one(1, false, 1) },
  { id: 1, name: "digitalOutput", parts: one(1, false, 1) },
  { id: 2, name: "analogInput", parts: one(2, true, 100) },
  { id: 3, name: "analogOutput", parts: one(2, true, 100) },
  { id: 100, name: "genericSensor", parts: one(4, false, 1) },
  { id: 101, name: "illuminance", parts: one(2, false, 1) },
  { id: 102, name: "presence", parts: one(1, false, 1) },
  { id: 103, name: "temperature", parts: one(2, true, 10) },
  { id: 104, name: "relativeHumidity", parts: one(1, false, 2) },
  { id: 113, name: "accelerometer", parts: xyz(1000) },
  { id: 115, name: "barometricPressure", parts: one(2, false, 10) },
  { id: 116, name: "voltage", parts: one(2, false, 100) },
  { id: 117, name: "current", parts: one(2, false, 1000) },
  { id: 118, name: "frequency", parts: one(4, false, 1) },
  { id: 120, name: "percentage", parts: one(1, false, 1) },
  { id: 121, name: "altitude", parts: one(2, true, 1) },
  { id: 125, name: "concentration", parts: one(2, false, 1) },
  { id: 128, name: "power", parts: one(2, false, 1) },
  { id: 130, name: "distance", parts: one(4, false, 1000) },
  { id: 131, name: "energy", parts: one(4, false, 1000) },
  { id: 132, name: "direction", parts: one(2, false, 1) },
  { id: 133, name: "unixTime", parts: one(4, false, 1) },
  { id: 134, name: "gyrometer", parts: xyz(100) },
  {
    id: 135,
    name: "colour",
    parts: ["r", "g", "b"].map((key) => ({ key, bytes: 1, signed: false, scale: 1 })),
  },
  {
    id: 136,
    name: "gps",
    parts: [
      { key: "latitude", bytes: 3, signed: true, scale: 10000 },
      { key: "longitude", bytes: 3, signed: true, scale: 10000 },
      { key: "altitude", bytes: 3, signed: true, scale: 100 },
    ],
  },
  { id: 142, name: "switch", parts: one(1, false, 1) },
];

const BY_ID = new Map(TYPES.map((t) => [t.id, t]));
const BY_NAME = new Map(TYPES.map((t) => [t.name, t]));

/** every type this codec knows, with its IPSO id and data size (for editors and tests) */
export const LPP_TYPES: ReadonlyArray<{ id: number; name: LppTypeName; size: number; keys?: string[] }> = TYPES.map((t) => ({
  id: t.id,
  name: t.name,
  size: dataSize(t),
  ...(t.parts[0].key ? { keys: t.parts.map((p) => p.key!) } : {}),
}));

function dataSize(t: LppType): number {
  return t.parts.reduce((n, p) => n + p.bytes, 0);
}

function readInt(bytes: Uint8Array, at: number, part: Part): number {
  let n = 0;
  for (let i = 0; i < part.bytes; i++) n = n * 256 + bytes[at + i];
  const range = 2 ** (8 * part.bytes);
  if (part.signed && n >= range / 2) n -= range;
  return n;
}

function writeInt(out: number[], raw: number, bytes: number): void {
  const range = 2 ** (8 * bytes);
  let n = raw < 0 ? raw + range : raw;
  const start = out.length;
  for (let i = bytes - 1; i >= 0; i--) {
    out[start + i] = n % 256;
    n = Math.floor(n / 256);
  }
}

/**
 * Decodes a whole frame. `data` is keyed `<type>_<channel>` (a repeated type and channel keeps the last value;
 * `readings` keeps every field in frame order). Throws LppError for an empty, truncated or unknown-type frame.
 */
export function decodeCayenneLpp(bytes: Uint8Array): { data: Record<string, number | Record<string, number>>; readings: LppReading[] } {
  if (!(bytes instanceof Uint8Array)) throw new LppError(`Cayenne LPP input must be bytes (a Uint8Array or Buffer), got ${bytes === null ? "null" : typeof bytes}`);
  if (bytes.length === 0) throw new LppError("empty Cayenne LPP frame (0 bytes)");
  const data: Record<string, number | Record<string, number>> = {};
  const readings: LppReading[] = [];
  let at = 0;
  while (at < bytes.length) {
    const channel = bytes[at];
    if (at + 1 >= bytes.length) throw new LppError(`truncated Cayenne LPP frame: channel ${channel} at byte ${at} has no type byte (frame is ${bytes.length} bytes)`);
    const id = bytes[at + 1];
    const type = BY_ID.get(id);
    if (!type) throw new LppError(`unknown Cayenne LPP type ${id} (0x${id.toString(16).padStart(2, "0")}) at byte ${at + 1} (channel ${channel})`);
    const size = dataSize(type);
    const start = at + 2;
    if (start + size > bytes.length) {
      throw new LppError(
        `truncated Cayenne LPP frame: ${type.name} (type ${id}) on channel ${channel} at byte ${at} needs ${size} data byte(s) from byte ${start}, only ${bytes.length - start} left`,
      );
    }
    let value: number | Record<string, number>;
    let offset = start;
    if (type.parts[0].key === undefined) {
      value = readInt(bytes, offset, type.parts[0]) / type.parts[0].scale;
    } else {
      const obj: Record<string, number> = {};
      for (const part of type.parts) {
        obj[part.key!] = readInt(bytes, offset, part) / part.scale;
        offset += part.bytes;
      }
      value = obj;
    }
    data[`${type.name}_${channel}`] = value;
    readings.push({ channel, type: type.name, value });
    at = start + size;
  }
  return { data, readings };
}

/**
 * Encodes readings in order. Values are rounded to the type's resolution; a value outside the type's range, a
 * missing axis, a channel outside 0..255 or an unknown type throws LppError naming the reading's index.
 */
export function encodeCayenneLpp(readings: LppReading[]): Buffer {
  if (!Array.isArray(readings)) throw new LppError("encodeCayenneLpp needs an array of readings");
  const out: number[] = [];
  readings.forEach((reading, index) => {
    const where = `reading ${index} (byte ${out.length})`;
    if (reading === null || typeof reading !== "object") throw new LppError(`${where} is not an object`);
    const type = BY_NAME.get(reading.type);
    if (!type) throw new LppError(`${where}: unknown Cayenne LPP type "${String(reading.type)}"`);
    const { channel } = reading;
    if (!Number.isInteger(channel) || channel < 0 || channel > 255) throw new LppError(`${where}: channel must be an integer 0..255, got ${String(channel)}`);
    const values: Array<[Part, unknown, string]> = [];
    if (type.parts[0].key === undefined) {
      if (typeof reading.value !== "number") throw new LppError(`${where}: ${type.name} needs a number, got ${typeof reading.value}`);
      values.push([type.parts[0], reading.value, type.name]);
    } else {
      const v = reading.value;
      if (v === null || typeof v !== "object") throw new LppError(`${where}: ${type.name} needs an object {${type.parts.map((p) => p.key).join(", ")}}`);
      for (const part of type.parts) values.push([part, (v as Record<string, unknown>)[part.key!], `${type.name}.${part.key}`]);
    }
    const encoded: Array<[number, number]> = [];
    for (const [part, value, label] of values) {
      if (typeof value !== "number" || !Number.isFinite(value)) throw new LppError(`${where}: ${label} must be a finite number, got ${String(value)}`);
      const raw = Math.round(value * part.scale) || 0; // `|| 0` folds -0 into 0
      const range = 2 ** (8 * part.bytes);
      const min = part.signed ? -range / 2 : 0;
      const max = part.signed ? range / 2 - 1 : range - 1;
      if (raw < min || raw > max) {
        throw new LppError(`${where}: ${label} ${value} is outside the encodable range ${min / part.scale}..${max / part.scale} (channel ${channel})`);
      }
      encoded.push([raw, part.bytes]);
    }
    out.push(channel, type.id);
    for (const [raw, bytes] of encoded) writeInt(out, raw, bytes);
  });
  return Buffer.from(out);
}
