/**
 * SVDF on its own against tfjs-tflite (TFLite's kernels in WASM): one-operator models written by the ModelBuilder
 * with a variable activation state, in several shapes, ranks, batch sizes and memory sizes, with and without bias,
 * run several times in a row (the state carries over) and compared bit for bit: float32, hybrid (float32 input,
 * int8 weights, symmetric and asymmetric input quantization) and full integer (int8 input, int16 state), the
 * quantized ones in both of our arithmetics. Configurations TFLite refuses must be refused by us as well.
 */
import { strict as assert } from "assert";
import { Interpreter } from "../../lib/tflite/interpreter";
import { ModelBuilder, elementBytes, optionsTable } from "../../lib/tflite/model-builder";
import { Activation, TensorType } from "../../lib/tflite/schema";
import { TfliteOracle } from "./oracle/tfjs-tflite-oracle";
import { skipWithoutShared } from "./shared-models";
import { rng } from "./operator-cases";

const SVDF = 27;
const SVDF_OPTIONS = 6;

interface Case {
  name: string;
  batch: number;
  inputSize: number;
  units: number;
  rank: number;
  memory: number;
  bias: boolean;
  activation: Activation;
}

const CASES: Case[] = [
  { name: "rank 1, bias, no activation", batch: 1, inputSize: 5, units: 4, rank: 1, memory: 3, bias: true, activation: Activation.NONE },
  { name: "rank 2, no bias, RELU, 2 batches", batch: 2, inputSize: 7, units: 3, rank: 2, memory: 4, bias: false, activation: Activation.RELU },
  { name: "rank 1, no bias, RELU, 3 batches", batch: 3, inputSize: 4, units: 6, rank: 1, memory: 5, bias: false, activation: Activation.RELU },
  { name: "rank 2, bias, no activation, long rows", batch: 2, inputSize: 40, units: 8, rank: 2, memory: 10, bias: true, activation: Activation.NONE },
  { name: "rank 2, bias, RELU, memory 1", batch: 1, inputSize: 9, units: 5, rank: 2, memory: 1, bias: true, activation: Activation.RELU },
  { name: "rank 2, bias, SIGN_BIT", batch: 1, inputSize: 5, units: 3, rank: 2, memory: 2, bias: true, activation: Activation.SIGN_BIT },
  { name: "rank 2, bias, TANH (Eigen's), 2 batches", batch: 2, inputSize: 12, units: 6, rank: 2, memory: 4, bias: true, activation: Activation.TANH },
  { name: "rank 1, no bias, TANH, long rows", batch: 1, inputSize: 40, units: 8, rank: 1, memory: 6, bias: false, activation: Activation.TANH },
];

function svdfModel(c: Case, next: () => number): Uint8Array {
  const filters = c.units * c.rank;
  const random = (n: number) => Array.from({ length: n }, () => next() * 2 - 1);
  const m = new ModelBuilder();
  const f = TensorType.FLOAT32;
  const x = m.addTensor({ name: "input", shape: [c.batch, c.inputSize], type: f });
  const wf = m.addTensor({ name: "weights_feature", shape: [filters, c.inputSize], type: f, data: elementBytes(f, random(filters * c.inputSize)) });
  const wt = m.addTensor({ name: "weights_time", shape: [filters, c.memory], type: f, data: elementBytes(f, random(filters * c.memory)) });
  const bias = c.bias ? m.addTensor({ name: "bias", shape: [c.units], type: f, data: elementBytes(f, random(c.units)) }) : -1;
  const state = m.addTensor({ name: "activation_state", shape: [c.batch, c.memory * filters], type: f, isVariable: true });
  const y = m.addTensor({ name: "output", shape: [c.batch, c.units], type: f });
  m.addOperator({
    builtin: SVDF,
    inputs: [x, wf, wt, bias, state],
    outputs: [y],
    optionsType: SVDF_OPTIONS,
    options: optionsTable([
      { slot: 0, kind: "int32", value: c.rank },
      { slot: 1, kind: "int8", value: c.activation },
    ]),
  });
  return m.finish([x], [y]);
}

