/**
 * edge-mqtt-bridge's behaviour: maps each source message through the rules, publishes it upstream at once while
 * the link is up and nothing is waiting, and otherwise queues it on disk (durable queue, one lane per priority)
 * for the forwarder to drain at a set rate, most urgent first, when the link returns. The source gets its
 * acknowledgement only after one of the two has succeeded.
 */
import { EventEmitter } from "events";
import type { DurableQueueApi, QueuedRecord } from "../store/types";
import { Forwarder, Clock } from "../store/forwarder";
import { BridgeRules } from "./bridge-rules";
import type { BridgeSource, BridgeUpstream, PublishRequest, SourceMessage } from "./bridge-endpoints";

/** a queued message as stored in the durable queue (JSON) */
interface QueuedMessage {
  t: string;
  p: string;
  q: 0 | 1 | 2;
  r: boolean;
  u?: Record<string, string>;
}

export interface BridgeOptions {
  /** drain the buffer at most this many messages per second (0: as fast as the upstream acknowledges) */
  drainRatePerSec?: number;
  /** publishes in flight while draining */
  window?: number;
  ackTimeoutMs?: number;
  clock?: Clock;
}

export type BridgeState = "connected" | "buffering" | "disconnected";

export class MqttBridge extends EventEmitter {
  private readonly forwarder: Forwarder;
  private source: BridgeSource | undefined;
  forwarded = 0;
  unmatched = 0;

  constructor(
    private readonly rules: BridgeRules,
    private readonly queue: DurableQueueApi,
    private readonly upstream: BridgeUpstream,
    options: BridgeOptions = {},
  ) {
    super();
    this.forwarder = new Forwarder(queue, (record) => this.deliver(record), {
      window: options.window ?? 32,
      ratePerSec: options.drainRatePerSec ?? 0,
      ackTimeoutMs: options.ackTimeoutMs ?? 10000,
      // the link's own reconnect tells us when to try again (retryNow on connect); back off gently meanwhile
      backoff: { initialMs: 200, maxMs: 5000, jitter: 0.2 },
      breaker: { failures: 3, probeAfterMs: 5000 },
      clock: options.clock,
    });
    this.forwarder.on("delivered", () => {
      this.forwarded++;
      this.emit("change");
    });
    this.forwarder.on("failed", (_record: QueuedRecord, err: Error) => this.emit("retry", err));
    upstream.on("connect", () => {
      this.forwarder.retryNow();
      this.emit("change");
    });
    upstream.on("offline", () => this.emit("change"));
  }

  async start(source: BridgeSource): Promise<void> {
    this.source = source;
    this.forwarder.start();
    await source.start(this.rules.filters(), (message) => this.handle(message));
  }

  get buffered(): number {
    return this.queue.pending();
  }

  get state(): BridgeState {
    if (this.queue.pending() > 0) return "buffering";
    return this.upstream.connected ? "connected" : "disconnected";
  }

  /** resolves once the message is published upstream or durably queued; not forwarded when no rule matches */
  async handle(message: SourceMessage): Promise<void> {
    const target = this.rules.map(message.topic);
    if (!target) {
      this.unmatched++;
      return;
    }
    const request: PublishRequest = { topic: target.topic, payload: message.payload, qos: target.qos, retain: target.retain, userProperties: target.userProperties };
    // straight through only when nothing is waiting: a live message must not overtake buffered ones
    if (this.upstream.connected && this.queue.pending() === 0) {
      try {
        await this.upstream.publish(request);
        this.forwarded++;
        return;
      } catch {
        // the link went down under us: keep the message on disk instead
      }
    }
    const stored: QueuedMessage = { t: request.topic, p: request.payload.toString("base64"), q: request.qos, r: request.retain, ...(request.userProperties ? { u: request.userProperties } : {}) };
    await this.queue.push(stored, target.priority);
    this.emit("change");
    this.forwarder.kick();
  }

  async close(): Promise<void> {
    await this.source?.close();
    await this.forwarder.stop();
    await this.upstream.close();
  }

  private deliver(record: QueuedRecord): Promise<void> {
    const m = record.data as QueuedMessage;
    return this.upstream.publish({ topic: m.t, payload: Buffer.from(m.p, "base64"), qos: m.q, retain: m.r, userProperties: m.u });
  }
}
