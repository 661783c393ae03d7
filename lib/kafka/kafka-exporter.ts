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
 *
 * The disk queue can be opened lazily (a function instead of a queue): only when a record arrives that is not
 * returnable, so an exporter fed only by an edge-buffer keeps no queue of its own. `start()` connects at once
 * instead of on the first record, and keeps trying with backoff, so the state says within seconds whether the
 * cluster is reachable.
 */
import { EventEmitter } from "events";
import type { KafkaProducer } from "./client";
import { KafkaClientError, toKafkaError } from "./client";
import { Acked, Batcher, BatcherOptions, NotSentError, StalledError } from "./batcher";
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

/** the broker refused the request itself and will refuse it again (a record too large, …): retrying cannot help */
export function isPermanent(err: unknown): boolean {
  return err instanceof KafkaClientError && err.kind === "rejected" && !err.retriable;
}

/**
 * connecting: no connection made yet; connected: the last connection or request succeeded and nothing waits on
 * disk; draining: the cluster takes records and the disk queue drains; buffering: the last attempt failed (see the error)
 */
export type ExporterState = "connecting" | "connected" | "draining" | "buffering";

type Producer = Pick<KafkaProducer, "send">;

interface Held {
  record: KafkaRecord;
  priority: number;
  id: string;
  acked: Acked;
  returnable: boolean;
}

export class KafkaExporter extends EventEmitter {
  private readonly batcher: Batcher;
  private readonly waiting = new Map<string, Acked>();
  private producer: Producer | undefined;
  /** records that arrived while the producer connects, in order */
  private starting: Held[] | undefined;
  /** records that arrived while the disk queue opens, in order */
  private holding: Held[] | undefined;
  private queue: DurableQueueApi | undefined;
  private readonly openQueue: (() => Promise<DurableQueueApi>) | undefined;
  private opening: Promise<DurableQueueApi> | undefined;
  private connecting: Promise<Producer> | undefined;
  private draining = false;
  private closed = false;
  private failures = 0;
  private connectFailures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private state: ExporterState = "connected";
  private why: Error | undefined;
  /** drain rounds still to send one record at a time: a request was refused for good, and the record that caused it is not known yet */
  private isolating = 0;

  constructor(
    private readonly connect: () => Promise<Producer>,
    queue: DurableQueueApi | (() => Promise<DurableQueueApi>),
    private readonly options: ExporterOptions,
  ) {
    super();
    if (typeof queue === "function") this.openQueue = queue;
    else this.queue = queue;
    this.batcher = new Batcher(
      () => {
        if (!this.producer) throw new Error("not connected to Kafka");
        return this.producer;
      },
      options,
      // a request left unanswered: not "connected" any more, even when nothing waits behind it
      (err) => this.setState("buffering", err),
    );
    if (this.buffered > 0) this.setState("buffering");
    this.drain();
  }

  get buffered(): number {
    return this.queue?.pending() ?? 0;
  }

  get current(): { state: ExporterState; error?: Error; buffered: number } {
    return { state: this.state, error: this.why, buffered: this.buffered };
  }

  /** whether this exporter has a disk queue (opened, or opening) */
  get hasQueue(): boolean {
    return this.queue !== undefined || this.opening !== undefined;
  }

  /**
   * connects now (not on the first record), and keeps trying with backoff until it is connected, so the state
   * tells at once whether the cluster is reachable
   */
  start(): void {
    if (this.state === "connected" && !this.producer) this.setState("connecting");
    this.reconnect();
  }

  private reconnect(): void {
    this.reconnectTimer = undefined;
    if (this.closed || this.producer) return;
    this.connectOnce().then(
      () => {
        this.connectFailures = 0;
        if (this.buffered === 0 && !this.draining) this.setState("connected");
        this.drain();
      },
      (err: Error) => {
        if (this.closed) return;
        this.setState("buffering", err);
        this.connectFailures++;
        this.reconnectTimer = setTimeout(() => this.reconnect(), this.backoff(this.connectFailures));
      },
    );
  }

