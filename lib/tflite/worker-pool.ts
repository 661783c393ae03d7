/**
 * A small pool of inference workers with a bounded waiting queue. Overflow policy: when every worker is busy
 * and `maxQueue` requests already wait, a new request is rejected at once with QueueFullError (the flow sees
 * the error; nothing is dropped silently and older requests keep their place).
 */
import { Worker } from "worker_threads";
import * as path from "path";

export class QueueFullError extends Error {}

export interface RawOutput {
  name: string;
  dtype: string;
  shape: number[];
  data: ArrayLike<number | bigint> & { length: number };
  scale: number;
  zeroPoint: number;
}

export interface RunResult {
  ms: number;
  outputs: RawOutput[];
}

interface Job {
  msg: Record<string, unknown>;
  /** buffers handed to the worker with the message (made by the pool, never the caller's) */
  transfer?: ArrayBuffer[];
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/** how long close() lets accepted inferences finish */
const CLOSE_DRAIN_MS = 5000;

interface Slot {
  worker: Worker;
  busy?: Job;
}

function workerEntry(): { file: string; execArgv: string[] } {
  // Running from TypeScript source (tests, tsx): load the .ts body through tsx; from dist/: the compiled .js.
  if (__filename.endsWith(".ts")) return { file: path.join(__dirname, "inference-worker.ts"), execArgv: ["--require", "tsx/cjs"] };
  return { file: path.join(__dirname, "inference-worker.js"), execArgv: [] };
}

export class InferencePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  /** close() waiting for the accepted inferences to finish */
  private readonly idleWaiters: Array<() => void> = [];

  constructor(readonly size: number, readonly maxQueue: number) {
    const entry = workerEntry();
    for (let i = 0; i < Math.max(1, size); i++) {
      const slot: Slot = { worker: new Worker(entry.file, { execArgv: entry.execArgv }) };
      slot.worker.on("message", (m: { ok: boolean; result?: unknown; error?: string }) => {
        const job = slot.busy;
        slot.busy = undefined;
        if (job) {
          if (m.ok) job.resolve(m.result);
          else job.reject(new Error(m.error));
        }
        this.pump();
        this.notifyIfIdle();
      });
      slot.worker.on("error", (err) => {
        const job = slot.busy;
        slot.busy = undefined;
        job?.reject(err);
        this.notifyIfIdle();
      });
      this.slots.push(slot);
    }
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Loads the model into every worker (rejects with the interpreter's error, e.g. an unsupported operator). */
  async load(model: Uint8Array, keepState = false, arithmetic: "reference" | "xnnpack" = "reference"): Promise<void> {
    await Promise.all(this.slots.map((slot) => this.direct(slot, { cmd: "load", model, keepState, arithmetic })));
  }

  /**
   * Runs one inference. `transfer: true` hands the inputs' typed arrays to the worker instead of copying them
   * (they are detached here afterwards): for callers that made them for this request, as TfliteSession does.
   */
  run(inputs: ArrayLike<number>[], options: { transfer?: boolean } = {}): Promise<RunResult> {
    if (this.closed) return Promise.reject(new Error("inference pool is closed"));
    if (this.queue.length >= this.maxQueue && this.slots.every((s) => s.busy)) {
      return Promise.reject(new QueueFullError(`inference queue full (${this.maxQueue} waiting)`));
    }
    // A plain array of numbers is cloned element by element into the worker (about 2 ms for person_detect's
    // 9216 values, twice the inference); as a Float64Array (the same values) it is moved in one piece.
    const transfer: ArrayBuffer[] = [];
    const sent = inputs.map((values) => {
      if (ArrayBuffer.isView(values)) {
        if (options.transfer && values.buffer instanceof ArrayBuffer && !transfer.includes(values.buffer)) transfer.push(values.buffer);
        return values;
      }
      const typed = Float64Array.from(values);
      transfer.push(typed.buffer);
      return typed;
    });
    return new Promise<RunResult>((resolve, reject) => {
      this.queue.push({ msg: { cmd: "run", inputs: sent }, transfer, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    // what was accepted finishes (a model swap closes the old pool while it still serves), within a bound
    if (!this.idle()) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.idleWaiters.push(resolve);
        timer = setTimeout(resolve, CLOSE_DRAIN_MS);
      });
      clearTimeout(timer);
    }
    const closed = new Error("inference pool closed");
    for (const job of this.queue.splice(0)) job.reject(closed);
    // a job a terminated worker never answers would leave its message waiting for ever
    for (const slot of this.slots) {
      slot.busy?.reject(closed);
      slot.busy = undefined;
    }
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private idle(): boolean {
    return this.queue.length === 0 && !this.slots.some((s) => s.busy);
  }

  private notifyIfIdle(): void {
    if (this.idleWaiters.length > 0 && this.idle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private direct(slot: Slot, msg: Record<string, unknown>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const job: Job = { msg, resolve, reject };
      if (slot.busy) {
        this.queue.unshift(job); // loads go first; another worker may take it, which is equally fine
        return;
      }
      this.start(slot, job);
    });
  }

  private start(slot: Slot, job: Job): void {
    slot.busy = job;
    slot.worker.postMessage({ ...job.msg, id: this.nextId++ }, job.transfer ?? []);
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (!slot.busy) this.start(slot, this.queue.shift()!);
    }
  }
}
