/**
 * The LNS end of LoRa Basics Station's protocol over WebSocket (ws://, or wss:// with a certificate): discovery on
 * /router-info answers a station's EUI with the URI of its muxs connection, /router-<EUI>; there the station says
 * `version`, gets `router_config`, and reports uplinks (updf, jreq, propdf) that leave as rxpk-shaped frames,
 * de-duplicated as the UDP server does, so the uplink path cannot tell a Station gateway from a packet forwarder.
 * Downlinks come in as txpk and go out as dnmsg; each resolves on the station's dntxed. Knows nothing of Node-RED.
 *
 * Nothing a peer sends can end the process or grow memory without bound: messages are capped in size (ws closes
 * the socket with 1009 beyond it), stations in number, a connection that does not say `version` within a time,
 * or stops answering pings, is closed.
 */
import { EventEmitter } from "events";
import * as http from "http";
import * as https from "https";
import { timingSafeEqual } from "crypto";
import type { Duplex } from "stream";
import { WebSocket, WebSocketServer, RawData } from "ws";
import type { Txpk, Rxpk } from "../packet-forwarder";
import { datr, Region } from "../regions";
import { RxpkDeduplicator } from "../rxpk-deduplicator";
import { dnmsgFor, DnmsgError, tmstOf } from "./dnmsg";
import { euiHex, id6, parseEui } from "./eui";
import { parseRouterInfoRequest, parseStationMessage, StationMessageError, StationTxConfirmation, StationUplink, StationVersion } from "./lns-messages";
import { routerConfig, RouterConfig, RouterConfigOptions } from "./router-config";
import { StationLimitError, StationRegistry, StationSession } from "./station-registry";
import { stringifyStationJson } from "./station-json";
import { emitError, guarded } from "../../common/emit-error";

export interface LnsServerOptions {
  port: number;
  address: string;
  region: Region;
  routerConfig?: RouterConfigOptions;
  /** PEM; with both, wss:// */
  tls?: { cert: string; key: string; passphrase?: string };
  /** the Authorization header a station must send (its tc.key token), compared in constant time; none: any */
  authorization?: string;
  dedupWindowMs: number;
  /** how long past its receive window a downlink waits for dntxed */
  dntxedTimeoutMs: number;
  maxStations?: number;
  /** a station's messages are a few hundred bytes; router_config, the largest the LNS sends, about 2 KB */
  maxMessageBytes?: number;
  pingIntervalMs?: number;
  /** a muxs connection must say `version` within this, a router-info one ask within it */
  helloTimeoutMs?: number;
}

export interface StationDownlinkRequest {
  txpk: Txpk;
  fallback?: Txpk;
  window?: string;
  /** the device's EUI, hex: the station reports dntxed only for a dnmsg that names one */
  devEui: string;
}

/** the station refused or never confirmed a downlink */
export class StationTxError extends Error {
  override name = "StationTxError";
}

type Pending = { resolve: (c: StationTxConfirmation) => void; reject: (err: Error) => void; timer: NodeJS.Timeout; eui: string };

const GPS_EPOCH_MS = Date.UTC(1980, 0, 6);
/** GPS time runs ahead of UTC by the leap seconds since 1980: 18 since 2017 */
const GPS_LEAP_SECONDS = 18;

/**
 * events: "frame" (DeduplicatedFrame), "station" (eui, "connected" | "disconnected", StationVersion?),
 * "dntxed" (eui, StationTxConfirmation), "malformed" (reason, from), "error" (Error)
 */
export class LnsServer extends EventEmitter {
  private server?: http.Server | https.Server;
  private readonly wss: WebSocketServer;
  private readonly registry: StationRegistry<WebSocket>;
  private readonly dedup: RxpkDeduplicator;
  private readonly pending = new Map<number, Pending>();
  private readonly alive = new WeakMap<WebSocket, boolean>();
  private readonly infoSockets = new Set<WebSocket>();
  private pingTimer?: NodeJS.Timeout;
  private nextDiid = 1;
  private readonly maxMessageBytes: number;
  private readonly config: () => RouterConfig;
  frames = 0;
  malformed = 0;
  downlinks = 0;