describe("float32 SVDF against tfjs-tflite", function () {
  this.timeout(60000);
  let oracle: TfliteOracle | undefined;

  before(function () {
    skipWithoutShared(this); // the oracle is only set up where the shared models are
    oracle = new TfliteOracle();
  });

  after(async function () {
    await oracle?.close();
  });

  CASES.forEach((c, k) => {
    it(c.name, async function () {
      const next = rng(500 + k);
      const bytes = svdfModel(c, next);
      const ours = new Interpreter(bytes, { keepState: true });
      await oracle!.load(bytes);
      for (let run = 0; run < 6; run++) {
        const values = Float32Array.from({ length: ours.inputs[0].size }, () => next() * 4 - 2);
        (ours.inputs[0].data as Float32Array).set(values);
        ours.invoke();
        const { outputs } = await oracle!.run([values]);
        const mine = Array.from(ours.outputs[0].data as Float32Array);
        const theirs = Array.from(outputs[0].data);
        assert.equal(mine.length, theirs.length);
        const differing = mine.filter((v, i) => !Object.is(v, theirs[i])).length;
        assert.equal(differing, 0, `run ${run}: ${differing} of ${mine.length} outputs differ\n ours   ${mine}\n theirs ${theirs}`);
        if (c.activation === Activation.RELU || c.activation === Activation.SIGN_BIT) continue;
        assert.ok(mine.some((v) => v !== 0), "the outputs are not all zero");
      }
    });
  });
});

type Arithmetic = "reference" | "xnnpack";
const ARITHMETICS: Arithmetic[] = ["reference", "xnnpack"];

interface QuantizedCase extends Case {
  /** target input × weights_feature / state scale, and state × weights_time / output scale */
  scale1: number;
  scale2: number;
  inputZeroPoint: number;
  outputZeroPoint: number;
}

const INTEGER_CASES: QuantizedCase[] = [
  { name: "rank 1, bias, 1 batch", batch: 1, inputSize: 5, units: 4, rank: 1, memory: 3, bias: true, activation: Activation.RELU, scale1: 0.7, scale2: 2e-8, inputZeroPoint: -3, outputZeroPoint: 5 },
  { name: "rank 2, no bias, 2 batches", batch: 2, inputSize: 7, units: 3, rank: 2, memory: 4, bias: false, activation: Activation.RELU, scale1: 0.3, scale2: 1e-8, inputZeroPoint: 0, outputZeroPoint: -20 },
  { name: "rank 3, bias, 3 batches, memory 1", batch: 3, inputSize: 4, units: 2, rank: 3, memory: 1, bias: true, activation: Activation.RELU, scale1: 1.9, scale2: 3e-7, inputZeroPoint: 100, outputZeroPoint: -128 },
  { name: "rank 2, bias, long rows, memory 10 (int16 saturation)", batch: 2, inputSize: 40, units: 8, rank: 2, memory: 10, bias: true, activation: Activation.RELU, scale1: 2.5, scale2: 4e-9, inputZeroPoint: -128, outputZeroPoint: 0 },
  { name: "rank 1, scale above one", batch: 1, inputSize: 3, units: 5, rank: 1, memory: 2, bias: true, activation: Activation.RELU, scale1: 40, scale2: 6e-8, inputZeroPoint: 7, outputZeroPoint: 127 },
  // saturated state times edge time weights over 24 steps: the int32 time sums wrap around, as TFLite's do
  { name: "rank 2, 4 batches, memory 24 (int32 wrap-around)", batch: 4, inputSize: 6, units: 3, rank: 2, memory: 24, bias: true, activation: Activation.RELU, scale1: 60, scale2: 5e-8, inputZeroPoint: -1, outputZeroPoint: 3 },
];

interface HybridCase extends Case {
  asymmetric: boolean;
  /** the feature weights' range, [-127, 127] unless given */
  featureRange?: [number, number];
}

