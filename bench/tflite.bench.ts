/**
 * Latency per inference of every shared model (../shared/models: tflm, mlperf-tiny, coral; the seanet
 * single-operator int16 models one row per operator folder), ours against tfjs-tflite (TFLite's kernels in WASM
 * with SIMD, XNNPACK) on the same model in the same run, then the median ratio and the worst model. Every 8-bit
 * model also in our `xnnpack` arithmetic (the one that equals tfjs-tflite bit for bit), with its time ÷ the
 * default's. person_detect: tfjs-tflite refuses the file as written (a bias's quantized_dimension names an axis it
 * lacks), so it runs a copy with that field made legal, the same int8 network; its float32 twin is one more row.
 * Then the event-loop lag of the main thread while person_detect infers flat out in a worker (ours: the inference
 * pool, inputs and outputs transferred; tfjs-tflite: its worker running back to back for as long).
 * Ratios are baseline ÷ ours (higher is better). BENCH_PROFILE=<dir> writes a CPU profile of each of our rows there;
 * BENCH_TFLITE_MODELS=<text> keeps only the models whose path contains the text.
 * Run: npm run bench -- tflite
 */
import * as fs from "fs";
import * as path from "path";
import { monitorEventLoopDelay } from "perf_hooks";
import type { Interpreter as InterpreterClass } from "../lib/tflite/interpreter";
import { floatCopy } from "../lib/tflite/float-copy";
import { TfliteOracle } from "../test/tflite/oracle/tfjs-tflite-oracle";
import { withLegalQuantizedDimensions } from "../test/tflite/oracle/legal-quantized-dimension";
import { loadRuntime } from "./support/tflite-runtime";
import { interleaved, is8bit, median, oracleRunner, oursRunner, profiled, type Row } from "./support/tflite-timing";

const SHARED = path.resolve(__dirname, "../../shared/models");

const { Interpreter, InferencePool, simdUnavailableReason, note: runtimeNote } = loadRuntime();
type Interpreter = InterpreterClass;
const PERSON = "tflm/person_detection/person_detect.tflite";
/** time spent per runtime and model (rounds, the fastest kept): whole networks, and each seanet operator */
const BUDGET_MS = 600;
const SMALL_BUDGET_MS = 60;

/** Every .tflite below `dir`, relative to it, sorted. */
function modelFiles(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...modelFiles(dir, rel));
    else if (e.name.endsWith(".tflite")) out.push(rel);
  }
  return out;
}

const zerosFor = (it: Interpreter) => it.inputs.map((t) => new Array<number>(t.size).fill(0));

interface Measured {
  model: string;
  ours: number;
  xnnpack?: number;
  baseline: number;
}

async function measure(oracle: TfliteOracle, file: string, budgetMs: number, baselineBytes?: Uint8Array): Promise<Measured> {
  const bytes = new Uint8Array(fs.readFileSync(path.join(SHARED, file)));
  const it = new Interpreter(bytes);
  const xnn = is8bit(it) ? new Interpreter(bytes, { arithmetic: "xnnpack" }) : undefined;
  await oracle.load(baselineBytes ?? bytes);
  const runners = [oursRunner(it), oracleRunner(oracle, zerosFor(it)), ...(xnn ? [oursRunner(xnn)] : [])];
  const [ours, baseline, xnnpack] = await profiled(path.basename(file), () => interleaved(runners, budgetMs));
  return { model: file, ours, xnnpack, baseline };
}

