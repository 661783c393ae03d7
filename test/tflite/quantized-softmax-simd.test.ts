/**
 * 8-bit SOFTMAX (int8, uint8, int8 → int16), int16 SOFTMAX and 8-bit LOG_SOFTMAX in WebAssembly (lib/tflite/wasm/quantized-softmax.wat)
 * give exactly the JavaScript loops' outputs (the interpreter with `simd: false`), in both arithmetics, on random
 * shapes (rows shorter and longer than 16 values: the maximum's vector loop and its tail; int16 rows of thousands), scales, betas and
 * values, a fifth of them the type's extremes, and rows of one repeated value.
 */
import { strict as assert } from "assert";
import { Interpreter } from "../../lib/tflite/interpreter";
import { singleOperatorModel } from "../../lib/tflite/model-builder";
import { BuiltinOperator as B, BuiltinOptionsType as O, F, TensorType as T } from "../../lib/tflite/schema";
import { CaseMaker, rng } from "./operator-cases";
import { skipWithoutSimd } from "./simd-skip";

const quant = (scale: number, zeroPoint: number) => ({ scale: [Math.fround(scale)], zeroPoint: [zeroPoint] });

function sameInBoth(m: CaseMaker, spec: Parameters<typeof singleOperatorModel>[0], label: string): void {
  const bytes = singleOperatorModel(spec);
  for (const arithmetic of ["reference", "xnnpack"] as const) {
    const simd = new Interpreter(bytes, { arithmetic });
    const js = new Interpreter(bytes, { arithmetic, simd: false });
    const type = simd.inputs[0].type;
    const [lo, hi] = type === T.INT8 ? [-128, 127] : type === T.INT16 ? [-32768, 32767] : [0, 255];
    for (let trial = 0; trial < 3; trial++) {
      const n = simd.inputs[0].size;
      const constant = lo + Math.floor(m.next() * (hi - lo + 1));
      const v = Array.from({ length: n }, () => {
        const r = m.next();
        return trial === 2 ? constant : r < 0.1 ? lo : r < 0.2 ? hi : lo + Math.floor(m.next() * (hi - lo + 1));
      });
      (simd.inputs[0].data as Int8Array).set(v);
      (js.inputs[0].data as Int8Array).set(v);
      simd.invoke();
      js.invoke();
      assert.deepEqual(Array.from(simd.outputs[0].data as Int8Array), Array.from(js.outputs[0].data as Int8Array), `${label} ${arithmetic} trial ${trial}`);
    }
  }
}

const randomShape = (m: CaseMaker) => (m.next() < 0.5 ? [m.int(1, 70)] : [m.int(1, 4), m.int(1, 9), m.int(1, 40)]);

describe("tflite 8-bit SOFTMAX and LOG_SOFTMAX in WebAssembly", function () {
  this.timeout(60000);
  before(function () {
    skipWithoutSimd(this, (heap) => heap.quantizedSoftmax());
  });

  it("SOFTMAX int8, uint8 and int8 → int16 equal the JavaScript loop", function () {
    const m = new CaseMaker(rng(171));
    for (let k = 0; k < 90; k++) {
      const shape = randomShape(m);
      const [type, outType] = m.pick([[T.INT8, T.INT8], [T.UINT8, T.UINT8], [T.INT8, T.INT16]] as const);
      const beta = m.pick([1, 0.5, 2, 0.1, 7]);
      const sx = m.pick([0.01, 0.05, 0.2, 1, 3]) * (0.5 + m.next());
      const zx = type === T.INT8 ? m.int(-128, 127) : m.int(0, 255);
      const out = outType === T.INT16 ? quant(1 / 65536, -32768) : outType === T.INT8 ? quant(1 / 256, -128) : quant(1 / 256, 0);
      const label = `SOFTMAX ${T[type]} → ${T[outType]} [${shape}] scale ${sx.toPrecision(4)} beta ${beta}`;
      sameInBoth(m, { builtin: B.SOFTMAX, inputs: [{ shape, type, quantization: quant(sx, zx) }], outputs: [{ shape, type: outType, quantization: out }], optionsType: O.SoftmaxOptions, options: [{ slot: F.SoftmaxOptions.beta, kind: "float32", value: beta }] }, label);
    }
  });

  it("LOG_SOFTMAX int8 and uint8 equal the JavaScript loop", function () {
    const m = new CaseMaker(rng(173));
    for (let k = 0; k < 60; k++) {
      const shape = randomShape(m);
      const type = m.pick([T.INT8, T.UINT8]);
      const sx = m.pick([0.01, 0.05, 0.2, 1, 3]) * (0.5 + m.next());
      const zx = type === T.INT8 ? m.int(-128, 127) : m.int(0, 255);
      const label = `LOG_SOFTMAX ${T[type]} [${shape}] scale ${sx.toPrecision(4)}`;
      sameInBoth(m, { builtin: B.LOG_SOFTMAX, inputs: [{ shape, type, quantization: quant(sx, zx) }], outputs: [{ shape, type, quantization: quant(16 / 256, type === T.INT8 ? 127 : 255) }] }, label);
    }
  });

  it("SOFTMAX int16 equals the JavaScript loop", function () {
    const m = new CaseMaker(rng(179));
    for (let k = 0; k < 60; k++) {
      const shape = k % 10 === 0 ? [2, m.int(1000, 5000)] : randomShape(m);
      const beta = m.pick([1, 0.5, 2, 0.1]);
      const sx = 2 ** (m.next() * 12 - 16);
      const label = `SOFTMAX INT16 [${shape}] scale ${sx.toPrecision(4)} beta ${beta}`;
      sameInBoth(m, { builtin: B.SOFTMAX, inputs: [{ shape, type: T.INT16, quantization: quant(sx, 0) }], outputs: [{ shape, type: T.INT16, quantization: quant(1 / 32768, 0) }], optionsType: O.SoftmaxOptions, options: [{ slot: F.SoftmaxOptions.beta, kind: "float32", value: beta }] }, label);
    }
  });
});