const HYBRID_CASES: HybridCase[] = [
  { name: "rank 1, bias, no activation, symmetric", batch: 1, inputSize: 5, units: 4, rank: 1, memory: 3, bias: true, activation: Activation.NONE, asymmetric: false },
  { name: "rank 2, no bias, RELU, 2 batches, symmetric", batch: 2, inputSize: 7, units: 3, rank: 2, memory: 4, bias: false, activation: Activation.RELU, asymmetric: false },
  { name: "rank 2, bias, RELU6, 3 batches, asymmetric", batch: 3, inputSize: 6, units: 4, rank: 2, memory: 5, bias: true, activation: Activation.RELU6, asymmetric: true },
  { name: "rank 3, bias, no activation, long rows, asymmetric", batch: 2, inputSize: 40, units: 5, rank: 3, memory: 10, bias: true, activation: Activation.NONE, asymmetric: true },
  { name: "rank 1, no bias, SIGN_BIT, memory 1, asymmetric", batch: 1, inputSize: 9, units: 6, rank: 1, memory: 1, bias: false, activation: Activation.SIGN_BIT, asymmetric: true },
  { name: "rank 2, bias, RELU_N1_TO_1, 2 batches, symmetric", batch: 2, inputSize: 4, units: 3, rank: 2, memory: 2, bias: true, activation: Activation.RELU_N1_TO_1, asymmetric: false },
  { name: "rank 2, bias, TANH (Eigen's), 2 batches, asymmetric", batch: 2, inputSize: 10, units: 5, rank: 2, memory: 3, bias: true, activation: Activation.TANH, asymmetric: true },
  // positive weights over 2000 inputs: the int32 dot products pass 2^24 and round when converted to float
  { name: "rank 1, 2000 inputs, positive weights, symmetric", batch: 2, inputSize: 2000, units: 12, rank: 1, memory: 3, bias: true, activation: Activation.NONE, asymmetric: false, featureRange: [60, 127] },
  { name: "rank 2, 2000 inputs, positive weights, asymmetric", batch: 1, inputSize: 2000, units: 8, rank: 2, memory: 2, bias: false, activation: Activation.NONE, asymmetric: true, featureRange: [60, 127] },
];

/** Random integers in [lo, hi] with the range's ends mixed in. */
function integers(next: () => number, n: number, lo: number, hi: number): number[] {
  return Array.from({ length: n }, () => {
    const u = next();
    if (u < 0.08) return lo;
    if (u < 0.16) return hi;
    return lo + Math.floor(next() * (hi - lo + 1));
  });
}

function svdfOperator(m: ModelBuilder, c: Case, tensors: number[], y: number, asymmetric = false): void {
  m.addOperator({
    builtin: SVDF,
    inputs: tensors,
    outputs: [y],
    optionsType: SVDF_OPTIONS,
    options: optionsTable([
      { slot: 0, kind: "int32", value: c.rank },
      { slot: 1, kind: "int8", value: c.activation },
      { slot: 2, kind: "bool", value: asymmetric },
    ]),
  });
}

function integerModel(c: QuantizedCase, next: () => number, stateQuantized = true): Uint8Array {
  const filters = c.units * c.rank;
  const q = (scale: number, zeroPoint = 0) => ({ scale: [scale], zeroPoint: [zeroPoint] });
  const inputScale = 0.02;
  const featureScale = 0.004;
  const stateScale = Math.fround(Math.fround(inputScale * featureScale) / c.scale1);
  const timeScale = 0.0003;
  const outputScale = Math.fround(Math.fround(stateScale * timeScale) / c.scale2);
  const m = new ModelBuilder();
  const { INT8, INT16, INT32 } = TensorType;
  const x = m.addTensor({ name: "input", shape: [c.batch, c.inputSize], type: INT8, quantization: q(inputScale, c.inputZeroPoint) });
  const wf = m.addTensor({ name: "weights_feature", shape: [filters, c.inputSize], type: INT8, quantization: q(featureScale), data: elementBytes(INT8, integers(next, filters * c.inputSize, -128, 127)) });
  const wt = m.addTensor({ name: "weights_time", shape: [filters, c.memory], type: INT16, quantization: q(timeScale), data: elementBytes(INT16, integers(next, filters * c.memory, -32768, 32767)) });
  const biasData = integers(next, c.units, -(2 ** 28), 2 ** 28);
  const bias = c.bias ? m.addTensor({ name: "bias", shape: [c.units], type: INT32, quantization: q(Math.fround(stateScale * timeScale)), data: elementBytes(INT32, biasData) }) : -1;
  const state = m.addTensor({ name: "activation_state", shape: [c.batch, c.memory * filters], type: INT16, quantization: stateQuantized ? q(stateScale) : undefined, isVariable: true });
  const y = m.addTensor({ name: "output", shape: [c.batch, c.units], type: INT8, quantization: q(outputScale, c.outputZeroPoint) });
  svdfOperator(m, c, [x, wf, wt, bias, state], y);
  return m.finish([x], [y]);
}

