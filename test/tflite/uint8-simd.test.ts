/**
 * 8-bit RESIZE_BILINEAR of the xnnpack arithmetic in WebAssembly equals its JavaScript loop. And uint8 CONV_2D,
 * DEPTHWISE_CONV_2D and FULLY_CONNECTED through the int8 WebAssembly loops (activations flipped to
 * int8 around the run) give exactly the JavaScript loops' outputs in both arithmetics and leave their input as it
 * was: the uint8 cases of the operator differential test, and inputs large enough that the kernel's own buffers
 * grow the WebAssembly memory while it is prepared (which detaches the views made before).
 */
import { strict as assert } from "assert";
import { Interpreter } from "../../lib/tflite/interpreter";
import { singleOperatorModel } from "../../lib/tflite/model-builder";
import { BuiltinOperator as B, BuiltinOptionsType as O, F, TensorType as T } from "../../lib/tflite/schema";
import { CaseMaker, rng, type OperatorCase } from "./operator-cases";
import { OPERATOR_GROUPS } from "./operator-groups";
import { skipWithoutSimd } from "./simd-skip";

function largeCases(): OperatorCase[] {
  const next = rng(7);
  const u8 = (n: number) => Array.from({ length: n }, () => Math.floor(next() * 256));
  const q = (scale: number, zeroPoint: number) => ({ scale: [Math.fround(scale)], zeroPoint: [zeroPoint] });
  // 32×32×24: the arena (input and output) fits the first 64 KiB page, the padded input copy of the depthwise kernel
  // does not, so the memory grows while the kernel is prepared
  const [h, c] = [32, 24];
  const D = F.DepthwiseConv2DOptions;
  const S = F.Conv2DOptions;
  return [
    {
      label: `DEPTHWISE_CONV_2D UINT8 [1,${h},${h},${c}] 3×3 RELU6`,
      builtin: B.DEPTHWISE_CONV_2D,
      inputs: [
        { shape: [1, h, h, c], type: T.UINT8, quantization: q(0.02, 131) },
        { shape: [1, 3, 3, c], type: T.UINT8, values: u8(9 * c), quantization: q(0.01, 121) },
        { shape: [c], type: T.INT32, values: Array.from({ length: c }, () => Math.floor(next() * 400) - 200), quantization: q(0.0002, 0) },
      ],
      outputs: [{ shape: [1, h, h, c], type: T.UINT8, quantization: q(0.03, 0) }],
      optionsType: O.DepthwiseConv2DOptions,
      options: [{ slot: D.padding, kind: "int8", value: 0 }, { slot: D.stride_w, kind: "int32", value: 1 }, { slot: D.stride_h, kind: "int32", value: 1 }, { slot: D.depth_multiplier, kind: "int32", value: 1 }, { slot: D.fused_activation_function, kind: "int8", value: 3 }],
    },
    {
      label: `CONV_2D UINT8 [1,${h},${h},${c}] 1×1×48`,
      builtin: B.CONV_2D,
      inputs: [
        { shape: [1, h, h, c], type: T.UINT8, quantization: q(0.02, 125) },
        { shape: [48, 1, 1, c], type: T.UINT8, values: u8(48 * c), quantization: q(0.01, 133) },
        { shape: [48], type: T.INT32, values: Array.from({ length: 48 }, () => Math.floor(next() * 400) - 200), quantization: q(0.0002, 0) },
      ],
      outputs: [{ shape: [1, h, h, 48], type: T.UINT8, quantization: q(0.05, 128) }],
      optionsType: O.Conv2DOptions,
      options: [{ slot: S.padding, kind: "int8", value: 0 }, { slot: S.stride_w, kind: "int32", value: 1 }, { slot: S.stride_h, kind: "int32", value: 1 }],
    },
  ];
}

describe("tflite uint8 convolutions and 8-bit RESIZE_BILINEAR in WebAssembly SIMD", function () {
  this.timeout(60000);
  before(function () {
    skipWithoutSimd(this);
  });

  it("equal the JavaScript loops in both arithmetics and leave the input unchanged", function () {
    const group = OPERATOR_GROUPS.find((g) => g.name.startsWith("uint8 convolutions"))!;
    const make = new CaseMaker(rng(group.seed));
    const cases = [...largeCases()];
    for (let k = 0; k < group.cases; k++) cases.push(...group.make(make, k).filter((c) => c.builtin === B.CONV_2D || c.builtin === B.DEPTHWISE_CONV_2D || c.builtin === B.FULLY_CONNECTED));
    const next = rng(3);
    for (const c of cases) {
      const bytes = singleOperatorModel(c);
      for (const arithmetic of ["reference", "xnnpack"] as const) {
        const simd = new Interpreter(bytes, { arithmetic });
        const js = new Interpreter(bytes, { arithmetic, simd: false });
        const values = Array.from({ length: simd.inputs[0].size }, () => Math.floor(next() * 256));
        (simd.inputs[0].data as Uint8Array).set(values);
        (js.inputs[0].data as Uint8Array).set(values);
        simd.invoke();
        js.invoke();
        assert.deepEqual(Array.from(simd.outputs[0].data as Uint8Array), Array.from(js.outputs[0].data as Uint8Array), `${c.label} ${arithmetic}`);
        assert.deepEqual(Array.from(simd.inputs[0].data as Uint8Array), values, `${c.label} ${arithmetic}: input changed`);
      }
    }
  });

  it("8-bit RESIZE_BILINEAR (xnnpack) in WebAssembly equals the JavaScript loop, channels eight and four at a time and the rest", function () {
    const m = new CaseMaker(rng(151));
    for (let k = 0; k < 40; k++) {
      const type = k % 2 ? T.UINT8 : T.INT8;
      const [n, h, w, c] = k === 0 ? [1, 65, 65, 21] : [m.int(1, 2), m.int(1, 9), m.int(1, 9), m.int(1, 20)];
      const [oh, ow] = k === 0 ? [129, 129] : [m.int(1, 20), m.int(1, 20)];
      const mode = m.int(0, 2);
      const q = m.quant();
      if (type === T.UINT8) q.zeroPoint[0] += 128;
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
      const values = Array.from({ length: simd.inputs[0].size }, () => (type === T.UINT8 ? m.int(0, 255) : m.int(-128, 127)));
      (simd.inputs[0].data as Int8Array).set(values);
      (js.inputs[0].data as Int8Array).set(values);
      simd.invoke();
      js.invoke();
      assert.deepEqual(Array.from(simd.outputs[0].data as Int8Array), Array.from(js.outputs[0].data as Int8Array), `${T[type]} [${n},${h},${w},${c}] → ${oh}×${ow} mode ${mode}`);
    }
  });
});
