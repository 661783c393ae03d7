/**
 * PAD and STRIDED_SLICE copy whole rows (trailing axes joined where the data is contiguous) from tables worked
 * out when the model loads: on random shapes, paddings, begins, ends, strides (negative too) and masks they
 * equal an element-by-element reading of TFLite's definitions written here, for int16, int8 and float32.
 */
import { strict as assert } from "assert";
import { Interpreter } from "../../lib/tflite/interpreter";
import { singleOperatorModel } from "../../lib/tflite/model-builder";
import { BuiltinOperator as B, BuiltinOptionsType as O, F, TensorType as T } from "../../lib/tflite/schema";
import { CaseMaker, rng } from "./operator-cases";

const strides = (shape: number[]) => shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
const TYPES = [T.INT16, T.INT8, T.FLOAT32];
const operand = (type: T, shape: number[]) => (type === T.FLOAT32 ? { shape, type } : { shape, type, quantization: { scale: [0.5], zeroPoint: [type === T.INT8 ? 3 : 0] } });

/** every index of `shape` in row-major order */
function* indices(shape: number[]): Generator<number[]> {
  const total = shape.reduce((a, b) => a * b, 1);
  const index = shape.map(() => 0);
  for (let k = 0; k < total; k++) {
    yield index.slice();
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
}

describe("tflite PAD and STRIDED_SLICE row copies", function () {
  this.timeout(60000);

  it("PAD equals padding element by element", function () {
    const m = new CaseMaker(rng(606));
    for (let k = 0; k < 150; k++) {
      const type = TYPES[k % 3];
      const rank = m.int(1, 4);
      const shape = m.shape(rank, 1, 6);
      // often no padding on the trailing axes, so that rows join
      const pads = shape.flatMap((_, d) => (d >= rank - m.int(0, rank) ? [0, 0] : [m.int(0, 3), m.int(0, 3)]));
      const out = shape.map((s, d) => s + pads[2 * d] + pads[2 * d + 1]);
      const bytes = singleOperatorModel({ builtin: B.PAD, inputs: [operand(type, shape), { shape: [rank, 2], type: T.INT32, values: pads }], outputs: [operand(type, out)] });
      const it = new Interpreter(bytes);
      const x = Array.from({ length: it.inputs[0].size }, () => m.int(-100, 100));
      (it.inputs[0].data as Int16Array).set(x);
      it.invoke();
      const expected = new Array<number>(out.reduce((a, b) => a * b, 1)).fill(type === T.INT8 ? 3 : 0);
      const [is, os] = [strides(shape), strides(out)];
      for (const i of indices(shape)) expected[i.reduce((o, v, d) => o + (v + pads[2 * d]) * os[d], 0)] = x[i.reduce((o, v, d) => o + v * is[d], 0)];
      assert.deepEqual(Array.from(it.outputs[0].data as Int16Array), expected, `${T[type]} [${shape}] pads [${pads}]`);
    }
  });

  it("STRIDED_SLICE equals slicing element by element", function () {
    const m = new CaseMaker(rng(707));
    const S = F.StridedSliceOptions;
    for (let k = 0; k < 200; k++) {
      const type = TYPES[k % 3];
      const rank = m.int(1, 4);
      const shape = m.shape(rank, 1, 6);
      const begin: number[] = [];
      const end: number[] = [];
      const step: number[] = [];
      let beginMask = 0;
      let endMask = 0;
      const wholeFrom = rank - m.int(0, rank);
      shape.forEach((s, d) => {
        if (d >= wholeFrom) {
          // taken whole: rows join across it
          begin.push(0);
          end.push(s);
          step.push(1);
          return;
        }
        const st = m.pick([1, 1, 2, 3, -1, -2]);
        step.push(st);
        begin.push(m.int(-s, s - 1));
        end.push(m.int(-s - 1, s));
        if (m.int(0, 4) === 0) beginMask |= 1 << d;
        if (m.int(0, 4) === 0) endMask |= 1 << d;
      });
      // TFLite's definition, per axis: clamp the start and stop into the axis (masks take the whole side)
      const picks = shape.map((s, d) => {
        const st = step[d];
        let start = beginMask & (1 << d) ? (st > 0 ? 0 : s - 1) : begin[d] < 0 ? begin[d] + s : begin[d];
        let stop = endMask & (1 << d) ? (st > 0 ? s : -1) : end[d] < 0 ? end[d] + s : end[d];
        start = st > 0 ? Math.min(Math.max(start, 0), s) : Math.min(Math.max(start, -1), s - 1);
        if (!(endMask & (1 << d))) stop = st > 0 ? Math.min(Math.max(stop, 0), s) : Math.min(Math.max(stop, -1), s - 1);
        const out: number[] = [];
        for (let i = start; st > 0 ? i < stop : i > stop; i += st) out.push(i);
        return out;
      });
      const out = picks.map((p) => p.length);
      if (out.some((n) => n === 0)) continue;
      const bytes = singleOperatorModel({
        builtin: B.STRIDED_SLICE,
        inputs: [operand(type, shape), { shape: [rank], type: T.INT32, values: begin }, { shape: [rank], type: T.INT32, values: end }, { shape: [rank], type: T.INT32, values: step }],
        outputs: [operand(type, out)],
        optionsType: O.StridedSliceOptions,
        options: [{ slot: S.begin_mask, kind: "int32", value: beginMask }, { slot: S.end_mask, kind: "int32", value: endMask }],
      });
      const it = new Interpreter(bytes);
      const x = Array.from({ length: it.inputs[0].size }, () => m.int(-100, 100));
      (it.inputs[0].data as Int16Array).set(x);
      it.invoke();
      const is = strides(shape);
      const expected = [...indices(out)].map((i) => x[i.reduce((o, v, d) => o + picks[d][v] * is[d], 0)]);
      assert.deepEqual(Array.from(it.outputs[0].data as Int16Array), expected, `${T[type]} [${shape}] begin [${begin}] end [${end}] strides [${step}] masks ${beginMask}/${endMask}`);
    }
  });
});
