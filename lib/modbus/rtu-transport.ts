/**
 * Modbus RTU master link over a serial port (the `serialport` package): one request on the line at a time, each
 * preceded by at least 3.5 character times of silence, its response assembled by length (rtu-assembler.ts) and
 * checked for the unit's address and CRC. A broadcast (unit 0) has no response: the next request waits the
 * turnaround delay so the devices can act on it. The port is reopened with backoff when it fails or goes away.
 */
import { SerialPort } from "serialport";
import { rtuFrame } from "./crc16";
import { RtuAssembler, silenceMs } from "./rtu-assembler";
import { ModbusError, ModbusProtocolError, ModbusTimeoutError } from "./errors";
import { DEFAULTS, type ModbusTransport } from "./transport";
import { LinkBase } from "./link-base";

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

export class RtuTransport extends LinkBase implements ModbusTransport {
  private port: SerialPort | undefined;
  private readonly queue: Pending[] = [];
  private current: Pending | undefined;
  private readonly assembler: RtuAssembler;
  private idleTimer: NodeJS.Timeout | undefined;
  /** the line is free for the next request from this time */
  private quietFrom = 0;
  private readonly o: Required<RtuOptions>;

  constructor(options: RtuOptions) {
    const o: Required<RtuOptions> = {
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
    super("the serial port", o.reconnectMinMs, o.reconnectMaxMs);
    this.o = o;
    this.assembler = new RtuAssembler(o.frameGapMs);
  }

  start(): void {
    if (this.state === "closed" || this.port) return;
    this.open();
  }

  protected open(): void {
    this.opening();
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
      this.assembler.reset();
      this.opened();
      this.pump();
    });
  }

  private retry(err: Error): void {
    if (this.state === "closed") return;
    if (this.current) this.finish(this.current, new ModbusError(`serial port ${this.o.path}: ${err.message}`, "closed"));
    this.lost(err);
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
      if (this.state === "closed") return reject(this.closedError());
      if (!Number.isInteger(unitId) || unitId < 0 || unitId > 247) return reject(new RangeError(`unit id ${unitId} is not 0…247 (0 broadcasts)`));
      if (unitId === 0 && pdu[0] <= 4) return reject(new RangeError("a read cannot be broadcast (unit 0): nobody answers it"));
      const refused = this.refusal(this.queue.length, this.o.maxQueued);
      if (refused) return reject(refused);
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
    this.markClosed();
    clearTimeout(this.idleTimer);
    const err = this.closedError();
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
