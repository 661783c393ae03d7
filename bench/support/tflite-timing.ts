/**
 * Timing shared by the TFLite benchmarks: ours and tfjs-tflite on the same model in turns (the fastest of a few
 * rounds kept), an optional CPU profile of a row, and the median of ratios.
 */
import * as fs from "fs";
import * as path from "path";
import { Session } from "inspector";
import type { Interpreter } from "../../lib/tflite/interpreter";
import { TensorType } from "../../lib/tflite/schema";
import type { TfliteOracle } from "../../test/tflite/oracle/tfjs-tflite-oracle";

export type Row = { name: string; ours: number; baseline: number; unit: string; ratio: number; note?: string };

/** runs n inferences, returns the ms they took */
export type Runner = (n: number) => Promise<number> | number;
const ROUNDS = 5;

/**
 * warm-up before timing: at least this many runs, unless they take longer than WARM_MS. A JavaScript kernel is
 * compiled by the optimizing tier only after it has run for a while (WebAssembly is compiled before its first run):
 * a slow model timed after a score of runs measured its first, unoptimized ones, not what a gateway inferring all
 * day sees.
 */
const WARM_RUNS = 100;
const WARM_MS = 300;

/** How many inferences make one round of `budgetMs / ROUNDS`, after a warm-up. */
async function calibrate(run: Runner, budgetMs: number): Promise<number> {
  let n = 1;
  let runs = 1;
  let spent = await run(n);
  let total = spent;
  while (n < 1e6) {
    const warm = runs >= WARM_RUNS || total >= WARM_MS;
    if (warm && spent >= budgetMs / 10) break;
    // while warming, no more runs at once than the warm-up has time left for
    const room = Math.ceil((WARM_MS - total) / Math.max(spent / n, 1e-3));
    n = warm ? n * 4 : Math.max(1, Math.min(n * 4, room));
    runs += n;
    spent = await run(n);
    total += spent;
  }
  return Math.max(1, Math.round(((budgetMs / ROUNDS) * n) / Math.max(spent, 1e-3)));
}

/**
 * ms per inference of each runner: rounds taken in turn (ours, ours in the other arithmetic, tfjs-tflite, again),
 * so a burst of load from elsewhere on the shared machine falls on all of them alike; the fastest round of each,
 * the least disturbed, is kept.
 */
export async function interleaved(runners: Runner[], budgetMs: number): Promise<number[]> {
  const counts: number[] = [];
  for (const r of runners) counts.push(await calibrate(r, budgetMs));
  const best = runners.map(() => Infinity);
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < runners.length; i++) best[i] = Math.min(best[i], (await runners[i](counts[i])) / counts[i]);
  }
  return best;
}

export const oursRunner = (it: Interpreter): Runner => (n) => {
  const t0 = performance.now();
  for (let r = 0; r < n; r++) it.invoke();
  return performance.now() - t0;
};

/** the oracle times its own loop inside its worker (no message per inference) */
export const oracleRunner = (oracle: TfliteOracle, inputs: ArrayLike<number>[]): Runner => async (n) => (await oracle.run(inputs, n)).ms * n;

/** Runs `work` under the CPU profiler when BENCH_PROFILE is set, writing <dir>/tflite-<label>.cpuprofile. */
export async function profiled<T>(label: string, work: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_PROFILE;
  if (!dir) return work();
  const session = new Session();
  session.connect();
  const post = (method: string) => new Promise<unknown>((resolve, reject) => session.post(method, (err, res) => (err ? reject(err) : resolve(res))));
  await post("Profiler.enable");
  await post("Profiler.start");
  try {
    return await work();
  } finally {
    const { profile } = (await post("Profiler.stop")) as { profile: unknown };
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `tflite-${label.replace(/[^\w.-]+/g, "_")}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

export const is8bit = (it: Interpreter) => it.tensors.some((t) => !t.isConstant && (t.type === TensorType.INT8 || t.type === TensorType.UINT8));

export const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