function hybridModel(c: HybridCase, next: () => number): Uint8Array {
  const filters = c.units * c.rank;
  const { FLOAT32, INT8 } = TensorType;
  const m = new ModelBuilder();
  const x = m.addTensor({ name: "input", shape: [c.batch, c.inputSize], type: FLOAT32 });
  const wf = m.addTensor({ name: "weights_feature", shape: [filters, c.inputSize], type: INT8, quantization: { scale: [0.0071], zeroPoint: [0] }, data: elementBytes(INT8, integers(next, filters * c.inputSize, ...(c.featureRange ?? [-127, 127]))) });
  const wt = m.addTensor({ name: "weights_time", shape: [filters, c.memory], type: INT8, quantization: { scale: [0.013], zeroPoint: [0] }, data: elementBytes(INT8, integers(next, filters * c.memory, -127, 127)) });
  const bias = c.bias ? m.addTensor({ name: "bias", shape: [c.units], type: FLOAT32, data: elementBytes(FLOAT32, Array.from({ length: c.units }, () => next() - 0.5)) }) : -1;
  const state = m.addTensor({ name: "activation_state", shape: [c.batch, c.memory * filters], type: FLOAT32, isVariable: true });
  const y = m.addTensor({ name: "output", shape: [c.batch, c.units], type: FLOAT32 });
  svdfOperator(m, c, [x, wf, wt, bias, state], y, c.asymmetric);
  return m.finish([x], [y]);
}

/**
 * Float inputs for a run: random, with zeros, ties, large and tiny values; run 3 is all zeros, run 4 has a zero
 * row, run 5 is constant, runs 6 and 7 all positive.
 */
function hybridInputs(next: () => number, run: number, batch: number, inputSize: number): Float32Array {
  const values = Float32Array.from({ length: batch * inputSize }, () => {
    const u = next();
    if (u < 0.06) return 0;
    if (u < 0.1) return -0;
    if (u < 0.13) return 1e6 * (next() - 0.5);
    if (u < 0.16) return 1e-30 * (next() - 0.5);
    if (u < 0.2) return Math.round(next() * 8 - 4) / 2;
    return next() * 4 - 2;
  });
  if (run === 3) values.fill(0);
  if (run === 4) values.fill(0, 0, inputSize);
  if (run === 5) values.fill(1.5); // every row quantizes to its end values
  if (run >= 6) values.forEach((v, i) => (values[i] = 1 + Math.abs(v) / 2)); // all positive: large int32 dot products
  return values;
}

function assertSame(mine: ArrayLike<number>, theirs: ArrayLike<number>, what: string): void {
  const a = Array.from(mine);
  const b = Array.from(theirs);
  assert.equal(a.length, b.length);
  const differing = a.filter((v, i) => !Object.is(v, b[i])).length;
  assert.equal(differing, 0, `${what}: ${differing} of ${a.length} outputs differ\n ours   ${a}\n theirs ${b}`);
}

