/**
 * A durable queue opened on first need: a node that usually passes messages straight through (edge-mqtt-bridge
 * with its upstream up) keeps no queue files open and writes nothing until a message has to wait. A backlog left on
 * disk by an earlier run is opened at once (`openIfBacklog`), so it drains without waiting for a new message.
 */
import * as fs from "fs";
import { DurableQueue } from "./durable-queue";
import type { DurableQueueApi, QueueOptions, QueueStats, QueuedRecord, RecoveryReport } from "./types";

const EMPTY_RECOVERY: RecoveryReport = { damaged: [], tornTailBytes: 0 };

export class LazyQueue implements DurableQueueApi {
  private queue: DurableQueue | undefined;
  private opening: Promise<DurableQueue> | undefined;
  /** pushes waiting for the queue to open: they count as pending, so nothing overtakes them */
  private waitingPushes = 0;
  private closed = false;

  constructor(private readonly options: QueueOptions) {}

  get isOpen(): boolean {
    return this.queue !== undefined;
  }

  /** opens the queue now when its folder holds files from before (a backlog); otherwise leaves it closed */
  async openIfBacklog(): Promise<void> {
    let files: string[] = [];
    try {
      files = fs.readdirSync(this.options.dir);
    } catch {
      return; // no folder: nothing was ever buffered
    }
    if (files.length > 0) await this.open();
  }

  open(): Promise<DurableQueue> {
    if (this.closed) return Promise.reject(new Error("the queue is closed"));
    this.opening ??= DurableQueue.open(this.options).then(
      (q) => {
        if (this.closed) {
          void q.close();
          throw new Error("the queue is closed");
        }
        this.queue = q;
        return q;
      },
      (err: unknown) => {
        this.opening = undefined; // a later push tries again (e.g. the disk came back)
        throw err;
      },
    );
    return this.opening;
  }

  async push(data: unknown, priority?: number, id?: string): Promise<string> {
    if (this.queue) return this.queue.push(data, priority, id);
    this.waitingPushes++;
    try {
      const q = await this.open();
      return await q.push(data, priority, id);
    } finally {
      this.waitingPushes--;
    }
  }

  take(n: number): QueuedRecord[] {
    return this.queue?.take(n) ?? [];
  }

  ack(id: string): void {
    this.queue?.ack(id);
  }

  nack(id: string): void {
    this.queue?.nack(id);
  }

  stats(): QueueStats {
    return this.queue?.stats() ?? { queued: 0, queuedPerLane: [], inFlight: 0, bytesOnDisk: 0, evicted: 0, delivered: 0 };
  }

  pending(): number {
    return (this.queue?.pending() ?? 0) + this.waitingPushes;
  }

  get recovery(): RecoveryReport {
    return this.queue?.recovery ?? EMPTY_RECOVERY;
  }

  async close(): Promise<void> {
    this.closed = true;
    const q = this.queue ?? (await this.opening?.catch(() => undefined));
    this.queue = undefined;
    await q?.close();
  }
}