  constructor(private readonly options: LnsServerOptions) {
    super();
    this.maxMessageBytes = options.maxMessageBytes ?? 16 * 1024;
    const configOptions = options.routerConfig ?? {};
    routerConfig(options.region, configOptions); // a region Basics Station cannot run is refused here, not per station
    this.config = () => routerConfig(options.region, configOptions);
    this.registry = new StationRegistry(options.maxStations ?? 32);
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.maxMessageBytes, perMessageDeflate: false });
    this.dedup = new RxpkDeduplicator(options.dedupWindowMs, (frame) => {
      this.frames++;
      guarded(this, () => this.emit("frame", frame));
    });
  }

  get stations(): string[] {
    return this.registry.euis();
  }

  station(eui: string): Readonly<StationSession<WebSocket>> | undefined {
    return this.registry.get(eui.toUpperCase());
  }

  get scheme(): "ws" | "wss" {
    return this.options.tls ? "wss" : "ws";
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const onRequest = (_req: http.IncomingMessage, res: http.ServerResponse) => {
        res.writeHead(426, { "Content-Type": "text/plain", Upgrade: "websocket" });
        res.end("LoRa Basics Station LNS: WebSocket only (/router-info, /router-<EUI>)\n");
      };
      const server = this.options.tls ? https.createServer({ cert: this.options.tls.cert, key: this.options.tls.key, passphrase: this.options.tls.passphrase }, onRequest) : http.createServer(onRequest);
      server.headersTimeout = this.helloTimeoutMs;
      server.requestTimeout = this.helloTimeoutMs;
      server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) =>
        guarded(this, () => {
          try {
            this.onUpgrade(req, socket, head);
          } catch (err) {
            socket.destroy(); // no half-answered handshake left holding a connection
            throw err;
          }
        }),
      );
      server.on("clientError", (_err, socket: Duplex) => socket.destroy());
      this.server = server;
      server.once("error", reject);
      server.listen(this.options.port, this.options.address, () => {
        server.off("error", reject);
        server.on("error", (err) => emitError(this, err));
        this.pingTimer = setInterval(() => guarded(this, () => this.ping()), this.options.pingIntervalMs ?? 30000);
        this.pingTimer.unref();
        resolve((server.address() as { port: number }).port);
      });
    });
  }

  /** Sends a downlink as dnmsg to the station `gatewayEui`; resolves on its dntxed. */
  transmit(gatewayEui: string, req: StationDownlinkRequest): Promise<StationTxConfirmation> {
    const session = this.registry.get(gatewayEui.toUpperCase());
    if (!session || !session.configured || session.socket.readyState !== WebSocket.OPEN) return Promise.reject(new StationTxError(`station ${gatewayEui} is not connected`));
    const devEui = parseEui(req.devEui);
    if (devEui === undefined) return Promise.reject(new StationTxError(`a downlink through Basics Station needs the device's EUI (msg.lorawan.devEui), got ${JSON.stringify(req.devEui)}`));
    const diid = this.nextDiid;
    this.nextDiid = this.nextDiid >= 0x7fffffff ? 1 : this.nextDiid + 1;
    let msg;
    try {
      msg = dnmsgFor(this.options.region, { txpk: req.txpk, fallback: req.fallback, window: req.window, devEui }, session.heard, session.lastRctx, diid);
    } catch (err) {
      return Promise.reject(err instanceof DnmsgError ? new StationTxError(`${gatewayEui}: ${err.message}`) : err);
    }
    // the frame leaves RxDelay (RX2: one more second) after an uplink heard a moment ago, or at once (Class C)
    const waitMs = (msg.dC === 2 ? 0 : (msg.RxDelay + 1) * 1000) + this.options.dntxedTimeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(diid);
        reject(new StationTxError(`station ${gatewayEui} sent no dntxed for downlink ${diid} within ${waitMs} ms: the frame did not go on air`));
      }, waitMs);
      this.pending.set(diid, { resolve, reject, timer, eui: session.eui });
      session.socket.send(stringifyStationJson(msg), (err) => {
        if (!err) return;
        clearTimeout(timer);
        this.pending.delete(diid);
        reject(err);
      });
      this.downlinks++;
    });
  }

  close(): Promise<void> {
    clearInterval(this.pingTimer);
    this.dedup.flushAll();
    for (const [diid, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new StationTxError("the Basics Station server closed before the dntxed"));
      this.pending.delete(diid);
    }
    for (const s of this.registry.all()) s.socket.close(1001, "LNS shutting down");
    for (const s of this.infoSockets) s.close(1001, "LNS shutting down");
    const server = this.server;
    this.server = undefined;
    return new Promise((resolve) => {
      if (!server) return resolve();
      // a station that does not answer the close handshake must not keep the port
      const force = setTimeout(() => {
        for (const s of this.registry.all()) s.socket.terminate();
        for (const s of this.infoSockets) s.terminate();
      }, 1000);
      server.close(() => {
        clearTimeout(force);
        resolve();
      });
      server.closeAllConnections();
      this.wss.close();
    });
  }

  private get helloTimeoutMs(): number {
    return this.options.helloTimeoutMs ?? 10000;
  }

  private onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", () => socket.destroy()); // a reset during the handshake is not an error of ours
    const path = (req.url ?? "").split("?")[0];
    const from = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    if (!this.authorised(req)) return refuse(socket, 401, "Unauthorized");
    if (path === "/router-info") {
      if (this.infoSockets.size >= this.registry.maxStations) return refuse(socket, 503, "Service Unavailable");
      return this.wss.handleUpgrade(req, socket, head, (ws) => this.onInfo(ws, req, from));
    }
    const m = /^\/router-([^/]{1,39})$/.exec(path);
    const eui = m ? parseEui(decodedPath(m[1])) : undefined;
    if (eui === undefined) {
      this.noteMalformed(`no such endpoint ${path.slice(0, 64)}`, from);
      return refuse(socket, 404, "Not Found");
    }
    const key = euiHex(eui);
    if (!this.registry.get(key) && this.registry.size >= this.registry.maxStations) {
      this.noteMalformed(`station ${key} refused: ${this.registry.maxStations} stations are connected already`, from);
      return refuse(socket, 503, "Service Unavailable");
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onMuxs(ws, key, from));
  }

  private authorised(req: http.IncomingMessage): boolean {
    const expected = this.options.authorization;
    if (!expected) return true;
    const got = Buffer.from(String(req.headers.authorization ?? ""));
    const want = Buffer.from(expected);
    return got.length === want.length && timingSafeEqual(got, want);
  }

  /** discovery: one request, one answer, closed */
  private onInfo(ws: WebSocket, req: http.IncomingMessage, from: string): void {
    this.infoSockets.add(ws);
    const timer = setTimeout(() => ws.terminate(), this.helloTimeoutMs);
    ws.on("close", () => {
      clearTimeout(timer);
      this.infoSockets.delete(ws);
    });
    ws.on("error", () => ws.terminate());
    ws.once("message", (data: RawData, isBinary: boolean) =>
      guarded(this, () => {
        let reply: Record<string, unknown>;
        try {
          if (isBinary) throw new StationMessageError("binary frame");
          const router = parseRouterInfoRequest(rawText(data), this.maxMessageBytes);
          reply = { router: id6(router), muxs: "muxs-::0", uri: `${this.scheme}://${this.hostFor(req)}/router-${euiHex(router)}` };
        } catch (err) {
          if (!(err instanceof StationMessageError)) throw err;
          this.noteMalformed(`router-info: ${err.message}`, from);
          // the station reads router as a string (uj_str): a number would fail its parse of the answer
          reply = { router: "::0", error: `malformed router-info request: ${err.message}` };
        }
        ws.send(JSON.stringify(reply), () => ws.close(1000));
      }),
    );
  }

  /** the host and port the station reached us by, for the muxs URI it is to use */
  private hostFor(req: http.IncomingMessage): string {
    const host = req.headers.host;
    if (typeof host === "string" && /^[\w.-]{1,253}(:\d{1,5})?$|^\[[0-9a-fA-F:.]{2,45}\](:\d{1,5})?$/.test(host)) return host.includes(":") && !host.endsWith("]") ? host : `${host}:${this.boundPort()}`;
    const address = this.options.address === "0.0.0.0" || this.options.address === "::" ? "127.0.0.1" : this.options.address;
    return `${address.includes(":") ? `[${address}]` : address}:${this.boundPort()}`;
  }

  private boundPort(): number {
    const a = this.server?.address();
    return a && typeof a === "object" ? a.port : this.options.port;
  }

  private onMuxs(ws: WebSocket, eui: string, from: string): void {
    let session: StationSession<WebSocket>;
    try {
      const connected = this.registry.connect(eui, ws);
      session = connected.session;
      if (connected.displaced) connected.displaced.socket.close(1000, "replaced by a new connection of this station");
    } catch (err) {
      if (!(err instanceof StationLimitError)) throw err;
      this.noteMalformed(err.message, from);
      ws.close(1013, "too many stations");
      return;
    }
    this.alive.set(ws, true);
    const hello = setTimeout(() => {
      if (!session.configured) {
        this.noteMalformed(`station ${eui} sent no version message within ${this.helloTimeoutMs} ms`, from);
        ws.close(1008, "expected a version message");
      }
    }, this.helloTimeoutMs);
    ws.on("pong", () => this.alive.set(ws, true));
    ws.on("error", () => ws.terminate());
    ws.on("close", () =>
      guarded(this, () => {
        clearTimeout(hello);
        if (!this.registry.disconnect(session)) return;
        for (const [diid, p] of this.pending) {
          if (p.eui !== eui) continue;
          clearTimeout(p.timer);
          this.pending.delete(diid);
          p.reject(new StationTxError(`station ${eui} disconnected before the dntxed`));
        }
        this.emit("station", eui, "disconnected", session.version);
      }),
    );
    ws.on("message", (data: RawData, isBinary: boolean) =>
      guarded(this, () => {
        this.alive.set(ws, true);
        if (isBinary) return this.noteMalformed(`station ${eui}: binary frame (the LNS protocol is text)`, from);
        this.onStationMessage(session, rawText(data), from);
      }),
    );
  }

  private onStationMessage(session: StationSession<WebSocket>, text: string, from: string): void {
    let msg;
    try {
      msg = parseStationMessage(text, this.maxMessageBytes);
    } catch (err) {
      if (!(err instanceof StationMessageError)) throw err;
      return this.noteMalformed(`station ${session.eui}: ${err.message}`, from);
    }
    if ("other" in msg) return this.noteMalformed(`station ${session.eui}: msgtype ${msg.msgtype} is not handled`, from);
    if (msg.msgtype === "version") return this.onVersion(session, msg);
    if (!session.configured) return this.noteMalformed(`station ${session.eui}: ${msg.msgtype} before its version message`, from);
    switch (msg.msgtype) {
      case "updf":
      case "jreq":
      case "propdf":
        return this.onUplink(session, msg, from);
      case "dntxed":
        return this.onDntxed(session, msg);
      case "timesync": {
        const gpstime = BigInt(Date.now() - GPS_EPOCH_MS + GPS_LEAP_SECONDS * 1000) * 1000n;
        session.socket.send(stringifyStationJson({ msgtype: "timesync", txtime: msg.txtime, gpstime, MuxTime: Date.now() / 1000 }));
      }
    }
  }

  private onVersion(session: StationSession<WebSocket>, version: StationVersion): void {
    session.version = version;
    session.socket.send(stringifyStationJson(this.config()));
    const first = !session.configured;
    session.configured = true;
    if (first) this.emit("station", session.eui, "connected", version);
  }

  private onUplink(session: StationSession<WebSocket>, up: StationUplink, from: string): void {
    const rate = this.options.region.dataRates[up.dr];
    if (!rate) return this.noteMalformed(`station ${session.eui}: ${up.msgtype} at DR${up.dr}, not a data rate of ${this.options.region.name}`, from);
    if (up.msgtype === "propdf") return; // proprietary frames: nothing in this pack reads them
    const tmst = tmstOf(up.upinfo.xtime);
    this.registry.remember(session, { tmst, xtime: up.upinfo.xtime, rctx: up.upinfo.rctx });
    const rxpk: Rxpk = {
      tmst,
      ...(up.upinfo.rxtime !== undefined ? { time: new Date(up.upinfo.rxtime * 1000).toISOString() } : {}),
      freq: up.freqHz / 1e6,
      rfch: Number(up.upinfo.rctx & 0xffn),
      stat: 1,
      modu: "LORA",
      datr: datr(rate),
      codr: "4/5",
      ...(up.upinfo.rssi !== undefined ? { rssi: up.upinfo.rssi } : {}),
      ...(up.upinfo.snr !== undefined ? { lsnr: up.upinfo.snr } : {}),
      size: up.phyPayload.length,
      data: up.phyPayload.toString("base64"),
      // the station's own clock, exact (a decimal string: it does not fit a double), for whoever wants it
      xtime: up.upinfo.xtime.toString(),
    };
    this.dedup.add({ gatewayEui: session.eui, rxpk });
  }

  private onDntxed(session: StationSession<WebSocket>, msg: StationTxConfirmation): void {
    this.emit("dntxed", session.eui, msg);
    const diid = Number(msg.diid);
    const p = this.pending.get(diid);
    if (!p || p.eui !== session.eui) return;
    clearTimeout(p.timer);
    this.pending.delete(diid);
    p.resolve(msg);
  }

  /** a station that answered no ping since the last one is gone (power cut, half-open TCP): its socket is dropped */
  private ping(): void {
    for (const s of this.registry.all()) {
      if (this.alive.get(s.socket) === false) {
        s.socket.terminate();
        continue;
      }
      this.alive.set(s.socket, false);
      s.socket.ping();
    }
  }

  private noteMalformed(reason: string, from: string): void {
    this.malformed++;
    this.emit("malformed", reason, from);
  }
}

/** a path segment with %-escapes resolved; a malformed escape is no EUI, not an exception */
function decodedPath(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return "";
  }
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString("utf8");
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data).toString("utf8");
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.once("finish", () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