export async function run(): Promise<Row[]> {
  const rows: Row[] = [];
  if (!fs.existsSync(SHARED)) {
    // a clone without ../shared beside it has no third-party models: the table says so instead of losing the rows
    rows.push({ name: "tflite rows skipped", ours: NaN, baseline: NaN, unit: "ms", ratio: NaN, note: `not measured: no models at ${SHARED} (the third-party models are test data outside the repository; see test/tflite/shared-models.ts)` });
    return rows;
  }
  const simd = simdUnavailableReason();
  const oursNote = `${runtimeNote}, ${simd ? `without SIMD (${simd})` : "with the WASM SIMD kernels"}`;
  // BENCH_TFLITE_MODELS=<text>: only the models whose path contains it (to profile one row), and no lag rows
  const only = process.env.BENCH_TFLITE_MODELS;
  const files = modelFiles(SHARED).filter((f) => !only || f.includes(only));
  const networks = files.filter((f) => !f.includes("/seanet/"));
  const seanet = files.filter((f) => f.includes("/seanet/"));
  const oracle = new TfliteOracle();
  const ratios: Array<{ model: string; ratio: number }> = [];
  const xnnpackCost: Array<{ model: string; cost: number }> = [];
  try {
    for (const file of networks) {
      const person = file === PERSON;
      const legal = person ? withLegalQuantizedDimensions(new Uint8Array(fs.readFileSync(path.join(SHARED, file)))).bytes : undefined;
      const m = await measure(oracle, file, BUDGET_MS, legal);
      const name = path.basename(file);
      const theirs = person ? "tfjs-tflite on the same int8 network (quantized_dimension of 14 biases made legal, as it refuses the file as written)" : "tfjs-tflite (TFLite kernels in WASM, SIMD)";
      rows.push({ name: `tflite latency ${name}`, ours: m.ours, baseline: m.baseline, unit: "ms", ratio: m.baseline / m.ours, note: `baseline: ${theirs}; ${oursNote}, default (reference) arithmetic` });
      ratios.push({ model: name, ratio: m.baseline / m.ours });
      if (m.xnnpack !== undefined) {
        const cost = m.xnnpack / m.ours;
        xnnpackCost.push({ model: name, cost });
        rows.push({ name: `tflite latency ${name}, xnnpack arithmetic`, ours: m.xnnpack, baseline: m.baseline, unit: "ms", ratio: m.baseline / m.xnnpack, note: `same baseline; ours computing tfjs-tflite's results bit for bit: ${cost.toFixed(2)}× the default arithmetic's time (aim ≤ 1.2×)` });
      }
      if (person) {
        // the stronger baseline a user could pick: tfjs-tflite on the float32 twin (XNNPACK's float path)
        const copy = floatCopy(new Uint8Array(fs.readFileSync(path.join(SHARED, file))));
        await oracle.load(copy);
        const [twin] = await interleaved([oracleRunner(oracle, zerosFor(new Interpreter(copy)))], BUDGET_MS);
        rows.push({ name: `tflite latency ${name} against its float32 twin`, ours: m.ours, baseline: twin, unit: "ms", ratio: twin / m.ours, note: "baseline: tfjs-tflite on the float32 copy written by our model builder (lib/tflite/float-copy.ts), not the same arithmetic; not in the median" });
      }
    }

    // seanet: 60 single-operator int16x8 models, one row per operator (summed times, median of the ratios)
    const folders = [...new Set(seanet.map((f) => path.dirname(f)))];
    for (const folder of folders) {
      const group: Measured[] = [];
      for (const f of seanet.filter((s) => path.dirname(s) === folder)) {
        group.push(await measure(oracle, f, SMALL_BUDGET_MS));
        if (process.env.BENCH_TFLITE_VERBOSE) console.error(`${f}: ours ${group.at(-1)!.ours.toFixed(4)} ms, tfjs-tflite ${group.at(-1)!.baseline.toFixed(4)} ms`);
      }
      const each = group.map((g) => g.baseline / g.ours);
      const worst = group[each.indexOf(Math.min(...each))];
      const ours = group.reduce((s, g) => s + g.ours, 0);
      const baseline = group.reduce((s, g) => s + g.baseline, 0);
      const op = path.basename(folder);
      rows.push({ name: `tflite latency seanet ${op} (${group.length} int16 models)`, ours, baseline, unit: "ms", ratio: median(each), note: `times summed over the models, ratio the median of theirs; worst ${path.basename(worst.model)} ${(worst.baseline / worst.ours).toFixed(2)}×; baseline tfjs-tflite` });
      ratios.push({ model: `seanet ${op}`, ratio: median(each) });
    }

    if (ratios.length === 0) return rows;
    const worst = ratios.reduce((a, b) => (b.ratio < a.ratio ? b : a));
    rows.push({ name: `tflite median ratio over the ${ratios.length} rows above`, ours: median(ratios.map((r) => r.ratio)), baseline: 1, unit: "×", ratio: median(ratios.map((r) => r.ratio)), note: "tfjs-tflite ÷ ours, default arithmetic (seanet counted once per operator); aim ≥ 1×" });
    rows.push({ name: `tflite worst model: ${worst.model}`, ours: worst.ratio, baseline: 0.5, unit: "×", ratio: worst.ratio, note: "the lowest tfjs-tflite ÷ ours above; aim ≥ 0.5×" });
    if (xnnpackCost.length > 0) {
      const dearest = xnnpackCost.reduce((a, b) => (b.cost > a.cost ? b : a));
      rows.push({ name: `tflite xnnpack ÷ default time, median over ${xnnpackCost.length} 8-bit models`, ours: median(xnnpackCost.map((c) => c.cost)), baseline: 1.2, unit: "×", ratio: 1.2 / median(xnnpackCost.map((c) => c.cost)), note: `our time in the xnnpack arithmetic ÷ in the default; dearest ${dearest.model} ${dearest.cost.toFixed(2)}×; ratio = the 1.2× aim ÷ it` });
    }

    if (!only) rows.push(...(await eventLoopLag(oracle)));
  } finally {
    await oracle.close();
  }
  return rows;
}

