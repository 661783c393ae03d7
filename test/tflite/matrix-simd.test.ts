/**
 * BATCH_MATMUL, TRANSPOSE_CONV, int16x8 DEPTHWISE_CONV_2D, SVDF and hybrid FULLY_CONNECTED in WebAssembly SIMD
 * (matrix.wat, and int8.wat's fmv32 and mv8) give exactly the JavaScript loops' outputs: the differential test's cases
 * of those operators drawn at one, two and four times their dimensions (so the products reach the sixteen- and
 * eight-column loops and every tail), and the bench's SVDF layers over twenty invokes, each on two sets of random
 * inputs through an interpreter with the SIMD kernels and one without. matrix.wat's kernels are counted, so a path
 * that silently stopped applying fails here too.
 */
import { strict as assert } from "assert";
import { Interpreter } from "../../lib/tflite/interpreter";
import { singleOperatorModel } from "../../lib/tflite/model-builder";
import { BuiltinOperator as B, TensorType as T } from "../../lib/tflite/schema";
import { WasmHeap, type MatrixExports } from "../../lib/tflite/wasm-kernels";
import { ScaledCaseMaker } from "../../bench/support/operator-models";
import { svdfCandidates } from "../../bench/support/svdf-models";
import { rng, type OperatorCase } from "./operator-cases";
import { randomValues } from "./operator-values";
import { OPERATOR_GROUPS } from "./operator-groups";
import { skipWithoutSimd } from "./simd-skip";

const bits = (v: number) => (Number.isNaN(v) ? "NaN" : Object.is(v, -0) ? "-0" : String(v));

const taken = (c: OperatorCase) =>
  c.builtin === B.BATCH_MATMUL ||
  c.builtin === B.TRANSPOSE_CONV ||
  (c.builtin === B.DEPTHWISE_CONV_2D && c.inputs[0]?.type === T.INT16) ||
  (c.builtin === B.FULLY_CONNECTED && c.inputs[0]?.type === T.FLOAT32 && c.inputs[1]?.type === T.INT8);

/** Runs the model with and without SIMD on the same inputs and compares every output element's bits. */
function same(label: string, bytes: Uint8Array, c: OperatorCase, seed: number, invokes = 1): void {
  const simd = new Interpreter(bytes);
  const js = new Interpreter(bytes, { simd: false });
  for (let trial = 0; trial < 2; trial++) {
    const next = rng(seed * 7 + trial);
    simd.inputs.forEach((t, i) => {
      const values = randomValues(t, c, next);
      (t.data as Float32Array).set(values);
      (js.inputs[i].data as Float32Array).set(values);
    });
    for (let r = 0; r < invokes; r++) {
      simd.invoke();
      js.invoke();
    }
    simd.outputs.forEach((o, j) => {
      const got = Array.from(o.data as ArrayLike<number>, bits);
      const want = Array.from(js.outputs[j].data as ArrayLike<number>, bits);
      const at = got.findIndex((g, i) => g !== want[i]);
      assert.equal(at, -1, `${label} trial ${trial} output ${j}: element ${at} of ${want.length} is ${got[at]}, not ${want[at]}`);
    });
  }
}

describe("tflite matrix products in WebAssembly SIMD (matrix.wat)", function () {
  this.timeout(300000);
  const calls = new Map<string, number>();
  const original = WasmHeap.prototype.matrix;
  before(function () {
    skipWithoutSimd(this);
    // count the kernels' calls: each must be reached by the cases below
    WasmHeap.prototype.matrix = function (this: WasmHeap) {
      const ex = original.call(this);
      if (!ex) return ex;
      const counted: Record<string, unknown> = {};
      for (const [name, f] of Object.entries(ex)) {
        counted[name] = (...args: number[]) => {
          calls.set(name, (calls.get(name) ?? 0) + 1);
          return (f as (...a: number[]) => void)(...args);
        };
      }
      return counted as unknown as MatrixExports;
    };
  });
  after(() => {
    WasmHeap.prototype.matrix = original;
  });

  it("BATCH_MATMUL, TRANSPOSE_CONV, int16x8 DEPTHWISE_CONV_2D and hybrid FULLY_CONNECTED equal the JavaScript loops", function () {
    let models = 0;
    for (const group of OPERATOR_GROUPS) {
      for (const scale of [1, 2, 4]) {
        for (let k = 0; k < group.cases; k++) {
          const cases = group.make(new ScaledCaseMaker(rng(group.seed * 1000 + k), scale), k).filter(taken);
          for (const c of cases) {
            same(`${c.label} (×${scale})`, singleOperatorModel(c), c, group.seed + k);
            models++;
          }
        }
      }
    }
    assert.ok(models > 100, `only ${models} models`);
    for (const kernel of ["mm_f32", "mm_f64", "tconv", "out_f32", "dw16x8"]) assert.ok((calls.get(kernel) ?? 0) > 0, `${kernel} was never called`);
  });

  it("SVDF (float32, hybrid, int8) equals the JavaScript loops over several invokes (the state carried)", function () {
    calls.clear();
    for (const [key, [candidate]] of svdfCandidates()) same(key, candidate.model!, candidate.case, 5, 20);
    assert.ok((calls.get("rowdot_f32") ?? 0) > 0, "rowdot_f32 was never called");
  });
});

