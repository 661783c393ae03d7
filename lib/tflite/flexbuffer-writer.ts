/**
 * Writes a FlexBuffers map of scalars (the shape of TFLite custom operators' options, e.g.
 * TFLite_Detection_PostProcess'), for the model builder. Every slot is 32 bits wide: integers must fit in int32,
 * numbers marked float are stored as float32.
 */

export type FlexScalar = { int: number } | { float: number } | { bool: boolean };

const INT = 1;
const FLOAT = 3;
const MAP = 9;
const BOOL = 26;
const WIDTH_32 = 2;

export function flexMap(entries: Record<string, FlexScalar>): Uint8Array {
  // keys sorted bytewise, as the readers' binary search expects
  const keys = Object.keys(entries).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const out: number[] = [];
  const align4 = () => {
    while (out.length % 4 !== 0) out.push(0);
  };
  const u32 = (v: number) => out.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  const keyAt = keys.map((k) => {
    const at = out.length;
    out.push(...Buffer.from(k, "utf8"), 0);
    return at;
  });
  align4();
  u32(keys.length);
  const keysVector = out.length;
  keyAt.forEach((at) => u32(out.length - at));
  // map: offset to the keys vector, their width, the size, then the values and one type byte each
  u32(out.length - keysVector);
  u32(4);
  u32(keys.length);
  const map = out.length;
  const types: number[] = [];
  const scratch = new DataView(new ArrayBuffer(4));
  for (const k of keys) {
    const e = entries[k];
    if ("int" in e) {
      if (!Number.isInteger(e.int) || e.int < -2147483648 || e.int > 2147483647) throw new RangeError(`flexbuffer: ${k} = ${e.int} is no int32`);
      u32(e.int | 0);
      types.push((INT << 2) | WIDTH_32);
    } else if ("float" in e) {
      scratch.setFloat32(0, e.float, true);
      u32(scratch.getUint32(0, true));
      types.push((FLOAT << 2) | WIDTH_32);
    } else {
      u32(e.bool ? 1 : 0);
      types.push((BOOL << 2) | WIDTH_32);
    }
  }
  out.push(...types);
  align4();
  const root = out.length;
  u32(root - map);
  out.push((MAP << 2) | WIDTH_32, 4);
  return Uint8Array.from(out);
}
