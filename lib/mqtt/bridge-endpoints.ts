/**
 * The two ends of edge-mqtt-bridge. A source delivers messages and acknowledges each to its broker only when the
 * bridge's promise for it resolves (durably queued or published upstream); the upstream publishes and reports
 * whether its link is up.
 */
import { EventEmitter } from "events";
import mqtt, { MqttClient, IClientOptions, IClientPublishOptions } from "mqtt";
import { messageProperties } from "./embedded-broker";
import type { EmbeddedBroker, MessageProperties } from "./embedded-broker";
import { setNoDelay } from "./no-delay";

export interface SourceMessage {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
  /** MQTT 5 properties the publisher set (none from an MQTT 3.1.1 source) */
  properties?: MessageProperties;
}

export interface BridgeSource {
  /** false while the source broker is unreachable (undefined: always reachable, e.g. in-process) */
  readonly connected?: boolean;
  /** the last connection error, until the next connect */
  readonly lastError?: Error;
  start(filters: string[], onMessage: (message: SourceMessage) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export interface PublishRequest {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
  userProperties?: Record<string, string | string[]>;
  /** seconds left before the message expires (MQTT 5; the bridge counts it down while the message waits) */
  messageExpiryInterval?: number;
  contentType?: string;
  responseTopic?: string;
  correlationData?: Buffer;
  payloadFormatIndicator?: boolean;
}

/** emits "connect" and "offline" */
export interface BridgeUpstream extends EventEmitter {
  readonly connected: boolean;
  /** the last link error, until the next connect */
  readonly lastError?: Error;
  /** how long a publish waits for its acknowledgement before it fails */
  readonly ackTimeoutMs?: number;
  /** how long the oldest publish in flight has waited for its acknowledgement (0: none waiting) */
  unacknowledgedForMs?(): number;
  publish(request: PublishRequest): Promise<void>;
  close(): Promise<void>;
}

/**
 * A source broker reached with mqtt.js. The session is persistent (clean: false, a stable client id), so the
 * broker keeps QoS 1 messages for the bridge while Node-RED restarts; mqtt.js sends PUBACK only once
 * `handleMessage` calls back, which is when the bridge's promise resolves.
 */
export class MqttSource extends EventEmitter implements BridgeSource {
  private client: MqttClient | undefined;
  lastError: Error | undefined;

  constructor(
    private readonly url: string,
    private readonly options: IClientOptions,
  ) {
    super();
  }

  get connected(): boolean {
    return this.client?.connected === true;
  }

  start(filters: string[], onMessage: (message: SourceMessage) => Promise<void>): Promise<void> {
    const client = mqtt.connect(this.url, { clean: false, ...this.options, manualConnect: true });
    this.client = client;
    client.handleMessage = (packet, callback) => {
      if (packet.cmd !== "publish") return callback();
      const message: SourceMessage = {
        topic: packet.topic,
        payload: Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload),
        qos: packet.qos,
        retain: packet.retain,
      };
      const properties = messageProperties(packet.properties as Record<string, unknown> | undefined);
      if (properties) message.properties = properties;
      onMessage(message).then(
        () => callback(),
        (err: Error) => {
          // no PUBACK: the broker redelivers the message when the session resumes
          if (this.listenerCount("error") > 0) this.emit("error", err);
          callback(err);
        },
      );
    };
    client.on("connect", () => {
      setNoDelay(client.stream);
      this.lastError = undefined;
      this.emit("connect");
      // a resumed session already has the subscriptions; subscribing again is harmless and covers a lost session
      client.subscribe(Object.fromEntries(filters.map((f) => [f, { qos: 1 as const }])), (err) => {
        if (err && this.listenerCount("error") > 0) this.emit("error", err);
      });
    });
    client.on("offline", () => this.emit("offline"));
    client.on("error", (err) => {
      this.lastError = err;
      if (this.listenerCount("error") > 0) this.emit("error", err);
    });
    client.connect();
    return Promise.resolve();
  }

  async close(): Promise<void> {
    // keep the session (no unsubscribe): the broker holds what arrives until the bridge is back
    await this.client?.endAsync(true).catch(() => undefined);
  }
}

/** The local edge-broker, in-process: one subscription to every topic, the rules decide what is forwarded. */
export class EmbeddedSource implements BridgeSource {
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(private readonly broker: EmbeddedBroker) {}

  async start(_filters: string[], onMessage: (message: SourceMessage) => Promise<void>): Promise<void> {
    this.unsubscribe = await this.broker.subscribe("#", onMessage);
  }

