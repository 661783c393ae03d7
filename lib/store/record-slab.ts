/**
 * Records cut from large slabs rather than allocated one by one: one allocation per megabyte of records, and a
 * JSON body encoded straight into place without measuring its UTF-8 length first (a second pass over the text).
 * Consecutive records of a slab are adjacent in memory, so the journal hands a run of them to the OS as one
 * buffer (lib/durable/append-journal's write). A slab is never reused: it is freed once its records are.
 */
import { HEADER_BYTES, RecordKind, sealRecord } from "./record-codec";

const SLAB_BYTES = 1024 * 1024;

export class RecordSlab {
  private slab = Buffer.allocUnsafeSlow(0);
  private at = 0;

  /**
   * A push record, body [id length u8][id][priority u8][enqueuedAt f64][data]: `json` text (PushJson) or `stored`
   * bytes (Push), sealed.
   */
  push(id: string, priority: number, enqueuedAt: number, json: string | undefined, stored: Buffer | undefined): Buffer {
    const idLength = id.length <= 255 && isAscii(id) ? id.length : Buffer.byteLength(id);
    if (idLength > 255) throw new Error("record id longer than 255 bytes");
    // a UTF-8 encoding takes at most 3 bytes per UTF-16 code unit
    const dataMax = stored ? stored.length : json!.length * 3;
    const slab = this.reserve(HEADER_BYTES + 10 + idLength + dataMax);
    const start = this.at;
    let at = start + HEADER_BYTES;
    slab[at] = idLength;
    // ids are mostly UUIDs: ASCII, copied a code unit a byte (Buffer's write and byteLength cost more than the copy)
    if (idLength === id.length) for (let i = 0; i < idLength; i++) slab[at + 1 + i] = id.charCodeAt(i);
    else slab.write(id, at + 1, idLength, "utf8");
    at += 1 + idLength;
    slab[at] = priority;
    slab.writeDoubleLE(enqueuedAt, at + 1);
    at += 9;
    const dataLength = stored ? stored.copy(slab, at) : slab.write(json!, at, dataMax, "utf8");
    const end = at + dataLength;
    slab.writeUInt32LE(end - start - 8, start);
    slab[start + 8] = stored ? RecordKind.Push : RecordKind.PushJson;
    this.at = end;
    return sealRecord(slab.subarray(start, end));
  }

  private reserve(bytes: number): Buffer {
    if (this.slab.length - this.at < bytes) {
      // a message larger than a slab gets a slab of its own
      this.slab = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, bytes));
      this.at = 0;
    }
    return this.slab;
  }
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}
