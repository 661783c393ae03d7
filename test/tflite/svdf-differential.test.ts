/**
 * Float32 SVDF on its own against tfjs-tflite (TFLite's kernels in WASM): one-operator models written by the
 * ModelBuilder with a variable activation state, in several shapes, ranks 1 and 2, with and without bias, RELU
 * and no activation, run several times in a row (the state carries over) and compared bit for bit.
 */
import { strict as assert } from "assert";
import { Interpreter } from "../../lib/tflite/interpreter";
import { ModelBuilder, elementBytes, optionsTable } from "../../lib/tflite/model-builder";
import { Activation, TensorType } from "../../lib/tflite/schema";
import { TfliteOracle } from "./oracle/tfjs-tflite-oracle";
import { skipWithoutShared } from "./shared-models";

const SVDF = 27;
const SVDF_OPTIONS = 6;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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

describe("SVDF refusals", function () {
  it("names the operator and the activation it does not run", function () {
    const bytes = svdfModel({ name: "unknown", batch: 1, inputSize: 3, units: 2, rank: 1, memory: 2, bias: false, activation: Activation.TANH }, rng(9));
    assert.throws(() => new Interpreter(bytes), /SVDF.*activation TANH is not supported/);
  });
});
