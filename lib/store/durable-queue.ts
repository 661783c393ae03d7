/**
 * The durable store-and-forward queue: a segmented append-only log of checksummed records on disk. Memory stays
 * flat however long the backlog: each lane keeps the index entries (id, where on disk) of at most `memoryWindow`
 * records at its head; behind them a lane holds only a count and a cursor into the log, and reads the next
 * records back from disk as its head drains. Only records in the window are ever taken, acked or evicted, so
 * every record of a lane at or after its cursor is still queued — except, after a restart, the few acked before
 * the crash, whose positions are remembered until the cursor passes them.
 *
 * Engine choice: an append-only log of our own rather than classic-level. The workload is a queue — append at
 * the tail, consume at the head, drop whole segments once consumed — which a log does with one sequential write
 * per message and no compaction work, and it needs no native module (classic-level ships prebuilt binaries but
 * not for every platform a gateway runs). bench/store.bench.ts measures both, as a queue with the same sync
 * cadence, and against a bare write+fsync loop (BENCHMARKS.md).
 *
 * Durability: push() resolves once the record is written and fsynced ("always"), or at the next group commit
 * ("adaptive": as soon as the running fsync returns; a number: every N ms), through lib/durable/append-journal.
 * Acks and evictions are logged too; after a crash the queue holds exactly the pushed records that were not
 * acknowledged.
 *
 * Faults: a write that fails (ENOSPC, EIO) is cut off the file again and fails exactly the pushes whose records
 * were in it (they leave the index, so nothing unconfirmed is delivered and nothing confirmed is missing); acks
 * and evictions in it are written again later, reported through options.onError. A damaged record costs only
 * itself: recovery and the read path skip to the next record that checks out and say where (`recovery`,
 * onError). Segments are sized from maxBytes and deleted as they drain, the active one too once all of it is
 * consumed; a closed segment held on disk by a few live records is rewritten with those only when the closed
 * segments exceed maxBytes. So the disk holds about maxBytes plus one segment.
 */
import * as fs from "fs";
import * as path from "path";
import { randomUUID } from "crypto";
import { allocateRecord, decodeOne, HEADER_BYTES, isPush, kindOf, RecordKind, scanRecords, sealRecord, type SkippedRegion } from "./record-codec";
import { decodeMessage, encodeMessage } from "./message-codec";
import { Deque } from "./deque";
import { RecordSlab } from "./record-slab";
import { AppendJournal, fileError, type WriteFailure } from "../durable/append-journal";
import { writeFileAtomic } from "../durable/atomic-file";
import type { DurableQueueApi, QueueOptions, QueueStats, QueuedRecord, RecoveryReport } from "./types";

const SEGMENT_NAME = /^segment-(\d{10})\.log$/;
const MAX_SEGMENT_BYTES = 16 * 1024 * 1024;
const MIN_SEGMENT_BYTES = 64 * 1024;
/** records waiting in memory that are written without waiting for the commit */
const WRITE_THRESHOLD = 1024 * 1024;
/** how soon acks and evictions whose write failed are written again */
const RETRY_MS = 1000;
const READ_CHUNK = 1024 * 1024;
/**
 * record bytes whose pushed message is kept for take(): a record taken soon after its push (the usual case: the
 * forwarder keeps up) is handed on without being read back and parsed; older ones are read from the file
 */
const KEPT_BYTES = 4 * 1024 * 1024;
/** how far take() reads past a record, for the records after it */
const READ_AHEAD = 64 * 1024;
const EMPTY = Buffer.alloc(0);

/** bytes of a segment read once for several records */
interface ReadChunk {
  segment: number;
  offset: number;
  buf: Buffer;
}

/** a segment size that lets maxBytes span several segments, so that draining frees disk early */
export function segmentBytesFor(maxBytes: number): number {
  return Math.max(MIN_SEGMENT_BYTES, Math.min(MAX_SEGMENT_BYTES, Math.floor(maxBytes / 8)));
}

interface Entry {
  id: string;
  priority: number;
  enqueuedAt: number;
  segment: number;
  offset: number;
  size: number;
  attempts: number;
  /** the message as pushed (plain JSON data, so what the file holds), until it is taken once; NOT_KEPT if not kept */
  kept: unknown;
}

const NOT_KEPT = Symbol("not kept");

export class QueueFullError extends Error {}

interface Lane {
  /** index entries of the records at the head of the lane, oldest first */
  window: Deque<Entry>;
  /** queued records behind the window, on disk only */
  backlog: number;
  backlogBytes: number;
  /** where in the log to look for the first backlog record (segment, offset) */
  cursor?: { segment: number; offset: number };
}

interface Segment {
  /** bytes in the file (the active segment: see the journal) */
  size: number;
  /** queued or in-flight records in it */
  live: number;
  /** their bytes: the rest of the file is consumed records, acks and evictions */
  liveBytes: number;
}

