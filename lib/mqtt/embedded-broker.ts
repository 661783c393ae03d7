/**
 * The embedded MQTT broker (aedes 2, MQTT 3.1, 3.1.1 and 5): TCP or TLS listener, optional WebSocket listener, users and
 * per-user topic ACLs, sessions and retained messages on disk (FilePersistence).
 */
import * as net from "net";
import * as tls from "tls";
import * as http from "http";
import * as https from "https";
import { EventEmitter } from "events";
import { Aedes } from "aedes";
import type { Client } from "aedes";
import { WebSocketServer, createWebSocketStream } from "ws";
import { FilePersistence } from "./file-persistence";
import type { PacketLike } from "./file-persistence";
import { BrokerAuth } from "./broker-auth";
import { RateMeter } from "./rate-meter";
import { topicMatches } from "./topic-filter";
import { gateProtocolLevel } from "./protocol-level-gate";
import { encodeV5Ack, reasonCodeFor, ReasonCode } from "./v5-acks";
import type { Duplex } from "stream";
import { setNoDelay } from "./no-delay";
import { coalesceWrites } from "./write-coalescing";

export interface EmbeddedBrokerOptions {
  host: string;
  /** 0: any free port (see `port` once started) */
  port: number;
  tls?: { cert: string; key: string; ca?: string };
  /** WebSocket listener on the same host (wss when tls is set) */
  ws?: { port: number; path?: string };
  dataDir: string;
  auth: BrokerAuth;
  now?: () => number;
}

/** the MQTT 5 properties of a message that travel with it (MQTT 5 §3.3.2.3); absent for MQTT 3.1.1 publishers */
export interface MessageProperties {
  userProperties?: Record<string, string | string[]>;
  /** seconds the message is still valid for (counts down while it waits) */
  messageExpiryInterval?: number;
  contentType?: string;
  responseTopic?: string;
  correlationData?: Buffer;
  payloadFormatIndicator?: boolean;
}

/** a message as the broker routes it, for in-process subscribers */
export interface BrokerMessage {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
  properties?: MessageProperties;
}

const MESSAGE_PROPERTIES = ["userProperties", "messageExpiryInterval", "contentType", "responseTopic", "correlationData", "payloadFormatIndicator"] as const;

/** the message-level properties of a packet (not the connection-scoped topic alias or subscription ids) */
export function messageProperties(properties: Record<string, unknown> | undefined): MessageProperties | undefined {
  if (!properties) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of MESSAGE_PROPERTIES) if (properties[key] !== undefined) out[key] = properties[key];
  // mqtt-packet decodes user properties into a null-prototype object: a plain one for Node-RED's msg and JSON
  if (out.userProperties) out.userProperties = { ...(out.userProperties as Record<string, string | string[]>) };
  return Object.keys(out).length > 0 ? (out as MessageProperties) : undefined;
}

/** a routed or stored packet as in-process subscribers get it */
function brokerMessage(packet: { topic: string; payload?: Buffer | string; qos?: number; retain?: boolean; properties?: object }): BrokerMessage {
  const message: BrokerMessage = {
    topic: packet.topic,
    payload: Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(String(packet.payload ?? "")),
    qos: (packet.qos ?? 0) as 0 | 1 | 2,
    retain: packet.retain === true,
  };
  const properties = messageProperties(packet.properties as Record<string, unknown> | undefined);
  if (properties) message.properties = properties;
  return message;
}

/** an in-process subscriber: resolves once it has the message (see EmbeddedBroker.subscribe) */
export type InProcessHandler = (message: BrokerMessage, origin: { clientId: string }) => Promise<void>;

/** what an edge-broker node offers edge-mqtt-bridge (found with RED.nodes.getNode) */
export interface EmbeddedBrokerProvider {
  /** the running broker (waits for it to start); rejects when it could not start */
  broker(): Promise<EmbeddedBroker>;
}

/**
 * Why the broker refused something: "anonymous" (a user name is required), "auth" (bad user name or password),
 * "protocol" (a protocol level it does not speak), "publish"/"subscribe" (the ACL), "delivery" (the gateway's own
 * subscriber failed, e.g. the bridge's buffer is full).
 */
export type DenialKind = "anonymous" | "auth" | "protocol" | "publish" | "subscribe" | "delivery";

