/**
 * int8 and uint8 ADD, SUB and MUL in WebAssembly SIMD (qbin) give exactly the JavaScript loop's outputs, in both
 * arithmetics: equal shapes of every length (the last n mod 16 elements through the kernel's tail), one side a single
 * value, one side repeated per row ([C] against [N, H, W, C], C above and below 16), other broadcasts, constant
 * operands, fused activations, zero points at the ends of the type, scale ratios inside and outside what XNNPACK takes.
 */
import { strict as assert } from "assert";
import { Interpreter } from "../../lib/tflite/interpreter";
import { singleOperatorModel, type OperandSpec } from "../../lib/tflite/model-builder";
import { BuiltinOperator as B, BuiltinOptionsType as O, F, TensorType as T } from "../../lib/tflite/schema";
import { CaseMaker, rng } from "./operator-cases";
import { skipWithoutSimd } from "./simd-skip";

const OPS = [
  [B.ADD, "ADD", O.AddOptions, F.AddOptions.fused_activation_function],
  [B.SUB, "SUB", O.SubOptions, F.SubOptions.fused_activation_function],
  [B.MUL, "MUL", O.MulOptions, F.MulOptions.fused_activation_function],
] as const;

function shapes(m: CaseMaker, k: number): [number[], number[], number[]] {
  switch (k % 6) {
    case 0: {
      const s = [m.int(1, 3), m.int(1, 130)];
      return [s, [...s], s];
    }
    case 1: {
      const s = m.shape(m.int(1, 4), 1, 9);
      return m.next() < 0.5 ? [s, [1], s] : [[], s, s];
    }
    case 2: {
      const c = m.int(16, 40);
      const y = [m.int(1, 2), m.int(1, 5), m.int(1, 5), c];
      return m.next() < 0.5 ? [y, [c], y] : [[1, 1, c], y, y];
    }
    case 3:
      return m.broadcastPair(m.int(2, 4));
    case 5: {
      // rows shorter than one vector: each row is a tail
      const c = m.int(1, 15);
      const y = [m.int(1, 3), m.int(2, 6), m.int(2, 6), c];
      return m.next() < 0.5 ? [y, [c], y] : [[1, 1, 1, c], y, y];
    }
    default: {
      const s = [m.int(1, 2000)];
      return [s, [...s], s];
    }
  }
}