describe("quantized SVDF against tfjs-tflite", function () {
  this.timeout(60000);
  let oracle: TfliteOracle | undefined;

  before(function () {
    skipWithoutShared(this);
    oracle = new TfliteOracle();
  });

  after(async function () {
    await oracle?.close();
  });

  INTEGER_CASES.forEach((c, k) => {
    it(`int8: ${c.name}`, async function () {
      const next = rng(700 + k);
      const bytes = integerModel(c, next);
      const ours = ARITHMETICS.map((arithmetic) => new Interpreter(bytes, { keepState: true, arithmetic }));
      await oracle!.load(bytes);
      const seen = new Set<number>();
      for (let run = 0; run < 8; run++) {
        const values = Int8Array.from(integers(next, ours[0].inputs[0].size, -128, 127));
        const { outputs } = await oracle!.run([values]);
        for (const [i, interpreter] of ours.entries()) {
          (interpreter.inputs[0].data as Int8Array).set(values);
          interpreter.invoke();
          assertSame(interpreter.outputs[0].data as Int8Array, outputs[0].data, `${ARITHMETICS[i]} run ${run}`);
        }
        for (const v of Array.from(outputs[0].data)) seen.add(v);
      }
      assert.ok(seen.size > 2, `the outputs vary (${[...seen]})`);
    });
  });

  /** TFLite must refuse the model (at load or at its first invoke), and so must we, with the reason. */
  async function bothRefuse(bytes: Uint8Array, ours: RegExp): Promise<void> {
    assert.throws(() => new Interpreter(bytes), ours);
    await assert.rejects(async () => {
      const inputs = await oracle!.load(bytes);
      await oracle!.run(inputs.map(() => new Int8Array(0)));
    });
  }

  const integerBase = INTEGER_CASES[1];
  [Activation.NONE, Activation.RELU6, Activation.RELU_N1_TO_1, Activation.TANH, Activation.SIGN_BIT].forEach((activation) => {
    it(`int8 with ${Activation[activation]} is refused, as TFLite refuses it`, async function () {
      await bothRefuse(integerModel({ ...integerBase, activation }, rng(11)), new RegExp(`SVDF.*integer SVDF runs only with the RELU fused activation, not ${Activation[activation]}`));
    });
  });

  it("int8 with an unquantized activation state is refused, as TFLite refuses it", async function () {
    await bothRefuse(integerModel(integerBase, rng(12), false), /SVDF.*activation state "activation_state" has no quantization parameters/);
  });

  HYBRID_CASES.forEach((c, k) => {
    it(`hybrid: ${c.name}`, async function () {
      const next = rng(900 + k);
      const bytes = hybridModel(c, next);
      const ours = ARITHMETICS.map((arithmetic) => new Interpreter(bytes, { keepState: true, arithmetic }));
      await oracle!.load(bytes);
      let nonZero = 0;
      for (let run = 0; run < 8; run++) {
        const values = hybridInputs(next, run, c.batch, c.inputSize);
        const { outputs } = await oracle!.run([values]);
        for (const [i, interpreter] of ours.entries()) {
          (interpreter.inputs[0].data as Float32Array).set(values);
          interpreter.invoke();
          assertSame(interpreter.outputs[0].data as Float32Array, outputs[0].data, `${ARITHMETICS[i]} run ${run}`);
        }
        nonZero += Array.from(outputs[0].data).filter((v) => v !== 0).length;
      }
      assert.ok(nonZero > 0, "the outputs are not all zero");
    });
  });
});

describe("SVDF refusals", function () {
  it("names the operator and the activation it does not run", function () {
    const bytes = svdfModel({ name: "unknown", batch: 1, inputSize: 3, units: 2, rank: 1, memory: 2, bias: false, activation: 22 as Activation }, rng(9));
    assert.throws(() => new Interpreter(bytes), /SVDF.*activation 22 is not supported/);
  });

  it("names the input and weights types it has no kernel for", function () {
    const m = new ModelBuilder();
    const { INT8, FLOAT32 } = TensorType;
    const x = m.addTensor({ name: "input", shape: [1, 3], type: INT8, quantization: { scale: [0.1], zeroPoint: [0] } });
    const wf = m.addTensor({ name: "weights_feature", shape: [2, 3], type: FLOAT32, data: elementBytes(FLOAT32, [1, 2, 3, 4, 5, 6]) });
    const wt = m.addTensor({ name: "weights_time", shape: [2, 2], type: FLOAT32, data: elementBytes(FLOAT32, [1, 2, 3, 4]) });
    const state = m.addTensor({ name: "activation_state", shape: [1, 4], type: FLOAT32, isVariable: true });
    const y = m.addTensor({ name: "output", shape: [1, 2], type: INT8, quantization: { scale: [0.1], zeroPoint: [0] } });
    svdfOperator(m, { ...CASES[0], rank: 1 }, [x, wf, wt, -1, state], y);
    assert.throws(() => new Interpreter(m.finish([x], [y])), /SVDF.*INT8 input with FLOAT32 weights_feature is not supported/);
  });
});