export const DENIAL_KINDS: readonly DenialKind[] = ["anonymous", "auth", "protocol", "publish", "subscribe", "delivery"];

/** one refusal, as the "denied" event reports it */
export interface Refusal {
  kind: DenialKind;
  /** the client's user name ("" for none) */
  user: string;
  /** the topic or filter concerned (publish, subscribe, delivery), the client id (auth) or the level (protocol) */
  what: string;
  /** 3, 4 or 5 (the level asked for, for "protocol") */
  protocolVersion: number;
  /** what the client was answered: "CONNACK 5", "CONNACK 0x86", "PUBACK 0x97", "disconnected", "dropped", ... */
  answer: string;
  /** the underlying error, for "delivery" */
  error?: string;
}

/** A `returnCode` on the error tells aedes which CONNACK code to send (4: bad user name or password, 5: not authorised); aedes maps it to 0x86 / 0x87 for MQTT 5. */
class AuthError extends Error {
  constructor(readonly returnCode: 4 | 5) {
    super(returnCode === 4 ? "bad user name or password" : "not authorized");
  }
}

/** topic aliases an MQTT 5 client may set up per connection (advertised in the CONNACK) */
const TOPIC_ALIAS_MAXIMUM = 64;

const hex = (code: number) => `0x${code.toString(16).padStart(2, "0")}`;

