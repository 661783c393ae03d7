/**
 * An append-only file with group commit, the one journal of the pack (the durable queue's segments, the LoRaWAN
 * frame counters, the embedded broker's persistence), so that all three share the same safety rules:
 * - appended buffers wait in memory and reach the OS in one positional writev (at a commit, when enough bytes are
 *   waiting, or when the owner asks);
 * - one fdatasync covers every buffer written before it began; a waiter of `durable()` resolves only after a sync
 *   that covers the bytes appended before the call;
 * - a failed or short write (ENOSPC, EIO) is cut off again (the file is truncated back to the last whole write, so
 *   no partial record is left to be read later), rejects exactly the waiters whose bytes were in it, and tells the
 *   owner which tagged buffers were dropped, so that it can re-append those it still wants (none is silently lost
 *   and then reported durable); a failed fdatasync rejects the waiters it was to cover;
 * - nothing here throws from a timer: every error ends in a rejected waiter or the owner's onWriteFailure.
 */
import * as fs from "fs";

export interface DroppedAppend<T> {
  tag: T;
  offset: number;
  length: number;
}

export interface WriteFailure<T> {
  error: Error;
  /** the buffers of the failed write, in append order: no longer in the file */
  dropped: Array<DroppedAppend<T>>;
}

export interface AppendJournalOptions<T> {
  /**
   * when the fdatasync for a waiter starts: "now" (at once, or as soon as the running one ends), "tick" (at the end
   * of this turn of the event loop, one sync for every change made in it) or after a delay in ms
   */
  commit?: "now" | "tick" | number;
  onWriteFailure?: (failure: WriteFailure<T>) => void;
}

type Resolve = (value: unknown) => void;
type Reject = (err: Error) => void;

/**
 * Waiters for a sync, in parallel arrays (no object per waiter): the end of the file each waits for, what its
 * promise resolves with, and the promise's functions
 */
class Waiters {
  ends: number[] = [];
  values: unknown[] = [];
  resolves: Resolve[] = [];
  rejects: Reject[] = [];

  get length(): number {
    return this.ends.length;
  }

  resolveAll(): void {
    const { values, resolves } = this;
    for (let i = 0; i < resolves.length; i++) resolves[i](values[i]);
  }

  rejectAll(err: Error): void {
    for (const reject of this.rejects) reject(err);
  }
}

// the executor of every waiter's promise: a function that closes over nothing, so no closure per promise
let capturedResolve: Resolve | undefined;
let capturedReject: Reject | undefined;
function capture(resolve: Resolve, reject: Reject): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

/** an fs error with the file named, its code kept (ENOSPC, EIO) for whoever reports it */
export function fileError(err: unknown, action: string, file: string): Error {
  const e = err as NodeJS.ErrnoException;
  const out = new Error(`cannot ${action} ${file}: ${e?.message ?? String(err)}`) as NodeJS.ErrnoException;
  if (e?.code) out.code = e.code;
  return out;
}

export class AppendJournal<T = undefined> {
  private fd: number;
  private size: number;
  private writtenSize: number;
  /** appended buffers not yet written, and their tags (parallel arrays: no object per append) */
  private pending: Buffer[] = [];
  private pendingTags: T[] = [];
  private pendingBytes = 0;
  private waiters = new Waiters();
  private syncing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private closed = false;
  private readonly commitPolicy: "now" | "tick" | number;

  private constructor(
    readonly file: string,
    fd: number,
    private readonly options: AppendJournalOptions<T>,
  ) {
    this.fd = fd;
    this.size = this.writtenSize = fs.fstatSync(fd).size;
    this.commitPolicy = options.commit ?? "now";
  }

