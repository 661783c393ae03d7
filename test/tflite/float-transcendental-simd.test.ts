/**
 * The float32 transcendental functions in WebAssembly SIMD (wasm/float-transcendental.wat) give exactly the
 * JavaScript functions' results: musl's expf and logf, Eigen's tanh and logistic, XNNPACK's sigmoid, over random
 * bit patterns (every exponent, subnormals, NaNs), dense sweeps of the ranges that matter, the special values
 * (±0, ±Infinity, NaN, the smallest and largest floats) and the bounds each function clamps or switches at, with
 * lengths that end in a tail of 1..3 lanes (also TFLite's GELU through Eigen's erf and tanh); the operators that use
 * them (EXP, LOG, TANH, LOGISTIC, GELU) equal their JavaScript loops through the interpreter (constant inputs
 * included), SOFTMAX (beta 1) and LOG_SOFTMAX too; and all of them equal tfjs-tflite bit for bit.
 */
import { strict as assert } from "assert";
import { Interpreter } from "../../lib/tflite/interpreter";
import { singleOperatorModel } from "../../lib/tflite/model-builder";
import { BuiltinOperator as B, BuiltinOptionsType as O, F, TensorType as T } from "../../lib/tflite/schema";
import { TfliteOracle } from "./oracle/tfjs-tflite-oracle";
import { int8Module, WasmHeap } from "../../lib/tflite/wasm-kernels";
import { expf } from "../../lib/tflite/kernels/expf";
import { logf } from "../../lib/tflite/kernels/logf";
import { eigenGelu, eigenGeluApproximate, eigenLogistic, eigenTanh } from "../../lib/tflite/kernels/eigen-activations";
import { xnnpackSigmoid } from "../../lib/tflite/kernels/xnnpack-sigmoid";
import { FloatFunction, heapFunction } from "../../lib/tflite/kernels/float-transcendental-simd";
import { rng } from "./operator-cases";

const f32 = Math.fround;
const SPECIAL = [NaN, -NaN, 0, -0, Infinity, -Infinity, 1e-45, -1e-45, 1.1754942e-38, 1.1754944e-38, -1.1754944e-38, 3e-39, 3.4028235e38, -3.4028235e38, 1, -1, 0.5, 2];
// where the functions clamp or switch: Eigen's tanh clamp and tiny bound, the logistic's cap, expf's overflow and
// underflow, XNNPACK's denormal cutoff, the erf clamp (and GELU's input reaching it)
const BOUNDS = [7.905311107635498, 0.0004, 88.3762626647949, 16.64, 17.33, 4, 4 * Math.SQRT2, ...new Float32Array(new Uint32Array([0x42b17217, 0xc2cff1b4, 0x42aeac4f]).buffer)];

/** each bound, its neighbours a few ulps either side, of both signs */
function nearBounds(): number[] {
  const out: number[] = [];
  const f = new Float32Array(1);
  const u = new Int32Array(f.buffer);
  for (const b of BOUNDS) {
    for (const s of [1, -1]) {
      f[0] = s * b;
      const base = u[0];
      for (let d = -4; d <= 4; d++) {
        u[0] = base + d;
        out.push(f[0]);
      }
    }
  }
  return out;
}

function values(seed: number, n: number): Float32Array {
  const next = rng(seed);
  const v = new Float32Array(n);
  const bits = new Uint32Array(v.buffer);
  const special = [...SPECIAL, ...nearBounds()];
  for (let i = 0; i < n; i++) {
    const kind = i % 4;
    if (i < special.length) v[i] = special[i];
    else if (kind === 0) bits[i] = Math.floor(next() * 2 ** 32);
    else if (kind === 1) v[i] = (next() - 0.5) * 240;
    else if (kind === 2) v[i] = (next() - 0.5) * 20;
    else v[i] = f32((next() - 0.5) * 2e-3);
  }
  return v;
}

const show = (v: number) => (Number.isNaN(v) ? "NaN" : Object.is(v, -0) ? "-0" : String(v));