/** Max and 99th percentile event-loop delay (ms) while `work` runs. */
async function lagDuring(work: () => Promise<unknown>): Promise<{ max: number; p99: number; samples: number }> {
  // a sample every millisecond (Node's finest): the delays include that 1 ms period
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await work();
  h.disable();
  return { max: h.max / 1e6, p99: h.percentile(99) / 1e6, samples: h.count };
}

/**
 * The main thread's event-loop delay while person_detect infers flat out in a worker: ours through the pool
 * (a fresh int8 input per request, transferred, two in flight so the worker never waits) for about three
 * seconds; tfjs-tflite's worker running the same network back to back for as long (one message in all).
 */
async function eventLoopLag(oracle: TfliteOracle): Promise<Row[]> {
  const bytes = new Uint8Array(fs.readFileSync(path.join(SHARED, PERSON)));
  const spanMs = 3000;
  const inFlight = 2;
  const pool = new InferencePool(1, inFlight);
  await pool.load(bytes);
  const image = new Int8Array(96 * 96).map((_, i) => (i * 37) % 256);
  let done = 0;
  await pool.run([image.slice()], { transfer: true });
  const started = performance.now();
  const lane = async () => {
    while (performance.now() - started < spanMs) {
      await pool.run([image.slice()], { transfer: true });
      done++;
    }
  };
  const ours = await lagDuring(() => Promise.all(Array.from({ length: inFlight }, lane)));
  const span = performance.now() - started;
  await pool.close();
  await oracle.load(withLegalQuantizedDimensions(bytes).bytes);
  const input = [Array.from(image)];
  const perRun = (await oracle.run(input, 30)).ms;
  const theirs = await lagDuring(() => oracle.run(input, Math.max(30, Math.round(span / perRun))));
  const how = `ours: ${done} inferences in ${span.toFixed(0)} ms through a pool of one worker, ${inFlight} in flight, inputs and outputs transferred; baseline: tfjs-tflite's worker on the same int8 network back to back for as long; sampled every 1 ms (${ours.samples} and ${theirs.samples} samples), delays include that period`;
  return [
    { name: "tflite event-loop lag (p99) while inferring person_detect flat out", ours: ours.p99, baseline: theirs.p99, unit: "ms", ratio: theirs.p99 / ours.p99, note: `${how}; aim < 5 ms` },
    { name: "tflite event-loop lag (max) while inferring person_detect flat out", ours: ours.max, baseline: theirs.max, unit: "ms", ratio: theirs.max / ours.max, note: "as above, the largest delay" },
  ];
}

if (require.main === module) {
  run().then((rows) => {
    for (const r of rows) console.log(`${r.name}: ours ${r.ours.toFixed(4)} ${r.unit}, baseline ${r.baseline.toFixed(4)} ${r.unit}, ratio ${r.ratio.toFixed(2)}${r.note ? ` (${r.note})` : ""}`);
  });
}
