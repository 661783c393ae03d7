/**
 * Produces records to Kafka and confirms each only when the broker has acknowledged it. While the cluster is
 * unreachable — or while older records still wait — records go to the durable disk queue and drain from it,
 * highest priority first, when the cluster is back; nothing is dropped.
 *
 * The queue drains one batch at a time, all or nothing: a batch is acknowledged together or put back together,
 * so a retry never lets a later record of the same key overtake an earlier one.
 *
 * While the cluster answers and nothing waits on disk, records go straight to the batcher and are kept only in
 * memory until the broker acknowledges them: their callers have not been told they are delivered yet (done() is
 * pending), so a crash loses nothing that was acknowledged. When a request fails, its records and every record
 * behind it go to the disk queue in order, and so does everything after them until the queue has drained. When a
 * request stalls (no answer for `stallMs`: the broker is frozen or unreachable), the records waiting behind it go to
 * the disk queue too instead of waiting in memory to be sent in arrival order when it answers: at that point they
 * drain from the disk queue, most urgent first.
 *
 * A record sent `returnable` is already held durably by its sender, which retries it in its own priority order
 * (edge-buffer). It is never buffered here a second time: whenever it would be — a failed or stalled request, or
 * records already waiting on disk — it is handed back with an error at once, so that the sender's alerts are not
 * stuck behind bulk records that this queue has already taken. It is still sent directly while the disk queue is
 * empty, even while buffering: that is how such a sender probes whether Kafka is back.
 */
import { EventEmitter } from "events";
import type { Producer } from "kafkajs";
import { Acked, Batcher, BatcherOptions, StalledError } from "./batcher";
import { KafkaRecord, StoredRecord, fromStored, toStored } from "./kafka-record";
import type { DurableQueueApi } from "../store/types";

export interface ExporterOptions extends BatcherOptions {
  /** records per drained batch */
  drainBatch: number;
  /** drain at most this many records per second (0: no limit) */
  drainRatePerSec: number;
  retryInitialMs?: number;
  retryMaxMs?: number;
}

const CLOSED_BUFFERED = "the node closed before Kafka acknowledged; the record stays buffered on disk";
const HANDED_BACK = "Kafka is not taking records now; the record was not sent and stays with its sender";

/** a returnable record that was not sent: its sender keeps it and retries it */
export class HandedBackError extends Error {}

export type ExporterState = "connected" | "buffering";

export class KafkaExporter extends EventEmitter {
  private readonly batcher: Batcher;
  private readonly waiting = new Map<string, Acked>();
  private producer: Producer | undefined;
  /** records that arrived while the producer connects, in order */
  private starting: Array<{ record: KafkaRecord; priority: number; id: string; acked: Acked; returnable: boolean }> | undefined;
  private draining = false;
  private closed = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private state: ExporterState = "connected";

  constructor(
    private readonly connect: () => Promise<Producer>,
    private readonly queue: DurableQueueApi,
    private readonly options: ExporterOptions,
  ) {
    super();
    this.batcher = new Batcher(() => {
      if (!this.producer) throw new Error("not connected to Kafka");
      return this.producer;
    }, options);
    if (this.buffered > 0) this.setState("buffering");
    this.drain();
  }

  get buffered(): number {
    return this.queue.pending();
  }

  /** resolves when the broker has acknowledged the record (at once, or after it drained from the disk queue) */
  export(record: KafkaRecord, priority: number, id: string): Promise<void> {
    return new Promise((resolve, reject) => this.send(record, priority, id, (err) => (err ? reject(err) : resolve())));
  }

  /**
   * calls `acked` once: without an error when the broker has acknowledged the record. `returnable`: the sender
   * holds the record durably and retries it (edge-buffer); it is handed back with a HandedBackError instead of
   * being buffered on disk here.
   */
  send(record: KafkaRecord, priority: number, id: string, acked: Acked, returnable = false): void {
    if (this.closed) return acked(new Error("the node is closing"));
    if (this.starting) {
      this.starting.push({ record, priority, id, acked, returnable });
      return;
    }
    // a returnable record probes the cluster while nothing waits on disk, even while buffering
    if ((this.state === "connected" || returnable) && this.queue.pending() === 0) {
      if (this.producer) return this.batcher.add(record, (err) => (err ? this.failed(record, priority, id, acked, err, returnable) : this.sent(acked)), true);
      this.starting = [{ record, priority, id, acked, returnable }];
      this.connectSafely().then(
        (producer) => {
          this.producer ??= producer;
          const started = this.starting ?? [];
          this.starting = undefined;
          for (const s of started) this.send(s.record, s.priority, s.id, s.acked, s.returnable);
        },
        (err: Error) => {
          const started = this.starting ?? [];
          this.starting = undefined;
          this.setState("buffering", err);
          for (const s of started) this.buffer(s.record, s.priority, s.id, s.acked, s.returnable);
        },
      );
      return;
    }
    this.buffer(record, priority, id, acked, returnable);
  }

