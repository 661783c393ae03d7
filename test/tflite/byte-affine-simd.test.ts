/**
 * The 8-bit maps computed as arithmetic in WebAssembly (kernels/byte-affine.ts, wasm/byte-affine.wat) give exactly
 * the JavaScript table lookups' outputs (the interpreter with `simd: false`), in both arithmetics: LEAKY_RELU (alpha
 * below and above 1, negative, 0), requantizing QUANTIZE (int8 → int8, uint8 → uint8, ratios above and below 1),
 * RELU, RELU6 and RELU_N1_TO_1, on random lengths (every length mod 16: the tail runs one byte at a time), zero
 * points and values, every byte value included. And XNNPACK's LEAKY_RELU table (slopes up to 8) is always found in
 * that form; and the kernel against its formula in each of its loop variants.
 */
import { strict as assert } from "assert";
import { Interpreter } from "../../lib/tflite/interpreter";
import { singleOperatorModel } from "../../lib/tflite/model-builder";
import { BuiltinOperator as B, BuiltinOptionsType as O, F, TensorType as T } from "../../lib/tflite/schema";
import { WasmHeap, int8Module } from "../../lib/tflite/wasm-kernels";
import { fitByteQ15 } from "../../lib/tflite/kernels/byte-affine";
import { CaseMaker, rng } from "./operator-cases";
import { skipWithoutSimd } from "./simd-skip";

const quant = (scale: number, zeroPoint: number) => ({ scale: [Math.fround(scale)], zeroPoint: [zeroPoint] });

function sameInBoth(m: CaseMaker, spec: Parameters<typeof singleOperatorModel>[0], label: string): void {
  const bytes = singleOperatorModel(spec);
  for (const arithmetic of ["reference", "xnnpack"] as const) {
    const simd = new Interpreter(bytes, { arithmetic });
    const js = new Interpreter(bytes, { arithmetic, simd: false });
    const n = simd.inputs[0].size;
    const low = simd.inputs[0].type === T.INT8 ? -128 : 0;
    // every byte value, then random ones
    const v = Array.from({ length: n }, (_, i) => low + (i < 256 ? i : Math.floor(m.next() * 256)));
    (simd.inputs[0].data as Int8Array).set(v);
    (js.inputs[0].data as Int8Array).set(v);
    simd.invoke();
    js.invoke();
    assert.deepEqual(Array.from(simd.outputs[0].data as Int8Array), Array.from(js.outputs[0].data as Int8Array), `${label} ${arithmetic}`);
  }
}

const zeroPoint = (m: CaseMaker, type: T) => (type === T.INT8 ? m.int(-128, 127) : m.int(0, 255));

