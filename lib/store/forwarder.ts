/**
 * Drains a durable queue into a delivery function: at least once, highest priority first, a window of records
 * in flight, a drain rate limit, an ack timeout, retries with exponential backoff and jitter, and a circuit
 * breaker that stops trying after repeated failures and sends one probe per `probeAfterMs` until delivery works
 * again. New records do not bring a probe forward (a steady input would probe a dead peer at the input rate); only
 * `retryNow()`, for a link known to be back, does.
 */
import { EventEmitter } from "events";
import type { DurableQueueApi, QueuedRecord } from "./types";

export type ForwarderState = "online" | "offline" | "probing";

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface ForwarderOptions {
  /** records in flight at once */
  window?: number;
  /** drain at most this many records per second (0: no limit) */
  ratePerSec?: number;
  /** a delivery that has not settled by then counts as failed */
  ackTimeoutMs?: number;
  backoff?: { initialMs?: number; maxMs?: number; jitter?: number };
  /** consecutive failures that open the breaker, and how long it stays open before a probe */
  breaker?: { failures?: number; probeAfterMs?: number };
  clock?: Clock;
  random?: () => number;
}

/** a record handed to the delivery function, until it settles */
interface Flight {
  record: QueuedRecord;
  order: number;
  deadline: number;
  settled: boolean;
}

export class Forwarder extends EventEmitter {
  private readonly window: number;
  private readonly ratePerSec: number;
  private readonly ackTimeoutMs: number;
  private readonly backoff: { initialMs: number; maxMs: number; jitter: number };
  private readonly breaker: { failures: number; probeAfterMs: number };
  private readonly clock: Clock;
  private readonly random: () => number;
  private running = false;
  private inFlight = 0;
  private consecutiveFailures = 0;
  private state: ForwarderState = "online";
  private wakeTimer: unknown;
  private wakeAt = 0;
  private nextSendAt = 0;
  private retries = 0;
  private failure: Error | undefined;
  /** when the forwarder last made progress: an ack, or work arriving after an idle spell */
  private progressAt = 0;
  private idle = true;
  /** records in flight, in the order they were handed out (so the first has the earliest ack deadline) */
  private readonly flights = new Set<Flight>();
  private ackTimer: unknown;
  /** stop() waiting for the records in flight to settle */
  private drained: Array<() => void> = [];
  /** hand-out order of the records in flight, so failed ones go back in the order they were taken */
  private sequence = 0;
  /** records that failed, held until the window has settled or the backoff is over, then put back in order */
  private failedRecords: Array<{ record: QueuedRecord; order: number }> = [];
  private afterSettleQueued = false;

  constructor(
    private readonly queue: DurableQueueApi,
    private readonly deliver: (record: QueuedRecord) => Promise<void>,
    options: ForwarderOptions = {},
  ) {
    super();
    this.window = Math.max(1, options.window ?? 16);
    this.ratePerSec = Math.max(0, options.ratePerSec ?? 0);
    this.ackTimeoutMs = Math.max(1, options.ackTimeoutMs ?? 30000);
    this.backoff = { initialMs: 500, maxMs: 30000, jitter: 0.2, ...options.backoff };
    this.breaker = { failures: 5, probeAfterMs: 10000, ...options.breaker };
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
  }

  get currentState(): ForwarderState {
    return this.state;
  }

  get retryCount(): number {
    return this.retries;
  }

  /** the error of the last failed delivery, until one succeeds */
  get lastFailure(): Error | undefined {
    return this.failure;
  }

  /**
   * How long records have been waiting with no acknowledgement (0 while idle or while acks arrive): a downstream
   * that takes records and never answers leaves the breaker closed until the ack timeouts add up, and this is how
   * a status can tell "online" from "sending into the void" within seconds.
   */
  unacknowledgedForMs(): number {
    if (!this.running || this.idle || this.queue.pending() === 0) return 0;
    return Math.max(0, this.clock.now() - this.progressAt);
  }

  start(): void {
    this.running = true;
    this.pump();
  }

  /** stops handing out records; waits for those in flight to settle */
  async stop(): Promise<void> {
    this.running = false;
    if (this.wakeTimer !== undefined) this.clock.clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
  }

  /** new records were queued: send them if the window and the breaker allow (an open breaker waits for its probe) */
  kick(): void {
    this.pump();
  }

  /** the link is known to be back (e.g. a reconnect): probe now instead of waiting out the breaker */
  retryNow(): void {
    if (this.state === "offline") {
      this.wakeAt = 0;
      if (this.wakeTimer !== undefined) this.clock.clearTimeout(this.wakeTimer);
      this.wakeTimer = undefined;
      this.setState("probing");
    }
    this.pump();
  }

  /** the wait for an ack is counted from the moment work arrives after idling, or from the last ack */
  private noteWork(): void {
    if (this.queue.pending() === 0) this.idle = true;
    else if (this.idle) {
      this.idle = false;
      this.progressAt = this.clock.now();
    }
  }

