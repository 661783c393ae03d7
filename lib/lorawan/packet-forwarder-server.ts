/**
 * A network-server end of the Semtech UDP packet-forwarder protocol: acknowledges PUSH_DATA and PULL_DATA,
 * de-duplicates the frames several gateways heard, remembers where each gateway pulls from, and sends downlinks
 * as PULL_RESP, resolving when the gateway's TX_ACK reports them scheduled. Knows nothing of Node-RED.
 */
import * as dgram from "dgram";
import { EventEmitter } from "events";
import { ack, parseUpstream, pullResp, PULL_ACK, PUSH_ACK, Txpk } from "./packet-forwarder";
import { DeduplicatedFrame, RxpkDeduplicator } from "./rxpk-deduplicator";
import { emitError, guarded } from "../common/emit-error";

/** the gateway's TX_ACK refused a downlink: `code` as Semtech's PROTOCOL.TXT names it (TOO_LATE, COLLISION_PACKET, …) */
export class TxRefusedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "TxRefusedError";
  }
}

/** refusals a later window can cure: the frame came too late for RX1, or RX1 collides with another downlink */
export const RETRY_IN_RX2 = new Set(["TOO_LATE", "COLLISION_PACKET"]);

export interface PacketForwarderServerOptions {
  port: number;
  address: string;
  dedupWindowMs: number;
  txAckTimeoutMs: number;
}

interface GatewayRoute {
  address: string;
  port: number;
  version: number;
  seenAt: number;
}

/** events: "frame" (DeduplicatedFrame), "stat" (gatewayEui, stat), "malformed" (reason, from), "error" (Error) */
export class PacketForwarderServer extends EventEmitter {
  private socket?: dgram.Socket;
  private readonly routes = new Map<string, GatewayRoute>();
  private readonly pendingTx = new Map<number, { resolve: () => void; reject: (err: Error) => void; timer: NodeJS.Timeout }>();
  private readonly dedup: RxpkDeduplicator;
  private nextToken = Math.floor(Math.random() * 0xffff);
  frames = 0;
  malformed = 0;

  constructor(private readonly options: PacketForwarderServerOptions) {
    super();
    // frames leave from the deduplicator's timer: a listener's exception there would be uncaught
    this.dedup = new RxpkDeduplicator(options.dedupWindowMs, (frame: DeduplicatedFrame) => {
      this.frames++;
      guarded(this, () => this.emit("frame", frame));
    });
  }

  get gateways(): string[] {
    return [...this.routes.keys()];
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket("udp4");
      this.socket = socket;
      socket.once("error", reject);
      socket.on("message", (datagram, from) => guarded(this, () => this.onDatagram(datagram, from)));
      socket.bind(this.options.port, this.options.address, () => {
        socket.off("error", reject);
        socket.on("error", (err) => emitError(this, err));
        resolve(socket.address().port);
      });
    });
  }

  /** Sends a txpk to a gateway; resolves on its TX_ACK (protocol 2) or at once (protocol 1, which has none). */
  transmit(gatewayEui: string, txpk: Txpk): Promise<void> {
    const route = this.routes.get(gatewayEui.toUpperCase());
    if (!route || !this.socket) return Promise.reject(new Error(`gateway ${gatewayEui} has not sent PULL_DATA: it cannot receive downlinks yet`));
    const token = (this.nextToken = (this.nextToken + 1) & 0xffff);
    const datagram = pullResp(route.version, token, txpk);
    if (route.version < 2) return new Promise((resolve, reject) => this.socket!.send(datagram, route.port, route.address, (err) => (err ? reject(err) : resolve())));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingTx.delete(token);
        reject(new Error(`gateway ${gatewayEui} sent no TX_ACK within ${this.options.txAckTimeoutMs} ms`));
      }, this.options.txAckTimeoutMs);
      this.pendingTx.set(token, { resolve, reject, timer });
      this.socket!.send(datagram, route.port, route.address, (err) => {
        if (!err) return;
        clearTimeout(timer);
        this.pendingTx.delete(token);
        reject(err);
      });
    });
  }

  close(): Promise<void> {
    this.dedup.flushAll();
    for (const [token, p] of this.pendingTx) {
      clearTimeout(p.timer);
      p.reject(new Error("gateway server closed before the TX_ACK"));
      this.pendingTx.delete(token);
    }
    const socket = this.socket;
    this.socket = undefined;
    return new Promise((resolve) => (socket ? socket.close(() => resolve()) : resolve()));
  }

  /** replies to a gateway; a failed send is reported, never thrown */
  private reply(datagram: Buffer, to: dgram.RemoteInfo): void {
    this.socket?.send(datagram, to.port, to.address, (err) => {
      if (err) emitError(this, err);
    });
  }

  private onDatagram(datagram: Buffer, from: dgram.RemoteInfo): void {
    let packet;
    try {
      packet = parseUpstream(datagram);
    } catch (err) {
      this.malformed++;
      this.emit("malformed", (err as Error).message, `${from.address}:${from.port}`);
      return;
    }
    switch (packet.kind) {
      case "push-data":
        this.reply(ack(packet.version, packet.token, PUSH_ACK), from);
        for (const rxpk of packet.rxpk) {
          if (rxpk.stat === -1 || rxpk.stat === 0) continue; // CRC failed or absent: not a frame (Semtech PROTOCOL.TXT §4)
          this.dedup.add({ gatewayEui: packet.gatewayEui, rxpk });
        }
        if (packet.stat) this.emit("stat", packet.gatewayEui, packet.stat);
        return;
      case "pull-data":
        this.routes.set(packet.gatewayEui, { address: from.address, port: from.port, version: packet.version, seenAt: Date.now() });
        this.reply(ack(packet.version, packet.token, PULL_ACK), from);
        return;
      case "tx-ack": {
        const pending = this.pendingTx.get(packet.token);
        if (!pending) return;
        clearTimeout(pending.timer);
        this.pendingTx.delete(packet.token);
        if (packet.error) pending.reject(new TxRefusedError(packet.error, `gateway ${packet.gatewayEui ?? ""} refused the downlink: ${packet.error}`));
        else pending.resolve();
      }
    }
  }
}
