/**
 * 8-bit ARG_MAX over the innermost axis through the WebAssembly loop (argmax8 in lib/tflite/wasm/int8.wat) against
 * the JavaScript loop of reduce.ts: int8 and uint8 scores, int32 and int64 indices, axis lengths around the
 * loop's sixteen-value steps, scores drawn from narrow ranges so that rows hold ties (the first maximum wins).
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import { Interpreter } from "../../lib/tflite/interpreter";
import { ModelBuilder } from "../../lib/tflite/model-builder";
import { BuiltinOperator, BuiltinOptionsType, F, TensorType } from "../../lib/tflite/schema";
import { int8Module, simdUnavailableReason } from "../../lib/tflite/wasm-kernels";

function argMaxModel(rows: number, dim: number, type: TensorType, outType: TensorType, axisFromEnd: boolean): Uint8Array {
  const m = new ModelBuilder();
  const x = m.addTensor({ name: "x", shape: [1, rows, dim], type, quantization: { scale: [0.1], zeroPoint: [type === TensorType.UINT8 ? 128 : 0] } });
  const axis = m.addTensor({ name: "axis", shape: [1], type: TensorType.INT32, data: new Uint8Array(Int32Array.of(axisFromEnd ? -1 : 2).buffer) });
  const y = m.addTensor({ name: "y", shape: [1, rows], type: outType });
  m.addOperator({
    builtin: BuiltinOperator.ARG_MAX,
    inputs: [x, axis],
    outputs: [y],
    optionsType: BuiltinOptionsType.ArgMaxOptions,
    options: (fb) => {
      fb.startObject(1);
      fb.addFieldInt8(F.ArgMaxOptions.output_type, outType, 0);
      return fb.endObject();
    },
  });
  return m.finish([x], [y]);
}

describe("tflite 8-bit ARG_MAX in WebAssembly", function () {
  before(function () {
    if (!int8Module()) {
      console.log(`      (skipped: WebAssembly SIMD kernels unavailable: ${simdUnavailableReason()})`);
      this.skip();
    }
  });

  it("gives the JavaScript loop's indices (first maximum) for int8 and uint8 scores, int32 and int64 outputs", function () {
    this.timeout(60000);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 50 }), fc.boolean(), fc.boolean(), fc.boolean(),
        fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 256 }), fc.integer(),
        (rows, dim, unsigned, wide, axisFromEnd, low, span, seed) => {
          const type = unsigned ? TensorType.UINT8 : TensorType.INT8;
          const bytes = argMaxModel(rows, dim, type, wide ? TensorType.INT64 : TensorType.INT32, axisFromEnd);
          const simd = new Interpreter(bytes);
          const js = new Interpreter(bytes, { simd: false });
          let s = seed >>> 0;
          const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 8) / 16777216;
          // raw bytes from [low, low + span) (wrapping): the same bit patterns as int8 or uint8
          const raw = Uint8Array.from({ length: rows * dim }, () => (low + Math.floor(next() * span)) & 255);
          for (const it of [simd, js]) new Uint8Array(it.inputs[0].data.buffer, it.inputs[0].data.byteOffset, raw.length).set(raw);
          simd.invoke();
          js.invoke();
          const out = (it: Interpreter) => Array.from(new Int32Array(it.outputs[0].data.buffer, it.outputs[0].data.byteOffset, rows * (wide ? 2 : 1)));
          assert.deepEqual(out(simd), out(js), `rows ${rows} dim ${dim} ${unsigned ? "uint8" : "int8"} ${wide ? "int64" : "int32"}`);
        },
      ),
      { numRuns: 300 },
    );
  });
});
