/**
 * Consecutive WebAssembly operators run as one call (lib/tflite/wasm-program.ts): the outputs are those of
 * the operators run one by one, and a tensor whose storage is replaced after the interpreter was built (so
 * its address in the fused blocks is stale) is still read and written where it now is.
 */
import { strict as assert } from "assert";
import { Interpreter } from "../../lib/tflite/interpreter";
import { ModelBuilder } from "../../lib/tflite/model-builder";
import { BuiltinOperator, BuiltinOptionsType, F, TensorType } from "../../lib/tflite/schema";
import { int8Module, simdUnavailableReason } from "../../lib/tflite/wasm-kernels";

const bytesOf = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 31 + i * 7.3));

/** float32 FULLY_CONNECTED 5 → 16 → 16 → 3 (three WebAssembly operators in a row) */
function chainModel(): Uint8Array {
  const m = new ModelBuilder();
  const widths = [5, 16, 16, 3];
  let x = m.addTensor({ name: "x", shape: [1, widths[0]], type: TensorType.FLOAT32 });
  const input = x;
  for (let l = 1; l < widths.length; l++) {
    const w = m.addTensor({ name: `w${l}`, shape: [widths[l], widths[l - 1]], type: TensorType.FLOAT32, data: bytesOf(values(widths[l] * widths[l - 1], l)) });
    const b = m.addTensor({ name: `b${l}`, shape: [widths[l]], type: TensorType.FLOAT32, data: bytesOf(values(widths[l], 10 + l)) });
    const y = m.addTensor({ name: `y${l}`, shape: [1, widths[l]], type: TensorType.FLOAT32 });
    m.addOperator({
      builtin: BuiltinOperator.FULLY_CONNECTED,
      inputs: [x, w, b],
      outputs: [y],
      optionsType: BuiltinOptionsType.FullyConnectedOptions,
      options: (fb) => {
        fb.startObject(4);
        fb.addFieldInt8(F.FullyConnectedOptions.fused_activation_function, 1, 0);
        return fb.endObject();
      },
    });
    x = y;
  }
  return m.finish([input], [x]);
}

/** The outputs of the model on `input`, its operators run one at a time. */
function oneByOne(bytes: Uint8Array, input: Float32Array): number[] {
  const it = new Interpreter(bytes);
  (it.inputs[0].data as Float32Array).set(input);
  for (let i = 0; i < it.model.subgraphs[0].operators.length; i++) it.invokeOperator(i);
  return Array.from(it.outputs[0].data as Float32Array);
}

describe("tflite WebAssembly operators fused into one call", function () {
  before(function () {
    if (!int8Module()) {
      console.log(`      (skipped: WebAssembly SIMD kernels unavailable: ${simdUnavailableReason()})`);
      this.skip();
    }
  });

  it("gives the outputs of the operators run one by one", function () {
    const bytes = chainModel();
    const it = new Interpreter(bytes);
    for (let trial = 0; trial < 3; trial++) {
      const input = values(5, 100 + trial);
      (it.inputs[0].data as Float32Array).set(input);
      it.invoke();
      assert.deepEqual(Array.from(it.outputs[0].data as Float32Array), oneByOne(bytes, input));
    }
  });

  it("follows an input and an output given new storage, and their return", function () {
    const bytes = chainModel();
    const it = new Interpreter(bytes);
    const heapInput = it.inputs[0].data;
    const heapOutput = it.outputs[0].data;
    const input = values(5, 7);
    it.inputs[0].data = Float32Array.from(input);
    it.outputs[0].data = new Float32Array(3);
    it.invoke();
    assert.deepEqual(Array.from(it.outputs[0].data as Float32Array), oneByOne(bytes, input));

    const again = values(5, 8);
    it.inputs[0].data = heapInput;
    it.outputs[0].data = heapOutput;
    (it.inputs[0].data as Float32Array).set(again);
    it.invoke();
    assert.deepEqual(Array.from(it.outputs[0].data as Float32Array), oneByOne(bytes, again));
  });
});
