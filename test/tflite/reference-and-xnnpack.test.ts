/**
 * The int8 operators whose two arithmetics differ, on values computed by hand (the differential test compares only
 * the xnnpack one with tfjs-tflite, which runs them through XNNPACK). RESIZE_BILINEAR: TFLite's reference kernel
 * rounds the 20-bit fixed-point sum half away from zero, XNNPACK half up; a 2×2 image resized to 3×3 with
 * align_corners puts the centre at the mean of the four corners. BATCH_MATMUL: the reference requantizes in fixed
 * point (halves away from zero), XNNPACK in single precision (halves to even).
 */
import { strict as assert } from "assert";
import { Interpreter } from "../../lib/tflite/interpreter";
import { singleOperatorModel } from "../../lib/tflite/model-builder";
import { BuiltinOperator as B, BuiltinOptionsType as O, F, TensorType as T } from "../../lib/tflite/schema";

function resized(corners: number[], arithmetic: "reference" | "xnnpack"): number[] {
  const q = { scale: [0.1], zeroPoint: [0] };
  const bytes = singleOperatorModel({
    builtin: B.RESIZE_BILINEAR,
    inputs: [{ shape: [1, 2, 2, 1], type: T.INT8, quantization: q }, { shape: [2], type: T.INT32, values: [3, 3] }],
    outputs: [{ shape: [1, 3, 3, 1], type: T.INT8, quantization: q }],
    optionsType: O.ResizeBilinearOptions,
    options: [{ slot: F.ResizeBilinearOptions.align_corners, kind: "bool", value: true }],
  });
  const it = new Interpreter(bytes, { arithmetic });
  (it.inputs[0].data as Int8Array).set(corners);
  it.invoke();
  return Array.from(it.outputs[0].data as Int8Array);
}

function matmul(a: number[], b: number[], arithmetic: "reference" | "xnnpack"): number {
  const half = { scale: [0.5], zeroPoint: [0] };
  const bytes = singleOperatorModel({
    builtin: B.BATCH_MATMUL,
    inputs: [{ shape: [1, 1, 2], type: T.INT8, quantization: half }, { shape: [1, 2, 1], type: T.INT8, quantization: half }],
    outputs: [{ shape: [1, 1, 1], type: T.INT8, quantization: { scale: [1], zeroPoint: [0] } }],
  });
  const it = new Interpreter(bytes, { arithmetic });
  (it.inputs[0].data as Int8Array).set(a);
  (it.inputs[1].data as Int8Array).set(b);
  it.invoke();
  return (it.outputs[0].data as Int8Array)[0];
}

describe("tflite int8 BATCH_MATMUL arithmetics", function () {
  it("rounds the accumulator times 1/4 half away from zero in the reference arithmetic, to even in the xnnpack one", function () {
    // 1·2 + 2·4 = 10, times 0.5 · 0.5 / 1 = 2.5
    assert.equal(matmul([1, 2], [2, 4], "reference"), 3);
    assert.equal(matmul([1, 2], [2, 4], "xnnpack"), 2);
    assert.equal(matmul([-1, -2], [2, 4], "reference"), -3);
    assert.equal(matmul([-1, -2], [2, 4], "xnnpack"), -2);
    // 1·2 + 2·5 = 12 → 3 exactly in both
    assert.equal(matmul([1, 2], [2, 5], "reference"), 3);
    assert.equal(matmul([1, 2], [2, 5], "xnnpack"), 3);
  });
});

describe("tflite int8 RESIZE_BILINEAR arithmetics", function () {
  it("keeps the corners and interpolates the edges exactly", function () {
    for (const arithmetic of ["reference", "xnnpack"] as const) {
      assert.deepEqual(resized([0, 100, -100, 50], arithmetic), [0, 50, 100, -50, 13, 75, -100, -25, 50], arithmetic);
    }
  });

  it("rounds a negative half away from zero in the reference arithmetic, up in the xnnpack one", function () {
    // centre: (0 - 100 + 100 - 50) / 4 = -12.5
    assert.equal(resized([0, -100, 100, -50], "reference")[4], -13);
    assert.equal(resized([0, -100, 100, -50], "xnnpack")[4], -12);
  });
});