/** an ack or eviction appended to the journal, to write again when its write fails */
interface RecordTag {
  kind: RecordKind.Ack | RecordKind.Evict;
  id: string;
  lane: number;
  record: Buffer;
}

/**
 * what a journal append stands for, to undo or redo it when its write fails: a push into a lane's window (its
 * index entry), a push behind the window (its lane: no object per push), or an ack or eviction
 */
type AppendTag = Entry | number | RecordTag;

const isRecordTag = (tag: AppendTag): tag is RecordTag => typeof tag === "object" && "record" in tag;

/**
 * A push record (see RecordSlab.push), written in place: the index is read without decoding data. The JSON form
 * (reading it back gives an equal value) where the data is exact JSON, else the message codec's.
 */
function encodePushRecord(slab: RecordSlab, id: string, priority: number, enqueuedAt: number, data: unknown): Buffer {
  return slab.pushJson(id, priority, enqueuedAt, data ?? null) ?? slab.push(id, priority, enqueuedAt, encodeMessage(data ?? null));
}

function decodePushHeader(body: Buffer): { id: string; priority: number; enqueuedAt: number; dataStart: number } {
  const idLength = body.readUInt8(0);
  return {
    id: body.toString("utf8", 1, 1 + idLength),
    priority: body.readUInt8(1 + idLength),
    enqueuedAt: body.readDoubleLE(2 + idLength),
    dataStart: 10 + idLength,
  };
}

function decodePushData(kind: RecordKind, body: Buffer, dataStart: number): unknown {
  // plain-data messages, and every message of queues written before the message codec, are JSON
  return kind === RecordKind.PushJson ? JSON.parse(body.toString("utf8", dataStart)) : decodeMessage(body.subarray(dataStart));
}

export class DurableQueue implements DurableQueueApi {
  private readonly lanes: Lane[];
  private readonly inFlight = new Map<string, Entry>();
  private readonly slab = new RecordSlab();
  /** queued plus in flight */
  private queuedCount = 0;
  /** ids of the records in a lane's window or in flight (bounded by the windows): a re-push of one is a duplicate */
  private readonly heldIds = new Set<string>();
  /** after a restart: positions (segment:offset) of pushes behind a lane's cursor that were acked before the crash */
  private readonly deadBehindCursor = new Set<string>();
  private readonly segments = new Map<number, Segment>();
  private readonly readFds = new Map<number, number>();
  /** damaged regions already reported, per segment: [start, end) */
  private readonly knownDamage = new Map<number, Array<[number, number]>>();
  /** the bytes take() read last (records on disk do not change until their segment is rewritten or deleted) */
  private readonly readChunk: ReadChunk = { segment: -1, offset: 0, buf: EMPTY };
  private activeSegment = 0;
  private journal!: AppendJournal<AppendTag>;
  private writeTimer: NodeJS.Immediate | undefined;
  /** acks and evictions whose write failed, written again by retryTimer */
  private retryRecords: RecordTag[] = [];
  private retryTimer: NodeJS.Timeout | undefined;
  private lastReported: string | undefined;
  private queuedBytes = 0;
  /** bytes of the records whose message is kept (Entry.kept) */
  private keptBytes = 0;
  private evicted = 0;
  private delivered = 0;
  private closed = false;
  private rolling = false;
  /** rolled-over segments whose last sync is still running: close() and flush() wait for them */
  private readonly retiring = new Set<Promise<void>>();
  private readonly segmentBytes: number;
  private readonly options: Required<Omit<QueueOptions, "onError">> & Pick<QueueOptions, "onError">;
  readonly recovery: RecoveryReport = { damaged: [], tornTailBytes: 0 };

  private constructor(options: QueueOptions) {
    this.options = {
      lanes: 4,
      sync: 10,
      maxBytes: 1024 * 1024 * 1024,
      maxMessages: 10_000_000,
      maxAgeMs: 0,
      evictCritical: false,
      memoryWindow: 10_000,
      ...options,
    };
    this.segmentBytes = segmentBytesFor(this.options.maxBytes);
    this.lanes = Array.from({ length: Math.max(1, Math.min(255, this.options.lanes)) }, () => ({ window: new Deque<Entry>(), backlog: 0, backlogBytes: 0 }));
  }

  static async open(options: QueueOptions): Promise<DurableQueue> {
    const q = new DurableQueue(options);
    q.recover();
    return q;
  }

  get laneCount(): number {
    return this.lanes.length;
  }

