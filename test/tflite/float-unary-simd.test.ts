/**
 * float32 NEG, SQUARE, SQRT, RSQRT, ABS, RELU, RELU6, RELU_N1_TO_1, LEAKY_RELU, HARD_SWISH, int32 NEG and float32
 * PRELU in WebAssembly SIMD give exactly the JavaScript loops' outputs: values with NaN, ±0, ±Infinity, denormals
 * and the clamps' bounds, lengths that end the vector loop with a tail of 0..3 lanes, and PRELU's alpha in every
 * broadcast form (per channel, a trailing block, one value per row, a single value, constant or not). And int8 /
 * uint8 PRELU, a table lookup per element (WebAssembly and the JavaScript loop), against tfjs-tflite with alpha
 * constant or an input, per channel or whole; float HARD_SWISH in the xnnpack arithmetic bit for bit against it.
 */
import { strict as assert } from "assert";
import { Interpreter } from "../../lib/tflite/interpreter";
import { singleOperatorModel, type OperandSpec } from "../../lib/tflite/model-builder";
import { BuiltinOperator as B, BuiltinOptionsType as O, F, TensorType as T } from "../../lib/tflite/schema";
import { TfliteOracle } from "./oracle/tfjs-tflite-oracle";
import { CaseMaker, rng } from "./operator-cases";
import { skipWithoutSimd } from "./simd-skip";

const UNARY: { op: number; name: string; type?: number }[] = [
  { op: B.NEG, name: "NEG" },
  { op: B.NEG, name: "NEG int32", type: T.INT32 },
  { op: B.SQUARE, name: "SQUARE" },
  { op: B.SQRT, name: "SQRT" },
  { op: B.RSQRT, name: "RSQRT" },
  { op: B.ABS, name: "ABS" },
  { op: B.RELU, name: "RELU" },
  { op: B.RELU6, name: "RELU6" },
  { op: B.RELU_N1_TO_1, name: "RELU_N1_TO_1" },
  { op: B.LEAKY_RELU, name: "LEAKY_RELU" },
  { op: B.HARD_SWISH, name: "HARD_SWISH" },
];

const SPECIAL = [NaN, -NaN, 0, -0, Infinity, -Infinity, 1e-45, -1e-45, 1.1754942e-38, -3e-39, 3.4028235e38, -3.4028235e38, 1, -1, 6, -6, 3, -3, 0.5, -2.9999998];
const INT_SPECIAL = [0, 1, -1, 2147483647, -2147483648, -2147483647];

const bits = (v: number) => (Number.isNaN(v) ? "NaN" : Object.is(v, -0) ? "-0" : String(v));

