/**
 * Modbus TCP master link: one socket, requests told apart by MBAP transaction id, up to `maxInFlight` at once
 * (1 serialises them, for servers and gateways that answer one at a time). Each request has its own deadline; a
 * late response to a request that timed out is dropped by its id. A stream that stops being MBAP is closed. The
 * socket is reopened with exponential backoff until close().
 */
import * as net from "net";
import { encodeTcpFrame, TcpDeframer, type TcpFrame } from "./mbap";
import { ModbusError, ModbusTimeoutError } from "./errors";
import { DEFAULTS, type ModbusTransport } from "./transport";
import { LinkBase } from "./link-base";

export interface TcpOptions {
  host: string;
  port: number;
  timeoutMs?: number;
  connectTimeoutMs?: number;
  maxInFlight?: number;
  maxQueued?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

interface Pending {
  unitId: number;
  pdu: Buffer;
  timeoutMs: number;
  resolve: (pdu: Buffer) => void;
  reject: (err: Error) => void;
  timer?: NodeJS.Timeout;
  transactionId?: number;
}

export class TcpTransport extends LinkBase implements ModbusTransport {
  private socket: net.Socket | undefined;
  private readonly deframer = new TcpDeframer();
  private readonly queue: Pending[] = [];
  private readonly inFlight = new Map<number, Pending>();
  private nextId = 1;
  private readonly o: Required<TcpOptions>;

  constructor(options: TcpOptions) {
    const o: Required<TcpOptions> = {
      timeoutMs: DEFAULTS.timeoutMs,
      connectTimeoutMs: 3000,
      maxInFlight: 1,
      maxQueued: DEFAULTS.maxQueued,
      reconnectMinMs: DEFAULTS.reconnectMinMs,
      reconnectMaxMs: DEFAULTS.reconnectMaxMs,
      ...options,
    };
    super("the connection", o.reconnectMinMs, o.reconnectMaxMs);
    o.maxInFlight = Math.max(1, Math.min(16, Math.floor(o.maxInFlight)));
    this.o = o;
  }

  start(): void {
    if (this.state === "closed" || this.socket) return;
    this.open();
  }

  protected open(): void {
    this.opening();
    const socket = net.connect({ host: this.o.host, port: this.o.port });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setTimeout(this.o.connectTimeoutMs, () => socket.destroy(new ModbusError(`could not connect to ${this.o.host}:${this.o.port} within ${this.o.connectTimeoutMs} ms`, "connection")));
    socket.once("connect", () => {
      socket.setTimeout(0);
      socket.setKeepAlive(true, 10000);
      this.deframer.reset();
      this.opened();
      this.pump();
    });
    socket.on("data", (chunk: Buffer) => this.onData(socket, chunk));
    socket.on("error", (err) => {
      this.lastError = err;
    });
    socket.once("close", () => this.onClose(socket));
  }

  private onData(socket: net.Socket, chunk: Buffer): void {
    let frames: TcpFrame[];
    try {
      frames = this.deframer.push(chunk);
    } catch (err) {
      socket.destroy(err as Error);
      return;
    }
    for (const f of frames) {
      const p = this.inFlight.get(f.transactionId);
      if (!p || p.unitId !== f.unitId) continue; // late (timed out) or not ours
      this.settle(p);
      p.resolve(f.pdu);
    }
    this.pump();
  }

  private onClose(socket: net.Socket): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    const err = new ModbusError(`connection to ${this.o.host}:${this.o.port} closed${this.lastError ? `: ${this.lastError.message}` : ""}`, "closed");
    for (const p of [...this.inFlight.values()]) {
      this.settle(p);
      p.reject(err);
    }
    this.lost(this.lastError ?? err);
  }

  private settle(p: Pending): void {
    clearTimeout(p.timer);
    if (p.transactionId !== undefined) this.inFlight.delete(p.transactionId);
    const i = this.queue.indexOf(p);
    if (i >= 0) this.queue.splice(i, 1);
  }

  request(unitId: number, pdu: Buffer, timeoutMs = this.o.timeoutMs): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const refused = this.refusal(this.queue.length, this.o.maxQueued);
      if (refused) return reject(refused);
      const p: Pending = { unitId, pdu, timeoutMs, resolve, reject };
      // the deadline runs from the request, so one waiting for a reconnect fails in time too
      p.timer = setTimeout(() => {
        this.settle(p);
        reject(new ModbusTimeoutError(timeoutMs));
        this.pump();
      }, timeoutMs);
      this.queue.push(p);
      this.pump();
    });
  }

  private pump(): void {
    const socket = this.socket;
    if (!socket || this.state !== "connected") return;
    while (this.queue.length && this.inFlight.size < this.o.maxInFlight) {
      const p = this.queue.shift()!;
      let id = this.nextId;
      for (let i = 0; i < 0x10000 && this.inFlight.has(id); i++) id = (id % 0xffff) + 1;
      this.nextId = (id % 0xffff) + 1;
      p.transactionId = id;
      this.inFlight.set(id, p);
      socket.write(encodeTcpFrame({ transactionId: id, unitId: p.unitId, pdu: p.pdu }));
    }
  }

  async close(): Promise<void> {
    this.markClosed();
    const err = this.closedError();
    for (const p of [...this.queue, ...this.inFlight.values()]) {
      this.settle(p);
      p.reject(err);
    }
    const socket = this.socket;
    this.socket = undefined;
    if (socket && !socket.destroyed) {
      await new Promise<void>((resolve) => {
        socket.once("close", () => resolve());
        socket.destroy();
      });
    }
  }
}
