/**
 * int8 and uint8 RESIZE_BILINEAR in the reference arithmetic against TFLite's own kernels (int8: the 10-bit integer
 * one; uint8: single-precision weights): tfjs-tflite runs it when the
 * size is a model input, which its XNNPACK delegate does not take (our interpreter wants a constant size, so it runs
 * the same operator with the size written in). Random shapes, sizes (exact 2× upsampling among them) and the three
 * coordinate modes.
 */
import { strict as assert } from "assert";
import { Interpreter } from "../../lib/tflite/interpreter";
import { ModelBuilder, optionsTable, singleOperatorModel } from "../../lib/tflite/model-builder";
import { BuiltinOperator as B, BuiltinOptionsType as O, F, TensorType as T } from "../../lib/tflite/schema";
import { TfliteOracle } from "./oracle/tfjs-tflite-oracle";
import { CaseMaker, rng } from "./operator-cases";

describe("tflite 8-bit RESIZE_BILINEAR (reference arithmetic) against TFLite's own kernels", function () {
  this.timeout(60000);
  let oracle: TfliteOracle | undefined;
  before(function () {
    oracle = new TfliteOracle();
  });
  after(async function () {
    await oracle?.close();
  });

  it("equals tfjs-tflite's undelegated kernel on random cases", async function () {
    const m = new CaseMaker(rng(163));
    for (let k = 0; k < 60; k++) {
      const type = k % 2 ? T.INT8 : T.UINT8;
      const [n, h, w, c] = [m.int(1, 2), m.int(1, 7), m.int(1, 7), m.int(1, 5)];
      const [oh, ow] = k % 5 === 0 ? [2 * h, 2 * w] : [m.int(1, 14), m.int(1, 14)];
      const mode = k % 3;
      const q = { scale: [Math.fround(0.01 + m.next() * 0.1)], zeroPoint: [m.int(90, 160) - (type === T.INT8 ? 128 : 0)] };
      const options = [{ slot: F.ResizeBilinearOptions.align_corners, kind: "bool" as const, value: mode === 1 }, { slot: F.ResizeBilinearOptions.half_pixel_centers, kind: "bool" as const, value: mode === 2 }];
      const ours = singleOperatorModel({
        builtin: B.RESIZE_BILINEAR,
        inputs: [{ shape: [n, h, w, c], type, quantization: q }, { shape: [2], type: T.INT32, values: [oh, ow] }],
        outputs: [{ shape: [n, oh, ow, c], type, quantization: q }],
        optionsType: O.ResizeBilinearOptions,
        options,
      });
      const b = new ModelBuilder();
      const x = b.addTensor({ name: "x", shape: [n, h, w, c], type, quantization: q });
      const size = b.addTensor({ name: "size", shape: [2], type: T.INT32 });
      const y = b.addTensor({ name: "y", shape: [n, oh, ow, c], type, quantization: q });
      b.addOperator({ builtin: B.RESIZE_BILINEAR, inputs: [x, size], outputs: [y], optionsType: O.ResizeBilinearOptions, options: optionsTable(options) });
      await oracle!.load(b.finish([x, size], [y]));
      const values = Array.from({ length: n * h * w * c }, () => (type === T.INT8 ? m.int(-128, 127) : m.int(0, 255)));
      const { outputs } = await oracle!.run([values, Int32Array.from([oh, ow])]);
      const it = new Interpreter(ours, { arithmetic: "reference" });
      (it.inputs[0].data as Int8Array).set(values);
      it.invoke();
      assert.deepEqual(Array.from(it.outputs[0].data as Int8Array), Array.from(outputs[0].data), `${T[type]} [${n},${h},${w},${c}] → ${oh}×${ow} ${["plain", "align_corners", "half_pixel_centers"][mode]}`);
    }
  });
});
