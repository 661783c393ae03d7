/**
 * The integer elementwise operators in WebAssembly SIMD (wasm/int-elementwise.wat) give exactly the JavaScript loops'
 * outputs: MAXIMUM / MINIMUM of int8, uint8, int16, int32; the six comparisons of int32, int8, uint8 (equal
 * quantization: raw bytes; different: the tabulated rescaling); SQUARED_DIFFERENCE of int32 and int8; int32 DIV and
 * FLOOR_DIV by constants (INT32_MIN / -1 included); SELECT_V2 of every type. Values at the type's extremes, equal
 * shapes of every length (tails of 1..15 elements), one side a single value, a trailing block repeated per row, one
 * value per row, both sides broadcast (an outer loop of calls), and constant operands.
 */
import { strict as assert } from "assert";
import { Interpreter } from "../../lib/tflite/interpreter";
import { singleOperatorModel, type OperandSpec } from "../../lib/tflite/model-builder";
import { BuiltinOperator as B, TensorType as T } from "../../lib/tflite/schema";
import { CaseMaker, rng } from "./operator-cases";
import { skipWithoutSimd } from "./simd-skip";

interface OpCase {
  op: number;
  name: string;
  types: T[];
  /** BOOL output */
  bool?: boolean;
  /** a constant divisor without zeros */
  divides?: boolean;
  select?: boolean;
}

const COMPARISON_TYPES = [T.INT32, T.INT8, T.UINT8];
const OPS: OpCase[] = [
  { op: B.MAXIMUM, name: "MAXIMUM", types: [T.INT8, T.UINT8, T.INT16, T.INT32] },
  { op: B.MINIMUM, name: "MINIMUM", types: [T.INT8, T.UINT8, T.INT16, T.INT32] },
  ...(
    [
      [B.EQUAL, "EQUAL"],
      [B.NOT_EQUAL, "NOT_EQUAL"],
      [B.LESS, "LESS"],
      [B.LESS_EQUAL, "LESS_EQUAL"],
      [B.GREATER, "GREATER"],
      [B.GREATER_EQUAL, "GREATER_EQUAL"],
    ] as const
  ).map(([op, name]) => ({ op, name, types: COMPARISON_TYPES, bool: true })),
  { op: B.SQUARED_DIFFERENCE, name: "SQUARED_DIFFERENCE", types: [T.INT32, T.INT8] },
  { op: B.DIV, name: "DIV", types: [T.INT32], divides: true },
  { op: B.FLOOR_DIV, name: "FLOOR_DIV", types: [T.INT32], divides: true },
  { op: B.SELECT_V2, name: "SELECT_V2", types: [T.INT8, T.UINT8, T.INT16, T.INT32, T.FLOAT32, T.BOOL], select: true },
];

const RANGE: Partial<Record<T, [number, number]>> = { [T.INT8]: [-128, 127], [T.UINT8]: [0, 255], [T.INT16]: [-32768, 32767], [T.INT32]: [-2147483648, 2147483647], [T.BOOL]: [0, 1] };

function shapes(m: CaseMaker, k: number): [number[], number[], number[]] {
  const flip = (p: [number[], number[], number[]]): [number[], number[], number[]] => (m.next() < 0.5 ? p : [p[1], p[0], p[2]]);
  switch (k % 7) {
    case 0: {
      const s = [m.int(1, 3), m.int(1, 70)];
      return [s, [...s], s];
    }
    case 1: {
      const s = m.shape(m.int(1, 4), 1, 9);
      return flip([s, m.pick([[], [1], [1, 1]]), s]);
    }
    case 2: {
      const c = m.int(1, 40);
      const y = [m.int(1, 2), m.int(1, 5), m.int(1, 5), c];
      return flip([y, m.pick([[c], [1, c], [1, 1, c], [y[2], c]]), y]);
    }
    case 3: {
      const y = [m.int(1, 2), m.int(1, 5), m.int(1, 5), m.int(1, 40)];
      return flip([y, m.pick([[y[0], y[1], y[2], 1], [y[0], y[1], 1, 1]]), y]);
    }
    case 4:
      return m.broadcastPair(m.int(2, 4));
    case 5: {
      const [n, h, w, c] = [m.int(1, 4), m.int(1, 6), m.int(1, 7), m.int(1, 35)];
      return flip([[n, 1, w, c], [n, h, w, 1], [n, h, w, c]]);
    }
    default: {
      const s = [m.int(1, 3000)];
      return [s, [...s], s];
    }
  }
}