  /** opens the disk queue now (a backlog left on disk by an earlier run drains at once) */
  ensureQueue(): Promise<DurableQueueApi> {
    if (this.queue) return Promise.resolve(this.queue);
    if (!this.openQueue) return Promise.reject(new Error("no disk queue"));
    this.opening ??= this.openQueue().then(
      (queue) => {
        this.opening = undefined;
        if (this.closed) {
          void queue.close().catch(() => undefined);
          throw new Error("the node is closing");
        }
        this.queue = queue;
        if (queue.pending() > 0) this.setState("buffering", this.why);
        const held = this.holding ?? [];
        this.holding = undefined;
        for (const h of held) this.send(h.record, h.priority, h.id, h.acked, h.returnable);
        this.drain();
        return queue;
      },
      (err: unknown) => {
        this.opening = undefined;
        const held = this.holding ?? [];
        this.holding = undefined;
        const e = err instanceof Error ? err : new Error(String(err));
        for (const h of held) h.acked(e);
        throw e;
      },
    );
    return this.opening;
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
    if (!returnable && !this.queue) {
      // the first record no edge-buffer holds: this exporter needs its own disk queue from now on
      (this.holding ??= []).push({ record, priority, id, acked, returnable });
      this.ensureQueue().catch(() => undefined); // the held records fail with the error
      return;
    }
    if (this.starting) {
      this.starting.push({ record, priority, id, acked, returnable });
      return;
    }
    // a returnable record probes the cluster while nothing waits on disk, even while buffering
    if ((this.state !== "buffering" || returnable) && this.buffered === 0) {
      if (this.producer) return this.batcher.add(record, (err) => (err ? this.failed(record, priority, id, acked, err, returnable) : this.sent(acked)), true);
      this.starting = [{ record, priority, id, acked, returnable }];
      this.connectOnce().then(
        () => {
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
    if (this.state !== "connected" && this.buffered === 0 && !this.draining) this.setState("connected");
    acked();
  }

  /**
   * A direct send failed: from now on records go to disk until it has drained. A stalled request (no answer yet)
   * keeps the producer: its records may still be written when the broker answers.
   */
  private failed(record: KafkaRecord, priority: number, id: string, acked: Acked, err: Error, returnable: boolean): void {
    // refused for good: a record its sender holds goes back with the reason; the others go to disk, where the
    // drain sends them one by one to find the record the broker refuses (see drainLoop)
    if (isPermanent(err)) {
      if (returnable) return acked(err);
      this.isolating = Math.max(this.isolating, this.options.batchSize);
      if (this.state === "connected") this.setState("draining");
      this.buffer(record, priority, id, acked, returnable);
      return;
    }
    if (!(err instanceof StalledError) && !(err instanceof NotSentError && isPermanent(err.reason))) this.producer = undefined;
    // behind a failed request: the state says why that one failed
    this.setState("buffering", err instanceof NotSentError ? err.reason : err);
    this.buffer(record, priority, id, acked, returnable);
  }

  private buffer(record: KafkaRecord, priority: number, id: string, acked: Acked, returnable = false): void {
    // the sender keeps it on its own disk and retries it in its own order: not buffered here a second time
    if (returnable) return acked(new HandedBackError(HANDED_BACK));
    const queue = this.queue;
    if (!queue) return acked(new Error("no disk queue")); // not reached: a record that is not returnable waits for the queue
    if (this.closed) {
      // closing: keep it on disk for the next start, and tell the flow it was not delivered
      queue.push(toStored(record), priority, id).then(() => acked(new Error(CLOSED_BUFFERED)), acked);
      return;
    }
    this.waiting.set(id, acked);
    queue.push(toStored(record), priority, id).then(
      () => this.drain(),
      (err: Error) => {
        this.waiting.delete(id);
        acked(err);
      },
    );
  }

  /** fails what waits in memory (what waits on disk stays there) and closes the disk queue if this exporter opened it */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.reconnectTimer);
    if (this.opening) await this.opening.catch(() => undefined);
    // what waits in memory goes to disk, in order
    const starting = this.starting ?? [];
    this.starting = undefined;
    for (const s of starting) this.buffer(s.record, s.priority, s.id, s.acked, s.returnable);
    this.batcher.abort(new Error("the node is closing"));
    for (let i = 0; this.draining && i < 3000; i++) await new Promise((r) => setTimeout(r, 10));
    for (const acked of this.waiting.values()) acked(new Error(CLOSED_BUFFERED));
    this.waiting.clear();
    if (this.openQueue && this.queue) await this.queue.close();
  }

  /** one connection attempt shared by everyone waiting for it */
  private connectOnce(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= (async () => this.connect())().then(
      (producer) => {
        this.connecting = undefined;
        this.producer ??= producer;
        return this.producer;
      },
      (err: unknown) => {
        this.connecting = undefined;
        throw toKafkaError(err);
      },
    );
    return this.connecting;
  }

  private backoff(failures: number): number {
    const base = Math.min(this.options.retryMaxMs ?? 5000, (this.options.retryInitialMs ?? 250) * 2 ** Math.min(10, failures - 1));
    return base * (0.8 + 0.4 * Math.random());
  }

  private drain(): void {
    if (this.draining || this.closed || this.retryTimer || !this.queue) return;
    this.draining = true;
    void this.drainLoop()
      .catch((err: unknown) => this.setState("buffering", err instanceof Error ? err : new Error(String(err))))
      .finally(() => {
        this.draining = false;
      });
  }

  private async drainLoop(): Promise<void> {
    const queue = this.queue;
    if (!queue) return;
    while (!this.closed) {
      const single = this.isolating > 0;
      const batch = queue.take(single ? 1 : this.options.drainBatch);
      if (batch.length === 0) {
        this.isolating = 0;
        if ((this.state === "buffering" || this.state === "draining") && this.buffered === 0 && this.producer) this.setState("connected");
        return;
      }
      if (single) this.isolating--;
      const started = Date.now();
      let results: PromiseSettledResult<void>[];
      try {
        await this.connectOnce();
        results = await Promise.all(batch.map((r) => this.batcher.send(fromStored(r.data as StoredRecord)).then(ok, ko)));
      } catch (err) {
        results = batch.map(() => ({ status: "rejected", reason: err }));
      }
      const refused = results.map((r) => r.status === "rejected" && isPermanent(r.reason));
      if (batch.length === 1 && refused[0]) {
        // this record is the one the broker refuses for good: off the disk, and to its sender (or the log)
        const reason = (results[0] as PromiseRejectedResult).reason as Error;
        queue.ack(batch[0].id);
        this.settle(batch[0].id, reason);
        continue;
      }
      const failures = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
      // acknowledged ones are done (they were sent before the failed request); the rest go back, in order
      for (let i = batch.length - 1; i >= 0; i--) if (results[i].status === "rejected") queue.nack(batch[i].id);
      for (let i = 0; i < batch.length; i++) if (results[i].status === "fulfilled") this.settle(batch[i].id, queue);
      if (failures.length === 0) {
        this.failures = 0;
        if (this.state === "buffering") this.setState("draining");
      } else if (refused.some(Boolean) || failures.some((f) => f.reason instanceof NotSentError && isPermanent(f.reason.reason))) {
        // the cluster answers but refuses one of these for good: send them one by one to find it
        this.isolating = Math.max(this.isolating, batch.length);
        continue;
      } else {
        this.producer = undefined;
        this.failures++;
        this.setState("buffering", toKafkaError(failures[0].reason));
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.drain();
        }, this.backoff(this.failures));
        return;
      }
      if (this.options.drainRatePerSec > 0) {
        const minMs = (batch.length / this.options.drainRatePerSec) * 1000;
        const elapsed = Date.now() - started;
        if (elapsed < minMs) await new Promise((r) => setTimeout(r, minMs - elapsed));
      }
    }
  }

  /** a drained record is delivered (`queue` given: ack it there) or refused for good (`err`): tell whoever waits */
  private settle(id: string, outcome: DurableQueueApi | Error): void {
    const acked = this.waiting.get(id);
    this.waiting.delete(id);
    if (outcome instanceof Error) {
      if (acked) acked(outcome);
      // left on disk by an earlier run: nobody waits for it; said instead of dropped in silence
      else this.emitSafely("refused", id, outcome);
      return;
    }
    outcome.ack(id);
    acked?.();
  }

  private emitSafely(event: string, ...args: unknown[]): void {
    try {
      this.emit(event, ...args);
    } catch {
      // a listener's failure must not break delivery; listeners report their own errors
    }
  }

  private setState(state: ExporterState, error?: Error): void {
    const changed = state !== this.state || (error !== undefined && error.message !== this.why?.message);
    this.state = state;
    this.why = state === "connected" ? undefined : (error ?? this.why);
    if (!changed) return;
    this.emitSafely("state", state, this.why);
  }
}

const ok = (): PromiseSettledResult<void> => ({ status: "fulfilled", value: undefined });
const ko = (reason: unknown): PromiseSettledResult<void> => ({ status: "rejected", reason });