function listen(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

function closeServer(server: net.Server | undefined): Promise<void> {
  return new Promise((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()));
}

export class EmbeddedBroker extends EventEmitter {
  port = 0;
  wsPort = 0;
  private tcpServer: net.Server | undefined;
  private httpServer: http.Server | undefined;
  private wss: WebSocketServer | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly usernames = new WeakMap<Client, string>();
  private readonly meter: RateMeter;
  private closing: Promise<void> | undefined;
  private readonly inProcess: Array<{ filter: string; handler: InProcessHandler; owner?: object }> = [];
  /** refusals since start, per kind (the node's status shows them) */
  readonly refusals: Record<DenialKind, number> = { anonymous: 0, auth: 0, protocol: 0, publish: 0, subscribe: 0, delivery: 0 };

  private constructor(
    readonly aedes: Aedes,
    private readonly persistence: FilePersistence,
    private readonly options: EmbeddedBrokerOptions,
  ) {
    super();
    this.meter = new RateMeter(5, options.now);
  }

  static async start(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
    const persistence = new FilePersistence({ dir: options.dataDir });
    // topic aliases (MQTT 5): a constrained device may send a long topic once and a 2-byte alias after it; aedes
    // resolves them per connection before authorisation, so ACLs and the gateway's subscribers see the full topic
    const aedes = await Aedes.createBroker({ persistence, drainTimeout: 30000, heartbeatInterval: 60000, topicAliasMaximum: TOPIC_ALIAS_MAXIMUM });
    const broker = new EmbeddedBroker(aedes, persistence, options);
    try {
      broker.installHandlers();
      broker.resumeSessionExpiry();
      await broker.listen();
    } catch (err) {
      await broker.close();
      throw err;
    }
    return broker;
  }

  get refused(): number {
    return DENIAL_KINDS.reduce((n, kind) => n + this.refusals[kind], 0);
  }

  get clients(): number {
    return this.aedes.connectedClients;
  }

  /** messages published by clients per second, over the last seconds */
  messagesPerSecond(): number {
    return this.meter.perSecond();
  }

  /**
   * An in-process subscription (no ACL: it is the gateway's own). Its handler runs before the broker
   * acknowledges or routes the message: aedes writes a QoS 1 PUBACK before it routes a publish to subscribers, so
   * an ordinary subscription would be acknowledged to the device before the handler (the bridge's upstream
   * publish or disk write) had the message. When the handler rejects a QoS 1/2 publish, the broker drops the
   * client's connection without acknowledging it, and the device sends it again after reconnecting.
   * The handler's second argument names the publisher: its client id, "" for an in-process publish. `owner` marks
   * the subscription as the one of an in-process publisher: what `publish` sends with the same owner skips it
   * (MQTT 5's No Local), so a flow that republishes on a topic it reads does not loop.
   */
  async subscribe(filter: string, handler: InProcessHandler, options: { owner?: object } = {}): Promise<() => Promise<void>> {
    const entry = { filter, handler, owner: options.owner };
    this.inProcess.push(entry);
    return async () => {
      const at = this.inProcess.indexOf(entry);
      if (at >= 0) this.inProcess.splice(at, 1);
    };
  }

  /**
   * The retained messages whose topic matches `filter`, as a new MQTT subscription receives them (retain set):
   * an in-process subscriber that wants the last known state reads these once after subscribing.
   */
  async retained(filter: string): Promise<BrokerMessage[]> {
    const found: BrokerMessage[] = [];
    for await (const packet of this.persistence.createRetainedStreamCombi([filter]) as AsyncIterable<PacketLike & { topic: string }>) found.push(brokerMessage({ ...packet, retain: true }));
    return found;
  }

  /** the in-process handlers whose filter matches, all settled; rejects with the first failure */
  private async deliverInProcess(packet: { topic: string; payload?: Buffer | string; qos?: number; retain?: boolean; properties?: object }, clientId: string, from?: object): Promise<void> {
    const topic = packet.topic;
    const matching = this.inProcess.filter((s) => (from === undefined || s.owner !== from) && topicMatches(s.filter, topic));
    if (matching.length === 0) return;
    const message = brokerMessage(packet);
    const origin = { clientId };
    // one subscriber (the usual case: the bridge, or the node's output) needs no settling of all
    if (matching.length === 1) {
      return matching[0].handler(message, origin).catch((err: unknown) => {
        throw err instanceof Error ? err : new Error(String(err));
      });
    }
    const results = await Promise.allSettled(matching.map((s) => s.handler(message, origin)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
  }

  /**
   * Publishes on behalf of the gateway (no ACL: the gateway is trusted), with the message's QoS and retain flag:
   * a retained message is stored (an empty one clears the topic's), QoS 1/2 ones are queued for offline persistent
   * sessions. `from`: the publisher's owner token, whose own in-process subscription is skipped (see subscribe).
   */
  async publish(message: BrokerMessage, from?: object): Promise<void> {
    if (this.closing) throw new Error("the broker is closing");
    await this.deliverInProcess(message, "", from);
    return new Promise((resolve, reject) =>
      this.aedes.publish(
        { cmd: "publish", topic: message.topic, payload: message.payload, qos: message.qos, retain: message.retain, dup: false, ...(message.properties ? { properties: { ...message.properties } } : {}) },
        (err) => (err ? reject(err) : resolve()),
      ),
    );
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const timer of this.expiryTimers.values()) clearTimeout(timer);
      this.expiryTimers.clear();
      this.tcpServer?.close();
      this.httpServer?.close();
      for (const client of this.wss?.clients ?? []) client.terminate();
      this.wss?.close();
      await new Promise<void>((resolve) => this.aedes.close(() => resolve()));
      for (const socket of this.sockets) socket.destroy();
      await Promise.all([closeServer(this.tcpServer), closeServer(this.httpServer)]);
      await this.persistence.destroy().catch(() => undefined);
    })();
    return this.closing;
  }

  private deny(refusal: Refusal): void {
    this.refusals[refusal.kind]++;
    this.emit("denied", refusal);
  }

  private installHandlers(): void {
    const { auth } = this.options;
    this.aedes.authenticate = (client, username, password, done) => {
      const verdict = auth.check(username, password);
      if (verdict === "ok") {
        if (username) this.usernames.set(client, username);
        this.emit("accepted", username ?? "");
        return done(null, true);
      }
      const returnCode = verdict === "anonymous" ? 5 : 4;
      const v5 = client.version === 5;
      this.deny({
        kind: verdict === "anonymous" ? "anonymous" : "auth",
        user: username ?? "",
        what: client?.id ?? "",
        protocolVersion: client.version,
        answer: `CONNACK ${v5 ? hex(returnCode === 5 ? ReasonCode.NOT_AUTHORIZED : 0x86) : returnCode}`,
      });
      done(new AuthError(returnCode) as never, false);
    };
    this.aedes.authorizePublish = (client, packet, done) => {
      const v5 = client?.version === 5;
      const qos = packet.qos ?? 0;
      // aedes: an MQTT 5 client's refused QoS 1/2 publish gets PUBACK/PUBREC 0x87 and the connection stays; MQTT 3.1.1 has no such code, the connection ends
      const aclAnswer = v5 ? (qos > 0 ? `${qos === 1 ? "PUBACK" : "PUBREC"} 0x87` : "dropped") : "disconnected";
      const user = client ? this.usernames.get(client) : undefined;
      if (packet.topic.startsWith("$SYS/")) {
        if (client) this.deny({ kind: "publish", user: user ?? "", what: packet.topic, protocolVersion: client.version, answer: aclAnswer });
        return done(new Error("$SYS/ topics are reserved"));
      }
      if (client && !auth.mayPublish(user, packet.topic)) {
        this.deny({ kind: "publish", user: user ?? "", what: packet.topic, protocolVersion: client.version, answer: aclAnswer });
        return done(new Error(`not allowed to publish to ${packet.topic}`));
      }
      this.deliverInProcess(packet, client?.id ?? "").then(
        () => done(null),
        (err: unknown) => {
          // QoS 0 has no acknowledgement to withhold: the failure is the gateway's error to report
          if (qos === 0 || !client) {
            if (this.listenerCount("error") > 0) this.emit("error", err);
            return done(null);
          }
          if (!v5) {
            // MQTT 3.1.1: no reason codes; the publish is refused by ending the connection and the client sends it again
            this.deny({ kind: "delivery", user: user ?? "", what: packet.topic, protocolVersion: client.version, answer: "disconnected", error: String((err as Error)?.message ?? err) });
            return done(err as Error);
          }
          // MQTT 5: the acknowledgement says why (aedes would say 0x87, not authorised); aedes neither acknowledges nor routes a packet marked not authorised
          const code = reasonCodeFor(err);
          const reasonString = (client as unknown as { _requestProblemInformation?: boolean })._requestProblemInformation === false ? undefined : String((err as Error)?.message ?? err);
          this.deny({ kind: "delivery", user: user ?? "", what: packet.topic, protocolVersion: 5, answer: `${qos === 1 ? "PUBACK" : "PUBREC"} ${hex(code)}`, error: String((err as Error)?.message ?? err) });
          (packet as { _notAuthorized?: boolean })._notAuthorized = true;
          const conn = (client as unknown as { conn: Duplex }).conn;
          if (!conn.destroyed && packet.messageId !== undefined) conn.write(encodeV5Ack(qos as 1 | 2, packet.messageId, code, reasonString));
          done(null);
        },
      );
    };
    this.aedes.authorizeSubscribe = (client, sub, done) => {
      const user = this.usernames.get(client);
      if (!auth.maySubscribe(user, sub.topic)) {
        this.deny({ kind: "subscribe", user: user ?? "", what: sub.topic, protocolVersion: client.version, answer: `SUBACK ${client.version === 5 ? "0x87" : "0x80"}` });
        return done(null, null); // SUBACK 0x80 (MQTT 5: 0x87) for this filter; the connection stays up
      }
      done(null, sub);
    };
    this.aedes.on("publish", (_packet, client) => {
      if (client) this.meter.mark();
    });
    this.aedes.on("client", (client) => {
      this.clearSessionExpiry(client.id);
      this.journalConnected(client);
      this.emit("clients", this.clients);
    });
    // aedes' own timer ended the session (no restart in between): nothing left to expire after one
    this.aedes.on("sessionExpired", (client) => {
      if (this.persistence.sessionExpiry(client.id)) this.journalExpiry(client.id, undefined);
    });
    this.aedes.on("clientDisconnect", (client) => {
      this.journalDisconnected(client);
      this.emit("clients", this.clients);
    });
  }

  // ------------------------------------------------------------ MQTT 5 session expiry across restarts
  //
  // aedes keeps a session's expiry as a timer in memory: after a restart, a stored session whose client never came
  // back would hold its subscriptions and queue forever. The deadline goes into the journal when the client leaves;
  // at start, expired sessions are wiped and the others get a timer again.

  private readonly expiryTimers = new Map<string, NodeJS.Timeout>();

  /** a connected MQTT 5 client with a finite session expiry: journalled without deadline (a crash leaves it "left at restart") */
  private journalConnected(client: Client): void {
    const interval = client.sessionExpiryInterval;
    if (client.version === 5 && interval > 0 && interval < 0xffffffff) this.journalExpiry(client.id, { interval });
    else if (this.persistence.sessionExpiry(client.id) !== undefined) this.journalExpiry(client.id, undefined);
  }

  private journalDisconnected(client: Client): void {
    if (this.closing) return; // a shutdown: the session is resumed, or given its deadline, at the next start
    const clients = (this.aedes as unknown as { clients: Record<string, Client | undefined> }).clients;
    if (clients[client.id] && clients[client.id] !== client) return; // taken over: the session lives on
    const expiry = this.persistence.sessionExpiry(client.id);
    if (expiry) this.journalExpiry(client.id, { interval: expiry.interval, deadline: (this.options.now ?? Date.now)() + expiry.interval * 1000 });
  }

  private journalExpiry(clientId: string, expiry: { interval: number; deadline?: number } | undefined): void {
    this.persistence.setSessionExpiry(clientId, expiry).catch((err: unknown) => this.emit("error", err));
  }

  private clearSessionExpiry(clientId: string): void {
    const timer = this.expiryTimers.get(clientId);
    if (timer) clearTimeout(timer);
    this.expiryTimers.delete(clientId);
  }

  private resumeSessionExpiry(): void {
    const now = (this.options.now ?? Date.now)();
    const clients = (this.aedes as unknown as { clients: Record<string, Client | undefined> }).clients;
    for (const [clientId, expiry] of this.persistence.sessionExpiries()) {
      // connected when the gateway stopped: the session's clock starts now
      const deadline = expiry.deadline ?? now + expiry.interval * 1000;
      if (expiry.deadline === undefined) this.journalExpiry(clientId, { interval: expiry.interval, deadline });
      const expire = () => {
        this.expiryTimers.delete(clientId);
        if (clients[clientId]) return; // back meanwhile
        this.persistence.expireSession(clientId).catch((err: unknown) => this.emit("error", err));
      };
      // setTimeout's limit is about 24.8 days: a longer wait is re-armed when the gateway restarts anyway, or in chunks
      const wait = Math.max(0, deadline - now);
      if (wait === 0) expire();
      else this.expiryTimers.set(clientId, this.chunkedTimer(clientId, deadline, expire));
    }
  }

  private chunkedTimer(clientId: string, deadline: number, expire: () => void): NodeJS.Timeout {
    const wait = Math.min(deadline - (this.options.now ?? Date.now)(), 2 ** 31 - 1);
    const timer = setTimeout(() => {
      if ((this.options.now ?? Date.now)() >= deadline) expire();
      else this.expiryTimers.set(clientId, this.chunkedTimer(clientId, deadline, expire));
    }, Math.max(0, wait));
    timer.unref();
    return timer;
  }

  private async listen(): Promise<void> {
    const { host, port } = this.options;
    const tlsOptions = this.options.tls;
    const refuseLevel = (level: number) =>
      this.deny({ kind: "protocol", user: "", what: String(level), protocolVersion: level, answer: level > 5 ? "CONNACK 0x84" : "CONNACK 1" });
    const gated = (stream: Duplex, req?: http.IncomingMessage) =>
      gateProtocolLevel(stream, (s) => this.aedes.handle(s as net.Socket, req), refuseLevel);
    const handle = (socket: net.Socket) => {
      setNoDelay(socket);
      coalesceWrites(socket);
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      gated(socket);
    };
    this.tcpServer = tlsOptions ? tls.createServer({ cert: tlsOptions.cert, key: tlsOptions.key, ca: tlsOptions.ca || undefined }, handle) : net.createServer(handle);
    this.port = await listen(this.tcpServer, port, host);
    if (this.options.ws) {
      this.httpServer = tlsOptions ? https.createServer({ cert: tlsOptions.cert, key: tlsOptions.key }) : http.createServer();
      this.httpServer.on("connection", (socket: net.Socket) => {
        setNoDelay(socket);
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
      });
      this.wss = new WebSocketServer({ server: this.httpServer, path: this.options.ws.path || "/mqtt" });
      this.wss.on("connection", (ws, req) => {
        const stream = createWebSocketStream(ws);
        stream.on("error", () => ws.terminate());
        gated(stream, req);
      });
      this.wsPort = await listen(this.httpServer, this.options.ws.port, host);
    }
  }
}
