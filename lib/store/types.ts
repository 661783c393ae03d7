/**
 * The contract of the durable store-and-forward queue shared by edge-buffer, edge-kafka-out and
 * edge-mqtt-bridge. Implemented in lib/store/durable-queue.ts; delivery policy in lib/store/forwarder.ts.
 */

/** 0 = critical alerts (drains first) … lanes-1 = bulk. */
export type Priority = number;

export interface QueueOptions {
  /** folder holding the queue's files; created if missing */
  dir: string;
  /** number of priority lanes (default 4: critical, major, minor, bulk) */
  lanes?: number;
  /**
   * "always": fsync before push() resolves (one at a time: the pushes that come during one share the next);
   * "adaptive": group commit without a timer, the pushes of one turn of the event loop synced together and the next
   * group as soon as the running fsync returns; a number: group commit, fsync every N ms and resolve the pushes it
   * covers
   */
  sync?: "always" | "adaptive" | number;
  maxBytes?: number;
  maxMessages?: number;
  maxAgeMs?: number;
  /** when full, may critical (lane 0) records be evicted too? default false */
  evictCritical?: boolean;
  /** index entries kept in memory per lane (default 10,000); a longer backlog stays on disk, read back as the lane drains */
  memoryWindow?: number;
  /**
   * a failure of a write no push waits for (the delayed ack/evict records, a segment roll or deletion): the queue
   * stays consistent and retries; the node shows it (log once, red status) instead of the process ending
   */
  onError?: (err: Error) => void;
}

/** what recovery found on disk at open: damaged records it skipped (resynchronising on the next valid one), a torn tail */
export interface RecoveryReport {
  /** damaged regions skipped, each in its segment file at its byte offset */
  damaged: Array<{ file: string; offset: number; bytes: number }>;
  /** bytes of an incomplete last record (a write cut by a crash) dropped from the active segment */
  tornTailBytes: number;
}

export interface QueuedRecord {
  /** stable id: the same on every redelivery, for de-duplication downstream */
  id: string;
  priority: Priority;
  /**
   * the stored message, as pushed: Buffers, typed arrays, Dates, Maps, Sets and shared references come back as
   * they were; what cannot be stored (req, res, sockets, functions, timers) is left out (lib/store/message-codec)
   */
  data: unknown;
  enqueuedAt: number;
  /** how many times it was handed out before */
  attempts: number;
}

export interface QueueStats {
  queued: number;
  queuedPerLane: number[];
  inFlight: number;
  bytesOnDisk: number;
  evicted: number;
  delivered: number;
}

export interface DurableQueueApi {
  /**
   * durable (written and synced per the sync policy) when the promise resolves; returns the record's id. Rejects
   * with the fs error (code ENOSPC, EIO…) when its record could not be written (it is not queued) or synced (it
   * stays queued and may still be delivered: a retry under the same id is kept once), and with
   * MessageNotStorableError when the message cannot be stored (nested too deep)
   */
  push(data: unknown, priority?: Priority, id?: string): Promise<string>;
  /** up to n records not in flight: highest priority lane first, FIFO within a lane; marks them in flight */
  take(n: number): QueuedRecord[];
  /** delivered: removed for good */
  ack(id: string): void;
  /** not delivered: back to the head of its lane */
  nack(id: string): void;
  stats(): QueueStats;
  /** queued plus in flight (cheap: for a per-message check) */
  pending(): number;
  /** what recovery found when the queue was opened (empty when the files were intact) */
  readonly recovery: RecoveryReport;
  close(): Promise<void>;
}