/** Runs the model with and without SIMD on the same random inputs (twice) and compares every output element. */
function sameAsJavaScript(bytes: Uint8Array, label: string, value: (type: number) => number, arithmetic: "reference" | "xnnpack" = "reference"): void {
  const simd = new Interpreter(bytes, { arithmetic });
  const js = new Interpreter(bytes, { simd: false, arithmetic });
  for (let trial = 0; trial < 2; trial++) {
    simd.inputs.forEach((t, i) => {
      const values = Array.from({ length: t.size }, () => value(t.type));
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

describe("tflite float32 unary operators and PRELU in WebAssembly SIMD", function () {
  this.timeout(60000);
  before(function () {
    skipWithoutSimd(this);
  });

  const m = new CaseMaker(rng(163));
  const value = (type: number) =>
    type === T.INT32
      ? m.next() < 0.2
        ? m.pick(INT_SPECIAL)
        : Math.round((m.next() - 0.5) * 2 ** 32) | 0
      : m.next() < 0.3
        ? m.pick(SPECIAL)
        : Math.fround((m.next() - 0.5) * m.pick([2, 20, 1e-30, 1e30]));

  it("equal the JavaScript loops on special values at every tail length", function () {
    for (const c of UNARY) {
      for (const n of [1, 2, 3, 4, 5, 7, 15, 16, 17, 18, 19, 31, 64, 67, 1001, 3000]) {
        const type = c.type ?? T.FLOAT32;
        const shape = n % 2 === 0 && n > 100 ? [2, n / 2] : [n];
        const alpha = Math.fround(m.pick([0.2, -0.5, 1.5, 0]));
        const bytes = singleOperatorModel({
          builtin: c.op,
          inputs: [{ shape, type }],
          outputs: [{ shape, type }],
          ...(c.op === B.LEAKY_RELU ? { optionsType: O.LeakyReluOptions, options: [{ slot: F.LeakyReluOptions.alpha, kind: "float32" as const, value: alpha }] } : {}),
        });
        const label = `${c.name} [${shape}]${c.op === B.LEAKY_RELU ? ` alpha ${alpha}` : ""}`;
        sameAsJavaScript(bytes, label, value);
        // HARD_SWISH has XNNPACK's order there
        if (c.op === B.HARD_SWISH) sameAsJavaScript(bytes, `${label} xnnpack`, value, "xnnpack");
      }
    }
  });

  it("PRELU equals the JavaScript loop for every broadcast of alpha, constant or not", function () {
    for (let k = 0; k < 120; k++) {
      const [n, h, w, c] = [m.int(1, 3), m.int(1, 6), m.int(1, 9), m.int(1, 40)];
      const x = [n, h, w, c];
      const alphaShape = m.pick([[c], [1, 1, c], [w, c], [h, w, c], [1], [h, 1, 1], [n, h, w, c], [1, 1, 1, 1]]);
      const constant = k % 2 === 0;
      const size = alphaShape.reduce((p, d) => p * d, 1);
      const operand = (shape: number[], values?: number[]): OperandSpec => ({ shape, type: T.FLOAT32, values });
      const bytes = singleOperatorModel({
        builtin: B.PRELU,
        inputs: [operand(x), operand(alphaShape, constant ? Array.from({ length: size }, () => value(T.FLOAT32)) : undefined)],
        outputs: [operand(x)],
      });
      sameAsJavaScript(bytes, `PRELU [${x}] alpha [${alphaShape}]${constant ? " (constant)" : ""}`, value);
    }
  });
});

describe("tflite int8 and uint8 PRELU (one lookup per element, in WebAssembly and JavaScript), float HARD_SWISH (xnnpack) against tfjs-tflite", function () {
  this.timeout(120000);
  let oracle: TfliteOracle | undefined;
  before(() => (oracle = new TfliteOracle()));
  after(async () => await oracle?.close());

  it("float32 HARD_SWISH in the xnnpack arithmetic equals tfjs-tflite bit for bit", async function () {
    const m = new CaseMaker(rng(173));
    const n = 20001;
    const bytes = singleOperatorModel({ builtin: B.HARD_SWISH, inputs: [{ shape: [n], type: T.FLOAT32 }], outputs: [{ shape: [n], type: T.FLOAT32 }] });
    await oracle!.load(bytes);
    const x = Float32Array.from({ length: n }, (_, i) => (i < SPECIAL.length ? SPECIAL[i] : Math.fround((m.next() - 0.5) * m.pick([20, 8, 1e-36, 1e6]))));
    const { outputs } = await oracle!.run([x]);
    const want = Array.from(outputs[0].data as Float32Array, bits);
    for (const simd of [true, false]) {
      const ours = new Interpreter(bytes, { simd, arithmetic: "xnnpack" });
      (ours.inputs[0].data as Float32Array).set(x);
      ours.invoke();
      const got = Array.from(ours.outputs[0].data as Float32Array, bits);
      const at = got.findIndex((g, i) => g !== want[i]);
      assert.equal(at, -1, `${simd ? "SIMD" : "JavaScript"}: element ${at} (x = ${x[at]}) is ${got[at]}, not ${want[at]}`);
    }
  });

  it("equals tfjs-tflite for a constant alpha and an alpha input, per channel or of the input's shape", async function () {
    const m = new CaseMaker(rng(167));
    for (let k = 0; k < 32; k++) {
      const type = k % 2 ? T.UINT8 : T.INT8;
      const [qlo, qhi] = type === T.UINT8 ? [0, 255] : [-128, 127];
      const quant = () => ({ scale: [Math.fround(0.005 + m.next() * 0.05)], zeroPoint: [m.int(qlo + 40, qhi - 40)] });
      const shape = m.shape(m.int(1, 4), 1, 9);
      const c = shape[shape.length - 1];
      const alphaShape = m.pick([[c], shape.map((d, i) => (i === shape.length - 1 ? d : 1)), shape]);
      const constant = k % 4 < 2;
      const size = alphaShape.reduce((p, d) => p * d, 1);
      const bytes = singleOperatorModel({
        builtin: B.PRELU,
        inputs: [
          { shape, type, quantization: quant() },
          { shape: alphaShape, type, quantization: quant(), values: constant ? Array.from({ length: size }, () => m.int(qlo, qhi)) : undefined },
        ],
        outputs: [{ shape, type, quantization: quant() }],
      });
      const label = `PRELU ${T[type]} [${shape}] alpha [${alphaShape}]${constant ? " (constant)" : ""}`;
      await oracle!.load(bytes);
      const [simd, js] = [new Interpreter(bytes), new Interpreter(bytes, { simd: false })];
      const inputs = simd.inputs.map((t) => {
        const values = Array.from({ length: t.size }, () => m.int(qlo, qhi));
        return type === T.UINT8 ? Uint8Array.from(values) : Int8Array.from(values);
      });
      const { outputs } = await oracle!.run(inputs);
      for (const ours of [simd, js]) {
        inputs.forEach((v, i) => (ours.inputs[i].data as Int8Array).set(v));
        ours.invoke();
        assert.deepEqual(Array.from(ours.outputs[0].data as Int8Array), Array.from(outputs[0].data as Int8Array), `${label}${ours === js ? " (JavaScript)" : ""}`);
      }
    }
  });
});
