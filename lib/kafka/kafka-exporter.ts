/**
 * Produces records to Kafka and confirms each only when the broker has acknowledged it. While the cluster is
 * unreachable — or while older records still wait — records go to the durable disk queue and drain from it,
 * highest priority first, when the cluster is back; nothing is dropped.
 *
 * The queue drains one batch at a time, all or nothing: a batch is acknowledged together or put back together,
 * so a retry never lets a later record of the same key overtake an earlier one.
 */
import { EventEmitter } from "events";
import type { Producer } from "kafkajs";
import { Batcher, BatcherOptions } from "./batcher";
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

export type ExporterState = "connected" | "buffering";

export class KafkaExporter extends EventEmitter {
  private readonly batcher: Batcher;
  private readonly waiting = new Map<string, { resolve: () => void; reject: (err: Error) => void }>();
  private producer: Producer | undefined;
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
  async export(record: KafkaRecord, priority: number, id: string): Promise<void> {
    if (this.state === "connected" && this.buffered === 0) {
      try {
        await this.ensureConnected();
        await this.batcher.send(record);
        return;
      } catch (err) {
        this.producer = undefined;
        this.setState("buffering", err as Error);
      }
    }
    const acked = new Promise<void>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    await this.queue.push(toStored(record), priority, id);
    this.drain();
    return acked;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.batcher.abort(new Error("the node is closing"));
    while (this.draining) await new Promise((r) => setTimeout(r, 10));
    for (const w of this.waiting.values()) w.reject(new Error("the node closed before Kafka acknowledged; the record stays buffered on disk"));
    this.waiting.clear();
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
        this.waiting.get(r.id)?.resolve();
        this.waiting.delete(r.id);
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
