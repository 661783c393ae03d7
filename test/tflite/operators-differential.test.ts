/**
 * Every operator added for third-party models, as a one-operator model written by the model builder, against
 * @tensorflow/tfjs-tflite on the same seeded random inputs, in both arithmetics: integer outputs bit for bit,
 * float outputs within 1e-5 of the output tensor's largest magnitude (plus 1e-6 absolute; XNNPACK sums and
 * approximates transcendental functions in its own order).
 */
import { strict as assert } from "assert";
import { Interpreter } from "../../lib/tflite/interpreter";
import { UnsupportedModelError } from "../../lib/tflite/kernel";
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

  it("int8 RSQRT of an input below its zero point fails at invoke, as in tfjs-tflite", async function () {
    const q = { scale: [0.05], zeroPoint: [-3] };
    const bytes = singleOperatorModel({ builtin: BuiltinOperator.RSQRT, inputs: [{ shape: [4], type: TensorType.INT8, quantization: q }], outputs: [{ shape: [4], type: TensorType.INT8, quantization: { scale: [0.02], zeroPoint: [-128] } }] });
    await oracle!.load(bytes);
    await assert.rejects(oracle!.run([[-3, 0, -4, 9]]), /inference failed/);
    const it = new Interpreter(bytes);
    (it.inputs[0].data as Int8Array).set([-3, 0, -4, 9]);
    assert.throws(() => it.invoke(), (err: Error) => err instanceof RangeError && /RSQRT/.test(err.message) && /-4 is below the zero point -3/.test(err.message));
    // the zero point itself is the real 0, whose inverse square root saturates
    (it.inputs[0].data as Int8Array).set([-3, -3, -2, 127]);
    it.invoke();
    assert.equal((it.outputs[0].data as Int8Array)[0], 127);
  });

  it("int8 RSQRT over every input from the zero point up, on scales from fine to coarse, as tfjs-tflite", async function () {
    const next = rng(181);
    for (let k = 0; k < 12; k++) {
      const zeroPoint = k === 0 ? -128 : Math.floor(next() * 200) - 128;
      const sx = Math.fround(2 ** (next() * 12 - 12));
      const sy = Math.fround(2 ** (next() * 10 - 8));
      const q = (scale: number, z: number) => ({ scale: [scale], zeroPoint: [z] });
      const values = Array.from({ length: 256 }, (_, i) => Math.min(127, zeroPoint + i));
      const bytes = singleOperatorModel({ builtin: BuiltinOperator.RSQRT, inputs: [{ shape: [256], type: TensorType.INT8, quantization: q(sx, zeroPoint) }], outputs: [{ shape: [256], type: TensorType.INT8, quantization: q(sy, Math.floor(next() * 256) - 128) }] });
      await oracle!.load(bytes);
      const { outputs } = await oracle!.run([values]);
      const it = new Interpreter(bytes);
      (it.inputs[0].data as Int8Array).set(values);
      it.invoke();
      compare(`RSQRT INT8 scales ${sx} → ${sy} zero point ${zeroPoint}`, it.outputs[0].data as Int8Array, outputs[0].data, false);
    }
  });

  it("uint8 DIV over all 65536 input pairs, divisors at their zero point and raw 0 included, as tfjs-tflite", async function () {
    const every = Array.from({ length: 256 }, (_, i) => i);
    for (const [s1, z1, s2, z2, s3, z3] of [
      [0.05, 128, 0.03, 100, 0.1, 128],
      [0.01, 0, 0.2, 255, 0.02, 0],
      [0.1, 255, 0.001, 3, 0.5, 10],
      [0.003, 77, 0.09, 200, 0.004, 250],
    ]) {
      const q = (scale: number, zeroPoint: number) => ({ scale: [scale], zeroPoint: [zeroPoint] });
      const bytes = singleOperatorModel({
        builtin: BuiltinOperator.DIV,
        inputs: [{ shape: [256, 1], type: TensorType.UINT8, quantization: q(s1, z1) }, { shape: [1, 256], type: TensorType.UINT8, quantization: q(s2, z2) }],
        outputs: [{ shape: [256, 256], type: TensorType.UINT8, quantization: q(s3, z3) }],
      });
      await oracle!.load(bytes);
      const { outputs } = await oracle!.run([every, every]);
      for (const arithmetic of ["reference", "xnnpack"] as const) {
        const it = new Interpreter(bytes, { arithmetic });
        it.inputs.forEach((t) => (t.data as Uint8Array).set(every));
        it.invoke();
        compare(`DIV UINT8 ${arithmetic} scales ${s1}/${s2} → ${s3}`, it.outputs[0].data as Uint8Array, outputs[0].data, false);
      }
    }
  });

  it("refuses at load, naming what is unsupported, the quantized models tfjs-tflite refuses (at load or at invoke)", async function () {
    const q = (scale: number, zeroPoint: number) => ({ scale: [scale], zeroPoint: [zeroPoint] });
    const unary = (builtin: number, type: TensorType, qx: ReturnType<typeof q>, qy: ReturnType<typeof q>) => singleOperatorModel({ builtin, inputs: [{ shape: [2, 3], type, quantization: qx }], outputs: [{ shape: [2, 3], type, quantization: qy }] });
    const binary = (builtin: number, type: TensorType, zeroPoint: number, shapes: number[][]) =>
      singleOperatorModel({ builtin, inputs: shapes.slice(0, 2).map((shape) => ({ shape, type, quantization: q(0.05, zeroPoint) })), outputs: [{ shape: shapes[2], type, quantization: q(0.1, zeroPoint) }] });
    const unarySizes = [6];
    const refused: Array<[string, Uint8Array, number[], RegExp]> = [
      ["RSQRT UINT8", unary(BuiltinOperator.RSQRT, TensorType.UINT8, q(0.05, 0), q(0.05, 0)), unarySizes, /RSQRT.*type UINT8 is not supported \(supported: FLOAT32, INT8\)/],
      ["RSQRT INT16", unary(BuiltinOperator.RSQRT, TensorType.INT16, q(0.05, 0), q(0.05, 0)), unarySizes, /RSQRT.*type INT16 is not supported/],
      ["LOG_SOFTMAX INT8 output scale 0.1", unary(BuiltinOperator.LOG_SOFTMAX, TensorType.INT8, q(0.05, 0), q(0.1, 127)), unarySizes, /LOG_SOFTMAX.*scale 0\.1.*not supported.*16\/256/],
      ["LOG_SOFTMAX UINT8 output zero point 128", unary(BuiltinOperator.LOG_SOFTMAX, TensorType.UINT8, q(0.05, 128), q(16 / 256, 128)), unarySizes, /LOG_SOFTMAX.*zero point 128 is not supported.*zero point 255/],
      ["LOG_SOFTMAX INT16", unary(BuiltinOperator.LOG_SOFTMAX, TensorType.INT16, q(0.05, 0), q(16 / 256, 0)), unarySizes, /LOG_SOFTMAX.*type INT16 → INT16 is not supported/],
      ["DIV INT8", binary(BuiltinOperator.DIV, TensorType.INT8, 0, [[2, 3], [2, 3], [2, 3]]), [6, 6], /DIV.*type INT8 is not supported \(supported: FLOAT32, INT32, UINT8\)/],
      ["BATCH_MATMUL INT16 zero point 3", binary(BuiltinOperator.BATCH_MATMUL, TensorType.INT16, 3, [[2, 3], [3, 2], [2, 2]]), [6, 6], /BATCH_MATMUL.*INT16 zero points 3, 3, 3 are not supported/],
    ];
    for (const [label, bytes, sizes, message] of refused) {
      // tfjs-tflite refuses some at load, the others (int8 DIV, int16 LOG_SOFTMAX) when they run
      const theirs = oracle!.load(bytes).then(() => oracle!.run(sizes.map((n) => new Array<number>(n).fill(1))));
      await assert.rejects(theirs, `${label}: tfjs-tflite ran it`);
      assert.throws(() => new Interpreter(bytes), (err: Error) => err instanceof UnsupportedModelError && message.test(err.message), `${label}: our refusal`);
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
