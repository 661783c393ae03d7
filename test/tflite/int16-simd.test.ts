/**
 * The int16 kernels in WebAssembly SIMD (lib/tflite/wasm/int16.wat) give exactly the JavaScript loops' outputs
 * (the interpreter with `simd: false`), on random shapes (every length mod 8: the tail runs one value at a time),
 * quantization and values, extremes included (-32768, 32767; for int32 inputs -2^31 and 2^31 - 1): QUANTIZE int32
 * and int16 → int16, int16 → int8 / uint8, RELU / RELU6 / RELU_N1_TO_1 int16, LEAKY_RELU int16 (alpha below and above 1, negative), ADD and SUB int16 (TFLite's general
 * path: scales that are not powers of two, far apart or equal; fused activations), CONV_2D int16x8 (padding,
 * strides, dilations, per-channel and per-tensor, 1×1 filters read in place, patches over 1024 values, -128 weights)
 * and FULLY_CONNECTED int16x8 (the same loop).
 * And the requantization (rq16) and the ADD rescale (qbin16 in quantized-elementwise.wat) on every int16 value, with multipliers chosen so that the rounding
 * ties (where gemmlowp's nudge and truncation matter) occur, against lib/tflite/fixed-point.ts.
 */
import { strict as assert } from "assert";
import { Interpreter } from "../../lib/tflite/interpreter";
import { singleOperatorModel } from "../../lib/tflite/model-builder";
import { BuiltinOperator as B, BuiltinOptionsType as O, F, TensorType as T } from "../../lib/tflite/schema";
import { WasmHeap, int8Module } from "../../lib/tflite/wasm-kernels";
import { mulByQuantizedMultiplier, mulByQuantizedMultiplierSmallerThanOne } from "../../lib/tflite/fixed-point";
import { int16Rescale } from "../../lib/tflite/kernels/elementwise";
import { CaseMaker, rng } from "./operator-cases";
import { skipWithoutSimd } from "./simd-skip";

const q16 = (scale: number) => ({ scale: [Math.fround(scale)], zeroPoint: [0] });

/** random values of a type, a fifth of them its extremes */
function values(m: CaseMaker, type: T, n: number): number[] {
  const [lo, hi] = type === T.INT32 ? [-2147483648, 2147483647] : [-32768, 32767];
  return Array.from({ length: n }, () => {
    const r = m.next();
    if (r < 0.1) return lo;
    if (r < 0.2) return hi;
    // int32 inputs mostly in the range an int32 → int16 requantization is meant for, now and then anywhere
    if (type === T.INT32 && r < 0.8) return m.int(-(2 ** 24), 2 ** 24);
    return lo + Math.floor(m.next() * (hi - lo + 1));
  });
}

/** Runs the model in both and compares the outputs, over a few random inputs. */
function sameInBoth(m: CaseMaker, spec: Parameters<typeof singleOperatorModel>[0], label: string): void {
  const bytes = singleOperatorModel(spec);
  const simd = new Interpreter(bytes);
  const js = new Interpreter(bytes, { simd: false });
  for (let trial = 0; trial < 3; trial++) {
    simd.inputs.forEach((t, i) => {
      const v = values(m, t.type, t.size);
      (t.data as Int32Array).set(v);
      (js.inputs[i].data as Int32Array).set(v);
    });
    simd.invoke();
    js.invoke();
    assert.deepEqual(Array.from(simd.outputs[0].data as Int16Array), Array.from(js.outputs[0].data as Int16Array), `${label} trial ${trial}`);
  }
}

const randomShape = (m: CaseMaker) => (m.next() < 0.5 ? [m.int(1, 70)] : [1, m.int(1, 4), m.int(1, 40), m.int(1, 9)]);

