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
import { BrokerAuth } from "./broker-auth";
import { RateMeter } from "./rate-meter";
import { topicMatches } from "./topic-filter";

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

/** a message as the broker routes it, for in-process subscribers */
export interface BrokerMessage {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
}

/** what an edge-broker node offers edge-mqtt-bridge (found with RED.nodes.getNode) */
export interface EmbeddedBrokerProvider {
  /** the running broker (waits for it to start); rejects when it could not start */
  broker(): Promise<EmbeddedBroker>;
}

export type DenialKind = "auth" | "publish" | "subscribe";

/** A `returnCode` on the error tells aedes which CONNACK code to send (4: bad user name or password). */
class AuthError extends Error {
  constructor(readonly returnCode: number) {
    super("bad user name or password");
  }
}

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
  private readonly inProcess: Array<{ filter: string; handler: (message: BrokerMessage) => Promise<void> }> = [];

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
    const aedes = await Aedes.createBroker({ persistence, drainTimeout: 30000, heartbeatInterval: 60000 });
    const broker = new EmbeddedBroker(aedes, persistence, options);
    try {
      broker.installHandlers();
      await broker.listen();
    } catch (err) {
      await broker.close();
      throw err;
    }
    return broker;
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
   */
  async subscribe(filter: string, handler: (message: BrokerMessage) => Promise<void>): Promise<() => Promise<void>> {
    const entry = { filter, handler };
    this.inProcess.push(entry);
    return async () => {
      const at = this.inProcess.indexOf(entry);
      if (at >= 0) this.inProcess.splice(at, 1);
    };
  }

  /** the in-process handlers whose filter matches, all settled; rejects with the first failure */
  private async deliverInProcess(packet: { topic: string; payload?: Buffer | string; qos?: number; retain?: boolean }): Promise<void> {
    const topic = packet.topic;
    const matching = this.inProcess.filter((s) => topicMatches(s.filter, topic));
    if (matching.length === 0) return;
    const message: BrokerMessage = {
      topic,
      payload: Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(String(packet.payload ?? "")),
      qos: (packet.qos ?? 0) as 0 | 1 | 2,
      retain: packet.retain === true,
    };
    const results = await Promise.allSettled(matching.map((s) => s.handler(message)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
  }

  /** publishes on behalf of the gateway (no ACL) */
  async publish(message: BrokerMessage): Promise<void> {
    await this.deliverInProcess(message);
    return new Promise((resolve, reject) =>
      this.aedes.publish({ cmd: "publish", topic: message.topic, payload: message.payload, qos: message.qos, retain: message.retain, dup: false }, (err) => (err ? reject(err) : resolve())),
    );
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
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

  private installHandlers(): void {
    const { auth } = this.options;
    this.aedes.authenticate = (client, username, password, done) => {
      if (auth.authenticate(username, password)) {
        if (username) this.usernames.set(client, username);
        this.emit("accepted", username ?? "");
        return done(null, true);
      }
      this.emit("denied", "auth" satisfies DenialKind, username ?? "", client?.id);
      done(new AuthError(4) as never, false);
    };
    this.aedes.authorizePublish = (client, packet, done) => {
      if (packet.topic.startsWith("$SYS/")) return done(new Error("$SYS/ topics are reserved"));
      const user = client ? this.usernames.get(client) : undefined;
      if (client && !auth.mayPublish(user, packet.topic)) {
        this.emit("denied", "publish" satisfies DenialKind, user ?? "", packet.topic);
        return done(new Error(`not allowed to publish to ${packet.topic}`));
      }
      this.deliverInProcess(packet).then(
        () => done(null),
        (err: unknown) => {
          if (this.listenerCount("error") > 0) this.emit("error", err);
          // QoS 0 has no acknowledgement to withhold; a QoS 1/2 publish is refused, and the client sends it again
          done((packet.qos ?? 0) > 0 ? (err as Error) : null);
        },
      );
    };
    this.aedes.authorizeSubscribe = (client, sub, done) => {
      const user = this.usernames.get(client);
      if (!auth.maySubscribe(user, sub.topic)) {
        this.emit("denied", "subscribe" satisfies DenialKind, user ?? "", sub.topic);
        return done(null, null); // SUBACK 0x80 for this filter; the connection stays up
      }
      done(null, sub);
    };
    this.aedes.on("publish", (_packet, client) => {
      if (client) this.meter.mark();
    });
    this.aedes.on("client", () => this.emit("clients", this.clients));
    this.aedes.on("clientDisconnect", () => this.emit("clients", this.clients));
  }

  private async listen(): Promise<void> {
    const { host, port } = this.options;
    const tlsOptions = this.options.tls;
    const handle = (socket: net.Socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      this.aedes.handle(socket);
    };
    this.tcpServer = tlsOptions ? tls.createServer({ cert: tlsOptions.cert, key: tlsOptions.key, ca: tlsOptions.ca || undefined }, handle) : net.createServer(handle);
    this.port = await listen(this.tcpServer, port, host);
    if (this.options.ws) {
      this.httpServer = tlsOptions ? https.createServer({ cert: tlsOptions.cert, key: tlsOptions.key }) : http.createServer();
      this.httpServer.on("connection", (socket: net.Socket) => {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
      });
      this.wss = new WebSocketServer({ server: this.httpServer, path: this.options.ws.path || "/mqtt" });
      this.wss.on("connection", (ws, req) => {
        const stream = createWebSocketStream(ws);
        stream.on("error", () => ws.terminate());
        this.aedes.handle(stream, req);
      });
      this.wsPort = await listen(this.httpServer, this.options.ws.port, host);
    }
  }
}