  async close(): Promise<void> {
    await this.unsubscribe?.();
  }
}

export class PublishTimeoutError extends Error {}

/**
 * An MQTT 5 upstream refused this message for good (PUBACK/PUBREC reason code: not authorised, topic name or
 * payload format invalid, packet too large): sending it again gets the same answer, so the bridge must not retry it
 * forever ahead of everything queued behind it. 0x80 (unspecified) and 0x97 (quota exceeded) may pass: retried.
 */
export class UpstreamRefusedError extends Error {
  constructor(
    message: string,
    readonly reasonCode: number,
  ) {
    super(message);
  }
}

const PERMANENT_REFUSALS = new Set([0x83, 0x87, 0x90, 0x95, 0x99]);

function refusalOf(err: Error): Error {
  const code = (err as { code?: unknown }).code;
  if (typeof code === "number" && PERMANENT_REFUSALS.has(code)) return new UpstreamRefusedError(`${err.message} (reason code 0x${code.toString(16)})`, code);
  return err;
}

/**
 * The upstream broker via mqtt.js: publishes only while connected, and fails instead of queueing in memory.
 *
 * mqtt.js keeps every unacknowledged QoS 1/2 publish and sends them all again, in the order they were first sent,
 * as soon as it reconnects — before anything else. The bridge must not let it: a publish that had no answer when
 * the link dropped (or by its ack timeout) fails at once and is taken out of mqtt.js's store, so the bridge puts it
 * on disk, and the disk drains most urgent first; otherwise the bulk messages that were in flight would reach the
 * upstream ahead of the alerts queued during the outage (and the local broker's publisher would wait for the ack
 * timeout meanwhile).
 */
export class MqttUpstream extends EventEmitter implements BridgeUpstream {
  private readonly client: MqttClient;
  lastError: Error | undefined;
  /** start times of the publishes waiting for their acknowledgement */
  private readonly waiting = new Set<{ since: number }>();

  constructor(
    url: string,
    options: IClientOptions,
    readonly ackTimeoutMs = 10000,
  ) {
    super();
    this.client = mqtt.connect(url, { clean: true, queueQoSZero: false, ...options });
    this.client.on("connect", () => {
      setNoDelay(this.client.stream);
      this.lastError = undefined;
      this.emit("connect");
    });
    this.client.on("offline", () => this.emit("offline"));
    this.client.on("close", () => {
      this.dropUnacknowledged();
      this.emit("offline");
    });
    this.client.on("error", (err) => {
      this.lastError = err;
      this.emit("link-error", err);
    });
  }

  unacknowledgedForMs(): number {
    let oldest = Infinity;
    for (const w of this.waiting) oldest = Math.min(oldest, w.since);
    return oldest === Infinity ? 0 : Date.now() - oldest;
  }

  get connected(): boolean {
    return this.client.connected;
  }

  /** MQTT 5: user properties, message expiry and the other publish properties go upstream */
  get supportsUserProperties(): boolean {
    return this.client.options.protocolVersion === 5;
  }

  publish(request: PublishRequest): Promise<void> {
    if (!this.client.connected) return Promise.reject(new Error("the upstream broker is not connected"));
    const options: IClientPublishOptions = { qos: request.qos, retain: request.retain };
    if (this.supportsUserProperties) {
      const properties: NonNullable<IClientPublishOptions["properties"]> = {};
      if (request.userProperties) properties.userProperties = request.userProperties;
      if (request.messageExpiryInterval !== undefined) properties.messageExpiryInterval = request.messageExpiryInterval;
      if (request.contentType !== undefined) properties.contentType = request.contentType;
      if (request.responseTopic !== undefined) properties.responseTopic = request.responseTopic;
      if (request.correlationData !== undefined) properties.correlationData = request.correlationData;
      if (request.payloadFormatIndicator !== undefined) properties.payloadFormatIndicator = request.payloadFormatIndicator;
      if (Object.keys(properties).length > 0) options.properties = properties;
    }
    const waiting = { since: Date.now() };
    this.waiting.add(waiting);
    return new Promise<void>((resolve, reject) => {
      const acked = (err?: Error) => {
        clearTimeout(timer);
        if (err) reject(refusalOf(err));
        else resolve();
      };
      const timer = setTimeout(() => {
        reject(new PublishTimeoutError(`no acknowledgement from the upstream broker within ${this.ackTimeoutMs} ms`));
        // the bridge keeps it on disk now: mqtt.js must not send it again on its own when it reconnects
        for (const [id, entry] of Object.entries(this.client.outgoing)) if (entry.cb === acked) this.client.removeOutgoingMessage(Number(id));
      }, this.ackTimeoutMs);
      this.client.publish(request.topic, request.payload, options, acked);
    }).finally(() => this.waiting.delete(waiting));
  }

  /** the link dropped: every publish still waiting for its ack fails now, and mqtt.js forgets it */
  private dropUnacknowledged(): void {
    for (const [id, entry] of Object.entries(this.client.outgoing)) if (entry.cmd === "publish") this.client.removeOutgoingMessage(Number(id));
  }

  async close(): Promise<void> {
    await this.client.endAsync(true).catch(() => undefined);
  }
}
