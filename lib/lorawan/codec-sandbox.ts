/**
 * Runs a user-supplied LoRa Alliance TS013 payload codec (TTN / ChirpStack style `decodeUplink(input)` and
 * optionally `encodeDownlink(input)`) in QuickJS compiled to WebAssembly, inside a worker thread of its own.
 *
 * Isolation: the codec sees no host object at all (no require, process, timers, I/O); input goes in as JSON and the
 * result comes back as JSON, shape-checked. Limits: QuickJS's interrupt handler stops a codec past `timeoutMs`; a
 * WebAssembly memory capped at `memoryMb` plus the engine's own ~6 MB (at least 16 MB) stops one allocating past
 * `memoryMb`, whatever it allocates (arrays, typed arrays, strings, objects); the runtime is then rebuilt, so the
 * next call works. The worker's own V8 heap is capped too (WORKER_HEAP_MB), so one codec costs the process at most
 * about memoryMb + 6 + WORKER_HEAP_MB MB plus the worker's fixed cost (~15 MB). The event loop is
 * never blocked: calls run in the worker one at a time, at most CODEC_QUEUE_LIMIT more wait their turn. Should the
 * worker itself not answer within timeoutMs + 1 s, it is terminated and a new one started.
 */
import { Worker } from "worker_threads";
import * as path from "path";
import type { Failure, WorkerConfig, WorkerMessage, WorkerRequest } from "./codec-sandbox-worker";

export interface CodecLimits {
  timeoutMs: number;
  memoryMb: number;
}

export const DEFAULT_CODEC_LIMITS: Readonly<CodecLimits> = { timeoutMs: 100, memoryMb: 16 };
/** calls that may wait behind the running one; more are rejected with reason "queue-full" */
export const CODEC_QUEUE_LIMIT = 1000;
/** time past the codec's limit after which a silent worker is presumed stuck and replaced */
const BACKSTOP_GRACE_MS = 1000;
/** a worker that has not loaded QuickJS by then is given up */
const STARTUP_LIMIT_MS = 30000;
/** the worker's native stack: large enough that QuickJS's own 256 KB stack limit always trips first */
const WORKER_STACK_MB = 8;
/** the worker's V8 old generation: its JavaScript only carries JSON in and out; QuickJS's memory is outside it */
export const WORKER_HEAP_MB = 64;

export type CodecErrorReason = "timeout" | "memory" | "syntax" | "threw" | "invalid-result" | "codec-errors" | "closed" | "queue-full";

export class CodecError extends Error {
  override name = "CodecError";
  /** `errors` holds the codec's own error strings when reason is "codec-errors" */
  constructor(
    message: string,
    readonly reason: CodecErrorReason,
    readonly errors: string[] = [],
  ) {
    super(message);
  }
}

export interface UplinkInput {
  bytes: Uint8Array | number[];
  fPort: number;
  recvTime: Date;
}
export interface DecodedUplink {
  data: Record<string, unknown>;
  warnings: string[];
}
export interface EncodedDownlink {
  bytes: Buffer;
  fPort?: number;
  warnings: string[];
}

interface Job {
  op: WorkerRequest["op"];
  json: string;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

function workerEntry(): { file: string; execArgv: string[] } {
  // Running from TypeScript source (tests, tsx): load the .ts body through tsx; from dist/: the compiled .js.
  if (__filename.endsWith(".ts")) return { file: path.join(__dirname, "codec-sandbox-worker.ts"), execArgv: ["--require", "tsx/cjs"] };
  return { file: path.join(__dirname, "codec-sandbox-worker.js"), execArgv: [] };
}

const errorOf = (f: Failure): CodecError => new CodecError(f.message, f.reason, f.errors ?? []);

export class CodecSandbox {
  readonly limits: Readonly<CodecLimits>;
  private worker?: Worker;
  /** starting: QuickJS loading; initialising: compiling the codec; idle/busy: serving calls */
  private phase: "starting" | "initialising" | "idle" | "busy" = "starting";
  private timer?: NodeJS.Timeout;
  private readonly queue: Job[] = [];
  private current?: Job & { id: number };
  /** the codec cannot be loaded (syntax error, top-level code failed): every call rejects with this */
  private loadFailure?: Failure;
  private closed = false;
  private closing?: Promise<void>;
  private nextId = 1;

