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
  const out = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  out.writeUInt32LE(body.length + 1, 0);
  out.writeUInt8(kind, 8);
  body.copy(out, HEADER_BYTES);
  out.writeUInt32LE(crc32(out.subarray(8)), 4);
  return out;
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
