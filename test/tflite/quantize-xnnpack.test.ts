/**
 * float32 → int8 / uint8 QUANTIZE (a float-input model's first operator) against tfjs-tflite, whose XNNPACK delegate
 * converts by multiplying with the reciprocal of the scale and rounding ties to even: the xnnpack arithmetic equals
 * it; the reference arithmetic (TFLite's kernel: divide, round halves away from zero) differs on ties. Half the
 * inputs lie exactly on a tie.
 */
import { strict as assert } from "assert";
import { Interpreter } from "../../lib/tflite/interpreter";
import { singleOperatorModel } from "../../lib/tflite/model-builder";
import { BuiltinOperator as B, TensorType as T } from "../../lib/tflite/schema";
import { TfliteOracle } from "./oracle/tfjs-tflite-oracle";
import { rng } from "./operator-cases";

describe("tflite float → 8-bit QUANTIZE against tfjs-tflite", function () {
  this.timeout(60000);
  let oracle: TfliteOracle | undefined;
  before(function () {
    oracle = new TfliteOracle();
  });
  after(async function () {
    await oracle?.close();
  });

  it("the xnnpack arithmetic equals XNNPACK's convert, ties included; the reference one rounds ties away", async function () {
    const next = rng(173);
    for (let k = 0; k < 12; k++) {
      const type = k % 2 ? T.UINT8 : T.INT8;
      const scale = Math.fround(0.01 + next() * 0.1);
      const zeroPoint = Math.floor(next() * 40) - 20 + (type === T.UINT8 ? 128 : 0);
      const n = 500;
      const bytes = singleOperatorModel({ builtin: B.QUANTIZE, inputs: [{ shape: [n], type: T.FLOAT32 }], outputs: [{ shape: [n], type, quantization: { scale: [scale], zeroPoint: [zeroPoint] } }] });
      await oracle!.load(bytes);
      // odd elements on a tie ((j + 0.5) scale), even ones anywhere in [-3, 3] (some beyond the range: the clamp)
      const values = Float32Array.from({ length: n }, (_, i) => Math.fround(i % 2 ? (Math.floor(next() * 100) - 50 + 0.5) * scale : next() * 6 - 3));
      const { outputs } = await oracle!.run([values]);
      const run = (arithmetic: "reference" | "xnnpack") => {
        const it = new Interpreter(bytes, { arithmetic });
        (it.inputs[0].data as Float32Array).set(values);
        it.invoke();
        return Array.from(it.outputs[0].data as Int8Array);
      };
      const theirs = Array.from(outputs[0].data);
      assert.deepEqual(run("xnnpack"), theirs, `${T[type]} scale ${scale} zero point ${zeroPoint}`);
      assert.notDeepEqual(run("reference"), theirs, `${T[type]}: the reference arithmetic should round some ties differently`);
    }
  });
});
