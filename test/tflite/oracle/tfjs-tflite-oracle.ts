/** Drives the tfjs-tflite worker: load a model, run raw inputs, get raw outputs (tests and benchmark only). */
import { Worker } from "worker_threads";
import * as path from "path";

export interface OracleOutput {
  name: string;
  dtype: string;
  shape: string;
  data: ArrayLike<number>;
}

export class TfliteOracle {
  private readonly worker = new Worker(path.join(__dirname, "tfjs-tflite-worker.cjs"));
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor() {
    this.worker.on("message", (m: { id: number; ok: boolean; result?: unknown; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(m.error));
    });
    this.worker.on("error", (err) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    });
  }

  private call<T>(msg: Record<string, unknown>): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...msg, id });
    });
  }

  load(model: Uint8Array): Promise<Array<{ name: string; dtype: string; shape: string }>> {
    const copy = model.slice().buffer;
    return this.call({ cmd: "load", model: copy });
  }

  run(inputs: ArrayLike<number>[], repeat = 1): Promise<{ outputs: OracleOutput[]; ms: number }> {
    return this.call({ cmd: "run", inputs, repeat });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
