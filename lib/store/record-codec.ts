/**
 * The on-disk record of the durable queue: [length u32][crc32 u32][kind u8][body], little-endian, the CRC over
 * kind and body. A record whose length runs past the end of the file or whose CRC does not match is a torn or
 * corrupted tail: recovery stops there and truncates.
 */
import { crc32 } from "zlib";

export const HEADER_BYTES = 9;
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

export enum RecordKind {
  Push = 1,
  Ack = 2,
  Evict = 3,
}

export interface PushBody {
  id: string;
  priority: number;
  enqueuedAt: number;
  data: unknown;
}

export function encodeRecord(kind: RecordKind, body: Buffer): Buffer {
  const out = allocateRecord(kind, body.length);
  body.copy(out, HEADER_BYTES);
  return sealRecord(out);
}

/** A record whose body (`bodyLength` bytes from HEADER_BYTES on) the caller writes in place, then seals: one allocation, no copy. */
export function allocateRecord(kind: RecordKind, bodyLength: number): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + bodyLength);
  out.writeUInt32LE(bodyLength + 1, 0);
  out.writeUInt8(kind, 8);
  return out;
}

/** writes the CRC over kind and body, once the body is in place */
export function sealRecord(record: Buffer): Buffer {
  record.writeUInt32LE(crc32(record.subarray(8)), 4);
  return record;
}

export interface DecodedRecord {
  kind: RecordKind;
  body: Buffer;
  /** offset of the record in the buffer */
  offset: number;
  /** total bytes of the record including its header */
  size: number;
}

/** Reads records from the start of a segment until its end or the first torn/corrupted one. */
export function decodeRecords(buf: Buffer): { records: DecodedRecord[]; validBytes: number } {
  const records: DecodedRecord[] = [];
  let offset = 0;
  while (offset + HEADER_BYTES <= buf.length) {
    const length = buf.readUInt32LE(offset);
    if (length < 1 || length > MAX_RECORD_BYTES || offset + 8 + length > buf.length) break;
    const crc = buf.readUInt32LE(offset + 4);
    const payload = buf.subarray(offset + 8, offset + 8 + length);
    if (crc32(payload) !== crc) break;
    const kind = payload[0] as RecordKind;
    if (kind !== RecordKind.Push && kind !== RecordKind.Ack && kind !== RecordKind.Evict) break;
    records.push({ kind, body: payload.subarray(1), offset, size: 8 + length });
    offset += 8 + length;
  }
  return { records, validBytes: offset };
}
