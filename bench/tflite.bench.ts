/**
 * Latency per inference of the shared models, ours (pure TypeScript interpreter) against tfjs-tflite (TFLite's
 * WASM SIMD kernels) in the same run, and the event-loop lag while our worker pool infers flat out.
 * Run: npx tsx bench/tflite.bench.ts
 */
import * as fs from "fs";
import * as path from "path";
import { monitorEventLoopDelay } from "perf_hooks";
import { Interpreter } from "../lib/tflite/interpreter";
import { InferencePool } from "../lib/tflite/worker-pool";
import { TfliteOracle } from "../test/tflite/oracle/tfjs-tflite-oracle";

const SHARED = path.resolve(__dirname, "../../shared/models");
const MODELS = [
  ["tflm/hello_world/hello_world_int8.tflite", 2000],
  ["tflm/mnist_lstm/trained_lstm.tflite", 50],
  ["tflm/magic_wand/magic_wand.tflite", 100],
  ["mlperf-tiny/anomaly_detection/ad01_int8.tflite", 200],
  ["mlperf-tiny/anomaly_detection/ad01_fp32.tflite", 200],
] as const;

export async function run(): Promise<Array<{ name: string; ours: number; baseline: number; unit: string; ratio: number; note?: string }>> {
  const rows: Array<{ name: string; ours: number; baseline: number; unit: string; ratio: number; note?: string }> = [];
  if (!fs.existsSync(SHARED)) return rows;
  const oracle = new TfliteOracle();
  try {
    for (const [file, repeat] of MODELS) {
      const bytes = new Uint8Array(fs.readFileSync(path.join(SHARED, file)));
      const it = new Interpreter(bytes);
      const inputs = it.inputs.map((t) => Array.from(t.data as Float32Array, () => 0));
      it.invoke();
      const t0 = performance.now();
      for (let r = 0; r < repeat; r++) it.invoke();
      const ours = (performance.now() - t0) / repeat;
      await oracle.load(bytes);
      await oracle.run(inputs, 3);
      const { ms: baseline } = await oracle.run(inputs, repeat);
      rows.push({ name: `tflite latency ${path.basename(file)}`, ours, baseline, unit: "ms", ratio: baseline / ours, note: "baseline: tfjs-tflite (TFLite kernels in WASM, SIMD)" });
    }
    // person_detect: tfjs-tflite refuses it, so ours only
    const pd = new Interpreter(new Uint8Array(fs.readFileSync(path.join(SHARED, "tflm/person_detection/person_detect.tflite"))));
    pd.invoke();
    const t0 = performance.now();
    for (let r = 0; r < 10; r++) pd.invoke();
    const pdMs = (performance.now() - t0) / 10;
    rows.push({ name: "tflite latency person_detect.tflite", ours: pdMs, baseline: NaN, unit: "ms", ratio: NaN, note: "tfjs-tflite refuses this model; float-copy baseline not built yet" });
    // event-loop lag while a pool infers person_detect flat out
    const pool = new InferencePool(1, 64);
    await pool.load(new Uint8Array(fs.readFileSync(path.join(SHARED, "tflm/person_detection/person_detect.tflite"))));
    const h = monitorEventLoopDelay({ resolution: 5 });
    h.enable();
    await Promise.all(Array.from({ length: 20 }, () => pool.run([new Array(96 * 96).fill(0)])));
    h.disable();
    await pool.close();
    const lagMs = h.max / 1e6;
    rows.push({ name: "tflite event-loop lag (max) during pooled person_detect", ours: lagMs, baseline: pdMs, unit: "ms", ratio: pdMs / lagMs, note: "baseline: one inference run on the event loop" });
  } finally {
    await oracle.close();
  }
  return rows;
}

if (require.main === module) {
  run().then((rows) => {
    for (const r of rows) console.log(`${r.name}: ours ${r.ours.toFixed(3)} ${r.unit}, baseline ${r.baseline.toFixed(3)} ${r.unit}, ratio ${r.ratio.toFixed(2)}${r.note ? ` (${r.note})` : ""}`);
  });
}
