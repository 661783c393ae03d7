/**
 * The WebAssembly loops' vector requantization (lib/tflite/wasm/int8.wat, $rq4): mode 3 (every channel's right
 * shift the same, one i32x4 shift) and mode 0 (shifts that differ, a second 64-bit product) against the JavaScript
 * MultiplyByQuantizedMultiplier (fixed-point.ts) where they are tightest: biases over the whole int32 range
 * (accumulators near ±2^31, wrapping) and shifts of 20 to 33 so that such accumulators still land inside int8,
 * all equal or up to four apart, over 1 to 40 channels (the 16- and 4-channel steps).
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import { Interpreter } from "../../lib/tflite/interpreter";
import { ModelBuilder } from "../../lib/tflite/model-builder";
import { BuiltinOperator, BuiltinOptionsType, F, TensorType } from "../../lib/tflite/schema";
import { int8Module, simdUnavailableReason } from "../../lib/tflite/wasm-kernels";

/** FULLY_CONNECTED [1, depth] × [units, depth] with filter scale 2^-(eMin + d) × (1 + f), d ≤ spread per channel */
function wideBiasModel(depth: number, units: number, eMin: number, spread: number, seed: number): Uint8Array {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 8) / 16777216;
  const wScales = Array.from({ length: units }, () => 2 ** -(eMin + Math.floor(next() * (spread + 1))) * (1 + next() * 0.9));
  const m = new ModelBuilder();
  const x = m.addTensor({ name: "x", shape: [1, depth], type: TensorType.INT8, quantization: { scale: [1], zeroPoint: [Math.floor(next() * 256) - 128] } });
  const wBytes = Uint8Array.from({ length: units * depth }, () => Math.floor(next() * 256));
  const w = m.addTensor({ name: "w", shape: [units, depth], type: TensorType.INT8, data: wBytes, quantization: { scale: wScales, zeroPoint: wScales.map(() => 0), quantizedDimension: 0 } });
  const bias = Int32Array.from({ length: units }, () => Math.floor(next() * 4294967296) - 2147483648);
  const b = m.addTensor({ name: "b", shape: [units], type: TensorType.INT32, data: new Uint8Array(bias.buffer), quantization: { scale: wScales, zeroPoint: wScales.map(() => 0) } });
  const y = m.addTensor({ name: "y", shape: [1, units], type: TensorType.INT8, quantization: { scale: [1], zeroPoint: [Math.floor(next() * 64) - 32] } });
  m.addOperator({
    builtin: BuiltinOperator.FULLY_CONNECTED,
    inputs: [x, w, b],
    outputs: [y],
    optionsType: BuiltinOptionsType.FullyConnectedOptions,
    options: (fb) => {
      fb.startObject(4);
      fb.addFieldInt8(F.FullyConnectedOptions.fused_activation_function, 0, 0);
      return fb.endObject();
    },
  });
  return m.finish([x], [y]);
}

describe("tflite int8 vector requantization with large accumulators (WebAssembly modes 3 and 0)", function () {
  before(function () {
    if (!int8Module()) {
      console.log(`      (skipped: WebAssembly SIMD kernels unavailable: ${simdUnavailableReason()})`);
      this.skip();
    }
  });

  it("equals MultiplyByQuantizedMultiplier on accumulators over the whole int32 range", function () {
    this.timeout(60000);
    let inside = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 20, max: 29 }), fc.constantFrom(0, 0, 1, 4), fc.integer(),
        (depth, units, eMin, spread, seed) => {
          const bytes = wideBiasModel(depth, units, eMin, spread, seed);
          const simd = new Interpreter(bytes);
          const js = new Interpreter(bytes, { simd: false });
          let s = seed >>> 0;
          for (let trial = 0; trial < 3; trial++) {
            const xs = Int8Array.from({ length: depth }, () => ((s = (Math.imul(s, 22695477) + 1) >>> 0) >>> 24) - 128);
            (simd.inputs[0].data as Int8Array).set(xs);
            (js.inputs[0].data as Int8Array).set(xs);
            simd.invoke();
            js.invoke();
            const got = Array.from(simd.outputs[0].data as Int8Array);
            const want = Array.from(js.outputs[0].data as Int8Array);
            assert.deepEqual(got, want, `depth ${depth} units ${units} emin ${eMin} spread ${spread}`);
            inside += want.filter((v) => v > -128 && v < 127).length;
          }
        },
      ),
      { numRuns: 200 },
    );
    // the outputs must mostly be unclamped, or the test would not look at the rounding
    assert.ok(inside > 1000, `only ${inside} outputs inside the clamp range`);
  });
});
