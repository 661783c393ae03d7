/**
 * The 8-bit table lookups (lut8: LOGISTIC, TANH, LEAKY_RELU, HARD_SWISH, RELU6, 8-bit QUANTIZE) and DEQUANTIZE
 * (dequant) and float32 QUANTIZE (fquant) in WebAssembly SIMD give exactly the JavaScript loops' outputs, in both arithmetics, at lengths that end
 * in the vector loop and in every tail length.
 */
import { strict as assert } from "assert";
import { Interpreter } from "../../lib/tflite/interpreter";
import { singleOperatorModel, type OperandSpec, type OptionField } from "../../lib/tflite/model-builder";
import { B, CaseMaker, F, O, T, rng } from "./operator-cases";
import { skipWithoutSimd } from "./simd-skip";

interface Unary {
  name: string;
  builtin: number;
  out?: T;
  output?: (type: T) => { scale: number[]; zeroPoint: number[] };
  options?: { optionsType: number; options: OptionField[] };
}

const OPS: Unary[] = [
  { name: "LOGISTIC", builtin: B.LOGISTIC, output: (t) => ({ scale: [1 / 256], zeroPoint: [t === T.INT8 ? -128 : 0] }) },
  { name: "TANH", builtin: B.TANH, output: (t) => ({ scale: [1 / 128], zeroPoint: [t === T.INT8 ? 0 : 128] }) },
  { name: "LEAKY_RELU", builtin: B.LEAKY_RELU, options: { optionsType: O.LeakyReluOptions, options: [{ slot: F.LeakyReluOptions.alpha, kind: "float32", value: 0.3 }] } },
  { name: "HARD_SWISH", builtin: B.HARD_SWISH },
  { name: "RELU6", builtin: B.RELU6 },
  { name: "QUANTIZE", builtin: B.QUANTIZE },
  { name: "DEQUANTIZE", builtin: B.DEQUANTIZE, out: T.FLOAT32 },
];

const LENGTHS = [1, 5, 15, 16, 17, 31, 32, 47, 250, 1000, 1024 + 13];

describe("tflite 8-bit lookups and DEQUANTIZE in WebAssembly SIMD", function () {
  this.timeout(60000);
  before(function () {
    skipWithoutSimd(this);
  });

  for (const op of OPS) {
    const types = op.name === "DEQUANTIZE" ? [T.INT8, T.UINT8, T.INT16] : [T.INT8, T.UINT8];
    for (const type of types) {
      it(`${op.name} ${T[type]} equals the JavaScript loop at every tail length, in both arithmetics`, function () {
        const m = new CaseMaker(rng(977 + op.builtin * 3 + type));
        const [lo, hi] = type === T.INT16 ? [-32768, 32767] : type === T.UINT8 ? [0, 255] : [-128, 127];
        const zero = () => (type === T.INT16 ? 0 : m.int(lo, hi));
        for (const n of LENGTHS) {
          const xq = { scale: [Math.fround(0.005 + m.next() * 0.1)], zeroPoint: [zero()] };
          const yq = op.output?.(type) ?? { scale: [Math.fround(xq.scale[0] * (0.2 + m.next() * 2))], zeroPoint: [zero()] };
          const out: OperandSpec = op.out === T.FLOAT32 ? { shape: [n], type: T.FLOAT32 } : { shape: [n], type, quantization: yq };
          const bytes = singleOperatorModel({ builtin: op.builtin, inputs: [{ shape: [n], type, quantization: xq }], outputs: [out], ...op.options });
          for (const arithmetic of ["reference", "xnnpack"] as const) {
            const simd = new Interpreter(bytes, { arithmetic });
            const js = new Interpreter(bytes, { arithmetic, simd: false });
            const values = Array.from({ length: n }, () => m.int(lo, hi));
            (simd.inputs[0].data as Int8Array).set(values);
            (js.inputs[0].data as Int8Array).set(values);
            simd.invoke();
            js.invoke();
            assert.deepEqual(Array.from(simd.outputs[0].data as Int8Array), Array.from(js.outputs[0].data as Int8Array), `${op.name} ${T[type]} [${n}] ${arithmetic}`);
          }
        }
      });
    }
  }

  for (const type of [T.INT8, T.UINT8, T.INT16]) {
    it(`QUANTIZE FLOAT32 → ${T[type]} equals the JavaScript loop at every tail length, ties, NaN and infinities included, in both arithmetics`, function () {
      const m = new CaseMaker(rng(991 + type));
      for (const n of LENGTHS) {
        const scale = Math.fround(0.001 + m.next() * 0.05);
        const zero = type === T.INT16 ? 0 : type === T.UINT8 ? m.int(0, 255) : m.int(-128, 127);
        const bytes = singleOperatorModel({ builtin: B.QUANTIZE, inputs: [{ shape: [n], type: T.FLOAT32 }], outputs: [{ shape: [n], type, quantization: { scale: [scale], zeroPoint: [zero] } }] });
        const values = Array.from({ length: n }, () => {
          const r = m.next();
          if (r < 0.05) return m.pick([NaN, Infinity, -Infinity, 3e38, -3e38, -0]);
          // halves of the scale: the rounding ties
          if (r < 0.3) return Math.fround((m.int(-300, 300) + 0.5) * scale);
          return (m.next() - 0.5) * scale * (type === T.INT16 ? 80000 : 600);
        });
        for (const arithmetic of ["reference", "xnnpack"] as const) {
          const simd = new Interpreter(bytes, { arithmetic });
          const js = new Interpreter(bytes, { arithmetic, simd: false });
          (simd.inputs[0].data as Float32Array).set(values);
          (js.inputs[0].data as Float32Array).set(values);
          simd.invoke();
          js.invoke();
          assert.deepEqual(Array.from(simd.outputs[0].data as Int8Array), Array.from(js.outputs[0].data as Int8Array), `QUANTIZE FLOAT32 → ${T[type]} [${n}] ${arithmetic}`);
        }
      }
    });
  }
});