  /** opens (creating) the file for appending at its current end */
  static open<T = undefined>(file: string, options: AppendJournalOptions<T> = {}): AppendJournal<T> {
    // not O_APPEND: writes are positional, so that a write cut short is overwritten from the last good offset
    const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    try {
      return new AppendJournal<T>(file, fd, options);
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
  }

  /** the end of the file once everything appended is written */
  get length(): number {
    return this.size;
  }

  /** bytes handed to the OS */
  get written(): number {
    return this.writtenSize;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** bytes appended but not yet handed to the OS */
  get unwritten(): number {
    return this.pendingBytes;
  }

  /**
   * queues `buf` at the end of the file; returns its offset. It never writes by itself (the owner calls write(),
   * once it has registered its waiter and indexed the record, so that a failure finds both)
   */
  append(buf: Buffer, tag?: T): number {
    if (this.closed) throw new Error(`journal ${this.file} is closed`);
    const offset = this.size;
    this.pending.push(buf);
    this.pendingTags.push(tag as T);
    this.size += buf.length;
    this.pendingBytes += buf.length;
    return offset;
  }

  /** hands what was appended to the OS in one writev; false if that failed (see onWriteFailure) */
  write(): boolean {
    if (this.pending.length === 0) return true;
    if (this.fd < 0) return false;
    const batch = this.pending;
    const tags = this.pendingTags;
    this.pending = [];
    this.pendingTags = [];
    this.pendingBytes = 0;
    const total = this.size - this.writtenSize;
    let written = 0;
    try {
      // the batch is walked once: a short write goes on from the coalesced pieces, not from the batch again
      const pieces = coalesced(batch);
      // bounded: every round writes at least one byte or fails
      while (written < total) {
        const n = fs.writevSync(this.fd, written === 0 ? pieces : remainingAfter(pieces, written), this.writtenSize + written);
        if (n <= 0) throw Object.assign(new Error("write made no progress"), { code: "EIO" });
        written += n;
      }
      this.writtenSize += written;
      return true;
    } catch (err) {
      this.rollBack(batch, tags, fileError(err, "write", this.file));
      return false;
    }
  }

  /**
   * resolves (with `value`) once everything appended before the call is on disk (per the commit policy); the value
   * spares a caller the second promise and closure of a `.then(() => value)` per record
   */
  durable(): Promise<void>;
  durable<V>(value: V): Promise<V>;
  durable<V>(value?: V): Promise<V | undefined> {
    if (this.closed) return Promise.reject(new Error(`journal ${this.file} is closed`));
    const promise = new Promise<V | undefined>(capture as (resolve: (value: V | undefined) => void, reject: Reject) => void);
    const w = this.waiters;
    w.ends.push(this.size);
    w.values.push(value);
    w.resolves.push(capturedResolve!);
    w.rejects.push(capturedReject!);
    capturedResolve = capturedReject = undefined;
    this.schedule();
    return promise;
  }

  /** a commit now, without waiting for the policy's delay; resolves once every waiter so far is settled */
  async sync(): Promise<void> {
    this.clearTimer();
    while (this.syncing) await this.syncing;
    await this.commit();
  }

  /** writes, fdatasyncs and settles every waiter now, synchronously (before a file is closed for good) */
  syncSync(): boolean {
    const ok = this.write();
    const covered = this.waiters;
    this.waiters = new Waiters();
    if (this.fd < 0) return false;
    try {
      fs.fdatasyncSync(this.fd);
    } catch (err) {
      covered.rejectAll(fileError(err, "sync", this.file));
      return false;
    }
    covered.resolveAll();
    return ok;
  }

  /** reads bytes of the file, writing what is still in memory first if the range needs it */
  read(offset: number, length: number): Buffer {
    if (offset + length > this.writtenSize) this.write();
    const buf = Buffer.allocUnsafe(length);
    const n = this.fd < 0 ? 0 : fs.readSync(this.fd, buf, 0, length, offset);
    return buf.subarray(0, n);
  }

  /** drops the last bytes of the file (nothing may be pending) */
  truncate(size: number): void {
    this.write();
    fs.ftruncateSync(this.fd, size);
    this.size = this.writtenSize = size;
  }

  /** the last commit (waiting for a running one), then the file is closed; waiters not covered are rejected */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.clearTimer();
    while (this.syncing) await this.syncing;
    if (this.waiters.length > 0 || this.pending.length > 0) this.syncSync();
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    const policy = this.commitPolicy;
    if (policy === "now") void this.commit();
    else if (policy === "tick") this.timer = setImmediate(() => this.timerFired());
    else this.timer = setTimeout(() => this.timerFired(), Math.max(0, policy));
  }

  private timerFired(): void {
    this.timer = undefined;
    void this.commit();
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer as NodeJS.Timeout);
    clearImmediate(this.timer as NodeJS.Immediate);
    this.timer = undefined;
  }