describe("tflite integer MAXIMUM, MINIMUM, comparisons, SQUARED_DIFFERENCE, DIV, FLOOR_DIV, SELECT_V2 in WebAssembly SIMD", function () {
  this.timeout(120000);
  before(function () {
    skipWithoutSimd(this);
  });

  it("equal the JavaScript loops on extreme values, every broadcast form, both quantizations and constants", function () {
    const m = new CaseMaker(rng(167));
    let k = 0;
    for (let round = 0; round < 14; round++) {
      for (const c of OPS) {
        for (const type of c.types) {
          k++;
          const [lo, hi] = RANGE[type] ?? [-1e6, 1e6];
          const value = () => {
            if (type === T.FLOAT32) return Math.fround((m.next() - 0.5) * 100);
            if (m.next() < 0.2) return m.pick([lo, hi, 0, lo + 1, hi - 1]);
            // comparisons: a narrow range too, so that ties occur
            return m.next() < 0.5 && c.bool ? m.int(-3, 3) : m.int(lo, hi);
          };
          const [as, bs, ys] = shapes(m, round + k);
          const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
          const random = (n: number) => Array.from({ length: n }, value);
          const eight = type === T.INT8 || type === T.UINT8;
          const qa = { scale: [Math.fround(0.005 + m.next() * 0.05)], zeroPoint: [type === T.UINT8 ? m.int(100, 150) : m.int(-20, 20)] };
          // equal quantization on one case in two (the comparisons' raw path), a coarse scale now and then
          const qb = m.next() < 0.5 ? qa : { scale: [Math.fround(m.next() < 0.2 ? 0.001 : 0.005 + m.next() * 0.05)], zeroPoint: [type === T.UINT8 ? m.int(100, 150) : m.int(-20, 20)] };
          const quant = (q: typeof qa) => (eight ? { quantization: q } : {});
          const constant = c.divides || k % 4 === 2;
          const divisor = (n: number) => Array.from({ length: n }, () => m.pick([-2147483648, 2147483647, -7, -3, -2, -1, 1, 2, 3, 5, 1 + m.int(0, 1000)]));
          const operand = (shape: number[], q: typeof qa, values?: number[]): OperandSpec => ({ shape, type, values, ...quant(q) });
          const inputs = c.select
            ? [{ shape: m.next() < 0.3 ? ys.map((d) => (m.next() < 0.5 ? 1 : d)) : ys, type: T.BOOL }, operand(as, qa), operand(bs, qa, constant ? random(size(bs)) : undefined)]
            : [operand(as, qa), operand(bs, qb, constant ? (c.divides ? divisor(size(bs)) : random(size(bs))) : undefined)];
          const output: OperandSpec = c.bool ? { shape: ys, type: T.BOOL } : c.op === B.SQUARED_DIFFERENCE && type === T.INT8 ? { shape: ys, type, quantization: { scale: [0.02], zeroPoint: [-100] } } : operand(ys, qa);
          const bytes = singleOperatorModel({ builtin: c.op, inputs, outputs: [output] });
          const simd = new Interpreter(bytes);
          const js = new Interpreter(bytes, { simd: false });
          for (let trial = 0; trial < 2; trial++) {
            simd.inputs.forEach((t, i) => {
              const values = t.type === T.BOOL ? Array.from({ length: t.size }, () => (m.next() < 0.5 ? 0 : m.pick([1, 1, 2, 255]))) : random(t.size);
              (t.data as Int32Array).set(values);
              (js.inputs[i].data as Int32Array).set(values);
            });
            simd.invoke();
            js.invoke();
            const label = `${c.name} ${T[type]} [${as}] [${bs}] → [${ys}]${constant ? " (constant)" : ""}${eight && qa === qb ? " (one quantization)" : ""} trial ${trial}`;
            const got = Array.from(simd.outputs[0].data as Int32Array);
            const want = Array.from(js.outputs[0].data as Int32Array);
            const at = got.findIndex((g, i) => !Object.is(g, want[i]));
            assert.equal(at, -1, `${label}: element ${at} of ${want.length} is ${got[at]}, not ${want[at]}`);
          }
        }
      }
    }
  });
});