describe("tflite float32 exp, log, tanh, logistic, GELU, softmax, log softmax in WebAssembly SIMD", function () {
  this.timeout(60000);
  before(function () {
    if (!int8Module() || process.env.EDGE_TFLITE_FLOAT_TRANSCENDENTAL_SIMD === "0") {
      console.log("      (skipped: no WebAssembly SIMD here, or these kernels kept in JavaScript)");
      this.skip();
    }
  });

  it("equal musl's expf and logf, Eigen's tanh and logistic, XNNPACK's sigmoid and TFLite's GELU element by element", function () {
    const heap = new WasmHeap(int8Module()!);
    const n = 200003; // a tail of 3 lanes
    const input = values(191, n);
    const positive = input.map((v, i) => (i % 3 ? Math.abs(v) : v)); // log: mostly positive
    const xPtr = heap.alloc(n * 4);
    const yPtr = heap.alloc(n * 4);
    const run = (label: string, data: Float32Array, f: (v: number) => number, simd: (x: number, y: number, n: number) => void) => {
      for (const length of [n, 1, 2, 3, 4, 5, 17]) {
        new Float32Array(heap.buffer, xPtr, length).set(data.subarray(0, length));
        const y = new Float32Array(heap.buffer, yPtr, length + 1);
        y.fill(12345);
        simd(xPtr, yPtr, length);
        for (let i = 0; i < length; i++) {
          const want = f32(f(data[i]));
          if (!Object.is(y[i], want) && !(Number.isNaN(y[i]) && Number.isNaN(want))) assert.fail(`${label} of ${show(data[i])} (element ${i} of ${length}): ${show(y[i])}, not ${show(want)}`);
        }
        assert.equal(y[length], 12345, `${label}: wrote past ${length} elements`);
      }
    };
    const simd = (f: FloatFunction) => {
      const kernel = heapFunction(heap, f);
      assert.ok(kernel, "the float-transcendental module loads");
      return kernel;
    };
    run("expf", input, expf, simd(FloatFunction.Exp));
    run("logf", positive, logf, simd(FloatFunction.Log));
    run("Eigen tanh", input, eigenTanh, simd(FloatFunction.Tanh));
    run("Eigen logistic", input, eigenLogistic, simd(FloatFunction.Logistic));
    run("XNNPACK sigmoid", input, xnnpackSigmoid, simd(FloatFunction.Sigmoid));
    run("GELU (erf)", input, eigenGelu, simd(FloatFunction.Gelu));
    run("GELU (tanh)", input, eigenGeluApproximate, simd(FloatFunction.GeluApproximate));
  });

  const geluOptions = (approximate: boolean) => ({ optionsType: O.GeluOptions, options: [{ slot: F.GeluOptions.approximate, kind: "bool" as const, value: approximate }] });
  const ELEMENTWISE = [
    [B.EXP, "EXP"],
    [B.LOG, "LOG"],
    [B.TANH, "TANH"],
    [B.LOGISTIC, "LOGISTIC"],
    [B.GELU, "GELU", false],
    [B.GELU, "GELU approximate", true],
  ] as const;

  it("EXP, LOG, TANH, LOGISTIC and GELU float32 equal their JavaScript loops through the interpreter", function () {
    for (const [op, name, approximate] of ELEMENTWISE) {
      for (const [shape, constant] of [
        [[3, 7, 11], false],
        [[1], false],
        [[6], true],
        [[2, 1025], false],
      ] as const) {
        const size = (shape as readonly number[]).reduce((a, b) => a * b, 1);
        const data = values(size + op, size);
        const bytes = singleOperatorModel({ builtin: op, inputs: [{ shape: [...shape], type: T.FLOAT32, values: constant ? Array.from(data) : undefined }], outputs: [{ shape: [...shape], type: T.FLOAT32 }], ...(op === B.GELU ? geluOptions(approximate!) : {}) });
        const simd = new Interpreter(bytes);
        const js = new Interpreter(bytes, { simd: false });
        for (const it of [simd, js]) {
          if (!constant) (it.inputs[0].data as Float32Array).set(data);
          it.invoke();
        }
        const got = Array.from(simd.outputs[0].data as Float32Array, show);
        const want = Array.from(js.outputs[0].data as Float32Array, show);
        const at = got.findIndex((g, i) => g !== want[i]);
        assert.equal(at, -1, `${name} [${shape}]${constant ? " constant" : ""}: element ${at} is ${got[at]}, not ${want[at]}`);
      }
    }
  });

  const softmaxModel = (op: number, shape: number[], values?: number[]) =>
    singleOperatorModel({
      builtin: op,
      inputs: [{ shape, type: T.FLOAT32, values }],
      outputs: [{ shape, type: T.FLOAT32 }],
      ...(op === B.SOFTMAX ? { optionsType: O.SoftmaxOptions, options: [{ slot: F.SoftmaxOptions.beta, kind: "float32" as const, value: 1 }] } : {}),
    });

  it("SOFTMAX (beta 1) and LOG_SOFTMAX float32 equal their JavaScript loops, rows of every length from 1", function () {
    const next = rng(197);
    for (const op of [B.SOFTMAX, B.LOG_SOFTMAX]) {
      for (const depth of [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 33, 100, 1001]) {
        const rows = Math.max(1, Math.floor(3000 / depth));
        const shape = [rows, depth];
        // one row in seven with a special value (NaN, ±Infinity, ±0, huge) among ordinary ones
        const data = Array.from({ length: rows * depth }, (_, i) => (Math.floor(i / depth) % 7 === 3 && next() < 0.3 ? SPECIAL[Math.floor(next() * SPECIAL.length)] : f32((next() - 0.5) * (i % 3 ? 6 : 80))));
        for (const constant of depth === 7 ? [false, true] : [false]) {
          const bytes = softmaxModel(op, shape, constant ? data : undefined);
          const simd = new Interpreter(bytes);
          const js = new Interpreter(bytes, { simd: false });
          for (const it of [simd, js]) {
            if (!constant) (it.inputs[0].data as Float32Array).set(data);
            it.invoke();
          }
          const got = Array.from(simd.outputs[0].data as Float32Array, show);
          const want = Array.from(js.outputs[0].data as Float32Array, show);
          const at = got.findIndex((g, i) => g !== want[i]);
          assert.equal(at, -1, `${op === B.SOFTMAX ? "SOFTMAX" : "LOG_SOFTMAX"} [${shape}]${constant ? " constant" : ""}: element ${at} is ${got[at]}, not ${want[at]}`);
        }
      }
    }
  });

  describe("against tfjs-tflite, bit for bit", function () {
    let oracle: TfliteOracle | undefined;
    before(function () {
      oracle = new TfliteOracle();
    });
    after(async function () {
      await oracle?.close();
    });

    it("EXP, LOG, TANH, LOGISTIC, GELU over sweeps with special values and clamp bounds; SOFTMAX (beta 1) and LOG_SOFTMAX over rows of every length", async function () {
      const n = 40001;
      const input = values(211, n);
      for (const [op, name, approximate] of ELEMENTWISE) {
        const data = op === B.LOG ? input.map((v, i) => (i % 3 ? Math.abs(v) : v)) : input;
        const bytes = singleOperatorModel({ builtin: op, inputs: [{ shape: [n], type: T.FLOAT32 }], outputs: [{ shape: [n], type: T.FLOAT32 }], ...(op === B.GELU ? geluOptions(approximate!) : {}) });
        await oracle!.load(bytes);
        const { outputs } = await oracle!.run([data]);
        const it = new Interpreter(bytes);
        (it.inputs[0].data as Float32Array).set(data);
        it.invoke();
        const got = it.outputs[0].data as Float32Array;
        const want = outputs[0].data;
        for (let i = 0; i < n; i++) {
          if (!Object.is(got[i], want[i]) && !(Number.isNaN(got[i]) && Number.isNaN(want[i]))) assert.fail(`${name} of ${show(data[i])}: ${show(got[i])}, tfjs-tflite ${show(want[i])}`);
        }
      }
      const next = rng(223);
      for (const op of [B.SOFTMAX, B.LOG_SOFTMAX]) {
        for (const depth of [1, 2, 3, 5, 7, 16, 19, 64, 333]) {
          const rows = Math.ceil(4000 / depth);
          const data = Array.from({ length: rows * depth }, (_, i) => f32((next() - 0.5) * (i % 4 ? 4 : 40)));
          const bytes = softmaxModel(op, [rows, depth]);
          await oracle!.load(bytes);
          const { outputs } = await oracle!.run([data]);
          const it = new Interpreter(bytes);
          (it.inputs[0].data as Float32Array).set(data);
          it.invoke();
          const got = Array.from(it.outputs[0].data as Float32Array, show);
          const want = Array.from(outputs[0].data, show);
          const at = got.findIndex((g, i) => g !== want[i]);
          assert.equal(at, -1, `${op === B.SOFTMAX ? "SOFTMAX" : "LOG_SOFTMAX"} [${rows}, ${depth}]: element ${at} is ${got[at]}, tfjs-tflite ${want[at]}`);
        }
      }
    });
  });
});
