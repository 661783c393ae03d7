/**
 * SUM, MEAN, REDUCE_MAX, REDUCE_MIN, AVERAGE_POOL_2D, quantized MAX_POOL_2D and L2_NORMALIZATION in WebAssembly
 * (lib/tflite/wasm/reduce-pool.wat) give exactly the JavaScript loops' outputs: float32, int32, int8, uint8 and int16,
 * the input's quantization or a rescaled one, axes that leave the innermost dimension (vectors of outputs with a
 * tail) or reduce it (interleaved chains and the odd outputs after them), interleaved kept and reduced dimensions
 * (a list of calls), float values whose sum depends on the order of its additions, NaN and ±0 for the extrema;
 * pools of every channel count around the vector widths, padded windows and each fused activation; L2 rows of
 * every length (four rows' chains at a time and the rows after them).
 */
import { strict as assert } from "assert";
import { Interpreter } from "../../lib/tflite/interpreter";
import { singleOperatorModel, type OperandSpec } from "../../lib/tflite/model-builder";
import { integerRange } from "../../lib/tflite/tensor";
import { CaseMaker, int32Constant, rng, B, O, F, T } from "./operator-cases";
import { int8Module, simdUnavailableReason } from "../../lib/tflite/wasm-kernels";

const SPECIAL = [NaN, 0, -0, Infinity, -Infinity, 1e-45, 3.4028235e38, -3.4028235e38];
const bits = (v: number) => (Number.isNaN(v) ? "NaN" : Object.is(v, -0) ? "-0" : String(v));

/** The same random inputs into both interpreters, the outputs compared element by element. */
function compare(bytes: Uint8Array, m: CaseMaker, label: string, special: boolean): void {
  const simd = new Interpreter(bytes);
  const js = new Interpreter(bytes, { simd: false });
  for (let trial = 0; trial < 2; trial++) {
    simd.inputs.forEach((t, i) => {
      const float = t.data instanceof Float32Array;
      const [lo, hi] = float ? [0, 0] : t.data instanceof Int32Array ? [-1000000, 1000000] : integerRange(t.type);
      const values = Array.from({ length: t.size }, () =>
        float ? (special && m.next() < 0.2 ? m.pick(SPECIAL) : Math.fround((m.next() - 0.5) * m.pick([2, 1000, 1e-3]))) : m.int(lo, hi),
      );
      (t.data as Float32Array).set(values);
      (js.inputs[i].data as Float32Array).set(values);
    });
    simd.invoke();
    js.invoke();
    const got = Array.from(simd.outputs[0].data as Float32Array, bits);
    const want = Array.from(js.outputs[0].data as Float32Array, bits);
    const at = got.findIndex((g, i) => g !== want[i]);
    assert.equal(at, -1, `${label} trial ${trial}: element ${at} of ${want.length} is ${got[at]}, not ${want[at]}`);
  }
}

const quantization = (m: CaseMaker, type: T): OperandSpec["quantization"] =>
  type === T.FLOAT32 || type === T.INT32 ? undefined : { scale: [Math.fround(0.002 + m.next() * 0.1)], zeroPoint: [type === T.INT16 ? 0 : type === T.UINT8 ? m.int(0, 255) : m.int(-128, 127)] };