describe("tflite 8-bit maps as arithmetic in WebAssembly", function () {
  this.timeout(60000);
  before(function () {
    skipWithoutSimd(this, (heap) => heap.byteAffine());
  });

  it("LEAKY_RELU int8 and uint8 equal the JavaScript lookup", function () {
    const m = new CaseMaker(rng(181));
    for (let k = 0; k < 80; k++) {
      const type = m.pick([T.INT8, T.UINT8]);
      const shape = [m.int(1, 700)];
      const alpha = m.pick([0.3, 0.01, 0.2, 1.5, -0.5, 0]);
      const sx = 0.002 + m.next() * 0.2;
      const sy = k % 4 === 0 ? sx : 0.002 + m.next() * 0.2;
      const label = `LEAKY_RELU ${T[type]} [${shape}] alpha ${alpha} ${sx.toPrecision(4)} → ${sy.toPrecision(4)}`;
      sameInBoth(m, { builtin: B.LEAKY_RELU, inputs: [{ shape, type, quantization: quant(sx, zeroPoint(m, type)) }], outputs: [{ shape, type, quantization: quant(sy, zeroPoint(m, type)) }], optionsType: O.LeakyReluOptions, options: [{ slot: F.LeakyReluOptions.alpha, kind: "float32", value: alpha }] }, label);
    }
  });

  it("QUANTIZE int8 → int8, uint8 → uint8 and RELU, RELU6, RELU_N1_TO_1 equal the JavaScript lookup", function () {
    const m = new CaseMaker(rng(191));
    for (let k = 0; k < 80; k++) {
      const type = m.pick([T.INT8, T.UINT8]);
      const shape = [m.int(1, 700)];
      const [name, builtin] = m.pick([["QUANTIZE", B.QUANTIZE], ["RELU", B.RELU], ["RELU6", B.RELU6], ["RELU_N1_TO_1", B.RELU_N1_TO_1]] as const);
      const sx = 0.002 + m.next() * 0.2;
      const sy = k % 5 === 0 ? sx : sx / (0.1 + m.next() * 3);
      const label = `${name} ${T[type]} [${shape}] ${sx.toPrecision(4)} → ${sy.toPrecision(4)}`;
      sameInBoth(m, { builtin, inputs: [{ shape, type, quantization: quant(sx, zeroPoint(m, type)) }], outputs: [{ shape, type, quantization: quant(sy, zeroPoint(m, type)) }] }, label);
    }
  });

  it("finds XNNPACK's LEAKY_RELU arithmetic (its 1/256-step multipliers) in the 16-bit form", function () {
    const m = new CaseMaker(rng(193));
    for (let k = 0; k < 200; k++) {
      // slopes up to 8 output steps per input step (steeper ones may stay with the table)
      const [mp, mn] = [m.int(1, 2048), m.int(-2048, 2048)];
      const [zx, zy] = [m.int(0, 255), m.int(0, 255)];
      const table = Array.from({ length: 256 }, (_, u) => {
        const d = u - zx;
        const v = zy + Math.floor((d * (d >= 0 ? mp : mn) + 128) / 256);
        return v < 0 ? 0 : v > 255 ? 255 : v;
      });
      assert.ok(fitByteQ15(table, zx), `multipliers ${mp}, ${mn}, zero points ${zx}, ${zy}`);
    }
  });

  it("q15map8 computes its formula in every variant (either slope and offset by sign or one, j zero or not, int8 or uint8), every length mod 16", function () {
    const heap = new WasmHeap(int8Module()!);
    const ex = heap.byteAffine()!;
    const m = new CaseMaker(rng(197));
    const x = heap.alloc(1100);
    const y = heap.alloc(1100);
    for (let c = 0; c < 400; c++) {
      const n = m.int(0, 1050);
      const flip = c & 8 ? 128 : 0;
      const pivot = m.int(0, 255);
      const k = m.int(0, 7);
      const j = c & 4 ? m.int(1, 6) : 0;
      const a1 = m.int(-32767, 32767);
      const a2 = c & 1 ? m.int(-32767, 32767) : a1;
      const z1 = m.int(-2000, 2000);
      const z2 = c & 2 ? m.int(-2000, 2000) : z1;
      const lo = c & 32 ? 0 : m.int(0, 128);
      const hi = c & 32 ? 255 : m.int(lo, 255);
      const outFlip = c & 16 ? 128 : 0;
      const bytes = heap.bytes();
      const input = Array.from({ length: n }, () => m.int(0, 255));
      input.forEach((v, i) => (bytes[x + i] = v));
      ex.q15map8(x, y, n, flip, pivot, a1, a2, z1, z2, k, j, lo, hi, outFlip);
      const out = heap.bytes();
      for (let i = 0; i < n; i++) {
        const d = (input[i] ^ flip) - pivot;
        const sum = (d >= 0 ? z1 : z2) + ((d * 2 ** k * (d >= 0 ? a1 : a2) + 16384) >> 15);
        const v = Math.min(32767, Math.max(-32768, sum)) >> j;
        const expected = (Math.min(hi, Math.max(lo, v)) ^ outFlip) & 255;
        assert.equal(out[y + i] & 255, expected, `case ${c} byte ${i} of ${n}: input ${input[i]}`);
      }
    }
  });
});
