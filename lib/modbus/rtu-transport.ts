/**
 * Modbus RTU master link over a serial port (the `serialport` package): one request on the line at a time, each
 * preceded by at least 3.5 character times of silence, its response assembled by length (rtu-assembler.ts) and
 * checked for the unit's address and CRC. A broadcast (unit 0) has no response: the next request waits the
 * turnaround delay so the devices can act on it. The port is reopened with backoff when it fails or goes away.
 */
import { EventEmitter } from "events";
import { SerialPort } from "serialport";
import { Backoff } from "../kafka/backoff";
import { rtuFrame } from "./crc16";
import { RtuAssembler, silenceMs } from "./rtu-assembler";
import { ModbusError, ModbusProtocolError, ModbusTimeoutError } from "./errors";
import { DEFAULTS, type LinkState, type ModbusTransport } from "./transport";

export interface RtuOptions {
  path: string;
  baudRate: number;
  dataBits?: 7 | 8;
  parity?: "none" | "even" | "odd";
  stopBits?: 1 | 2;
  timeoutMs?: number;
  /** after a broadcast, before the next request (the spec suggests 100…200 ms) */
  turnaroundMs?: number;
  /** inter-byte silence that ends a partial frame; default 3.5 characters, at least 20 ms (USB adapters batch bytes) */
  frameGapMs?: number;
  maxQueued?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

interface Pending {
  unitId: number;
  pdu: Buffer;
  timeoutMs: number;
  resolve: (pdu: Buffer | undefined) => void;
  reject: (err: Error) => void;
  timer?: NodeJS.Timeout;
}

export class RtuTransport extends EventEmitter implements ModbusTransport {
  state: LinkState = "disconnected";
  lastError: Error | undefined;
  private port: SerialPort | undefined;
  private readonly queue: Pending[] = [];
  private current: Pending | undefined;
  private readonly assembler: RtuAssembler;
  private readonly backoff: Backoff;
  private reopenTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  /** the line is free for the next request from this time */
  private quietFrom = 0;
  private readonly o: Required<RtuOptions>;

  constructor(options: RtuOptions) {
    super();
    this.o = {
      dataBits: 8,
      parity: "even",
      stopBits: 1,
      timeoutMs: DEFAULTS.timeoutMs,
      turnaroundMs: 100,
      frameGapMs: Math.max(20, silenceMs(options.baudRate)),
      maxQueued: DEFAULTS.maxQueued,
      reconnectMinMs: DEFAULTS.reconnectMinMs,
      reconnectMaxMs: DEFAULTS.reconnectMaxMs,
      ...options,
    };
    this.assembler = new RtuAssembler(this.o.frameGapMs);
    this.backoff = new Backoff(this.o.reconnectMinMs, this.o.reconnectMaxMs);
  }

  start(): void {
    if (this.state === "closed" || this.port) return;
    this.open();
  }

  private setState(state: LinkState, error?: Error): void {
    if (error) this.lastError = error;
    if (this.state === state) return;
    this.state = state;
    this.emit("state", state, error);
  }

  private open(): void {
    this.reopenTimer = undefined;
    this.setState("connecting");
    const port = new SerialPort({ path: this.o.path, baudRate: this.o.baudRate, dataBits: this.o.dataBits, parity: this.o.parity, stopBits: this.o.stopBits, autoOpen: false });
    this.port = port;
    port.on("data", (chunk: Buffer) => this.onData(chunk));
    port.on("error", (err: Error) => {
      this.lastError = err;
    });
    port.once("close", () => this.onClose(port));
    port.open((err) => {
      if (this.port !== port) return;
      if (err) {
        this.port = undefined;
        this.retry(err);
        return;
      }
      this.backoff.reset();
      this.assembler.reset();
      this.setState("connected");
      this.pump();
    });
  }

  private retry(err: Error): void {
    if (this.state === "closed") return;
    if (this.current) this.finish(this.current, new ModbusError(`serial port ${this.o.path}: ${err.message}`, "closed"));
    this.setState("disconnected", err);
    this.reopenTimer = setTimeout(() => this.open(), this.backoff.next());
  }

  private onClose(port: SerialPort): void {
    if (this.port !== port) return;
    this.port = undefined;
    this.retry(this.lastError ?? new Error("closed"));
  }

  private onData(chunk: Buffer): void {
    this.quietFrom = Date.now() + this.o.frameGapMs;
    const p = this.current;
    if (!p) return; // noise, or a response after its request timed out
    const got = this.assembler.push(chunk);
    if (!got) return;
    if (got.kind === "error") return this.finish(p, got.error);
    if (got.unitId !== p.unitId) return this.finish(p, new ModbusProtocolError(`a response from unit ${got.unitId} to a request to unit ${p.unitId}`));
    this.finish(p, undefined, got.pdu);
  }

  private finish(p: Pending, err?: Error, pdu?: Buffer): void {
    clearTimeout(p.timer);
    if (this.current === p) this.current = undefined;
    const i = this.queue.indexOf(p);
    if (i >= 0) this.queue.splice(i, 1);
    if (err) p.reject(err);
    else p.resolve(pdu);
    this.pump();
  }

  request(unitId: number, pdu: Buffer, timeoutMs = this.o.timeoutMs): Promise<Buffer | undefined> {
    return new Promise((resolve, reject) => {
      if (this.state === "closed") return reject(new ModbusError("the serial port is closed", "closed"));
      if (!Number.isInteger(unitId) || unitId < 0 || unitId > 247) return reject(new RangeError(`unit id ${unitId} is not 0…247 (0 broadcasts)`));
      if (unitId === 0 && pdu[0] <= 4) return reject(new RangeError("a read cannot be broadcast (unit 0): nobody answers it"));
      if (this.queue.length >= this.o.maxQueued) return reject(new ModbusError(`${this.o.maxQueued} requests are already waiting`, "connection"));
      const p: Pending = { unitId, pdu, timeoutMs, resolve, reject };
      p.timer = setTimeout(() => this.finish(p, new ModbusTimeoutError(timeoutMs)), timeoutMs);
      this.queue.push(p);
      this.pump();
    });
  }

  private pump(): void {
    const port = this.port;
    if (this.current || !this.queue.length || !port || this.state !== "connected" || this.idleTimer) return;
    const wait = this.quietFrom - Date.now();
    if (wait > 0) {
      this.idleTimer = setTimeout(() => {
        this.idleTimer = undefined;
        this.pump();
      }, wait);
      return;
    }
    const p = this.queue.shift()!;
    this.current = p;
    this.assembler.reset();
    const frame = rtuFrame(p.unitId, p.pdu);
    const charMs = (11 * 1000) / this.o.baudRate;
    port.write(frame);
    const sentBy = Date.now() + frame.length * charMs;
    if (p.unitId === 0) {
      this.quietFrom = sentBy + this.o.turnaroundMs;
      this.finish(p);
    } else this.quietFrom = sentBy + silenceMs(this.o.baudRate);
  }

  async close(): Promise<void> {
    this.setState("closed");
    clearTimeout(this.reopenTimer);
    clearTimeout(this.idleTimer);
    const err = new ModbusError("the serial port is closed", "closed");
    for (const p of [...this.queue, ...(this.current ? [this.current] : [])]) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.queue.length = 0;
    this.current = undefined;
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
