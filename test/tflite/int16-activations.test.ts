/**
 * The reference arithmetic of int16 LOGISTIC, TANH and SOFTMAX where it is not what tfjs-tflite runs (so the
 * differential test compares the xnnpack arithmetic only): a power-of-two input scale (the sigmoid table of
 * reference_integer_ops, where tfjs-tflite's optimized kernels use gemmlowp) and SOFTMAX (tables in single
 * precision, as tflite-micro's LUTPopulate builds them). Checked against the functions themselves over every int16
 * input, within the interpolated tables' error (tflite-micro's own tests allow 7 units), and the two SOFTMAX tables
 * against each other.
 */
import { strict as assert } from "assert";
import { Interpreter } from "../../lib/tflite/interpreter";
import { singleOperatorModel } from "../../lib/tflite/model-builder";
import { BuiltinOperator as B, BuiltinOptionsType as O, F, TensorType as T } from "../../lib/tflite/schema";
import { int16Lut, int16LutDouble } from "../../lib/tflite/kernels/int16-activations";

const q16 = (scale: number) => ({ scale: [Math.fround(scale)], zeroPoint: [0] });

/** every int16 value through a one-operator model in both arithmetics */
function runAll(builtin: number, inputScale: number, outputScale: number, options?: { optionsType: number; options: Parameters<typeof singleOperatorModel>[0]["options"] }) {
  const shape = [1, 65536];
  const bytes = singleOperatorModel({ builtin, inputs: [{ shape, type: T.INT16, quantization: q16(inputScale) }], outputs: [{ shape, type: T.INT16, quantization: q16(outputScale) }], ...options });
  const run = (arithmetic: "reference" | "xnnpack") => {
    const it = new Interpreter(bytes, { arithmetic });
    const x = it.inputs[0].data as Int16Array;
    for (let i = 0; i < 65536; i++) x[i] = i - 32768;
    it.invoke();
    return Int16Array.from(it.outputs[0].data as Int16Array);
  };
  return { reference: run("reference"), xnnpack: run("xnnpack") };
}

function worstError(y: Int16Array, f: (x: number) => number, inputScale: number): number {
  let worst = 0;
  for (let i = 0; i < 65536; i++) worst = Math.max(worst, Math.abs(y[i] - Math.max(-32768, Math.min(32767, 32768 * f((i - 32768) * inputScale)))));
  return worst;
}

describe("int16 LOGISTIC, TANH and SOFTMAX in the reference arithmetic", function () {
  this.timeout(30000);

  it("LOGISTIC with input scale 2^-12: the sigmoid table within 2 units of 2^-15, gemmlowp's fixed point within 8, and the two differ", function () {
    const { reference, xnnpack } = runAll(B.LOGISTIC, 2 ** -12, 2 ** -15);
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    assert.ok(worstError(reference, sigmoid, 2 ** -12) <= 2, `reference max error ${worstError(reference, sigmoid, 2 ** -12)}`);
    assert.ok(worstError(xnnpack, sigmoid, 2 ** -12) <= 8);
    assert.notDeepEqual(reference, xnnpack);
  });

  for (const scale of [2 ** -12, 2 ** -11]) {
    it(`TANH with input scale 2^${Math.log2(scale)}: the sigmoid table within 3 units, odd; gemmlowp within 13`, function () {
      const { reference, xnnpack } = runAll(B.TANH, scale, 2 ** -15);
      assert.ok(worstError(reference, Math.tanh, scale) <= 3, `reference max error ${worstError(reference, Math.tanh, scale)}`);
      assert.ok(worstError(xnnpack, Math.tanh, scale) <= 13);
      // odd up to the table's one-unit rounding asymmetry
      for (let v = 1; v < 32768; v++) assert.ok(Math.abs(reference[32768 + v] + reference[32768 - v]) <= 1, `tanh(${v}) + tanh(-${v})`);
      assert.notDeepEqual(reference, xnnpack);
    });
  }

  it("SOFTMAX tables: single and double precision differ only in 1/(1+x) at entries 160 and 294, by one", function () {
    const f32 = Math.fround;
    assert.deepEqual(int16Lut(f32(10 / 65535), 32767, f32(2 / 65535), 0, (v) => f32(Math.exp(v))), int16LutDouble(-10, 0, Math.exp));
    const single = int16Lut(f32(1 / 65535), -32768, f32(2 / 65535), 0, (v) => f32(1 / f32(1 + v)));
    const double = int16LutDouble(0, 1, (v) => 1 / (1 + v));
    const differ = [...single.keys()].filter((i) => single[i] !== double[i]);
    assert.deepEqual(differ, [160, 294]);
    for (const i of differ) assert.equal(Math.abs(single[i] - double[i]), 1);
  });

  it("SOFTMAX (reference) within 7 units of 2^-15 (plus 2^-10 of the value: the reciprocal's table) of the real softmax (exp floored at exp(-10)), rows summing to one", function () {
    const next = (() => {
      let a = 7;
      return () => ((a = (a * 1103515245 + 12345) % 2147483648) / 2147483648);
    })();
    for (const [scale, beta] of [[2 ** -10, 1], [0.0007, 0.5], [0.002, 2]] as const) {
      const [rows, depth] = [40, 1 + Math.floor(next() * 30)];
      const shape = [rows, depth];
      const bytes = singleOperatorModel({ builtin: B.SOFTMAX, inputs: [{ shape, type: T.INT16, quantization: q16(scale) }], outputs: [{ shape, type: T.INT16, quantization: q16(1 / 32768) }], optionsType: O.SoftmaxOptions, options: [{ slot: F.SoftmaxOptions.beta, kind: "float32", value: beta }] });
      const it = new Interpreter(bytes, { arithmetic: "reference" });
      const x = it.inputs[0].data as Int16Array;
      for (let i = 0; i < x.length; i++) x[i] = Math.floor(next() * 65536) - 32768;
      it.invoke();
      const y = it.outputs[0].data as Int16Array;
      for (let r = 0; r < rows; r++) {
        const row = Array.from(x.subarray(r * depth, (r + 1) * depth), (v) => v * Math.fround(scale) * beta);
        const max = Math.max(...row);
        // TFLite's table stops at exp(-10): smaller terms count as exp(-10)
        const e = (v: number) => Math.exp(Math.max(v - max, -10));
        const sum = row.reduce((s, v) => s + e(v), 0);
        let total = 0;
        for (let c = 0; c < depth; c++) {
          const expected = (32768 * e(row[c])) / sum;
          assert.ok(Math.abs(y[r * depth + c] - expected) <= 7 + expected / 1024, `scale ${scale} row ${r}[${c}]: ${y[r * depth + c]} vs ${expected.toFixed(1)}`);
          total += y[r * depth + c];
        }
        assert.ok(Math.abs(total - 32768) <= 7 * depth, `row ${r} sums to ${total}`);
      }
    }
  });
});