  private pump(): void {
    if (!this.running) return;
    this.noteWork();
    if (this.wakeTimer !== undefined) return;
    const now = this.clock.now();
    if (now < this.wakeAt) return this.sleepUntil(this.wakeAt);
    // the backoff is over: the records that failed meanwhile go back to their lanes before anything is taken
    this.requeueFailed();
    // probing: one record at a time until one succeeds
    const limit = this.state === "online" ? this.window : 1;
    if (this.ratePerSec === 0) {
      // no rate limit: the window's free places in one take (records next to each other on disk are read at once)
      if (this.inFlight < limit) for (const record of this.queue.take(limit - this.inFlight)) this.send(record);
      return;
    }
    while (this.inFlight < limit) {
      const t = this.clock.now();
      if (t < this.nextSendAt) return this.sleepUntil(this.nextSendAt);
      this.nextSendAt = Math.max(t, this.nextSendAt) + 1000 / this.ratePerSec;
      const [record] = this.queue.take(1);
      if (!record) return;
      this.send(record);
    }
  }

  private sleepUntil(at: number): void {
    this.wakeTimer = this.clock.setTimeout(() => {
      this.wakeTimer = undefined;
      if (this.state === "offline") this.setState("probing");
      this.pump();
    }, Math.max(0, at - this.clock.now()));
  }

  private send(record: QueuedRecord): void {
    this.inFlight++;
    const order = this.sequence++;
    const flight: Flight = { record, order, deadline: this.clock.now() + this.ackTimeoutMs, settled: false };
    this.flights.add(flight);
    this.armAckTimer();
    let delivery: Promise<void>;
    try {
      delivery = Promise.resolve(this.deliver(record));
    } catch (err) {
      delivery = Promise.reject(err);
    }
    // one settlement per record, whichever comes first: the delivery, or the ack timeout (see sweepAckTimeouts)
    delivery.then(
      () => this.settle(flight),
      (err: unknown) => this.settle(flight, err instanceof Error ? err : new Error(String(err))),
    );
  }

  private settle(flight: Flight, err?: Error): void {
    if (flight.settled) return;
    flight.settled = true;
    this.flights.delete(flight);
    this.inFlight--;
    const { record, order } = flight;
    if (!err) {
      this.queue.ack(record.id);
      this.progressAt = this.clock.now();
      this.failure = undefined;
      this.consecutiveFailures = 0;
      this.setState("online");
      this.emit("delivered", record);
    } else {
      this.failedRecords.push({ record, order });
      this.retries++;
      this.failure = err;
      this.consecutiveFailures++;
      this.emit("failed", record, err);
      const exp = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** Math.min(20, this.consecutiveFailures - 1));
      const delay = exp * (1 + this.backoff.jitter * (2 * this.random() - 1));
      if (this.consecutiveFailures >= this.breaker.failures) {
        this.setState("offline");
        this.wakeAt = this.clock.now() + this.breaker.probeAfterMs;
      } else {
        this.wakeAt = Math.max(this.wakeAt, this.clock.now() + delay);
      }
    }
    if (this.inFlight === 0) {
      this.disarmAckTimer();
      const waiting = this.drained;
      this.drained = [];
      for (const resolve of waiting) resolve();
    }
    // what follows a settlement runs a microtask later, as it did when each record had a promise chain of its own;
    // once for all the settlements of this turn (a Kafka batch acknowledges hundreds at once), so the free places
    // of the window are taken in one take(), not one each
    if (!this.afterSettleQueued) {
      this.afterSettleQueued = true;
      queueMicrotask(this.afterSettle);
    }
  }

  private readonly afterSettle = (): void => {
    this.afterSettleQueued = false;
    if (this.inFlight === 0) this.requeueFailed();
    this.pump();
  };

  /**
   * One timer for every record in flight, not one per record: set for the oldest deadline (records are taken in
   * order, so the set's first is the oldest), it fails every record past its deadline and re-arms for the next.
   */
  private armAckTimer(): void {
    if (this.ackTimer !== undefined) return;
    const first = this.flights.values().next();
    if (first.done) return;
    this.ackTimer = this.clock.setTimeout(() => {
      this.ackTimer = undefined;
      this.sweepAckTimeouts();
    }, Math.max(0, first.value.deadline - this.clock.now()));
  }

  private disarmAckTimer(): void {
    if (this.ackTimer === undefined) return;
    this.clock.clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
  }

  private sweepAckTimeouts(): void {
    const now = this.clock.now();
    const expired: Flight[] = [];
    for (const f of this.flights) {
      if (f.deadline > now) break;
      expired.push(f);
    }
    for (const f of expired) this.settle(f, new Error(`no acknowledgement within ${this.ackTimeoutMs} ms`));
    this.armAckTimer();
  }

  /**
   * Puts the failed records back, once nothing is in flight any more or the backoff is over (a delivery that never
   * settles must not hold the others until its ack timeout): each goes to the head of its lane, the last taken
   * first, so that every lane holds them in the order they were taken. A window of records failing one after the
   * other (a failed request fails everything behind it, record by record) used to come back reversed, and the
   * retry then sent a later record of a key before an earlier one.
   */
  private requeueFailed(): void {
    if (this.failedRecords.length === 0) return;
    const failed = this.failedRecords.sort((a, b) => b.order - a.order);
    this.failedRecords = [];
    for (const f of failed) this.queue.nack(f.record.id);
  }

  private setState(state: ForwarderState): void {
    if (state === this.state) return;
    this.state = state;
    this.emit("state", state);
  }
}