  constructor(
    private readonly source: string,
    limits: Partial<CodecLimits> = {},
  ) {
    if (typeof source !== "string") throw new TypeError("the codec source must be a string");
    const merged = { ...DEFAULT_CODEC_LIMITS, ...limits };
    for (const key of ["timeoutMs", "memoryMb"] as const) {
      if (typeof merged[key] !== "number" || !Number.isFinite(merged[key]) || merged[key] <= 0) throw new RangeError(`codec limit ${key} must be a positive number, got ${String(merged[key])}`);
    }
    if (merged.memoryMb < 1) throw new RangeError(`codec limit memoryMb must be at least 1, got ${merged.memoryMb}`);
    this.limits = Object.freeze(merged);
    this.spawn();
  }

  /** number of calls waiting behind the running one */
  get waiting(): number {
    return this.queue.length;
  }

  async decodeUplink(input: UplinkInput): Promise<DecodedUplink> {
    const { bytes, fPort, recvTime } = input ?? ({} as UplinkInput);
    if (!(bytes instanceof Uint8Array) && !Array.isArray(bytes)) throw new TypeError("decodeUplink: input.bytes must be a Uint8Array or an array of numbers");
    const list = Array.from(bytes as ArrayLike<number>);
    const bad = list.findIndex((b) => !Number.isInteger(b) || b < 0 || b > 255);
    if (bad >= 0) throw new TypeError(`decodeUplink: input.bytes[${bad}] = ${String(list[bad])} is not a byte`);
    if (!Number.isInteger(fPort) || fPort < 0 || fPort > 255) throw new TypeError(`decodeUplink: input.fPort must be an integer 0..255, got ${String(fPort)}`);
    if (!(recvTime instanceof Date) || Number.isNaN(recvTime.getTime())) throw new TypeError("decodeUplink: input.recvTime must be a valid Date");
    const json = JSON.stringify({ bytes: list, fPort, recvTime: recvTime.toISOString() });
    return (await this.call("decodeUplink", json)) as DecodedUplink;
  }

  async encodeDownlink(input: { data: unknown }): Promise<EncodedDownlink> {
    let json: string;
    try {
      json = JSON.stringify({ data: input?.data });
    } catch (err) {
      throw new TypeError(`encodeDownlink: input.data cannot be passed as JSON: ${(err as Error).message}`);
    }
    const result = (await this.call("encodeDownlink", json)) as { bytes: number[]; fPort?: number; warnings: string[] };
    return { bytes: Buffer.from(result.bytes), ...(result.fPort !== undefined ? { fPort: result.fPort } : {}), warnings: result.warnings };
  }

  /** stops the worker; waiting and later calls reject with reason "closed" */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closed = true;
    this.disarm();
    const gone = () => new CodecError("the codec sandbox is closed", "closed");
    this.current?.reject(gone());
    this.current = undefined;
    for (const job of this.queue.splice(0)) job.reject(gone());
    const worker = this.worker;
    this.worker = undefined;
    this.closing = worker ? worker.terminate().then(() => undefined) : Promise.resolve();
    return this.closing;
  }

