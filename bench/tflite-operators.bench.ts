/**
 * Latency of one-operator models, ours against tfjs-tflite (TFLite's kernels in WASM with SIMD, XNNPACK) on the
 * same model in the same run: one model per operator and dtype, drawn by the operator differential test's case
 * makers with their dimensions scaled up (bench/support/operator-models.ts), each checked against tfjs-tflite on
 * seeded random inputs before it is timed (a model either side refuses, or whose outputs differ, gives way to the
 * next candidate). One row per operator (times summed, ratio the median of its models, the worst named), then the
 * median and the worst over all models, and the xnnpack arithmetic's time ÷ the default's over the 8-bit models.
 * Ratios are baseline ÷ ours (higher is better). BENCH_PROFILE=<dir> writes a CPU profile of each model there;
 * BENCH_TFLITE_MODELS=<text> keeps only the models whose key (e.g. "CONV_2D int8") contains the text;
 * BENCH_TFLITE_VERBOSE=1 prints each model's figures.
 * Run: npm run bench -- tflite-operators
 */
import type { Interpreter as InterpreterClass } from "../lib/tflite/interpreter";
import { singleOperatorModel } from "../lib/tflite/model-builder";
import { TensorType } from "../lib/tflite/schema";
import { TfliteOracle } from "../test/tflite/oracle/tfjs-tflite-oracle";
import { rng } from "../test/tflite/operator-cases";
import { compare, randomValues } from "../test/tflite/operator-values";
import { candidatesByKey, isSmall, type Candidate } from "./support/operator-models";
import { svdfCandidates } from "./support/svdf-models";
import { loadRuntime } from "./support/tflite-runtime";
import { interleaved, is8bit, median, oracleRunner, oursRunner, profiled, type Row } from "./support/tflite-timing";

const { Interpreter, simdUnavailableReason, note: runtimeNote } = loadRuntime();
type Interpreter = InterpreterClass;
/** time per runtime and model (rounds, the fastest kept) */
const BUDGET_MS = 30;
/** candidates tried per key before it is left out (refused by either side or differing) */
const TRIES = 6;

interface Measured {
  key: string;
  family: string;
  label: string;
  small: boolean;
  ours: number;
  xnnpack?: number;
  baseline: number;
}

/** The candidate's model, ours in both arithmetics and its inputs, if tfjs-tflite takes it and agrees with us. */
async function checked(oracle: TfliteOracle, c: Candidate) {
  const bytes = c.model ?? singleOperatorModel(c.case);
  const reference = new Interpreter(bytes);
  const xnnpack = new Interpreter(bytes, { arithmetic: "xnnpack" });
  await oracle.load(bytes);
  const values = reference.inputs.map((t) => randomValues(t, c.case, rng(c.size)));
  const inputs = values.map((v, i) => (reference.inputs[i].type === TensorType.FLOAT32 ? Float32Array.from(v) : v));
  const { outputs } = await oracle.run(inputs);
  for (const it of [reference, xnnpack]) {
    values.forEach((v, i) => (it.inputs[i].data as Float32Array).set(v));
    it.invoke();
    // the differential test's comparison, in the arithmetic it compares (xnnpack only where TFLite runs XNNPACK)
    if (it === xnnpack || !c.case.xnnpackOnly) it.outputs.forEach((o, j) => compare(`${c.case.label} output ${j}`, o.data as ArrayLike<number>, outputs[j].data, o.type === TensorType.FLOAT32));
  }
  return { reference, xnnpack, inputs };
}

async function measure(oracle: TfliteOracle, list: Candidate[]): Promise<Measured | string> {
  const refusals: string[] = [];
  for (const c of list) {
    let model: Awaited<ReturnType<typeof checked>>;
    try {
      model = await checked(oracle, c);
    } catch (err) {
      refusals.push(`${c.case.label}: ${(err as Error).message.split("\n")[0]}`);
      continue;
    }
    const eightBit = is8bit(model.reference);
    const runners = [oursRunner(model.reference), oracleRunner(oracle, model.inputs), ...(eightBit ? [oursRunner(model.xnnpack)] : [])];
    const [ours, baseline, xnnpack] = await profiled(c.key, () => interleaved(runners, BUDGET_MS));
    return { key: c.key, family: c.family, label: c.case.label, small: isSmall(c), ours, baseline, xnnpack };
  }
  return refusals.at(-1) ?? "no candidate";
}

