/**
 * int8 and uint8 RESIZE_BILINEAR in the xnnpack arithmetic (XNNPACK's ibilinear, 11-bit weights) run in WebAssembly
 * SIMD in two passes (bilinear_q11_s8 / _u8) and give exactly the JavaScript loop's outputs: every corner mode,
 * upscaling and downscaling, one and two images, channel counts around the four-lane steps, extreme values.
 */
import { strict as assert } from "assert";
import { Interpreter } from "../../lib/tflite/interpreter";
import { singleOperatorModel } from "../../lib/tflite/model-builder";
import { BuiltinOperator as B, BuiltinOptionsType as O, F, TensorType as T } from "../../lib/tflite/schema";
import { int8Module } from "../../lib/tflite/wasm-kernels";
import { CaseMaker, rng } from "./operator-cases";

describe("tflite 8-bit RESIZE_BILINEAR (xnnpack arithmetic) in WebAssembly SIMD", function () {
  this.timeout(60000);

  before(function () {
    if (!int8Module()) {
      console.log("      (skipped: WebAssembly SIMD is not available here)");
      this.skip();
    }
  });

  for (const type of [T.INT8, T.UINT8]) {
    const unsigned = type === T.UINT8;
    it(`${unsigned ? "uint8" : "int8"} equals the JavaScript loop bit for bit`, function () {
      const m = new CaseMaker(rng(unsigned ? 7171 : 7272));
      for (let k = 0; k < 60; k++) {
        const [n, h, w, c] = k === 0 ? [2, 31, 35, 2] : [m.int(1, 2), m.int(1, 12), m.int(1, 12), m.int(1, 20)];
        const [oh, ow] = k === 0 ? [55, 37] : [m.int(1, 25), m.int(1, 25)];
        const mode = m.int(0, 2);
        const q = m.quant();
        if (unsigned) q.zeroPoint[0] += 128;
        const R = F.ResizeBilinearOptions;
        const bytes = singleOperatorModel({
          builtin: B.RESIZE_BILINEAR,
          inputs: [{ shape: [n, h, w, c], type, quantization: q }, { shape: [2], type: T.INT32, values: [oh, ow] }],
          outputs: [{ shape: [n, oh, ow, c], type, quantization: q }],
          optionsType: O.ResizeBilinearOptions,
          options: [{ slot: R.align_corners, kind: "bool", value: mode === 1 }, { slot: R.half_pixel_centers, kind: "bool", value: mode === 2 }],
        });
        const simd = new Interpreter(bytes, { arithmetic: "xnnpack" });
        const js = new Interpreter(bytes, { arithmetic: "xnnpack", simd: false });
        const lo = unsigned ? 0 : -128;
        const hi = unsigned ? 255 : 127;
        // extremes included: all lowest, all highest, alternating extremes, and random bytes
        const values = Array.from({ length: simd.inputs[0].size }, (_, i) => (k % 7 === 1 ? hi : k % 7 === 2 ? lo : k % 7 === 3 ? (i % 2 ? hi : lo) : i % 13 === 0 ? hi : m.int(lo, hi)));
        for (const it of [simd, js]) {
          (it.inputs[0].data as Int8Array | Uint8Array).set(values);
          it.invoke();
        }
        const a = simd.outputs[0].data as Int8Array | Uint8Array;
        const b = js.outputs[0].data as Int8Array | Uint8Array;
        let first = -1;
        for (let i = 0; i < a.length && first < 0; i++) if (a[i] !== b[i]) first = i;
        assert.equal(first, -1, `[${n},${h},${w},${c}] → ${oh}×${ow} mode ${mode}: element ${first} is ${a[first]}, the JS loop gives ${b[first]}`);
      }
    });
  }
});