  /** a direct send was acknowledged */
  private sent(acked: Acked): void {
    if (this.state === "buffering" && this.queue.pending() === 0 && !this.draining) this.setState("connected");
    acked();
  }

  /**
   * A direct send failed: from now on records go to disk until it has drained. A stalled request (no answer yet)
   * keeps the producer: its records may still be written when the broker answers.
   */
  private failed(record: KafkaRecord, priority: number, id: string, acked: Acked, err: Error, returnable: boolean): void {
    if (!(err instanceof StalledError)) this.producer = undefined;
    this.setState("buffering", err);
    this.buffer(record, priority, id, acked, returnable);
  }

  private buffer(record: KafkaRecord, priority: number, id: string, acked: Acked, returnable = false): void {
    // the sender keeps it on its own disk and retries it in its own order: not buffered here a second time
    if (returnable) return acked(new HandedBackError(HANDED_BACK));
    if (this.closed) {
      // closing: keep it on disk for the next start, and tell the flow it was not delivered
      this.queue.push(toStored(record), priority, id).then(() => acked(new Error(CLOSED_BUFFERED)), acked);
      return;
    }
    this.waiting.set(id, acked);
    this.queue.push(toStored(record), priority, id).then(
      () => this.drain(),
      (err: Error) => {
        this.waiting.delete(id);
        acked(err);
      },
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    // what waits in memory goes to disk, in order
    const starting = this.starting ?? [];
    this.starting = undefined;
    for (const s of starting) this.buffer(s.record, s.priority, s.id, s.acked, s.returnable);
    this.batcher.abort(new Error("the node is closing"));
    while (this.draining) await new Promise((r) => setTimeout(r, 10));
    for (const acked of this.waiting.values()) acked(new Error(CLOSED_BUFFERED));
    this.waiting.clear();
  }

  private async connectSafely(): Promise<Producer> {
    return this.connect();
  }

  private async ensureConnected(): Promise<void> {
    if (!this.producer) this.producer = await this.connect();
  }

  private drain(): void {
    if (this.draining || this.closed || this.retryTimer) return;
    this.draining = true;
    void this.drainLoop().finally(() => {
      this.draining = false;
    });
  }

  private async drainLoop(): Promise<void> {
    while (!this.closed) {
      const batch = this.queue.take(this.options.drainBatch);
      if (batch.length === 0) {
        if (this.state === "buffering" && this.buffered === 0) this.setState("connected");
        return;
      }
      const started = Date.now();
      try {
        await this.ensureConnected();
        await Promise.all(batch.map((r) => this.batcher.send(fromStored(r.data as StoredRecord))));
      } catch (err) {
        for (let i = batch.length - 1; i >= 0; i--) this.queue.nack(batch[i].id);
        this.producer = undefined;
        this.failures++;
        this.setState("buffering", err as Error);
        const base = Math.min(this.options.retryMaxMs ?? 5000, (this.options.retryInitialMs ?? 250) * 2 ** Math.min(10, this.failures - 1));
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.drain();
        }, base * (0.8 + 0.4 * Math.random()));
        return;
      }
      this.failures = 0;
      for (const r of batch) {
        this.queue.ack(r.id);
        const acked = this.waiting.get(r.id);
        this.waiting.delete(r.id);
        acked?.();
      }
      if (this.options.drainRatePerSec > 0) {
        const minMs = (batch.length / this.options.drainRatePerSec) * 1000;
        const elapsed = Date.now() - started;
        if (elapsed < minMs) await new Promise((r) => setTimeout(r, minMs - elapsed));
      }
    }
  }

  private setState(state: ExporterState, error?: Error): void {
    if (state === this.state) return;
    this.state = state;
    this.emit("state", state, error);
  }
}