export async function run(): Promise<Row[]> {
  const rows: Row[] = [];
  const simd = simdUnavailableReason();
  const oursNote = `${runtimeNote}, ${simd ? `without SIMD (${simd})` : "with the WASM SIMD kernels"}`;
  const only = process.env.BENCH_TFLITE_MODELS;
  const byKey = [...candidatesByKey(TRIES), ...svdfCandidates()].filter(([key]) => !only || key.includes(only));
  const oracle = new TfliteOracle();
  const measured: Measured[] = [];
  const left: string[] = [];
  try {
    for (const [key, list] of byKey) {
      const m = await measure(oracle, list);
      if (typeof m === "string") {
        left.push(key);
        if (process.env.BENCH_TFLITE_VERBOSE) console.error(`${key}: left out (${m})`);
        continue;
      }
      measured.push(m);
      if (process.env.BENCH_TFLITE_VERBOSE) console.error(`${key}: ${m.label}: ours ${m.ours.toFixed(4)} ms, tfjs-tflite ${m.baseline.toFixed(4)} ms, ${(m.baseline / m.ours).toFixed(2)}×${m.xnnpack ? `, xnnpack ${m.xnnpack.toFixed(4)} ms` : ""}`);
    }
  } finally {
    await oracle.close();
  }
  if (measured.length === 0) return rows;

  const ratio = (m: Measured) => m.baseline / m.ours;
  const families = [...new Set(measured.map((m) => m.family))].sort();
  for (const family of families) {
    const group = measured.filter((m) => m.family === family);
    const worst = group.reduce((a, b) => (ratio(b) < ratio(a) ? b : a));
    const small = group.filter((m) => m.small).length;
    rows.push({
      name: `tflite operator ${family} (${group.length} model${group.length > 1 ? "s" : ""}: ${group.map((m) => m.key.slice(family.length + 1)).join(", ")})`,
      ours: group.reduce((s, m) => s + m.ours, 0),
      baseline: group.reduce((s, m) => s + m.baseline, 0),
      unit: "ms",
      ratio: median(group.map(ratio)),
      note: `times summed, ratio the median of the models'; worst ${worst.label} ${ratio(worst).toFixed(2)}×${small ? `; ${small} below 1024 elements (the case makers' shapes do not scale further)` : ""}`,
    });
  }
  const worst = measured.reduce((a, b) => (ratio(b) < ratio(a) ? b : a));
  const all = median(measured.map(ratio));
  rows.push({ name: `tflite operators median ratio over ${measured.length} one-operator models`, ours: all, baseline: 1, unit: "×", ratio: all, note: `tfjs-tflite ÷ ours, default (reference) arithmetic, ${oursNote}; aim ≥ 1×${left.length ? `; left out (refused by tfjs-tflite or differing at every size tried): ${left.join(", ")}` : ""}` });
  rows.push({ name: `tflite operators worst model: ${worst.key}`, ours: ratio(worst), baseline: 0.5, unit: "×", ratio: ratio(worst), note: `${worst.label}: ours ${worst.ours.toFixed(4)} ms, tfjs-tflite ${worst.baseline.toFixed(4)} ms; aim ≥ 0.5×` });
  const costs = measured.filter((m) => m.xnnpack !== undefined).map((m) => ({ key: m.key, cost: m.xnnpack! / m.ours }));
  if (costs.length > 0) {
    const dearest = costs.reduce((a, b) => (b.cost > a.cost ? b : a));
    const cost = median(costs.map((c) => c.cost));
    rows.push({ name: `tflite operators xnnpack ÷ default time, median over ${costs.length} 8-bit models`, ours: cost, baseline: 1.2, unit: "×", ratio: 1.2 / cost, note: `our time in the xnnpack arithmetic ÷ in the default; dearest ${dearest.key} ${dearest.cost.toFixed(2)}×; ratio = the 1.2× aim ÷ it` });
    const xnnWorst = measured.filter((m) => m.xnnpack !== undefined).reduce((a, b) => (b.baseline / b.xnnpack! < a.baseline / a.xnnpack! ? b : a));
    rows.push({ name: `tflite operators median ratio, xnnpack arithmetic, over the ${costs.length} 8-bit models`, ours: median(measured.filter((m) => m.xnnpack !== undefined).map((m) => m.baseline / m.xnnpack!)), baseline: 1, unit: "×", ratio: median(measured.filter((m) => m.xnnpack !== undefined).map((m) => m.baseline / m.xnnpack!)), note: `tfjs-tflite ÷ ours computing its results bit for bit; worst ${xnnWorst.key} ${(xnnWorst.baseline / xnnWorst.xnnpack!).toFixed(2)}×` });
  }
  return rows;
}

if (require.main === module) {
  run().then((rows) => {
    for (const r of rows) console.log(`${r.name}: ours ${r.ours.toFixed(4)} ${r.unit}, baseline ${r.baseline.toFixed(4)} ${r.unit}, ratio ${r.ratio.toFixed(2)}${r.note ? ` (${r.note})` : ""}`);
  });
}
