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
 * Durability: push() resolves once the record is fsynced ("always") or at the next group commit (every N ms).
 * Acks and evictions are logged too; after a crash the queue holds exactly the pushed records that were not
 * acknowledged (a torn or corrupted tail record is detected by its CRC and dropped).
 */
import * as fs from "fs";
import * as path from "path";
import { randomUUID } from "crypto";
import { allocateRecord, decodeRecords, encodeRecord, HEADER_BYTES, RecordKind, sealRecord } from "./record-codec";
import { Deque } from "./deque";
import type { DurableQueueApi, QueueOptions, QueueStats, QueuedRecord, RecoveryReport } from "./types";

const SEGMENT_BYTES = 16 * 1024 * 1024;
const SEGMENT_NAME = /^segment-(\d{10})\.log$/;

interface Entry {
  id: string;
  priority: number;
  enqueuedAt: number;
  segment: number;
  offset: number;
  size: number;
  attempts: number;
}

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

const READ_CHUNK = 1024 * 1024;

/** A push record, body [id length u8][id][priority u8][enqueuedAt f64][data JSON], written in place: the index is read without parsing data. */
function encodePushRecord(id: string, priority: number, enqueuedAt: number, data: unknown): Buffer {
  const idLength = Buffer.byteLength(id);
  if (idLength > 255) throw new Error("record id longer than 255 bytes");
  const json = JSON.stringify(data ?? null);
  const record = allocateRecord(RecordKind.Push, 10 + idLength + Buffer.byteLength(json));
  let at = HEADER_BYTES;
  record.writeUInt8(idLength, at);
  record.write(id, at + 1, "utf8");
  at += 1 + idLength;
  record.writeUInt8(priority, at);
  record.writeDoubleLE(enqueuedAt, at + 1);
  record.write(json, at + 9, "utf8");
  return sealRecord(record);
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

/** what is left of `buffers` after the first `skip` bytes (a short writev) */
function remainingAfter(buffers: Buffer[], skip: number): Buffer[] {
  const out: Buffer[] = [];
  for (const b of buffers) {
    if (skip >= b.length) skip -= b.length;
    else {
      out.push(skip > 0 ? b.subarray(skip) : b);
      skip = 0;
    }
  }
  return out;
}

export class DurableQueue implements DurableQueueApi {
  private readonly lanes: Lane[];
  private readonly inFlight = new Map<string, Entry>();
  /** queued plus in flight */
  private queuedCount = 0;
  /** ids of the records in a lane's window or in flight (bounded by the windows): a re-push of one is a duplicate */
  private readonly heldIds = new Set<string>();
  /** after a restart: positions (segment:offset) of pushes behind a lane's cursor that were acked before the crash */
  private readonly deadBehindCursor = new Set<string>();
  private readonly liveBySegment = new Map<number, number>();
  private readonly segmentSizes = new Map<number, number>();
  private readonly readFds = new Map<number, number>();
  private activeSegment = 0;
  private activeFd = -1;
  private activeSize = 0;
  /** bytes of the active segment handed to the OS; records past it wait in pendingWrites for one write call */
  private writtenSize = 0;
  private pendingWrites: Buffer[] = [];
  private flushTimer: NodeJS.Immediate | undefined;
  private queuedBytes = 0;
  private evicted = 0;
  private delivered = 0;
  private pendingSync: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private syncTimer: NodeJS.Timeout | undefined;
  private syncing = false;
  private closed = false;
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

  push(data: unknown, priority = this.lanes.length - 1, id: string = randomUUID()): Promise<string> {
    if (this.closed) return Promise.reject(new Error("the queue is closed"));
    // a sender retrying with the same id while the first copy is still here: keep one (durable as the first is)
    if (this.heldIds.has(id)) return this.durable().then(() => id);
    const lane = Math.max(0, Math.min(this.lanes.length - 1, Math.floor(Number.isFinite(priority) ? priority : this.lanes.length - 1)));
    const enqueuedAt = Date.now();
    const record = encodePushRecord(id, lane, enqueuedAt, data);
    if (record.length > this.options.maxBytes) return Promise.reject(new QueueFullError(`a ${record.length}-byte message exceeds the buffer's ${this.options.maxBytes} bytes`));
    // make room first, so a full buffer never holds more than its bounds
    while (this.count() + 1 > this.options.maxMessages || this.queuedBytes + record.length > this.options.maxBytes) {
      if (!this.evictOne(lane)) return Promise.reject(new QueueFullError("the buffer is full of messages that may not be evicted"));
    }
    const { segment, offset } = this.append(record);
    const l = this.lanes[lane];
    if (l.backlog > 0 || l.window.length >= this.options.memoryWindow) {
      // behind a full window (or behind records already on disk only): a count and, for the first, a cursor
      if (l.backlog === 0) l.cursor = { segment, offset };
      l.backlog++;
      l.backlogBytes += record.length;
    } else {
      l.window.push({ id, priority: lane, enqueuedAt, segment, offset, size: record.length, attempts: 0 });
      this.heldIds.add(id);
    }
    this.queuedCount++;
    this.queuedBytes += record.length;
    this.liveBySegment.set(segment, (this.liveBySegment.get(segment) ?? 0) + 1);
    return this.durable().then(() => id);
  }

  take(n: number): QueuedRecord[] {
    const out: QueuedRecord[] = [];
    const now = Date.now();
    for (const lane of this.lanes) {
      while (out.length < n && this.headOf(lane)) {
        const entry = lane.window.shift()!;
        if (this.options.maxAgeMs > 0 && now - entry.enqueuedAt > this.options.maxAgeMs) {
          this.drop(entry, RecordKind.Evict);
          this.evicted++;
          continue;
        }
        const data = this.readData(entry);
        this.inFlight.set(entry.id, entry);
        out.push({ id: entry.id, priority: entry.priority, data, enqueuedAt: entry.enqueuedAt, attempts: entry.attempts++ });
      }
      if (out.length >= n) break;
    }
    return out;
  }

  ack(id: string): void {
    const entry = this.inFlight.get(id);
    if (!entry) return;
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
    return {
      queued: this.count() - this.inFlight.size,
      queuedPerLane: this.lanes.map((l) => l.window.length + l.backlog),
      inFlight: this.inFlight.size,
      bytesOnDisk: [...this.segmentSizes.values()].reduce((s, v) => s + v, 0),
      evicted: this.evicted,
      delivered: this.delivered,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    clearTimeout(this.syncTimer);
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushWrites();
    if (this.activeFd >= 0) fs.closeSync(this.activeFd);
    for (const fd of this.readFds.values()) fs.closeSync(fd);
    this.readFds.clear();
    this.activeFd = -1;
  }

  /** fsyncs now and resolves every waiting push */
  async flush(): Promise<void> {
    clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    await this.syncNow();
  }

  private count(): number {
    return this.queuedCount;
  }

  /** the lane's oldest record is in its window, read back from disk if the window ran dry; false when the lane is empty */
  private headOf(lane: Lane): boolean {
    if (lane.window.length <= this.options.memoryWindow / 2 && lane.backlog > 0) this.refill(lane);
    return lane.window.length > 0;
  }

  /** Reads the lane's next backlog records from the log into its window, from the cursor on. */
  private refill(lane: Lane): void {
    if (!lane.cursor) return;
    this.flushWrites();
    const laneIndex = this.lanes.indexOf(lane);
    let { segment, offset } = lane.cursor;
    const segments = [...this.segmentSizes.keys()].filter((s) => s >= segment).sort((a, b) => a - b);
    for (const seg of segments) {
      if (seg !== segment) offset = 0;
      segment = seg;
      const end = this.segmentSizes.get(seg) ?? 0;
      while (offset < end && lane.backlog > 0 && lane.window.length < this.options.memoryWindow) {
        const chunk = this.readAt(seg, offset, Math.min(READ_CHUNK, end - offset));
        let { records } = decodeRecords(chunk);
        if (records.length === 0) {
          // one record larger than the chunk: read it whole
          const size = chunk.length >= 4 ? 8 + chunk.readUInt32LE(0) : 0;
          if (size <= chunk.length || offset + size > end) throw new Error(`queue segment ${seg} is damaged at ${offset}`);
          records = decodeRecords(this.readAt(seg, offset, size)).records;
          if (records.length === 0) throw new Error(`queue segment ${seg} is damaged at ${offset}`);
        }
        for (const r of records) {
          const at = offset + r.offset;
          if (lane.backlog === 0 || lane.window.length >= this.options.memoryWindow) {
            lane.cursor = lane.backlog > 0 ? { segment: seg, offset: at } : undefined;
            return this.forgetDeadPositions();
          }
          if (r.kind !== RecordKind.Push) continue;
          const h = decodePushHeader(r.body);
          if (Math.min(h.priority, this.lanes.length - 1) !== laneIndex) continue;
          if (this.deadBehindCursor.delete(`${seg}:${at}`)) continue;
          lane.backlog--;
          lane.backlogBytes -= r.size;
          if (this.heldIds.has(h.id)) {
            // a second copy of a record still in a window or in flight: one of them is enough
            this.queuedCount--;
            this.queuedBytes -= r.size;
            this.liveBySegment.set(seg, (this.liveBySegment.get(seg) ?? 1) - 1);
            continue;
          }
          lane.window.push({ id: h.id, priority: laneIndex, enqueuedAt: h.enqueuedAt, segment: seg, offset: at, size: r.size, attempts: 0 });
          this.heldIds.add(h.id);
        }
        const last = records[records.length - 1];
        offset += last.offset + last.size;
      }
      if (lane.backlog === 0) break;
    }
    lane.cursor = lane.backlog > 0 ? { segment, offset } : undefined;
    this.forgetDeadPositions();
  }

  /** once no lane reads from disk, the remembered dead positions behind cursors are of no use */
  private forgetDeadPositions(): void {
    if (this.deadBehindCursor.size > 0 && !this.lanes.some((l) => l.cursor)) this.deadBehindCursor.clear();
  }

  private readAt(segment: number, offset: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length);
    const read = fs.readSync(this.fdFor(segment), buf, 0, length, offset);
    return buf.subarray(0, read);
  }

  private fdFor(segment: number): number {
    if (segment === this.activeSegment) return this.activeFd;
    let fd = this.readFds.get(segment);
    if (fd === undefined) {
      fd = fs.openSync(this.segmentPath(segment), "r");
      this.readFds.set(segment, fd);
    }
    return fd;
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

  private drop(entry: Entry, kind: RecordKind.Ack | RecordKind.Evict): void {
    this.append(encodeRecord(kind, Buffer.from(entry.id)));
    // acks need no fsync (a lost ack means a redelivery), but reach the OS at the end of this turn of the event
    // loop, all of them in one write: once there, a kill -9 of the process cannot make them redeliver
    this.flushTimer ??= setImmediate(() => {
      this.flushTimer = undefined;
      if (!this.closed) this.flushWrites();
    });
    this.queuedCount--;
    this.queuedBytes -= entry.size;
    this.heldIds.delete(entry.id);
    const left = (this.liveBySegment.get(entry.segment) ?? 1) - 1;
    this.liveBySegment.set(entry.segment, left);
    if (left === 0) this.deleteConsumedSegments();
  }

  /** Whole segments are deleted from the oldest on, once nothing in them or before them is queued. */
  private deleteConsumedSegments(): void {
    const segments = [...this.segmentSizes.keys()].sort((a, b) => a - b);
    for (const seg of segments) {
      if (seg === this.activeSegment || (this.liveBySegment.get(seg) ?? 0) > 0) break;
      const fd = this.readFds.get(seg);
      if (fd !== undefined) fs.closeSync(fd);
      this.readFds.delete(seg);
      fs.rmSync(this.segmentPath(seg), { force: true });
      this.segmentSizes.delete(seg);
      this.liveBySegment.delete(seg);
    }
  }

  private append(record: Buffer): { segment: number; offset: number } {
    if (this.activeSize + record.length > SEGMENT_BYTES && this.activeSize > 0) this.roll();
    const offset = this.activeSize;
    this.pendingWrites.push(record);
    this.activeSize += record.length;
    this.segmentSizes.set(this.activeSegment, this.activeSize);
    if (this.activeSize - this.writtenSize > 1024 * 1024) this.flushWrites();
    return { segment: this.activeSegment, offset };
  }

  /** hands the records appended since the last call to the OS in one write */
  private flushWrites(): void {
    if (this.pendingWrites.length === 0 || this.activeFd < 0) return;
    const records = this.pendingWrites;
    this.pendingWrites = [];
    // one system call for all of them, without first copying them into one buffer
    let written = 0;
    while (written < this.activeSize - this.writtenSize) {
      written += fs.writevSync(this.activeFd, written === 0 ? records : remainingAfter(records, written), this.writtenSize + written);
    }
    this.writtenSize += written;
  }

  private roll(): void {
    this.flushWrites();
    fs.fdatasyncSync(this.activeFd);
    fs.closeSync(this.activeFd);
    this.openSegment(this.activeSegment + 1);
  }

  private openSegment(n: number): void {
    this.activeSegment = n;
    this.activeFd = fs.openSync(this.segmentPath(n), "a+");
    this.activeSize = fs.fstatSync(this.activeFd).size;
    this.writtenSize = this.activeSize;
    this.segmentSizes.set(n, this.activeSize);
  }

  private durable(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pendingSync.push({ resolve, reject });
      if (this.options.sync === "always") void this.syncNow();
      else if (!this.syncTimer) this.syncTimer = setTimeout(() => {
        this.syncTimer = undefined;
        void this.syncNow();
      }, Math.max(0, this.options.sync));
    });
  }

  private async syncNow(): Promise<void> {
    if (this.syncing || this.activeFd < 0) return;
    const waiting = this.pendingSync;
    this.pendingSync = [];
    if (waiting.length === 0) return;
    this.syncing = true;
    try {
      this.flushWrites();
      await new Promise<void>((resolve, reject) => fs.fdatasync(this.activeFd, (err) => (err ? reject(err) : resolve())));
      for (const w of waiting) w.resolve();
    } catch (err) {
      for (const w of waiting) w.reject(err as Error);
    } finally {
      this.syncing = false;
      if (this.pendingSync.length > 0) void this.syncNow();
    }
  }

  private readData(entry: Entry): unknown {
    if (entry.segment === this.activeSegment && entry.offset + entry.size > this.writtenSize) this.flushWrites();
    const { records } = decodeRecords(this.readAt(entry.segment, entry.offset, entry.size));
    if (records.length !== 1) throw new Error(`queue record ${entry.id} is damaged on disk`);
    const { dataStart } = decodePushHeader(records[0].body);
    return JSON.parse(records[0].body.toString("utf8", dataStart));
  }

  private segmentPath(n: number): string {
    return path.join(this.options.dir, `segment-${String(n).padStart(10, "0")}.log`);
  }

  /** Rebuilds the index from the segments on disk, dropping a torn or corrupted tail. */
  private recover(): void {
    fs.mkdirSync(this.options.dir, { recursive: true });
    const segments = fs
      .readdirSync(this.options.dir)
      .map((f) => SEGMENT_NAME.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    const entries = new Map<string, Entry>();
    // pushes no longer queued (acked, evicted, or replaced by a later push of the same id): those that end up
    // behind a lane's cursor must be skipped when the lane reads its backlog back
    const dead: Entry[] = [];
    for (const seg of segments) {
      const file = this.segmentPath(seg);
      const buf = fs.readFileSync(file);
      const { records, validBytes } = decodeRecords(buf);
      if (validBytes < buf.length) fs.truncateSync(file, validBytes);
      this.segmentSizes.set(seg, validBytes);
      for (const r of records) {
        if (r.kind === RecordKind.Push) {
          const h = decodePushHeader(r.body);
          const earlier = entries.get(h.id);
          if (earlier) {
            dead.push(earlier);
            entries.delete(h.id); // a re-pushed id replaces the earlier record
          }
          entries.set(h.id, { id: h.id, priority: Math.min(h.priority, this.lanes.length - 1), enqueuedAt: h.enqueuedAt, segment: seg, offset: r.offset, size: r.size, attempts: 0 });
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
      }
      else {
        if (lane.backlog === 0) lane.cursor = { segment: e.segment, offset: e.offset };
        lane.backlog++;
        lane.backlogBytes += e.size;
      }
      this.queuedCount++;
      this.queuedBytes += e.size;
      this.liveBySegment.set(e.segment, (this.liveBySegment.get(e.segment) ?? 0) + 1);
    }
    for (const d of dead) {
      const cursor = this.lanes[d.priority].cursor;
      if (cursor && (d.segment > cursor.segment || (d.segment === cursor.segment && d.offset >= cursor.offset))) this.deadBehindCursor.add(`${d.segment}:${d.offset}`);
    }
    entries.clear();
    this.openSegment(segments.length ? segments[segments.length - 1] : 0);
    this.deleteConsumedSegments();
  }
}
