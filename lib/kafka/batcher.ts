/**
 * Collects records for up to `lingerMs` or `batchSize` records and sends them in one produce request
 * (KafkaProducer.send); each record's callback runs with its batch's acknowledgement. One request is in flight at a
 * time — the next batch fills meanwhile — so records of a key reach the broker in order. When a request fails, the
 * records still waiting behind it fail too, in order, so that none of them can overtake the failed ones.
 *
 * A request that has had no answer for `stallMs` means the broker is unreachable or frozen: records that wait
 * behind it and were added as `stallable` are handed back at once, in order, with a StalledError (and so is every
 * stallable record added until the request settles), instead of being held in memory and sent in arrival order
 * whenever the broker answers — their owner puts them where they are delivered in priority order.
 */
import type { Acks, Compression, KafkaProducer } from "./client";
import type { KafkaRecord } from "./kafka-record";

export interface BatcherOptions {
  batchSize: number;
  lingerMs: number;
  acks: Acks;
  compression: Compression;
  /** a request unanswered for this long hands the stallable records waiting behind it back (0: never) */
  stallMs?: number;
}

/** called once per record: without an error when the broker acknowledged it */
export type Acked = (err?: Error) => void;

/** the record was not sent: the request before it has had no answer for too long */
export class StalledError extends Error {}

/** the record was not sent: the request before it failed (with `reason`) */
export class NotSentError extends Error {
  /** the failed request's error, also as `cause` so that error mapping finds it */
  override readonly cause: Error;
  constructor(readonly reason: Error) {
    super(reason.message);
    this.cause = reason;
  }
}

export class Batcher {
  private records: KafkaRecord[] = [];
  private callbacks: Acked[] = [];
  /** per waiting record: may it be handed back when the request in flight stalls? */
  private stallable: boolean[] = [];
  private stalled = false;
  private stallTimer: NodeJS.Timeout | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sending = false;
  private inFlight = 0;
  /** when the oldest waiting record arrived: linger counts from there */
  private firstAt = 0;
  private readonly onTimer = () => {
    this.timer = undefined;
    this.flush();
  };

  constructor(
    private readonly producer: () => Pick<KafkaProducer, "send">,
    private readonly options: BatcherOptions,
    /** the request in flight has had no answer for stallMs (told once per request) */
    private readonly onStall: (err: StalledError) => void = () => undefined,
  ) {}

  /** records waiting or in flight */
  get size(): number {
    return this.records.length + this.inFlight;
  }

  /** whether the request in flight has had no answer for `stallMs` */
  get isStalled(): boolean {
    return this.stalled;
  }

  add(record: KafkaRecord, acked: Acked, stallable = false): void {
    if (stallable && this.stalled) return acked(new StalledError(STALLED));
    if (this.records.push(record) === 1) this.firstAt = Date.now();
    this.callbacks.push(acked);
    this.stallable.push(stallable);
    if (this.records.length >= this.options.batchSize) this.flush();
    else if (!this.timer && !this.sending) this.timer = setTimeout(this.onTimer, this.options.lingerMs);
  }

  send(record: KafkaRecord): Promise<void> {
    return new Promise((resolve, reject) => this.add(record, (err) => (err ? reject(err) : resolve())));
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.sending || this.records.length === 0) return; // sent when the request in flight completes
    const n = Math.min(this.records.length, this.options.batchSize);
    const batch = this.records.length === n ? this.records : this.records.slice(0, n);
    const callbacks = this.callbacks.length === n ? this.callbacks : this.callbacks.slice(0, n);
    this.records = this.records.length === n ? [] : this.records.slice(n);
    this.callbacks = this.callbacks.length === n ? [] : this.callbacks.slice(n);
    this.stallable = this.stallable.length === n ? [] : this.stallable.slice(n);
    let send: Promise<unknown>;
    try {
      send = this.producer().send({ acks: this.options.acks, compression: this.options.compression, topics: byTopic(batch) });
    } catch (err) {
      send = Promise.reject(err);
    }
    this.sending = true;
    this.inFlight = n;
    if (this.options.stallMs) this.stallTimer = setTimeout(() => this.stall(), this.options.stallMs);
    send.then(
      () => this.settled(callbacks),
      (err: unknown) => this.settled(callbacks, err instanceof Error ? err : new Error(String(err))),
    );
  }

  /** the request in flight has had no answer for stallMs: hand the stallable records waiting behind it back */
  private stall(): void {
    this.stallTimer = undefined;
    if (!this.sending) return;
    this.stalled = true;
    const keep = { records: [] as KafkaRecord[], callbacks: [] as Acked[] };
    const handBack: Acked[] = [];
    for (let i = 0; i < this.records.length; i++) {
      if (this.stallable[i]) handBack.push(this.callbacks[i]);
      else {
        keep.records.push(this.records[i]);
        keep.callbacks.push(this.callbacks[i]);
      }
    }
    this.records = keep.records;
    this.callbacks = keep.callbacks;
    this.stallable = keep.records.map(() => false);
    if (this.records.length === 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const err = new StalledError(STALLED);
    for (const cb of handBack) cb(err);
    this.onStall(new StalledError(UNANSWERED));
  }

  private settled(callbacks: Acked[], err?: Error): void {
    this.sending = false;
    this.inFlight = 0;
    this.stalled = false;
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    if (err) {
      // everything behind the failed batch fails with it, in order
      const behind = this.callbacks;
      this.records = [];
      this.callbacks = [];
      this.stallable = [];
      for (const cb of callbacks) cb(err);
      const notSent = new NotSentError(err);
      for (const cb of behind) cb(notSent);
      return;
    }
    for (const cb of callbacks) cb();
    if (this.records.length === 0 || this.timer) return;
    // the records that arrived meanwhile have lingered since the oldest of them came
    const wait = this.options.lingerMs - (Date.now() - this.firstAt);
    if (this.records.length >= this.options.batchSize || wait <= 0) this.flush();
    else this.timer = setTimeout(this.onTimer, wait);
  }

  /** fails everything waiting (the node is closing); a request in flight still settles its own records */
  abort(reason: Error): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    const callbacks = this.callbacks;
    this.records = [];
    this.callbacks = [];
    this.stallable = [];
    for (const cb of callbacks) cb(reason);
  }
}

const STALLED = "the broker has not answered the request before this record: handed back unsent";
const UNANSWERED = "the broker has not answered a produce request";

/** the client takes the records as they are: it reads key, value and headers and ignores the topic field */
function byTopic(batch: KafkaRecord[]): Array<{ topic: string; records: KafkaRecord[] }> {
  const first = batch[0].topic;
  let single = true;
  for (const r of batch) {
    if (r.topic !== first) {
      single = false;
      break;
    }
  }
  if (single) return [{ topic: first, records: batch }];
  const map = new Map<string, KafkaRecord[]>();
  for (const r of batch) {
    const list = map.get(r.topic);
    if (list) list.push(r);
    else map.set(r.topic, [r]);
  }
  return [...map].map(([topic, records]) => ({ topic, records }));
}
