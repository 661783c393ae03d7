/**
 * float32 ADD, SUB, MUL, MAXIMUM, MINIMUM, SQUARED_DIFFERENCE, DIV, FLOOR_DIV and the six comparisons in WebAssembly SIMD give exactly the JavaScript
 * loops' outputs: values with NaN, ±0, ±Infinity and denormals, equal shapes of every length (a tail of 1..3
 * lanes), one side a single value, a trailing block repeated per row, one value per row, both sides broadcast
 * (an outer loop of calls, short runs included), constant operands, and each fused activation.
 */
import { strict as assert } from "assert";
import { Interpreter } from "../../lib/tflite/interpreter";
import { singleOperatorModel, type OperandSpec } from "../../lib/tflite/model-builder";
import { BuiltinOperator as B, BuiltinOptionsType as O, F, TensorType as T } from "../../lib/tflite/schema";
import { CaseMaker, rng } from "./operator-cases";
import { skipWithoutSimd } from "./simd-skip";

interface OpCase {
  op: number;
  name: string;
  options?: [number, number];
  /** a comparison: BOOL output */
  bool?: boolean;
}

const OPS: OpCase[] = [
  { op: B.ADD, name: "ADD", options: [O.AddOptions, F.AddOptions.fused_activation_function] },
  { op: B.SUB, name: "SUB", options: [O.SubOptions, F.SubOptions.fused_activation_function] },
  { op: B.MUL, name: "MUL", options: [O.MulOptions, F.MulOptions.fused_activation_function] },
  { op: B.MAXIMUM, name: "MAXIMUM" },
  { op: B.MINIMUM, name: "MINIMUM" },
  { op: B.SQUARED_DIFFERENCE, name: "SQUARED_DIFFERENCE" },
  { op: B.DIV, name: "DIV", options: [O.DivOptions, F.DivOptions.fused_activation_function] },
  { op: B.FLOOR_DIV, name: "FLOOR_DIV" },
  { op: B.EQUAL, name: "EQUAL", bool: true },
  { op: B.NOT_EQUAL, name: "NOT_EQUAL", bool: true },
  { op: B.LESS, name: "LESS", bool: true },
  { op: B.LESS_EQUAL, name: "LESS_EQUAL", bool: true },
  { op: B.GREATER, name: "GREATER", bool: true },
  { op: B.GREATER_EQUAL, name: "GREATER_EQUAL", bool: true },
];

const SPECIAL = [NaN, -NaN, 0, -0, Infinity, -Infinity, 1e-45, -1e-45, 1.1754942e-38, -3e-39, 3.4028235e38, -3.4028235e38, 1, -1, 6, -6, 0.5];

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
      const y = [m.int(1, 2), m.int(1, 5), m.int(1, 5), m.int(1, 20)];
      return flip([y, m.pick([[y[0], y[1], y[2], 1], [y[0], y[1], 1, 1]]), y]);
    }
    case 4:
      return m.broadcastPair(m.int(2, 4));
    case 5: {
      const [n, h, w, c] = [m.int(1, 4), m.int(1, 6), m.int(1, 7), m.int(1, 13)];
      return flip([[n, 1, w, c], [n, h, w, 1], [n, h, w, c]]);
    }
    default: {
      const s = [m.int(1, 3000)];
      return [s, [...s], s];
    }
  }
}

const bits = (v: number) => (Number.isNaN(v) ? "NaN" : Object.is(v, -0) ? "-0" : String(v));

describe("tflite float32 ADD, SUB, MUL, MAXIMUM, MINIMUM, SQUARED_DIFFERENCE, DIV, FLOOR_DIV, comparisons in WebAssembly SIMD", function () {
  this.timeout(60000);
  before(function () {
    skipWithoutSimd(this);
  });

  it("equal the JavaScript loops on special values, every broadcast form and each fused activation", function () {
    const m = new CaseMaker(rng(161));
    const value = () => (m.next() < 0.3 ? m.pick(SPECIAL) : Math.fround((m.next() - 0.5) * m.pick([2, 20, 1e-30, 1e30])));
    for (let k = 0; k < 588; k++) {
      const c = OPS[k % OPS.length];
      const [as, bs, ys] = shapes(m, Math.floor(k / OPS.length));
      const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
      const random = (n: number) => Array.from({ length: n }, value);
      const constant = k % 4 === 2;
      const operand = (shape: number[], values?: number[]): OperandSpec => ({ shape, type: T.FLOAT32, values });
      const activation = c.options ? m.pick([0, 1, 2, 3]) : 0;
      const bytes = singleOperatorModel({
        builtin: c.op,
        inputs: [operand(as), operand(bs, constant ? random(size(bs)) : undefined)],
        outputs: [c.bool ? { shape: ys, type: T.BOOL } : operand(ys)],
        ...(c.options ? { optionsType: c.options[0], options: [{ slot: c.options[1], kind: "int8" as const, value: activation }] } : {}),
      });
      const simd = new Interpreter(bytes);
      const js = new Interpreter(bytes, { simd: false });
      for (let trial = 0; trial < 2; trial++) {
        simd.inputs.forEach((t, i) => {
          const values = random(t.size);
          (t.data as Float32Array).set(values);
          (js.inputs[i].data as Float32Array).set(values);
        });
        simd.invoke();
        js.invoke();
        const label = `${c.name} [${as}] [${bs}] → [${ys}]${constant ? " (constant)" : ""} activation ${activation} trial ${trial}`;
        const got = Array.from(simd.outputs[0].data as Float32Array | Uint8Array, bits);
        const want = Array.from(js.outputs[0].data as Float32Array | Uint8Array, bits);
        const at = got.findIndex((g, i) => g !== want[i]);
        assert.equal(at, -1, `${label}: element ${at} of ${want.length} is ${got[at]}, not ${want[at]}`);
      }
    }
  });
});