describe("tflite int8, uint8 and int16 ADD, SUB, MUL in WebAssembly SIMD", function () {
  this.timeout(60000);
  before(function () {
    skipWithoutSimd(this);
  });

  it("equal the JavaScript loops on random shapes, quantization and values, in both arithmetics", function () {
    const m = new CaseMaker(rng(131));
    for (let k = 0; k < 180; k++) {
      const [op, name, optionsType, slot] = OPS[k % 3];
      const type = k % 2 ? T.UINT8 : T.INT8;
      const [as, bs, ys] = shapes(m, Math.floor(k / 3));
      const q = () => {
        const r = m.quant();
        if (type === T.UINT8) r.zeroPoint[0] += 128;
        // now and then a zero point at an end of the type: offsets up to ±255
        if (m.next() < 0.15) r.zeroPoint[0] = (type === T.UINT8 ? 128 : 0) + m.pick([-128, 127]);
        return r;
      };
      const [qa, qb, qy] = [q(), q(), q()];
      // now and then an output scale far off (ratios XNNPACK does not take), or twice the inputs' (halves)
      if (k % 7 === 3) qy.scale[0] = Math.fround(qa.scale[0] * m.pick([1e-4, 500]));
      if (k % 7 === 5) [qb.scale[0], qy.scale[0]] = [qa.scale[0], Math.fround(2 * qa.scale[0])];
      const constant = k % 4 === 2;
      const operand = (shape: number[], quantization: typeof qa, values?: number[]): OperandSpec => ({ shape, type, quantization, values });
      const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
      const random = (n: number) => Array.from({ length: n }, () => (type === T.UINT8 ? m.int(0, 255) : m.int(-128, 127)));
      const bytes = singleOperatorModel({
        builtin: op,
        inputs: [operand(as, qa), operand(bs, qb, constant ? random(size(bs)) : undefined)],
        outputs: [operand(ys, qy)],
        optionsType,
        options: [{ slot, kind: "int8", value: m.pick([0, 1, 3]) }],
      });
      for (const arithmetic of ["reference", "xnnpack"] as const) {
        const simd = new Interpreter(bytes, { arithmetic });
        const js = new Interpreter(bytes, { arithmetic, simd: false });
        for (let trial = 0; trial < 2; trial++) {
          simd.inputs.forEach((t, i) => {
            const values = random(t.size);
            (t.data as Int8Array).set(values);
            (js.inputs[i].data as Int8Array).set(values);
          });
          simd.invoke();
          js.invoke();
          const label = `${name} ${T[type]} [${as}] [${bs}]${constant ? " (constant)" : ""} ${arithmetic} trial ${trial}`;
          assert.deepEqual(Array.from(simd.outputs[0].data as Int8Array), Array.from(js.outputs[0].data as Int8Array), label);
        }
      }
    }
  });

  it("the reference ADD / SUB table and a single-value operand's lookup equal the JavaScript loops on every byte pair", function () {
    const m = new CaseMaker(rng(211));
    for (let k = 0; k < 24; k++) {
      const [op, name, optionsType, slot] = OPS[k % 3];
      const type = k % 2 ? T.UINT8 : T.INT8;
      const base = type === T.UINT8 ? 0 : -128;
      const q = () => {
        const r = m.quant();
        r.zeroPoint[0] = base + m.pick([0, 255, m.int(0, 255)]);
        return r;
      };
      const [qa, qb, qy] = [q(), q(), q()];
      if (k % 4 === 3) qy.scale[0] = Math.fround(qa.scale[0] * m.pick([1e-4, 500]));
      // MUL: products up to 2^16 times nearly XNNPACK's largest ratio, 2^8 (beyond int16 before the clamp)
      const huge = k % 4 === 1 && op === B.MUL;
      if (huge) {
        qy.scale[0] = Math.fround((qa.scale[0] * qb.scale[0]) / 250);
        [qa.zeroPoint[0], qb.zeroPoint[0]] = [base + 255, base];
      }
      // every pair of bytes once; or one side a single value (first or second), the other every byte and more
      const single = k % 3 === 0 ? -1 : Math.floor(k / 3) % 2;
      const [as, bs] = single < 0 ? [[65536], [65536]] : single === 0 ? [[1], [3, 700]] : [[3, 700], []];
      const ys = single < 0 ? [65536] : [3, 700];
      const bytes = singleOperatorModel({
        builtin: op,
        inputs: [
          { shape: as, type, quantization: qa },
          { shape: bs, type, quantization: qb },
        ],
        outputs: [{ shape: ys, type, quantization: qy }],
        optionsType,
        options: [{ slot, kind: "int8", value: m.pick([0, 1, 3]) }],
      });
      for (const arithmetic of ["reference", "xnnpack"] as const) {
        const simd = new Interpreter(bytes, { arithmetic });
        const js = new Interpreter(bytes, { arithmetic, simd: false });
        // the single value twice alike, then another (its results are refilled only on a change)
        const scalars = [m.int(0, 255), 0, m.int(1, 255)];
        scalars[1] = scalars[0];
        if (huge) scalars.splice(0, 3, 255, 255, 254);
        for (let trial = 0; trial < 3; trial++) {
          simd.inputs.forEach((t, i) => {
            const values = Array.from({ length: t.size }, (_, j) => base + (t.size === 1 ? scalars[trial] : single < 0 ? (i === 0 ? j >> 8 : j & 255) : (j * 7 + trial) & 255));
            (t.data as Int8Array).set(values);
            (js.inputs[i].data as Int8Array).set(values);
          });
          simd.invoke();
          js.invoke();
          assert.deepEqual(Array.from(simd.outputs[0].data as Int8Array), Array.from(js.outputs[0].data as Int8Array), `${name} ${T[type]} [${as}] [${bs}] ${arithmetic} trial ${trial}`);
        }
      }
    }
  });

  it("int16 (general and power-of-two scales, MUL) equal the JavaScript loops on random shapes, broadcasts included", function () {
    const m = new CaseMaker(rng(173));
    for (let k = 0; k < 90; k++) {
      const [op, name, optionsType, slot] = OPS[k % 3];
      const [as, bs, ys] = shapes(m, Math.floor(k / 3));
      const pot = k % 4 === 1 && op !== B.MUL;
      // power-of-two scales: one input the output's, the other finer; else scales far apart or alike
      const scale = () => Math.fround(2 ** (m.next() * 7 - 17) * (1 + m.next() * 0.1));
      const sy = pot ? 2 ** -m.int(8, 14) : scale();
      const [sa, sb] = pot ? (m.next() < 0.5 ? [sy, sy * 2 ** -m.int(0, 6)] : [sy * 2 ** -m.int(0, 6), sy]) : [scale(), k % 5 === 0 ? scale() * 2 ** -10 : scale()];
      const operand = (shape: number[], s: number): OperandSpec => ({ shape, type: T.INT16, quantization: { scale: [s], zeroPoint: [0] } });
      const bytes = singleOperatorModel({ builtin: op, inputs: [operand(as, sa), operand(bs, sb)], outputs: [operand(ys, sy)], optionsType, options: [{ slot, kind: "int8", value: m.pick([0, 1, 3]) }] });
      const simd = new Interpreter(bytes);
      const js = new Interpreter(bytes, { simd: false });
      for (let trial = 0; trial < 2; trial++) {
        simd.inputs.forEach((t, i) => {
          const values = Array.from({ length: t.size }, () => (m.next() < 0.1 ? m.pick([-32768, 32767]) : m.int(-32768, 32767)));
          (t.data as Int16Array).set(values);
          (js.inputs[i].data as Int16Array).set(values);
        });
        simd.invoke();
        js.invoke();
        assert.deepEqual(Array.from(simd.outputs[0].data as Int16Array), Array.from(js.outputs[0].data as Int16Array), `${name} INT16${pot ? " POT" : ""} [${as}] [${bs}] trial ${trial}`);
      }
    }
  });
});