describe("tflite reductions and pooling in WebAssembly SIMD", function () {
  this.timeout(120000);
  before(function () {
    if (!int8Module()) {
      console.log(`      (skipped: WebAssembly SIMD kernels unavailable: ${simdUnavailableReason()})`);
      this.skip();
    }
  });

  it("SUM, MEAN, REDUCE_MAX and REDUCE_MIN equal the JavaScript loops for every type, axis pattern and quantization", function () {
    const m = new CaseMaker(rng(211));
    const ops = [[B.SUM, "SUM"], [B.MEAN, "MEAN"], [B.REDUCE_MAX, "REDUCE_MAX"], [B.REDUCE_MIN, "REDUCE_MIN"]] as const;
    for (let k = 0; k < 480; k++) {
      const [op, name] = ops[k % 4];
      const types = op === B.MEAN ? [T.FLOAT32, T.INT8, T.UINT8, T.INT16] : [T.FLOAT32, T.INT32, T.INT8, T.UINT8, T.INT16];
      const type = types[Math.floor(k / 4) % types.length];
      const rank = m.int(1, 4);
      // the innermost dimension sometimes long (vectors of 4, 8 or 16 outputs and a tail), sometimes 1
      const shape = Array.from({ length: rank }, (_, d) => (d === rank - 1 ? m.pick([1, m.int(1, 40)]) : m.int(1, 9)));
      const axes = shape.map((_, i) => i).filter(() => m.next() < 0.5);
      if (axes.length === 0) axes.push(m.int(0, rank - 1));
      const keep = m.next() < 0.5;
      const out = keep ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
      const qx = quantization(m, type);
      const rescaled = op !== B.REDUCE_MAX && op !== B.REDUCE_MIN && qx !== undefined && m.next() < 0.5;
      const qy = rescaled ? quantization(m, type) : qx;
      const bytes = singleOperatorModel({
        builtin: op,
        inputs: [{ shape, type, quantization: qx }, int32Constant(axes.map((a) => (m.next() < 0.3 ? a - rank : a)))],
        outputs: [{ shape: out, type, quantization: qy }],
        optionsType: O.ReducerOptions,
        options: [{ slot: F.ReducerOptions.keep_dims, kind: "bool", value: keep }],
      });
      compare(bytes, m, `${name} ${T[type]} [${shape}] axes [${axes}]${rescaled ? " rescaled" : ""}`, op !== B.SUM && op !== B.MEAN);
    }
  });

  it("AVERAGE_POOL_2D and MAX_POOL_2D equal the JavaScript loops for every type, channel count, padding and activation", function () {
    const m = new CaseMaker(rng(223));
    const P = F.Pool2DOptions;
    for (let k = 0; k < 320; k++) {
      const average = k % 2 === 0;
      const type = [T.FLOAT32, T.INT8, T.UINT8, T.INT16][Math.floor(k / 2) % 4];
      const [n, h, w, c] = [m.int(1, 2), m.int(1, 9), m.int(1, 9), m.int(1, 40)];
      const [fh, fw, sh, sw] = [m.int(1, 4), m.int(1, 4), m.int(1, 3), m.int(1, 3)];
      const same = m.next() < 0.5;
      const size = (s: number, f: number, st: number) => (same ? Math.ceil(s / st) : Math.floor((s - f + st) / st));
      const [oh, ow] = [size(h, fh, sh), size(w, fw, sw)];
      if (oh <= 0 || ow <= 0) continue;
      const q = quantization(m, type);
      const activation = m.pick([0, 1, 2, 3]);
      const bytes = singleOperatorModel({
        builtin: average ? B.AVERAGE_POOL_2D : B.MAX_POOL_2D,
        inputs: [{ shape: [n, h, w, c], type, quantization: q }],
        outputs: [{ shape: [n, oh, ow, c], type, quantization: q }],
        optionsType: O.Pool2DOptions,
        options: [{ slot: P.padding, kind: "int8", value: same ? 0 : 1 }, { slot: P.stride_w, kind: "int32", value: sw }, { slot: P.stride_h, kind: "int32", value: sh }, { slot: P.filter_width, kind: "int32", value: fw }, { slot: P.filter_height, kind: "int32", value: fh }, { slot: P.fused_activation_function, kind: "int8", value: activation }],
      });
      compare(bytes, m, `${average ? "AVERAGE" : "MAX"}_POOL_2D ${T[type]} [${n},${h},${w},${c}] ${fh}×${fw} stride ${sh},${sw} ${same ? "SAME" : "VALID"} activation ${activation}`, true);
    }
  });

  it("L2_NORMALIZATION equals the JavaScript loops for float32, int8 and uint8, rows of every length", function () {
    const m = new CaseMaker(rng(227));
    for (let k = 0; k < 150; k++) {
      const type = [T.FLOAT32, T.INT8, T.UINT8][k % 3];
      // the last rows long enough that their sums of squares pass 2^29 (the inverse square root's scaling loop)
      const shape = k < 144 ? [...m.shape(m.int(0, 2), 1, 7), m.int(1, 40)] : [1, m.int(150000, 250000)];
      const q = quantization(m, type);
      const qy = type === T.FLOAT32 ? undefined : { scale: [1 / 128], zeroPoint: [type === T.UINT8 ? 128 : 0] };
      const bytes = singleOperatorModel({ builtin: B.L2_NORMALIZATION, inputs: [{ shape, type, quantization: q }], outputs: [{ shape, type, quantization: qy }] });
      compare(bytes, m, `L2_NORMALIZATION ${T[type]} [${shape}]`, k % 2 === 0);
    }
  });
});