  push(data: unknown, priority = this.lanes.length - 1, givenId?: string): Promise<string> {
    if (this.closed) return Promise.reject(new Error("the queue is closed"));
    // a sender retrying with the same id while the first copy is still here: keep one (durable as the first is)
    if (givenId !== undefined && this.heldIds.has(givenId)) return this.journal.durable(givenId);
    const id = givenId ?? randomUUID();
    const lane = Math.max(0, Math.min(this.lanes.length - 1, Math.floor(Number.isFinite(priority) ? priority : this.lanes.length - 1)));
    const enqueuedAt = Date.now();
    let record: Buffer;
    try {
      record = encodePushRecord(this.slab, id, lane, enqueuedAt, data);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    if (record.length > this.options.maxBytes) return Promise.reject(new QueueFullError(`a ${record.length}-byte message exceeds the buffer's ${this.options.maxBytes} bytes`));
    // make room first, so a full buffer never holds more than its bounds
    while (this.count() + 1 > this.options.maxMessages || this.queuedBytes + record.length > this.options.maxBytes) {
      if (!this.evictOne(lane)) return Promise.reject(new QueueFullError("the buffer is full of messages that may not be evicted"));
    }
    const l = this.lanes[lane];
    if (l.backlog > 0 || l.window.length >= this.options.memoryWindow) {
      // behind a full window (or behind records already on disk only): a count and, for the first, a cursor; no
      // {segment, offset} object per push: the segment is the active one after the append
      const offset = this.append(record, lane);
      if (l.backlog === 0) l.cursor = { segment: this.activeSegment, offset };
      l.backlog++;
      l.backlogBytes += record.length;
    } else {
      // kept only where the file holds exact JSON: what is handed on equals what a redelivery reads back
      const keep = kindOf(record) === RecordKind.PushJson && this.keptBytes + record.length <= KEPT_BYTES;
      const entry: Entry = { id, priority: lane, enqueuedAt, segment: 0, offset: 0, size: record.length, attempts: 0, kept: keep ? (data ?? null) : NOT_KEPT };
      if (keep) this.keptBytes += record.length;
      entry.offset = this.append(record, entry);
      entry.segment = this.activeSegment;
      l.window.push(entry);
      this.heldIds.add(id);
    }
    const segment = this.activeSegment;
    this.queuedCount++;
    this.queuedBytes += record.length;
    this.addLive(segment, record.length);
    this.compactIfOverLimit();
    // the waiter first, then a write: if the write fails, it fails this push (and the record leaves the index)
    const durable = this.journal.durable(id);
    if (this.journal.unwritten > WRITE_THRESHOLD) this.journal.write();
    return durable;
  }

  take(n: number): QueuedRecord[] {
    const out: QueuedRecord[] = [];
    if (this.closed) return out;
    const now = Date.now();
    // records still in memory reach the file before any is read back (a failed write takes them out of the index)
    this.journal.write();
    // the records of a lane follow each other on disk: one read for as many as fit in a chunk, not one each, and
    // the chunk is kept for the next take (a forwarder takes a few records at a time as acks free its window)
    const chunk = this.readChunk;
    for (const lane of this.lanes) {
      while (out.length < n && this.headOf(lane)) {
        const entry = lane.window.shift()!;
        if (this.options.maxAgeMs > 0 && now - entry.enqueuedAt > this.options.maxAgeMs) {
          this.drop(entry, RecordKind.Evict);
          this.evicted++;
          continue;
        }
        if (entry.kept !== NOT_KEPT) {
          const data = entry.kept;
          this.release(entry);
          this.inFlight.set(entry.id, entry);
          out.push({ id: entry.id, priority: entry.priority, data, enqueuedAt: entry.enqueuedAt, attempts: entry.attempts++ });
          continue;
        }
        const read = this.readData(entry, chunk);
        if (!read.ok) {
          // damaged on disk since it was indexed: that record is lost, not the queue
          this.reportBackground(new Error(`queue record ${entry.id} in ${this.segmentPath(entry.segment)} at offset ${entry.offset} is damaged (${read.reason}); it is dropped`));
          this.drop(entry, RecordKind.Evict);
          continue;
        }
        this.inFlight.set(entry.id, entry);
        out.push({ id: entry.id, priority: entry.priority, data: read.data, enqueuedAt: entry.enqueuedAt, attempts: entry.attempts++ });
      }
      if (out.length >= n) break;
    }
    return out;
  }

  ack(id: string): void {
    const entry = this.closed ? undefined : this.inFlight.get(id);
    if (!entry) return; // unknown, or after close (a delivery settling late): it is redelivered after the reopen
    this.inFlight.delete(id);
    this.drop(entry, RecordKind.Ack);
    this.delivered++;
  }

  nack(id: string): void {
    const entry = this.inFlight.get(id);
    if (!entry) return;
    this.inFlight.delete(id);
    this.lanes[entry.priority].window.unshift(entry);
  }

  /** every in-flight record back to the head of its lane (the link dropped, or the node restarts delivery) */
  nackAll(): void {
    const entries = [...this.inFlight.values()].sort((a, b) => b.segment - a.segment || b.offset - a.offset);
    this.inFlight.clear();
    for (const e of entries) this.lanes[e.priority].window.unshift(e);
  }

  pending(): number {
    return this.queuedCount;
  }

  stats(): QueueStats {
    let bytesOnDisk = 0;
    for (const [n, s] of this.segments) bytesOnDisk += n === this.activeSegment ? this.journal.length : s.size;
    return {
      queued: this.count() - this.inFlight.size,
      queuedPerLane: this.lanes.map((l) => l.window.length + l.backlog),
      inFlight: this.inFlight.size,
      bytesOnDisk,
      evicted: this.evicted,
      delivered: this.delivered,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.writeTimer) clearImmediate(this.writeTimer);
    clearTimeout(this.retryTimer);
    this.appendRetries();
    // the last commit settles every waiting push (resolved if its record is on disk, rejected if not)
    await this.journal.close();
    await Promise.all([...this.retiring]);
    for (const fd of this.readFds.values()) closeQuietly(fd);
    this.readFds.clear();
  }

  /** fsyncs now and resolves every waiting push */
  async flush(): Promise<void> {
    await this.journal.sync();
    await Promise.all([...this.retiring]);
  }

  private count(): number {
    return this.queuedCount;
  }

  private segment(n: number): Segment {
    let s = this.segments.get(n);
    if (!s) {
      s = { size: 0, live: 0, liveBytes: 0 };
      this.segments.set(n, s);
    }
    return s;
  }

  private addLive(n: number, bytes: number): void {
    const s = this.segment(n);
    s.live++;
    s.liveBytes += bytes;
  }

  /** returns how many live records are left in the segment */
  private removeLive(n: number, bytes: number): number {
    const s = this.segment(n);
    s.live--;
    s.liveBytes -= bytes;
    return s.live;
  }

  /** the lane's oldest record is in its window, read back from disk if the window ran dry; false when the lane is empty */
  private headOf(lane: Lane): boolean {
    if (lane.window.length <= this.options.memoryWindow / 2 && lane.backlog > 0) this.refill(lane);
    return lane.window.length > 0;
  }

  /** Reads the lane's next backlog records from the log into its window, from the cursor on. */
  private refill(lane: Lane): void {
    if (!lane.cursor) return;
    this.journal.write();
    if (!lane.cursor) return; // the write failed and took the backlog with it
    const laneIndex = this.lanes.indexOf(lane);
    let { segment, offset } = lane.cursor;
    const segments = [...this.segments.keys()].filter((s) => s >= segment).sort((a, b) => a - b);
    for (const seg of segments) {
      if (seg !== segment) offset = 0;
      segment = seg;
      const end = this.segmentEnd(seg);
      let need = 0;
      while (offset < end && lane.backlog > 0 && lane.window.length < this.options.memoryWindow) {
        const want = Math.min(Math.max(READ_CHUNK, need), end - offset);
        let chunk: Buffer;
        try {
          chunk = this.readAt(seg, offset, want);
        } catch (err) {
          // EIO and the like: the backlog stays where it is, read again at the next take
          this.reportBackground(fileError(err, "read", this.segmentPath(seg)));
          lane.cursor = { segment: seg, offset };
          return;
        }
        const scan = scanRecords(chunk, chunk.length < want || offset + chunk.length >= end);
        for (const region of scan.skipped) this.reportDamage(seg, offset + region.offset, region.bytes);
        need = scan.needBytes;
        for (const r of scan.records) {
          const at = offset + r.offset;
          if (lane.backlog === 0 || lane.window.length >= this.options.memoryWindow) {
            lane.cursor = lane.backlog > 0 ? { segment: seg, offset: at } : undefined;
            return this.forgetDeadPositions();
          }
          if (!isPush(r.kind)) continue;
          const h = decodePushHeader(r.body);
          if (Math.min(h.priority, this.lanes.length - 1) !== laneIndex) continue;
          if (this.deadBehindCursor.delete(`${seg}:${at}`)) continue;
          lane.backlog--;
          lane.backlogBytes -= r.size;
          if (this.heldIds.has(h.id)) {
            // a second copy of a record still in a window or in flight: one of them is enough
            this.queuedCount--;
            this.queuedBytes -= r.size;
            this.removeLive(seg, r.size);
            continue;
          }
          lane.window.push({ id: h.id, priority: laneIndex, enqueuedAt: h.enqueuedAt, segment: seg, offset: at, size: r.size, attempts: 0, kept: NOT_KEPT });
          this.heldIds.add(h.id);
        }
        if (scan.end === 0 && need === 0) break; // nothing readable here (a file shorter than indexed)
        offset += scan.end;
      }
      if (lane.backlog === 0 || lane.window.length >= this.options.memoryWindow) {
        // the window filled with the last record read: the next backlog record is after it, in this segment or later
        lane.cursor = lane.backlog > 0 ? { segment: seg, offset } : undefined;
        return this.forgetDeadPositions();
      }
    }
    if (lane.backlog > 0 && segment === this.activeSegment && offset >= this.segmentEnd(segment)) {
      // the log ended before the lane's backlog did: the rest was damaged on disk since the queue was opened
      this.reportBackground(new Error(`${lane.backlog} queued records of lane ${laneIndex} could not be read back from ${this.options.dir}; they are lost`));
      this.queuedCount -= lane.backlog;
      this.queuedBytes -= lane.backlogBytes;
      lane.backlog = 0;
      lane.backlogBytes = 0;
    }
    lane.cursor = lane.backlog > 0 ? { segment, offset } : undefined;
    this.forgetDeadPositions();
  }

  /** once no lane reads from disk, the remembered dead positions behind cursors are of no use */
  private forgetDeadPositions(): void {
    if (this.deadBehindCursor.size > 0 && !this.lanes.some((l) => l.cursor)) this.deadBehindCursor.clear();
  }

  private segmentEnd(seg: number): number {
    return seg === this.activeSegment ? this.journal.length : (this.segments.get(seg)?.size ?? 0);
  }

  private readAt(segment: number, offset: number, length: number): Buffer {
    if (segment === this.activeSegment) return this.journal.read(offset, length);
    let fd = this.readFds.get(segment);
    if (fd === undefined) {
      fd = fs.openSync(this.segmentPath(segment), "r");
      this.readFds.set(segment, fd);
    }
    const buf = Buffer.allocUnsafe(length);
    return buf.subarray(0, fs.readSync(fd, buf, 0, length, offset));
  }

  /** the entry's bytes, from `chunk` when it holds them, else read with what follows it (up to READ_AHEAD) into it */
  private recordBytes(entry: Entry, chunk: ReadChunk | undefined): Buffer {
    if (!chunk) return this.readAt(entry.segment, entry.offset, entry.size);
    const start = entry.offset - chunk.offset;
    if (chunk.segment !== entry.segment || start < 0 || start + entry.size > chunk.buf.length) {
      const end = this.segmentEnd(entry.segment);
      chunk.segment = entry.segment;
      chunk.offset = entry.offset;
      chunk.buf = this.readAt(entry.segment, entry.offset, Math.max(entry.size, Math.min(READ_AHEAD, end - entry.offset)));
      return chunk.buf.subarray(0, entry.size);
    }
    return chunk.buf.subarray(start, start + entry.size);
  }

  private readData(entry: Entry, chunk?: ReadChunk): { ok: true; data: unknown } | { ok: false; reason: string } {
    try {
      const r = decodeOne(this.recordBytes(entry, chunk));
      if (!r || !isPush(r.kind)) return { ok: false, reason: "checksum mismatch" };
      const h = decodePushHeader(r.body);
      if (h.id !== entry.id) return { ok: false, reason: "another record at its offset" };
      return { ok: true, data: decodePushData(r.kind, r.body, h.dataStart) };
    } catch (err) {
      return { ok: false, reason: (err as Error).message };
    }
  }

  /** a damaged region met while reading: reported once (recovery reported those it found) */
  private reportDamage(seg: number, offset: number, bytes: number): void {
    const known = this.knownDamage.get(seg) ?? [];
    if (known.some(([s, e]) => offset >= s && offset <= e)) return;
    known.push([offset, offset + bytes]);
    this.knownDamage.set(seg, known);
    this.reportBackground(new Error(`queue segment ${this.segmentPath(seg)} is damaged at offset ${offset}: ${bytes} bytes skipped`));
  }

  /** a failure no push waits for: to the owner (log, status), never thrown from a timer; repeats of one error once */
  private reportBackground(err: Error): void {
    const key = `${(err as NodeJS.ErrnoException).code ?? ""}:${err.message}`;
    if (key === this.lastReported) return;
    this.lastReported = key;
    try {
      this.options.onError?.(err);
    } catch {
      /* the owner's handler must not break the queue */
    }
  }

  /** the oldest record of the lowest-priority lane that may be evicted (lane 0 only when allowed) */
  private evictOne(incomingLane: number): boolean {
    const lowest = this.options.evictCritical ? 0 : 1;
    for (let lane = this.lanes.length - 1; lane >= lowest; lane--) {
      // never evict a more important message to make room for a less important one
      if (lane < incomingLane) return false;
      const entry = this.headOf(this.lanes[lane]) ? this.lanes[lane].window.shift() : undefined;
      if (entry) {
        this.drop(entry, RecordKind.Evict);
        this.evicted++;
        return true;
      }
    }
    return false;
  }

  /** lets go of an entry's kept message: from its next take on it is read from the file */
  private release(entry: Entry): void {
    if (entry.kept === NOT_KEPT) return;
    entry.kept = NOT_KEPT;
    this.keptBytes -= entry.size;
  }

  private drop(entry: Entry, kind: RecordKind.Ack | RecordKind.Evict): void {
    this.release(entry);
    // the id written in place: one buffer per ack, not a copy of a temporary one
    const record = allocateRecord(kind, Buffer.byteLength(entry.id));
    record.write(entry.id, HEADER_BYTES, "utf8");
    sealRecord(record);
    this.append(record, { kind, id: entry.id, lane: entry.priority, record });
    // acks need no fsync (a lost ack means a redelivery), but reach the OS at the end of this turn of the event
    // loop, all of them in one write: once there, a kill -9 of the process cannot make them redeliver
    this.writeTimer ??= setImmediate(() => {
      this.writeTimer = undefined;
      if (!this.closed) this.journal.write();
    });
    this.queuedCount--;
    this.queuedBytes -= entry.size;
    this.heldIds.delete(entry.id);
    if (this.removeLive(entry.segment, entry.size) <= 0) this.reclaim();
  }

  /**
   * Deletes whole segments from the oldest on once nothing in them or before them is queued; the active one too,
   * when everything in it is consumed and it is worth a new file (a quarter full), or the disk is full.
   */
  private reclaim(force = false): void {
    const order = [...this.segments.keys()].sort((a, b) => a - b);
    for (const n of order) {
      if ((this.segments.get(n)?.live ?? 0) > 0) return;
      if (n === this.activeSegment) {
        if (this.queuedCount === 0 && this.journal.length > 0 && (force || this.journal.length >= this.segmentBytes / 4)) this.roll(true);
        return;
      }
      this.deleteSegment(n);
    }
  }

  private deleteSegment(n: number): void {
    this.forgetChunk(n);
    const fd = this.readFds.get(n);
    if (fd !== undefined) closeQuietly(fd);
    this.readFds.delete(n);
    this.segments.delete(n);
    this.knownDamage.delete(n);
    try {
      fs.rmSync(this.segmentPath(n), { force: true });
    } catch (err) {
      this.reportBackground(fileError(err, "delete", this.segmentPath(n)));
    }
  }

  /** appends to the active segment (rolled first when full): the offset in it, the segment is activeSegment after the call */
  private append(record: Buffer, tag: AppendTag): number {
    if (this.journal.length + record.length > this.segmentBytes && this.journal.length > 0) this.roll(false);
    return this.journal.append(record, tag);
  }

  /** a new active segment; the old one is synced (settling its waiters) and closed, and deleted when `consumed` */
  private roll(consumed: boolean): void {
    if (this.rolling) return; // a write failing while the old segment is synced: one roll at a time
    this.rolling = true;
    try {
      const old = this.journal;
      const oldSegment = this.activeSegment;
      let next: AppendJournal<AppendTag>;
      try {
        next = this.openJournal(oldSegment + 1);
      } catch (err) {
        // no new file (a full disk, no descriptors left): the old one grows past its size; tried again next time
        this.reportBackground(fileError(err, "create", this.segmentPath(oldSegment + 1)));
        return;
      }
      // everything of the old segment reaches the OS now (a failed write fails its pushes here, as before the roll);
      // its fdatasync runs off the event loop: a blocking one stalled every message for as long as the disk took
      old.write();
      this.segment(oldSegment).size = old.length;
      this.journal = next;
      this.activeSegment = oldSegment + 1;
      this.segment(this.activeSegment).size = 0;
      // settles its waiters (resolved once on disk, rejected if the sync fails), then closes
      const closing = old
        .sync()
        .then(() => old.close())
        .catch((err: Error) => this.reportBackground(err))
        .finally(() => this.retiring.delete(closing));
      this.retiring.add(closing);
      if (consumed) this.deleteSegment(oldSegment);
    } finally {
      this.rolling = false;
    }
  }

  /** segment n is rewritten or gone: what take() kept of it is no longer what is on disk */
  private forgetChunk(n: number): void {
    if (this.readChunk.segment !== n) return;
    this.readChunk.segment = -1;
    this.readChunk.buf = EMPTY;
  }

  private diskBytes(): number {
    let total = 0;
    for (const [n, s] of this.segments) total += n === this.activeSegment ? this.journal.length : s.size;
    return total;
  }

  /**
   * Once the disk holds more than maxBytes plus a segment, the closed segments with the most consumed bytes
   * (kept on disk by a few live records: a critical one behind evicted bulk ones) are rewritten with their live
   * records only, down to maxBytes plus half a segment, so that rewrites come in batches, not at every push.
   */
  private compactIfOverLimit(): void {
    if (this.diskBytes() <= this.options.maxBytes + this.segmentBytes) return;
    for (let round = 0; round < 64 && this.diskBytes() > this.options.maxBytes + this.segmentBytes / 2; round++) {
      let best: [number, Segment] | undefined;
      let oldest = Infinity;
      for (const entry of this.segments) {
        if (entry[0] === this.activeSegment) continue;
        oldest = Math.min(oldest, entry[0]);
        if (!best || entry[1].size - entry[1].liveBytes > best[1].size - best[1].liveBytes) best = entry;
      }
      if (!best || best[1].size - best[1].liveBytes <= 0 || !this.compactSegment(best[0], best[0] === oldest)) return;
    }
  }

  /** rewrites a closed segment with only what is still needed in it (atomically); false if that failed */
  private compactSegment(n: number, oldest: boolean): boolean {
    const file = this.segmentPath(n);
    let buf: Buffer;
    try {
      buf = fs.readFileSync(file);
    } catch (err) {
      this.reportBackground(fileError(err, "read", file));
      return false;
    }
    // the index entries of this segment by offset: windows and in flight; backlog records are those at or after
    // their lane's cursor (but the dead ones remembered from recovery)
    const held = new Map<number, Entry>();
    for (const lane of this.lanes) for (const e of lane.window.values()) if (e.segment === n) held.set(e.offset, e);
    for (const e of this.inFlight.values()) if (e.segment === n) held.set(e.offset, e);
    const inBacklog = (lane: number, offset: number) => {
      const c = this.lanes[lane].cursor;
      return c !== undefined && (c.segment < n || (c.segment === n && offset >= c.offset)) && !this.deadBehindCursor.has(`${n}:${offset}`);
    };
    const kept: Buffer[] = [];
    const moved = new Map<number, number>();
    const pushedHere = new Set<string>();
    let size = 0;
    for (const r of scanRecords(buf, true).records) {
      let keep: boolean;
      if (isPush(r.kind)) {
        const h = decodePushHeader(r.body);
        pushedHere.add(h.id);
        keep = held.has(r.offset) || inBacklog(Math.min(h.priority, this.lanes.length - 1), r.offset);
      } else {
        // an ack of a push in an older segment still matters; of one in this segment (dropped now) or, in the oldest
        // segment, of anything, it does not
        keep = !oldest && !pushedHere.has(r.body.toString("utf8"));
      }
      if (!keep) continue;
      moved.set(r.offset, size);
      kept.push(buf.subarray(r.offset, r.offset + r.size));
      size += r.size;
    }
    try {
      writeFileAtomic(file, kept);
    } catch (err) {
      this.reportBackground(err as Error);
      return false;
    }
    this.forgetChunk(n);
    const fd = this.readFds.get(n);
    if (fd !== undefined) closeQuietly(fd); // it reads the old file
    this.readFds.delete(n);
    this.knownDamage.delete(n);
    // an entry whose record no longer checks out (damaged since it was indexed) points past the end: dropped when taken
    for (const e of held.values()) e.offset = moved.get(e.offset) ?? Number.MAX_SAFE_INTEGER;
    for (const key of [...this.deadBehindCursor]) if (key.startsWith(`${n}:`)) this.deadBehindCursor.delete(key);
    for (const lane of this.lanes) {
      const c = lane.cursor;
      if (!c || c.segment !== n) continue;
      // the first record kept at or after the cursor
      let to = size;
      for (const [from, at] of moved) if (from >= c.offset && at < to) to = at;
      lane.cursor = { segment: n, offset: to };
    }
    this.segment(n).size = size;
    return true;
  }

  private openJournal(n: number): AppendJournal<AppendTag> {
    const sync = this.options.sync;
    return AppendJournal.open<AppendTag>(this.segmentPath(n), {
      commit: sync === "always" ? "now" : sync === "adaptive" ? "tick" : Math.max(0, sync),
      onWriteFailure: (failure) => this.writeFailed(n, failure),
    });
  }

  /**
   * A write to segment `n` failed and was cut off the file: its pushes leave the index (their push() rejects with
   * the error), its acks and evictions are written again later.
   */
  private writeFailed(n: number, failure: WriteFailure<AppendTag>): void {
    let background = false;
    for (const d of failure.dropped) {
      if (!isRecordTag(d.tag)) this.unindex(d.tag, n, d.length);
      else {
        this.retryRecords.push(d.tag);
        background = true;
      }
    }
    for (const lane of this.lanes) if (lane.backlog === 0) lane.cursor = undefined;
    if (n === this.activeSegment) this.segment(n).size = this.journal.length;
    if (background) this.reportBackground(failure.error);
    if (this.retryRecords.length > 0 && !this.retryTimer && !this.closed) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        if (this.closed) return;
        this.appendRetries();
        // written: the next failure is news again, to be reported
        if (this.journal.write()) this.lastReported = undefined;
      }, RETRY_MS);
      this.retryTimer.unref();
    }
    // a full disk and nothing queued: the consumed active segment can go now, which frees its space
    if (this.queuedCount === 0) this.reclaim(true);
  }

  private appendRetries(): void {
    const records = this.retryRecords;
    this.retryRecords = [];
    for (const tag of records) this.append(tag.record, tag);
  }

  /** a push whose record is not in the file: out of the index (its entry, or its lane when behind the window) */
  private unindex(tag: Entry | number, segment: number, size: number): void {
    const lane = this.lanes[typeof tag === "number" ? tag : tag.priority];
    if (typeof tag !== "number" && this.inFlight.get(tag.id) === tag) {
      this.inFlight.delete(tag.id);
      this.heldIds.delete(tag.id);
    } else if (typeof tag !== "number" && lane.window.remove((e) => e === tag)) {
      this.heldIds.delete(tag.id);
      this.release(tag);
    }
    else if (lane.backlog > 0) {
      lane.backlog--;
      lane.backlogBytes -= size;
    } else return; // already gone (evicted, or a duplicate dropped when read back)
    this.queuedCount--;
    this.queuedBytes -= size;
    this.removeLive(segment, size);
  }

  private segmentPath(n: number): string {
    return path.join(this.options.dir, `segment-${String(n).padStart(10, "0")}.log`);
  }

  /**
   * Rebuilds the index from the segments on disk. A damaged region is skipped (the records after it are kept)
   * and reported; a torn or damaged end of the last segment is cut off, so appends follow the last whole record.
   */
  private recover(): void {
    fs.mkdirSync(this.options.dir, { recursive: true });
    // a segment rewrite cut by a crash: the segment itself is whole (the rewrite is renamed over it only once done)
    for (const f of fs.readdirSync(this.options.dir)) if (/^segment-\d{10}\.log\.tmp$/.test(f)) fs.rmSync(path.join(this.options.dir, f), { force: true });
    const numbers = fs
      .readdirSync(this.options.dir)
      .map((f) => SEGMENT_NAME.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    const entries = new Map<string, Entry>();
    // pushes no longer queued (acked, evicted, or replaced by a later push of the same id): those that end up
    // behind a lane's cursor must be skipped when the lane reads its backlog back
    const dead: Entry[] = [];
    for (const seg of numbers) {
      const file = this.segmentPath(seg);
      const buf = fs.readFileSync(file);
      const { records, skipped } = scanRecords(buf, true);
      let size = buf.length;
      const last = seg === numbers[numbers.length - 1];
      for (const region of skipped) {
        const tail = last && region.offset + region.bytes === buf.length;
        if (tail && region.torn) this.recovery.tornTailBytes += region.bytes;
        else this.noteDamage(seg, file, region);
        if (tail) size = region.offset;
      }
      if (size < buf.length) fs.truncateSync(file, size);
      this.segment(seg).size = size;
      for (const r of records) {
        if (isPush(r.kind)) {
          const h = decodePushHeader(r.body);
          const earlier = entries.get(h.id);
          if (earlier) {
            dead.push(earlier);
            entries.delete(h.id); // a re-pushed id replaces the earlier record
          }
          entries.set(h.id, { id: h.id, priority: Math.min(h.priority, this.lanes.length - 1), enqueuedAt: h.enqueuedAt, segment: seg, offset: r.offset, size: r.size, attempts: 0, kept: NOT_KEPT });
        } else {
          const id = r.body.toString("utf8");
          const gone = entries.get(id);
          if (gone) dead.push(gone);
          entries.delete(id);
        }
      }
    }
    for (const e of entries.values()) {
      const lane = this.lanes[e.priority];
      if (lane.backlog === 0 && lane.window.length < this.options.memoryWindow) {
        lane.window.push(e);
        this.heldIds.add(e.id);
      } else {
        if (lane.backlog === 0) lane.cursor = { segment: e.segment, offset: e.offset };
        lane.backlog++;
        lane.backlogBytes += e.size;
      }
      this.queuedCount++;
      this.queuedBytes += e.size;
      this.addLive(e.segment, e.size);
    }
    for (const d of dead) {
      const cursor = this.lanes[d.priority].cursor;
      if (cursor && (d.segment > cursor.segment || (d.segment === cursor.segment && d.offset >= cursor.offset))) this.deadBehindCursor.add(`${d.segment}:${d.offset}`);
    }
    entries.clear();
    this.activeSegment = numbers.length ? numbers[numbers.length - 1] : 0;
    this.journal = this.openJournal(this.activeSegment);
    this.segment(this.activeSegment).size = this.journal.length;
    this.reclaim();
  }

  private noteDamage(seg: number, file: string, region: SkippedRegion): void {
    this.recovery.damaged.push({ file, offset: region.offset, bytes: region.bytes });
    const known = this.knownDamage.get(seg) ?? [];
    known.push([region.offset, region.offset + region.bytes]);
    this.knownDamage.set(seg, known);
  }
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    /* closing a read descriptor cannot lose data */
  }
}
