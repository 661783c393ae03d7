/**
 * Collects records for up to `lingerMs` or `batchSize` records and sends them in one produce request
 * (kafkajs sendBatch); each caller's promise settles with its batch's acknowledgement. One request is in
 * flight at a time — the next batch fills meanwhile — so records of a key reach the broker in order.
 */
import type { CompressionTypes, Producer } from "kafkajs";
import type { KafkaRecord } from "./kafka-record";

export interface BatcherOptions {
  batchSize: number;
  lingerMs: number;
  acks: -1 | 0 | 1;
  compression: CompressionTypes;
}

interface Waiting {
  record: KafkaRecord;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class Batcher {
  private waiting: Waiting[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sending = false;

  constructor(
    private readonly producer: () => Producer,
    private readonly options: BatcherOptions,
  ) {}

  send(record: KafkaRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ record, resolve, reject });
      if (this.waiting.length >= this.options.batchSize) this.flush();
      else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.options.lingerMs);
    });
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.sending) return; // sent when the request in flight completes
    const batch = this.waiting.splice(0, this.options.batchSize);
    if (batch.length === 0) return;
    const byTopic = new Map<string, Array<{ key: string | null; value: Buffer; headers: Record<string, string> }>>();
    for (const { record } of batch) {
      const list = byTopic.get(record.topic) ?? [];
      list.push({ key: record.key, value: record.value, headers: record.headers });
      byTopic.set(record.topic, list);
    }
    let send: Promise<unknown>;
    try {
      send = this.producer().sendBatch({
        acks: this.options.acks,
        compression: this.options.compression,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    } catch (err) {
      send = Promise.reject(err);
    }
    this.sending = true;
    send
      .then(
        () => batch.forEach((w) => w.resolve()),
        (err: Error) => batch.forEach((w) => w.reject(err)),
      )
      .finally(() => {
        this.sending = false;
        if (this.waiting.length >= this.options.batchSize) this.flush();
        else if (this.waiting.length > 0 && !this.timer) this.timer = setTimeout(() => this.flush(), this.options.lingerMs);
      });
  }

  /** fails everything waiting (the node is closing) */
  abort(reason: Error): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.waiting;
    this.waiting = [];
    batch.forEach((w) => w.reject(reason));
  }
}