  private commit(): Promise<void> {
    if (this.syncing || this.fd < 0) return this.syncing ?? Promise.resolve();
    this.write();
    // after a failed write only the waiters of bytes still in the file are left, all at or below writtenSize
    const covered = this.waiters;
    if (covered.length === 0) return Promise.resolve();
    this.waiters = new Waiters();
    const fd = this.fd;
    this.syncing = new Promise<void>((done) => {
      fs.fdatasync(fd, (err) => {
        this.syncing = undefined;
        if (err) covered.rejectAll(fileError(err, "sync", this.file));
        else covered.resolveAll();
        // waiters that came while this sync ran: the next group, at once
        if (this.waiters.length > 0 && !this.closed) void this.commit();
        done();
      });
    });
    return this.syncing;
  }

  private rollBack(batch: Buffer[], tags: T[], error: Error): void {
    // a partial record must not stay in the file to be read later: cut back to the last whole write. If even that
    // fails, the next write overwrites the same offsets and the records' CRCs reject what is left past them.
    try {
      fs.ftruncateSync(this.fd, this.writtenSize);
    } catch {
      /* see above */
    }
    // anything appended after the batch (by the failure handler) would follow it: there is nothing, by construction
    this.size = this.writtenSize;
    const w = this.waiters;
    const keep = new Waiters();
    for (let i = 0; i < w.length; i++) {
      if (w.ends[i] > this.writtenSize) w.rejects[i](error);
      else {
        keep.ends.push(w.ends[i]);
        keep.values.push(w.values[i]);
        keep.resolves.push(w.resolves[i]);
        keep.rejects.push(w.rejects[i]);
      }
    }
    this.waiters = keep;
    // the batch began where the last whole write ended
    const dropped: Array<DroppedAppend<T>> = [];
    let offset = this.writtenSize;
    for (let i = 0; i < batch.length; i++) {
      dropped.push({ tag: tags[i], offset, length: batch[i].length });
      offset += batch[i].length;
    }
    this.options.onWriteFailure?.({ error, dropped });
  }
}

/**
 * the batch's buffers, each run of buffers adjacent in one piece of memory (records cut from one slab) as one
 * buffer: a writev of a few large buffers rather than one per record
 */
function coalesced(batch: readonly Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  let run: Buffer | undefined;
  let runEnd = 0;
  let runStart = 0;
  for (const buf of batch) {
    if (run !== undefined && buf.buffer === run.buffer && buf.byteOffset === runEnd) {
      runEnd += buf.length;
      continue;
    }
    if (run !== undefined) out.push(runEnd - runStart === run.length ? run : Buffer.from(run.buffer, runStart, runEnd - runStart));
    run = buf;
    runStart = buf.byteOffset;
    runEnd = buf.byteOffset + buf.length;
  }
  if (run !== undefined) out.push(runEnd - runStart === run.length ? run : Buffer.from(run.buffer, runStart, runEnd - runStart));
  return out;
}

/** what is left of `pieces` after the first `skip` bytes (a short writev) */
function remainingAfter(pieces: readonly Buffer[], skip: number): Buffer[] {
  const out: Buffer[] = [];
  for (const buf of pieces) {
    if (skip >= buf.length) skip -= buf.length;
    else {
      out.push(skip > 0 ? buf.subarray(skip) : buf);
      skip = 0;
    }
  }
  return out;
}
