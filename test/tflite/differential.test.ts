/**
 * Differential test against @tensorflow/tfjs-tflite (TFLite's own kernels in WASM, in a worker thread): the
 * shared models on their own inputs and on seeded random inputs, state kept across runs as TFLite does. Integer
 * models must agree bit for bit, with our interpreter in its `xnnpack` arithmetic mode (tfjs-tflite runs int8
 * FULLY_CONNECTED/CONV through XNNPACK, which requantizes in float); float models within 1e-5 of the output
 * tensor's largest magnitude (plus 1e-6 absolute). person_detect is left out: tfjs-tflite refuses it.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import { Interpreter } from "../../lib/tflite/interpreter";
import { TensorType } from "../../lib/tflite/schema";
import { TfliteOracle } from "./oracle/tfjs-tflite-oracle";
import { readBytes, seanetCases, sharedAvailable, skipWithoutShared } from "./shared-models";
import { rng } from "./operator-cases";

/** Deterministic pseudo-random numbers (mulberry32). */

function randomInput(it: Interpreter, index: number, next: () => number): number[] {
  const t = it.inputs[index];
  const n = t.size;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    switch (t.type) {
      case TensorType.FLOAT32:
        out.push(Math.fround(next() * 4 - 2));
        break;
      case TensorType.INT8:
        out.push(Math.floor(next() * 256) - 128);
        break;
      case TensorType.UINT8:
        out.push(Math.floor(next() * 256));
        break;
      case TensorType.INT16:
        out.push(Math.floor(next() * 16384) - 8192);
        break;
      default:
        out.push(Math.floor(next() * 2000000) - 1000000);
    }
  }
  return out;
}

function compare(label: string, ours: ArrayLike<number | bigint>, theirs: ArrayLike<number>, float: boolean): void {
  assert.equal(ours.length, theirs.length, `${label}: lengths`);
  // float: relative to the tensor's largest magnitude, since summation order differs from XNNPACK's
  let scale = 0;
  for (let i = 0; i < theirs.length; i++) scale = Math.max(scale, Math.abs(theirs[i]));
  for (let i = 0; i < theirs.length; i++) {
    const a = Number(ours[i]);
    const b = theirs[i];
    if (float) assert.ok(Math.abs(a - b) <= 1e-6 + 1e-5 * scale, `${label}[${i}]: ours ${a} tfjs-tflite ${b} (tensor max ${scale})`);
    else assert.equal(a, b, `${label}[${i}]: ours ${a} tfjs-tflite ${b}`);
  }
}

const MODELS: Array<[string, string, string]> = [
  ["tflm", "hello_world", "hello_world_float.tflite"],
  ["tflm", "hello_world", "hello_world_int8.tflite"],
  ["tflm", "magic_wand", "magic_wand.tflite"],
  ["tflm", "mnist_lstm", "trained_lstm.tflite"],
  ["tflm", "mnist_lstm", "trained_lstm_int8.tflite"],
  ["mlperf-tiny", "anomaly_detection", "ad01_fp32.tflite"],
  ["mlperf-tiny", "anomaly_detection", "ad01_int8.tflite"],
];

describe("tflite differential against tfjs-tflite", function () {
  this.timeout(60000);
  let oracle: TfliteOracle | undefined;

  before(function () {
    skipWithoutShared(this);
    oracle = new TfliteOracle();
  });

  after(async function () {
    await oracle?.close();
  });

  const check = async (bytes: Uint8Array, inputs: number[][] | undefined, seed: number, trials: number, label: string) => {
    const it = new Interpreter(bytes, { arithmetic: "xnnpack", keepState: true });
    await oracle!.load(bytes);
    const next = rng(seed);
    for (let trial = 0; trial < trials; trial++) {
      const values = inputs && trial === 0 ? inputs : it.inputs.map((_, i) => randomInput(it, i, next));
      values.forEach((v, i) => (it.inputs[i].data as Float32Array).set(v));
      it.invoke();
      const { outputs } = await oracle!.run(values.map((v, i) => (it.inputs[i].type === TensorType.FLOAT32 ? Float32Array.from(v) : v)));
      it.outputs.forEach((o, k) => compare(`${label} trial ${trial} output ${k}`, o.data as ArrayLike<number>, outputs[k].data, o.type === TensorType.FLOAT32));
    }
  };

  for (const [a, b, file] of MODELS) {
    it(`${file}: random inputs`, async function () {
      await check(readBytes(a, b, file), undefined, file.length * 7919, 5, file);
    });
  }

  it("every seanet case on its own inputs and on random ones", async function () {
    const cases = sharedAvailable() ? seanetCases() : [];
    for (const c of cases) {
      const inputs = c.inputs.map((f) => fs.readFileSync(f, "utf8").trim().split(",").map(Number));
      await check(new Uint8Array(fs.readFileSync(c.model)), inputs, c.name.length * 31 + 1, 2, c.name);
    }
  });
});
