/**
 * Records cut from large slabs rather than allocated one by one: one allocation per megabyte of records, and a
 * plain-data message's JSON written straight into place as UTF-8 (lib/store/exact-json-writer), not built as a
 * string and encoded again. Consecutive records of a slab are adjacent in memory, so the journal hands a run of
 * them to the OS as one buffer (lib/durable/append-journal's write). A slab is never reused: it is freed once its
 * records are.
 */
import { HEADER_BYTES, RecordKind, sealRecord } from "./record-codec";
import { writeExactJson, type JsonSink } from "./exact-json-writer";

const SLAB_BYTES = 1024 * 1024;

export class RecordSlab implements JsonSink {
  buf = Buffer.allocUnsafeSlow(0);
  words = new Int32Array(0);
  at = 0;
  /** where the record being written starts (moved with it when it outgrows the slab) */
  private start = 0;
  /** a record is being written (a getter in the message pushing again would write over it) */
  private writing = false;

  /**
   * A push record, body [id length u8][id][priority u8][enqueuedAt f64][data]: the JSON of `data` (PushJson), or
   * undefined when `data` is not exact JSON (see message-codec's exactJsonOf); sealed.
   */
  pushJson(id: string, priority: number, enqueuedAt: number, data: unknown): Buffer | undefined {
    if (this.writing) return new RecordSlab().pushJson(id, priority, enqueuedAt, data);
    this.writing = true;
    let record: Buffer | undefined;
    try {
      // 64 bytes of data reserved with the head: most small messages need no second look at the room left
      this.begin(id, priority, enqueuedAt, 64);
      if (writeExactJson(data, this)) record = this.seal(RecordKind.PushJson);
    } finally {
      this.writing = false;
      // not exact JSON (or a getter threw): the bytes written so far are given back
      if (!record) this.at = this.start;
    }
    return record;
  }

  /** A push record with `stored` bytes (message-codec's encodeMessage) as its data (Push), sealed. */
  push(id: string, priority: number, enqueuedAt: number, stored: Buffer): Buffer {
    if (this.writing) return new RecordSlab().push(id, priority, enqueuedAt, stored);
    this.begin(id, priority, enqueuedAt, stored.length);
    this.at += stored.copy(this.buf, this.at);
    return this.seal(RecordKind.Push);
  }

  /** room for `bytes` more at `at`: a new slab when this one is full, the record begun so far copied to it */
  need(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    const partial = this.at - this.start;
    // a message larger than a slab gets a slab of its own
    const slab = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, 2 * (partial + bytes)));
    this.buf.copy(slab, 0, this.start, this.at);
    this.buf = slab;
    this.words = new Int32Array(slab.buffer, slab.byteOffset, slab.length >> 2);
    this.start = 0;
    this.at = partial;
  }

  /** the record's header and head of its body: at is where its data goes */
  private begin(id: string, priority: number, enqueuedAt: number, dataBytes: number): void {
    const idLength = id.length <= 255 && isAscii(id) ? id.length : Buffer.byteLength(id);
    if (idLength > 255) throw new Error("record id longer than 255 bytes");
    this.start = this.at;
    this.need(HEADER_BYTES + 10 + idLength + dataBytes);
    const slab = this.buf;
    let at = this.start + HEADER_BYTES;
    slab[at] = idLength;
    // ids are mostly UUIDs: ASCII, copied a code unit a byte (Buffer's write and byteLength cost more than the copy)
    if (idLength === id.length) for (let i = 0; i < idLength; i++) slab[at + 1 + i] = id.charCodeAt(i);
    else slab.write(id, at + 1, idLength, "utf8");
    at += 1 + idLength;
    slab[at] = priority;
    slab.writeDoubleLE(enqueuedAt, at + 1);
    this.at = at + 9;
  }

  private seal(kind: RecordKind): Buffer {
    const { buf, start, at } = this;
    buf.writeUInt32LE(at - start - 8, start);
    buf[start + 8] = kind;
    return sealRecord(buf.subarray(start, at));
  }
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}
