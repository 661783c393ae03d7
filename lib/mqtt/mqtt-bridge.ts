/**
 * edge-mqtt-bridge's behaviour: maps each source message through the rules, publishes it upstream at once while
 * the link is up and nothing is waiting, and otherwise queues it on disk (durable queue, one lane per priority)
 * for the forwarder to drain at a set rate, most urgent first, when the link returns. The source gets its
 * acknowledgement only after one of the two has succeeded.
 *
 * MQTT 5: the publisher's user properties (the rule's on top, a rule's value wins), content type, response topic,
 * correlation data and payload format go upstream with the message; its message expiry counts down while it waits
 * on disk, and a message that expired there is dropped instead of forwarded (counted in `expired`).
 */
import { EventEmitter } from "events";
import type { DurableQueueApi, QueuedRecord } from "../store/types";
import { Forwarder, Clock, systemClock } from "../store/forwarder";
import { BridgeRules, Republish } from "./bridge-rules";
import { UpstreamRefusedError } from "./bridge-endpoints";
import type { BridgeSource, BridgeUpstream, PublishRequest, SourceMessage } from "./bridge-endpoints";

/** a queued message as stored in the durable queue (JSON) */
interface QueuedMessage {
  t: string;
  p: string;
  q: 0 | 1 | 2;
  r: boolean;
  u?: Record<string, string | string[]>;
  /** message expiry: epoch ms after which it is not forwarded */
  x?: number;
  /** content type, response topic, correlation data (base64), payload format indicator */
  ct?: string;
  rt?: string;
  cd?: string;
  pf?: boolean;
}

export interface BridgeOptions {
  /** drain the buffer at most this many messages per second (0: as fast as the upstream acknowledges) */
  drainRatePerSec?: number;
  /** publishes in flight while draining */
  window?: number;
  /**
   * the forwarder's own ack timeout, a backstop only: the upstream owns the publish timeout (it also takes the
   * publish out of mqtt.js's store); default: the upstream's timeout plus 5 s
   */
  ackTimeoutMs?: number;
  /** from this long without a PUBACK the status stops saying "connected" */
  stallAfterMs?: number;
  /** forward the publisher's MQTT 5 properties (user properties, expiry, ...) upstream; default true */
  forwardProperties?: boolean;
  clock?: Clock;
}

export type BridgeState = "connected" | "buffering" | "disconnected";

/** what the status says, with its reason */
export type BridgeCondition =
  | "starting"
  | "connected"
  | "buffering"
  | "unacknowledged"
  | "upstream-unreachable"
  | "source-unreachable";

export interface BridgeHealth {
  condition: BridgeCondition;
  /** the last error behind the condition, if any */
  reason?: string;
  buffered: number;
  /** seconds without an acknowledgement, for "unacknowledged" */
  waitingS?: number;
}

export class MqttBridge extends EventEmitter {
  private readonly forwarder: Forwarder;
  private source: BridgeSource | undefined;
  private readonly stallAfterMs: number;
  forwarded = 0;
  unmatched = 0;
  /** messages whose MQTT 5 expiry passed before they could be forwarded */
  expired = 0;
  /** messages an MQTT 5 upstream refused for good (reason code), dropped */
  refused = 0;
  private readonly clock: Clock;
  /** records dropped (expired, refused for good), so "delivered" does not count them as forwarded */
  private readonly expiredRecords = new WeakSet<object>();
  private readonly forwardProperties: boolean;