describe("tflite int16 kernels in WebAssembly SIMD", function () {
  this.timeout(60000);
  before(function () {
    skipWithoutSimd(this, (heap) => heap.int16());
  });

  it("QUANTIZE int32 → int16 and int16 → int16 equals the JavaScript loop", function () {
    const m = new CaseMaker(rng(161));
    for (let k = 0; k < 60; k++) {
      const shape = randomShape(m);
      const wide = k % 2 === 0;
      // int32 accumulator scales as the converters write them, and ratios above 1 (a left shift) now and then
      const sx = wide ? 2 ** (-m.next() * 10 - 18) : 2 ** (m.next() * 7 - 17);
      const sy = k % 5 === 4 ? sx / (1 + m.next() * 4) : k % 7 === 3 ? sx : 2 ** (m.next() * 7 - 17);
      const label = `QUANTIZE ${wide ? "INT32" : "INT16"} → INT16 [${shape}] ${sx.toPrecision(4)} → ${sy.toPrecision(4)}`;
      sameInBoth(m, { builtin: B.QUANTIZE, inputs: [{ shape, type: wide ? T.INT32 : T.INT16, quantization: q16(sx) }], outputs: [{ shape, type: T.INT16, quantization: q16(sy) }] }, label);
    }
  });

  it("QUANTIZE int16 → int8 and → uint8 equals the JavaScript loop", function () {
    const m = new CaseMaker(rng(167));
    for (let k = 0; k < 60; k++) {
      const shape = randomShape(m);
      const type = k % 2 ? T.UINT8 : T.INT8;
      // 8-bit output scales coarser than the input's, equal now and then (the identity multiplier), finer rarely
      const sx = 2 ** (m.next() * 7 - 17);
      const sy = k % 7 === 3 ? sx : k % 11 === 5 ? sx / (1 + m.next() * 3) : sx * 2 ** (m.next() * 9);
      const zero = type === T.UINT8 ? m.int(0, 255) : m.int(-128, 127);
      const label = `QUANTIZE INT16 → ${T[type]} [${shape}] ${sx.toPrecision(4)} → ${sy.toPrecision(4)} zero ${zero}`;
      sameInBoth(m, { builtin: B.QUANTIZE, inputs: [{ shape, type: T.INT16, quantization: q16(sx) }], outputs: [{ shape, type, quantization: { scale: [Math.fround(sy)], zeroPoint: [zero] } }] }, label);
    }
  });

  it("RELU, RELU6, RELU_N1_TO_1 int16 equal the JavaScript loop", function () {
    const m = new CaseMaker(rng(163));
    for (let k = 0; k < 60; k++) {
      const shape = randomShape(m);
      const [name, builtin] = m.pick([["RELU", B.RELU], ["RELU6", B.RELU6], ["RELU_N1_TO_1", B.RELU_N1_TO_1]] as const);
      const sx = 2 ** (m.next() * 7 - 17);
      const sy = k % 3 === 0 ? sx : k % 3 === 1 ? 2 ** (m.next() * 7 - 17) : 2 ** (m.next() * 4 - 14);
      const label = `${name} INT16 [${shape}] ${sx.toPrecision(4)} → ${sy.toPrecision(4)}`;
      sameInBoth(m, { builtin, inputs: [{ shape, type: T.INT16, quantization: q16(sx) }], outputs: [{ shape, type: T.INT16, quantization: q16(sy) }] }, label);
    }
  });

  it("LEAKY_RELU int16 equals the JavaScript loop", function () {
    const m = new CaseMaker(rng(162));
    for (let k = 0; k < 60; k++) {
      const shape = randomShape(m);
      const alpha = m.pick([0.2, 0.01, 0.3, 1.5, -0.5, 0]);
      const sx = 2 ** (m.next() * 7 - 17);
      const sy = k % 3 === 0 ? sx : 2 ** (m.next() * 7 - 17);
      const label = `LEAKY_RELU INT16 [${shape}] alpha ${alpha} ${sx.toPrecision(4)} → ${sy.toPrecision(4)}`;
      sameInBoth(m, { builtin: B.LEAKY_RELU, inputs: [{ shape, type: T.INT16, quantization: q16(sx) }], outputs: [{ shape, type: T.INT16, quantization: q16(sy) }], optionsType: O.LeakyReluOptions, options: [{ slot: F.LeakyReluOptions.alpha, kind: "float32", value: alpha }] }, label);
    }
  });

  it("ADD and SUB int16 (the general path) equal the JavaScript loop", function () {
    const m = new CaseMaker(rng(163));
    for (let k = 0; k < 80; k++) {
      const shape = randomShape(m);
      const [op, name, optionsType, slot] = k % 2 ? ([B.SUB, "SUB", O.SubOptions, F.SubOptions.fused_activation_function] as const) : ([B.ADD, "ADD", O.AddOptions, F.AddOptions.fused_activation_function] as const);
      const scale = () => 2 ** (m.next() * 7 - 17) * (1 + m.next() * 0.1);
      const sa = scale();
      const sb = k % 5 === 0 ? sa : k % 5 === 1 ? sa * 2 ** -m.int(4, 12) : scale();
      const sy = k % 7 === 0 ? Math.max(sa, sb) * 2 ** -m.int(3, 8) : scale();
      const activation = m.pick([0, 0, 1, 3]);
      const label = `${name} INT16 [${shape}] ${sa.toPrecision(4)} ${sb.toPrecision(4)} → ${sy.toPrecision(4)} activation ${activation}`;
      const operand = (s: number) => ({ shape, type: T.INT16, quantization: q16(s) });
      sameInBoth(m, { builtin: op, inputs: [operand(sa), operand(sb)], outputs: [operand(sy)], optionsType, options: [{ slot, kind: "int8", value: activation }] }, label);
    }
  });

  it("CONV_2D int16x8 equals the JavaScript loop", function () {
    const m = new CaseMaker(rng(164));
    const S = F.Conv2DOptions;
    for (let k = 0; k < 60; k++) {
      const pointwise = k % 4 === 0;
      const big = k % 10 === 5;
      const c = big ? m.int(120, 140) : pointwise ? 8 * m.int(1, 6) : m.int(1, 20);
      const [kh, kw] = pointwise ? [1, 1] : [m.int(1, 3), m.int(1, 4)];
      const [n, h, w] = [m.int(1, 2), m.int(1, 9), m.int(1, 12)];
      const [sh, sw] = pointwise ? [1, 1] : [m.int(1, 2), m.int(1, 2)];
      const [dh, dw] = k % 6 === 1 ? [2, m.int(1, 2)] : [1, 1];
      const same = m.next() < 0.5;
      const out = (size: number, f: number, s: number, d: number) => (same ? Math.ceil(size / s) : Math.floor((size - (f - 1) * d - 1 + s) / s));
      const [oh, ow] = [out(h, kh, sh, dh), out(w, kw, sw, dw)];
      if (oh <= 0 || ow <= 0) continue;
      const oc = m.int(1, 12);
      const perChannel = k % 2 === 0;
      const sx = 2 ** (m.next() * 7 - 17);
      const ws = Array.from({ length: perChannel ? oc : 1 }, () => Math.fround(0.002 + m.next() * 0.02));
      const count = oc * kh * kw * c;
      const weights = Array.from({ length: count }, () => (m.next() < 0.05 ? m.pick([-128, 127]) : m.int(-127, 127)));
      const biasRange = k % 3 === 0 ? 2 ** 34 : 100000;
      const activation = m.pick([0, 0, 1, 3]);
      const label = `CONV_2D INT16x8 [${n},${h},${w},${c}] ${kh}×${kw}×${oc} stride ${sh},${sw} dilation ${dh},${dw} ${same ? "SAME" : "VALID"} activation ${activation}`;
      sameInBoth(
        m,
        {
          builtin: B.CONV_2D,
          inputs: [
            { shape: [n, h, w, c], type: T.INT16, quantization: q16(sx) },
            { shape: [oc, kh, kw, c], type: T.INT8, values: weights, quantization: { scale: ws, zeroPoint: ws.map(() => 0), quantizedDimension: 0 } },
            { shape: [oc], type: T.INT64, values: Array.from({ length: oc }, () => m.int(-biasRange, biasRange)), quantization: { scale: Array.from({ length: oc }, (_, i) => Math.fround(sx * ws[perChannel ? i : 0])), zeroPoint: new Array<number>(oc).fill(0) } },
          ],
          outputs: [{ shape: [n, oh, ow, oc], type: T.INT16, quantization: q16(2 ** (m.next() * 6 - 14)) }],
          optionsType: O.Conv2DOptions,
          options: [
            { slot: S.padding, kind: "int8", value: same ? 0 : 1 },
            { slot: S.stride_w, kind: "int32", value: sw },
            { slot: S.stride_h, kind: "int32", value: sh },
            { slot: S.dilation_w_factor, kind: "int32", value: dw },
            { slot: S.dilation_h_factor, kind: "int32", value: dh },
            { slot: S.fused_activation_function, kind: "int8", value: activation },
          ],
        },
        label,
      );
    }
  });

  it("FULLY_CONNECTED int16x8 equals the JavaScript loop", function () {
    const m = new CaseMaker(rng(165));
    for (let k = 0; k < 40; k++) {
      const [batches, depth, units] = [m.int(1, 5), k % 8 === 3 ? m.int(1030, 1100) : m.int(1, 70), m.int(1, 20)];
      const perChannel = k % 2 === 0;
      const sx = 2 ** (m.next() * 7 - 17);
      const ws = Array.from({ length: perChannel ? units : 1 }, () => Math.fround(0.002 + m.next() * 0.02));
      const weights = Array.from({ length: units * depth }, () => (m.next() < 0.05 ? m.pick([-128, 127]) : m.int(-127, 127)));
      const activation = m.pick([0, 0, 1, 3]);
      const bias = k % 5 === 4 ? null : { shape: [units], type: T.INT64, values: Array.from({ length: units }, () => m.int(-100000, 100000)), quantization: { scale: Array.from({ length: units }, (_, i) => Math.fround(sx * ws[perChannel ? i : 0])), zeroPoint: new Array<number>(units).fill(0) } };
      sameInBoth(
        m,
        {
          builtin: B.FULLY_CONNECTED,
          inputs: [{ shape: [batches, depth], type: T.INT16, quantization: q16(sx) }, { shape: [units, depth], type: T.INT8, values: weights, quantization: { scale: ws, zeroPoint: ws.map(() => 0), quantizedDimension: 0 } }, bias],
          outputs: [{ shape: [batches, units], type: T.INT16, quantization: q16(2 ** (m.next() * 6 - 14)) }],
          optionsType: O.FullyConnectedOptions,
          options: [{ slot: F.FullyConnectedOptions.fused_activation_function, kind: "int8", value: activation }],
        },
        `FULLY_CONNECTED INT16x8 [${batches},${depth}] × ${units} ${perChannel ? "per-channel" : "per-tensor"}${bias ? "" : " no bias"} activation ${activation}`,
      );
    }
  });

  /** every int16 value, in the heap as int16 and as int32, and room for the outputs */
  function everyInt16(): { heap: WasmHeap; all: number[]; x16: number; x32: number; y: number } {
    const heap = new WasmHeap(int8Module()!);
    const all = Array.from({ length: 65536 }, (_, i) => i - 32768);
    const x16 = heap.place(Int16Array.from(all));
    const x32 = heap.place(Int32Array.from(all));
    const y = heap.alloc(2 * 65536);
    return { heap, all, x16, x32, y };
  }
  const outputs = (heap: WasmHeap, at: number) => Array.from(new Int16Array(heap.buffer, at, 65536));
  const sat = (v: number) => (v < -32768 ? -32768 : v > 32767 ? 32767 : v);

  it("rq16 equals MultiplyByQuantizedMultiplier on every int16 value, rounding ties included", function () {
    const { heap, all, x16, x32, y } = everyInt16();
    const ex = heap.int16()!;
    // 3 · 2^29 makes (x m) mod 2^31 = 2^30 for x = 2 mod 4: SaturatingRoundingDoublingHighMul's ties
    for (const multiplier of [3 * 2 ** 29, 2 ** 30, 2 ** 30 + 2 ** 15, 2147483647, 1518500250, -(3 * 2 ** 29)]) {
      for (const shift of [-31, -15, -7, -1, 0, 1, 3, 16]) {
        for (const [wide, x] of [[0, x16], [1, x32]]) {
          ex.rq16(x, y, 65536, wide, 0, multiplier, Math.max(shift, 0), Math.max(-shift, 0), multiplier, Math.max(shift, 0), Math.max(-shift, 0), 0, -32768, 32767);
          const expected = all.map((v) => sat(mulByQuantizedMultiplier(v, multiplier, shift)));
          assert.deepEqual(outputs(heap, y), expected, `multiplier ${multiplier} shift ${shift} ${wide ? "int32" : "int16"}`);
        }
      }
    }
    // one multiplier per sign (LEAKY_RELU): identity-like for x >= 0, alpha's below, left shifts included
    for (const [[m1, s1], [m2, s2]] of [
      [[2 ** 30, 1], [3 * 2 ** 29, -2]],
      [[1518500250, 0], [-(3 * 2 ** 29), 3]],
      [[3 * 2 ** 29, 4], [2 ** 30 + 2 ** 15, -20]],
      [[2147483647, -31], [1300000000, 16]],
    ]) {
      ex.rq16(x16, y, 65536, 0, 0, m1, Math.max(s1, 0), Math.max(-s1, 0), m2, Math.max(s2, 0), Math.max(-s2, 0), 0, -32768, 32767);
      const expected = all.map((v) => sat(v >= 0 ? mulByQuantizedMultiplier(v, m1, s1) : mulByQuantizedMultiplier(v, m2, s2)));
      assert.deepEqual(outputs(heap, y), expected, `multipliers ${m1} ${s1} / ${m2} ${s2}`);
    }
  });

  it("qbin16 equals the int16 ADD's rescale and requantization on every int16 value, rounding ties included", function () {
    const { heap, all, x16, y } = everyInt16();
    const ex = heap.quantizedElementwise()!;
    // b: every value in reverse order; 2^15 + k 2^16 makes x m end in 0x8000 for odd x: the rescale's ties
    const b = heap.place(Int16Array.from(all).reverse());
    const block = heap.alloc(112);
    for (const [m1, e1, m2, e2, mo, eo] of [
      [2 ** 15 + 2 ** 30, 0, 2 ** 30, 0, 2 ** 30 + 2 ** 29, 14],
      [2 ** 30, 3, 3 * 2 ** 15 + 2 ** 30, 1, 2147483647, 15],
      [1518500250, 12, 2 ** 30, 0, 3 * 2 ** 29, 11],
      [2 ** 30, 0, 2 ** 30, 0, 2 ** 30, 0],
    ]) {
      for (const sub of [0, 1]) {
        // qbin16's general ADD / SUB (kind 0): offsets 0, the clamp, each multiplier in 16-bit halves
        [0, 0, 0, -32768, 32767, m1 >>> 16, m1 & 0xffff, e1, m2 >>> 16, m2 & 0xffff, e2, mo, eo, -sub].forEach((w, i) => heap.setWord(block + 4 * i, w));
        ex.qbin16(0, x16, b, y, 1, 65536, 0, 0, 16, 16, block);
        const expected = all.map((u, i) => {
          const v = -1 - all[i];
          const s = int16Rescale(u, m1, e1) + (sub ? -1 : 1) * int16Rescale(v, m2, e2);
          return sat(mulByQuantizedMultiplierSmallerThanOne(s, mo, -eo));
        });
        assert.deepEqual(outputs(heap, y), expected, `${[m1, e1, m2, e2, mo, eo]} ${sub ? "SUB" : "ADD"}`);
      }
    }
  });
});