  private call(op: WorkerRequest["op"], json: string): Promise<unknown> {
    if (this.closed) return Promise.reject(new CodecError("the codec sandbox is closed", "closed"));
    if (this.queue.length >= CODEC_QUEUE_LIMIT) {
      return Promise.reject(new CodecError(`the codec is overloaded: ${CODEC_QUEUE_LIMIT} calls are already waiting`, "queue-full"));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ op, json, resolve, reject });
      this.pump();
    });
  }

  private spawn(): void {
    const entry = workerEntry();
    const config: WorkerConfig = { source: this.source, timeoutMs: this.limits.timeoutMs, memoryBytes: Math.round(this.limits.memoryMb * 1024 * 1024) };
    const worker = new Worker(entry.file, { execArgv: entry.execArgv, workerData: config, resourceLimits: { stackSizeMb: WORKER_STACK_MB, maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    this.worker = worker;
    this.phase = "starting";
    this.arm(STARTUP_LIMIT_MS, () => this.abandon(new CodecError(`the codec worker did not start within ${STARTUP_LIMIT_MS / 1000} s`, "timeout")));
    worker.on("message", (m: WorkerMessage) => {
      if (this.worker === worker) this.onMessage(m);
    });
    worker.on("error", (err: Error & { code?: string }) => {
      if (this.worker !== worker) return;
      if (err.code === "ERR_WORKER_OUT_OF_MEMORY") this.abandon(new CodecError(`the codec's worker exceeded its ${WORKER_HEAP_MB} MB heap limit: ${err.message}`, "memory"));
      else this.abandon(new CodecError(`the codec worker failed: ${err.message}`, "threw"));
    });
    worker.on("exit", (code) => {
      if (this.worker === worker) this.abandon(new CodecError(`the codec worker exited (code ${code})`, "threw"));
    });
    this.updateRef();
  }

  private onMessage(m: WorkerMessage): void {
    switch (m.type) {
      case "loaded":
        this.phase = "initialising";
        this.arm(this.limits.timeoutMs + BACKSTOP_GRACE_MS, () => this.stuck());
        return;
      case "ready":
        this.disarm();
        if (m.failure) this.loadFailure = m.failure;
        this.phase = "idle";
        this.pump();
        return;
      case "result": {
        const job = this.current;
        if (!job || job.id !== m.id) return;
        this.disarm();
        this.current = undefined;
        if (m.rebuilding) {
          this.phase = "initialising";
          this.arm(this.limits.timeoutMs + BACKSTOP_GRACE_MS, () => this.stuck());
        } else this.phase = "idle";
        if (m.ok) job.resolve(m.value);
        else job.reject(errorOf(m.failure));
        this.pump();
        return;
      }
    }
  }

  /** the worker did not answer in time: replace it; the running call (or the codec's loading) failed by timeout */
  private stuck(): void {
    const job = this.current;
    this.current = undefined;
    this.dropWorker();
    const limit = this.limits.timeoutMs + BACKSTOP_GRACE_MS;
    if (job) job.reject(new CodecError(`the codec did not return within ${limit} ms; its worker was restarted`, "timeout"));
    else this.loadFailure = { reason: "timeout", message: `the codec's top-level code did not finish within ${limit} ms` };
    this.pump();
  }

  /** the worker died or never started: fail the running call (and, if it never got ready, the waiting ones too) */
  private abandon(error: CodecError): void {
    const neverReady = this.phase === "starting" || (this.phase === "initialising" && !this.current);
    const job = this.current;
    this.current = undefined;
    this.dropWorker();
    job?.reject(error);
    // a worker that cannot start would fail again at once: leave the next start to the next call
    if (neverReady) for (const waiting of this.queue.splice(0)) waiting.reject(new CodecError(error.message, error.reason));
    this.pump();
  }

  private dropWorker(): void {
    this.disarm();
    const worker = this.worker;
    this.worker = undefined;
    worker?.terminate().catch(() => undefined);
  }

  private pump(): void {
    if (this.closed) return;
    if (this.loadFailure) {
      const failure = this.loadFailure;
      for (const job of this.queue.splice(0)) job.reject(errorOf(failure));
    } else if (!this.worker) {
      if (this.queue.length > 0) this.spawn();
    } else if (this.phase === "idle" && !this.current && this.queue.length > 0) {
      const job = { ...this.queue.shift()!, id: this.nextId++ };
      this.current = job;
      this.phase = "busy";
      const request: WorkerRequest = { id: job.id, op: job.op, json: job.json };
      this.worker.postMessage(request);
      this.arm(this.limits.timeoutMs + BACKSTOP_GRACE_MS, () => this.stuck());
    }
    this.updateRef();
  }

  /** the worker keeps the process alive only while calls are pending */
  private updateRef(): void {
    if (!this.worker) return;
    if (this.current || this.queue.length > 0) this.worker.ref();
    else this.worker.unref();
  }

  private arm(ms: number, fn: () => void): void {
    this.disarm();
    this.timer = setTimeout(fn, ms);
    this.timer.unref(); // a pending call keeps the process alive through the worker, not through its backstop
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