  constructor(
    private readonly rules: BridgeRules,
    private readonly queue: DurableQueueApi,
    private readonly upstream: BridgeUpstream,
    options: BridgeOptions = {},
  ) {
    super();
    this.stallAfterMs = options.stallAfterMs ?? 5000;
    this.clock = options.clock ?? systemClock;
    this.forwardProperties = options.forwardProperties !== false;
    this.forwarder = new Forwarder(queue, (record) => this.deliver(record), {
      window: options.window ?? 32,
      ratePerSec: options.drainRatePerSec ?? 0,
      ackTimeoutMs: options.ackTimeoutMs ?? (upstream.ackTimeoutMs ?? 10000) + 5000,
      // the link's own reconnect tells us when to try again (retryNow on connect); back off gently meanwhile
      backoff: { initialMs: 200, maxMs: 5000, jitter: 0.2 },
      breaker: { failures: 3, probeAfterMs: 5000 },
      clock: options.clock,
    });
    this.forwarder.on("delivered", (record: QueuedRecord) => {
      if (!this.expiredRecords.delete(record)) this.forwarded++;
      this.emit("delivered");
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

  /** connected only while both brokers are reachable, nothing waits on disk and publishes are acknowledged */
  health(): BridgeHealth {
    const buffered = this.queue.pending();
    if (!this.source) return { condition: "starting", buffered };
    if (this.source.connected === false) return { condition: "source-unreachable", reason: this.source.lastError?.message, buffered };
    if (!this.upstream.connected) return { condition: "upstream-unreachable", reason: this.upstream.lastError?.message, buffered };
    const waitingMs = Math.max(this.upstream.unacknowledgedForMs?.() ?? 0, this.forwarder.unacknowledgedForMs());
    if (waitingMs >= this.stallAfterMs) return { condition: "unacknowledged", buffered, waitingS: Math.floor(waitingMs / 1000) };
    if (buffered > 0) return { condition: "buffering", reason: this.forwarder.lastFailure?.message, buffered };
    return { condition: "connected", buffered };
  }

  /** resolves once the message is published upstream or durably queued; not forwarded when no rule matches */
  async handle(message: SourceMessage): Promise<void> {
    const target = this.rules.map(message.topic);
    if (!target) {
      this.unmatched++;
      return;
    }
    const request = this.requestFor(message, target);
    const expiresAt = request.messageExpiryInterval !== undefined ? this.clock.now() + request.messageExpiryInterval * 1000 : undefined;
    // straight through only when nothing is waiting: a live message must not overtake buffered ones
    if (this.upstream.connected && this.queue.pending() === 0) {
      try {
        await this.upstream.publish(request);
        this.forwarded++;
        return;
      } catch (err) {
        if (err instanceof UpstreamRefusedError) return this.refusedUpstream(request.topic, err);
        // the link went down under us: keep the message on disk instead
      }
    }
    const stored: QueuedMessage = {
      t: request.topic,
      p: request.payload.toString("base64"),
      q: request.qos,
      r: request.retain,
      ...(request.userProperties ? { u: request.userProperties } : {}),
      ...(expiresAt !== undefined ? { x: expiresAt } : {}),
      ...(request.contentType !== undefined ? { ct: request.contentType } : {}),
      ...(request.responseTopic !== undefined ? { rt: request.responseTopic } : {}),
      ...(request.correlationData !== undefined ? { cd: request.correlationData.toString("base64") } : {}),
      ...(request.payloadFormatIndicator !== undefined ? { pf: request.payloadFormatIndicator } : {}),
    };
    await this.queue.push(stored, target.priority);
    this.emit("change");
    this.forwarder.kick();
  }

  /** what goes upstream: the rule's topic, QoS and retain flag; the publisher's properties with the rule's user properties on top */
  private requestFor(message: SourceMessage, target: Republish): PublishRequest {
    const request: PublishRequest = { topic: target.topic, payload: message.payload, qos: target.qos, retain: target.retain };
    const props = this.forwardProperties ? message.properties : undefined;
    const userProperties = { ...(props?.userProperties ?? {}), ...(target.userProperties ?? {}) };
    if (Object.keys(userProperties).length > 0) request.userProperties = userProperties;
    if (!props) return request;
    if (props.messageExpiryInterval !== undefined) request.messageExpiryInterval = props.messageExpiryInterval;
    if (props.contentType !== undefined) request.contentType = props.contentType;
    if (props.responseTopic !== undefined) request.responseTopic = props.responseTopic;
    if (props.correlationData !== undefined) request.correlationData = Buffer.from(props.correlationData);
    if (props.payloadFormatIndicator !== undefined) request.payloadFormatIndicator = props.payloadFormatIndicator;
    return request;
  }

  async close(): Promise<void> {
    await this.source?.close();
    await this.forwarder.stop();
    await this.upstream.close();
  }

  private deliver(record: QueuedRecord): Promise<void> {
    const m = record.data as QueuedMessage;
    const request: PublishRequest = { topic: m.t, payload: Buffer.from(m.p, "base64"), qos: m.q, retain: m.r, userProperties: m.u };
    if (m.x !== undefined) {
      const leftMs = m.x - this.clock.now();
      if (leftMs <= 0) {
        // MQTT 5 §3.3.2.3.3: an expired message is not forwarded; delivered as far as the queue is concerned
        this.expired++;
        this.expiredRecords.add(record);
        this.emit("expired", m.t);
        return Promise.resolve();
      }
      request.messageExpiryInterval = Math.ceil(leftMs / 1000);
    }
    if (m.ct !== undefined) request.contentType = m.ct;
    if (m.rt !== undefined) request.responseTopic = m.rt;
    if (m.cd !== undefined) request.correlationData = Buffer.from(m.cd, "base64");
    if (m.pf !== undefined) request.payloadFormatIndicator = m.pf;
    return this.upstream.publish(request).catch((err: unknown) => {
      if (!(err instanceof UpstreamRefusedError)) throw err;
      this.expiredRecords.add(record); // done with, not forwarded
      this.refusedUpstream(request.topic, err);
    });
  }

  /** a message the upstream refuses for good is dropped, with an "upstream-refused" event for the log */
  private refusedUpstream(topic: string, err: UpstreamRefusedError): void {
    this.refused++;
    this.emit("upstream-refused", topic, err);
  }
}
