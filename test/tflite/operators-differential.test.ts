/**
 * Every operator added for third-party models, as a one-operator model written by the model builder, against
 * @tensorflow/tfjs-tflite on the same seeded random inputs, in both arithmetics: integer outputs bit for bit,
 * float outputs within 1e-5 of the output tensor's largest magnitude (plus 1e-6 absolute; XNNPACK sums and
 * approximates transcendental functions in its own order).
 */
import { strict as assert } from "assert";
import { Interpreter } from "../../lib/tflite/interpreter";
import { ModelBuilder, elementBytes, singleOperatorModel } from "../../lib/tflite/model-builder";
import { BuiltinOperator, TensorType } from "../../lib/tflite/schema";
import { TfliteOracle } from "./oracle/tfjs-tflite-oracle";
import { CaseMaker, rng } from "./operator-cases";
import { compare, randomValues } from "./operator-values";
import { OPERATOR_GROUPS } from "./operator-groups";

const TRIALS = 3;

describe("tflite operators against tfjs-tflite (one-operator models)", function () {
  this.timeout(120000);
  let oracle: TfliteOracle | undefined;

  before(function () {
    oracle = new TfliteOracle();
  });

  after(async function () {
    await oracle?.close();
  });

  /** DEQUANTIZE of constant weights (how converters store float16 and per-channel int8 ones), added to an input. */
  const dequantizeThenAdd = (type: TensorType, shape: number[], raw: number[], quantization?: { scale: number[]; zeroPoint: number[]; quantizedDimension: number }) => {
    const m = new ModelBuilder();
    const x = m.addTensor({ name: "x", shape, type: TensorType.FLOAT32 });
    const w = m.addTensor({ name: "w", shape, type, data: elementBytes(type, raw), quantization });
    const dq = m.addTensor({ name: "w_float", shape, type: TensorType.FLOAT32 });
    const y = m.addTensor({ name: "y", shape, type: TensorType.FLOAT32 });
    m.addOperator({ builtin: BuiltinOperator.DEQUANTIZE, inputs: [w], outputs: [dq] });
    m.addOperator({ builtin: BuiltinOperator.ADD, inputs: [x, dq], outputs: [y] });
    return m.finish([x], [y]);
  };

  it("DEQUANTIZE of float16 and of per-channel int8 constants", async function () {
    const next = rng(79);
    for (let k = 0; k < 6; k++) {
      const shape = [1 + Math.floor(next() * 4), 1 + Math.floor(next() * 4), 1 + Math.floor(next() * 5)];
      const size = shape.reduce((a, b) => a * b, 1);
      const axis = Math.floor(next() * shape.length);
      // float16 bit patterns: normal numbers of both signs, subnormals and zeros
      const halves = Array.from({ length: size }, () => Math.floor(next() * 0x7c00) | (next() < 0.5 ? 0x8000 : 0));
      const ints = Array.from({ length: size }, () => Math.floor(next() * 256) - 128);
      const channels = shape[axis];
      const perChannel = { scale: Array.from({ length: channels }, () => Math.fround(0.001 + next() * 0.1)), zeroPoint: new Array<number>(channels).fill(0), quantizedDimension: axis };
      for (const [label, bytes] of [
        [`float16 [${shape}]`, dequantizeThenAdd(TensorType.FLOAT16, shape, halves)],
        [`int8 per-channel along ${axis} [${shape}]`, dequantizeThenAdd(TensorType.INT8, shape, ints, perChannel)],
      ] as const) {
        await oracle!.load(bytes);
        const values = Array.from({ length: size }, () => Math.fround(next() * 4 - 2));
        const { outputs } = await oracle!.run([Float32Array.from(values)]);
        const it = new Interpreter(bytes);
        (it.inputs[0].data as Float32Array).set(values);
        it.invoke();
        compare(`DEQUANTIZE ${label}`, it.outputs[0].data as Float32Array, outputs[0].data, true);
      }
    }
  });

  for (const group of OPERATOR_GROUPS) {
    it(`${group.name}: ${group.cases} random models each, both arithmetics`, async function () {
      const make = new CaseMaker(rng(group.seed));
      for (let k = 0; k < group.cases; k++) {
        for (const c of group.make(make, k)) {
          const bytes = singleOperatorModel(c);
          const label = `${c.label} (case ${k})`;
          const ours = c.xnnpackOnly ? [new Interpreter(bytes, { arithmetic: "xnnpack" })] : [new Interpreter(bytes, { arithmetic: "reference" }), new Interpreter(bytes, { arithmetic: "xnnpack" })];
          await oracle!.load(bytes).catch((err: Error) => assert.fail(`${label}: tfjs-tflite refused the model: ${err.message}`));
          const next = rng(group.seed * 1000 + k);
          for (let trial = 0; trial < TRIALS; trial++) {
            const values = ours[0].inputs.map((t) => randomValues(t, c, next));
            const { outputs } = await oracle!.run(values.map((v, i) => (ours[0].inputs[i].type === TensorType.FLOAT32 ? Float32Array.from(v) : v)));
            for (const it of ours) {
              values.forEach((v, i) => (it.inputs[i].data as Float32Array).set(v));
              it.invoke();
              it.outputs.forEach((o, j) => compare(`${label} trial ${trial} output ${j}`, o.data as ArrayLike<number>, outputs[j].data, o.type === TensorType.FLOAT32));
            }
          }
        }
      }
    });
  }
});
