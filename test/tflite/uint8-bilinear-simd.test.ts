/**
 * uint8 RESIZE_BILINEAR in the reference arithmetic (TFLite's own uint8 kernel, single-precision weights) runs in
 * WebAssembly SIMD and gives exactly its JavaScript loop's outputs: channels eight at a time, four at a time and the rest, every
 * corner mode, upscaling and downscaling, one and two images, and DeepLab's 33×33×21 → 513×513 shape.
 */
import { strict as assert } from "assert";
import { Interpreter } from "../../lib/tflite/interpreter";
import { singleOperatorModel } from "../../lib/tflite/model-builder";
import { BuiltinOperator as B, BuiltinOptionsType as O, F, TensorType as T } from "../../lib/tflite/schema";
import { int8Module } from "../../lib/tflite/wasm-kernels";
import { CaseMaker, rng } from "./operator-cases";

describe("tflite uint8 RESIZE_BILINEAR (reference arithmetic) in WebAssembly SIMD", function () {
  this.timeout(60000);

  before(function () {
    if (!int8Module()) {
      console.log("      (skipped: WebAssembly SIMD is not available here)");
      this.skip();
    }
  });

  it("equals the JavaScript loop bit for bit", function () {
    const m = new CaseMaker(rng(4242));
    for (let k = 0; k < 60; k++) {
      const [n, h, w, c] = k === 0 ? [1, 33, 33, 21] : [m.int(1, 2), m.int(1, 12), m.int(1, 12), m.int(1, 20)];
      const [oh, ow] = k === 0 ? [513, 513] : [m.int(1, 25), m.int(1, 25)];
      const mode = k === 0 ? 1 : m.int(0, 2);
      const q = m.quant();
      q.zeroPoint[0] += 128;
      const R = F.ResizeBilinearOptions;
      const bytes = singleOperatorModel({
        builtin: B.RESIZE_BILINEAR,
        inputs: [{ shape: [n, h, w, c], type: T.UINT8, quantization: q }, { shape: [2], type: T.INT32, values: [oh, ow] }],
        outputs: [{ shape: [n, oh, ow, c], type: T.UINT8, quantization: q }],
        optionsType: O.ResizeBilinearOptions,
        options: [{ slot: R.align_corners, kind: "bool", value: mode === 1 }, { slot: R.half_pixel_centers, kind: "bool", value: mode === 2 }],
      });
      const simd = new Interpreter(bytes);
      const js = new Interpreter(bytes, { simd: false });
      // extremes included: all 0, all 255, and random bytes
      const values = Array.from({ length: simd.inputs[0].size }, (_, i) => (k % 7 === 1 ? 255 : k % 7 === 2 ? 0 : i % 13 === 0 ? 255 : m.int(0, 255)));
      (simd.inputs[0].data as Uint8Array).set(values);
      (js.inputs[0].data as Uint8Array).set(values);
      simd.invoke();
      js.invoke();
      const a = simd.outputs[0].data as Uint8Array;
      const b = js.outputs[0].data as Uint8Array;
      let first = -1;
      for (let i = 0; i < a.length && first < 0; i++) if (a[i] !== b[i]) first = i;
      assert.equal(first, -1, `[${n},${h},${w},${c}] → ${oh}×${ow} mode ${mode}: element ${first} is ${a[first]}, the JS loop gives ${b[first]}`);
    }
  });
});
