/**
 * The on-disk record of the durable queue: [length u32][crc32 u32][kind u8][body], little-endian, the CRC over
 * kind and body. A damaged record costs only itself: the scanner resynchronises on the next offset where a whole
 * record checks out (length in bounds, a known kind, CRC match: a false match needs 32 bits of luck on top of a
 * valid kind) and reports the bytes it skipped; a record running past the end of the file is a torn tail.
 */
import { crc32 } from "zlib";

export const HEADER_BYTES = 9;
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

export enum RecordKind {
  /** a message, body [id length u8][id][priority u8][enqueuedAt f64][data as JSON]: plain-data messages (lib/store/message-codec's exactJsonOf), and all of a queue written before the codec */
  PushJson = 1,
  Ack = 2,
  Evict = 3,
  /** a message, body [id length u8][id][priority u8][enqueuedAt f64][data in lib/store/message-codec's format] */
  Push = 4,
}

export function isPush(kind: RecordKind): boolean {
  return kind === RecordKind.Push || kind === RecordKind.PushJson;
}

function isKnownKind(kind: number): kind is RecordKind {
  return kind === RecordKind.Push || kind === RecordKind.PushJson || kind === RecordKind.Ack || kind === RecordKind.Evict;
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

/** a whole record's kind (the byte allocateRecord writes after length and CRC) */
export function kindOf(record: Buffer): number {
  return record[8];
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

/** bytes the scanner skipped: [offset, offset + bytes) of the buffer */
export interface SkippedRegion {
  offset: number;
  bytes: number;
  /** the region ends the buffer and begins with a record cut short (or a header cut short): a torn write */
  torn: boolean;
}

export interface ScanResult {
  records: DecodedRecord[];
  skipped: SkippedRegion[];
  /**
   * where scanning stopped: the buffer's end, or (when the buffer is not the end of the file) the start of a
   * record that runs past it, to be read again with more bytes
   */
  end: number;
  /** at `end`, the size of the record that ran past the buffer (0 if none) */
  needBytes: number;
  /** end of the last valid record: a file is whole up to here */
  validEnd: number;
}

type Probe = { ok: true; record: DecodedRecord } | { ok: false; runsPast: number };

function probe(buf: Buffer, offset: number): Probe {
  const length = buf.readUInt32LE(offset);
  if (length < 1 || length > MAX_RECORD_BYTES) return { ok: false, runsPast: 0 };
  if (!isKnownKind(buf[offset + 8])) return { ok: false, runsPast: 0 };
  if (offset + 8 + length > buf.length) return { ok: false, runsPast: 8 + length };
  const payload = buf.subarray(offset + 8, offset + 8 + length);
  if (crc32(payload) !== buf.readUInt32LE(offset + 4)) return { ok: false, runsPast: 0 };
  return { ok: true, record: { kind: payload[0] as RecordKind, body: payload.subarray(1), offset, size: 8 + length } };
}

/**
 * Reads the records of `buf`. `atEnd`: the buffer reaches the end of the file, so a record running past it is torn
 * (or damaged) rather than waiting for the next read.
 */
export function scanRecords(buf: Buffer, atEnd = true): ScanResult {
  const records: DecodedRecord[] = [];
  const skipped: SkippedRegion[] = [];
  let offset = 0;
  let validEnd = 0;
  let badStart = -1;
  let badTorn = false;
  let needBytes = 0;
  const closeBad = (at: number, torn: boolean) => {
    if (badStart >= 0) skipped.push({ offset: badStart, bytes: at - badStart, torn });
    badStart = -1;
  };
  while (offset + HEADER_BYTES <= buf.length) {
    const p = probe(buf, offset);
    if (p.ok) {
      closeBad(offset, false);
      records.push(p.record);
      offset += p.record.size;
      validEnd = offset;
      continue;
    }
    if (p.runsPast > 0 && !atEnd) {
      // possibly a whole record once more is read: stop here, the caller reads on from this offset
      needBytes = p.runsPast;
      closeBad(offset, false);
      return { records, skipped, end: offset, needBytes, validEnd };
    }
    if (badStart < 0) {
      badStart = offset;
      badTorn = p.runsPast > 0;
    }
    offset++;
  }
  if (!atEnd) {
    // fewer than a header's bytes left: read again with the next chunk
    closeBad(offset, false);
    return { records, skipped, end: offset, needBytes: 0, validEnd };
  }
  if (badStart < 0 && offset < buf.length) {
    badStart = offset;
    badTorn = true;
  }
  closeBad(buf.length, badTorn);
  return { records, skipped, end: buf.length, needBytes, validEnd };
}

/** the one record of `buf` (read at an index entry's offset and size), or undefined if it does not check out */
export function decodeOne(buf: Buffer): DecodedRecord | undefined {
  if (buf.length < HEADER_BYTES) return undefined;
  const p = probe(buf, 0);
  return p.ok && p.record.size === buf.length ? p.record : undefined;
}
