/** Models of our own, written with the builder; expected outputs computed independently in plain arithmetic. */
import { strict as assert } from "assert";
import * as fc from "fast-check";
import { Interpreter } from "../../lib/tflite/interpreter";
import { ModelBuilder, denseModel } from "../../lib/tflite/model-builder";
import { readModel } from "../../lib/tflite/model-reader";
import { TensorType } from "../../lib/tflite/schema";

describe("tflite model builder and interpreter on our own models", function () {
  it("a dense classifier (relu, softmax) matches a hand computation", function () {
    const w1 = [[0.5, -1, 0.25], [1, 1, 1]];
    const b1 = [0.1, -0.5];
    const w2 = [[2, -1], [-1, 2], [0.5, 0.5]];
    const b2 = [0, 0.1, -0.1];
    const bytes = denseModel(3, [{ weights: w1, bias: b1, activation: "relu" }, { weights: w2, bias: b2, softmax: true }]);
    const it = new Interpreter(bytes);
    const x = [0.3, -0.2, 0.9];
    (it.inputs[0].data as Float32Array).set(x);
    it.invoke();
    const h = w1.map((row, i) => Math.max(0, row.reduce((s, w, k) => s + w * x[k], b1[i])));
    const z = w2.map((row, i) => row.reduce((s, w, k) => s + w * h[k], b2[i]));
    const e = z.map((v) => Math.exp(v - Math.max(...z)));
    const p = e.map((v) => v / e.reduce((a, c) => a + c, 0));
    const out = Array.from(it.outputs[0].data as Float32Array);
    p.forEach((v, i) => assert.ok(Math.abs(out[i] - v) < 1e-6, `class ${i}: ${out[i]} vs ${v}`));
  });

  it("an autoencoder reconstructs through its bottleneck exactly as computed by hand", function () {
    fc.assert(
      fc.property(fc.array(fc.float({ min: -4, max: 4, noNaN: true }), { minLength: 4, maxLength: 4 }), (x) => {
        const enc = [[1, 0, 0, 0], [0, 1, 0, 0]];
        const dec = [[1, 0], [0, 1], [0.5, 0.5], [0, 0]];
        const it = new Interpreter(denseModel(4, [{ weights: enc, bias: [0, 0] }, { weights: dec, bias: [0, 0, 0, 1] }]));
        (it.inputs[0].data as Float32Array).set(x);
        it.invoke();
        const xf = x.map(Math.fround);
        const expected = [xf[0], xf[1], Math.fround(0.5 * xf[0] + 0.5 * xf[1]), 1];
        const out = Array.from(it.outputs[0].data as Float32Array);
        expected.forEach((v, i) => assert.ok(Math.abs(out[i] - v) <= 1e-6 * (1 + Math.abs(v)), `${out} vs ${expected}`));
      }),
      { numRuns: 50 },
    );
  });

  it("refuses a model with an unsupported operator at load time, naming it", function () {
    const m = new ModelBuilder();
    const a = m.addTensor({ name: "x", shape: [1, 4], type: TensorType.FLOAT32 });
    const b = m.addTensor({ name: "y", shape: [1, 4], type: TensorType.FLOAT32 });
    m.addOperator({ builtin: 66 /* SIN */, inputs: [a], outputs: [b] });
    assert.throws(() => new Interpreter(m.finish([a], [b])), /unsupported TFLite operator: SIN \(operator 0\)/);
  });

  it("the reader rejects bytes that are not a model, and survives fuzzed corruption with a clear error", function () {
    assert.throws(() => new Interpreter(new Uint8Array([1, 2, 3])), /not a TFLite model/);
    const good = denseModel(2, [{ weights: [[1, 2]], bias: [0] }]);
    fc.assert(
      fc.property(fc.integer({ min: 8, max: good.length - 1 }), fc.integer({ min: 0, max: 255 }), (at, value) => {
        const bad = good.slice();
        bad[at] = value;
        try {
          const it = new Interpreter(bad);
          it.invoke();
        } catch (err) {
          assert.ok(err instanceof Error && err.message.length > 0);
        }
      }),
      { numRuns: 300 },
    );
    assert.equal(readModel(good).subgraphs[0].operators[0].opName, "FULLY_CONNECTED");
  });
});
