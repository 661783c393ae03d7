/**
 * The integer (8x8_16) UNIDIRECTIONAL_SEQUENCE_LSTM on its own, against tfjs-tflite (TFLite's kernels in
 * WASM): small generated models whose output is the LSTM's own int8 output, with nonzero zero points, in the
 * variants TFLite's integer kernel has — plain, CIFG, peephole, layer normalisation, projection, cell and
 * projection clipping, batch- and time-major, two cell-state scales, an int8 cell state (which TFLite's kernel
 * reads and writes as int16) — compared bit for bit over several runs
 * with the state carried between them. The models are written here because they need the operator's
 * intermediate tensors, which the project's ModelBuilder does not write. Also the hybrid LSTM (float32 activations
 * and state, int8 weights; symmetric and asymmetric input quantization, CIFG, cell clip, batch- and time-major) on
 * uniform and edge-valued inputs (zero rows, one-signed, constant, huge), bit for bit in both arithmetics, and the
 * float32 LSTM on the same models with the weights dequantized.
 */
import { strict as assert } from "assert";
import { Builder } from "flatbuffers";
import { Interpreter } from "../../lib/tflite/interpreter";
import { Activation, BuiltinOperator, BuiltinOptionsType, F, TensorType } from "../../lib/tflite/schema";
import { TfliteOracle } from "./oracle/tfjs-tflite-oracle";
import { skipWithoutShared } from "./shared-models";
import { rng } from "./operator-cases";

interface T {
  shape: number[];
  type: TensorType;
  data?: Uint8Array;
  scale?: number;
  zeroPoint?: number;
  variable?: boolean;
}

/** A one-operator model: tensors, the LSTM's inputs (-1 absent), its intermediates, options. */
function lstmModel(tensors: T[], inputs: number[], output: number, intermediates: number[], opts: { cellClip: number; projClip: number; timeMajor: boolean; asymmetric?: boolean; step?: boolean }): Uint8Array {
  const b = new Builder(4096);
  const ints = (v: number[]) => {
    b.startVector(4, v.length, 4);
    for (let i = v.length - 1; i >= 0; i--) b.addInt32(v[i]);
    return b.endVector();
  };
  const offsets = (v: number[]) => {
    b.startVector(4, v.length, 4);
    for (let i = v.length - 1; i >= 0; i--) b.addOffset(v[i]);
    return b.endVector();
  };
  const buffers: number[] = [];
  b.startObject(3);
  buffers.push(b.endObject());
  const bufferOf = tensors.map((t) => {
    if (!t.data) return 0;
    b.startVector(1, t.data.length, 16);
    for (let i = t.data.length - 1; i >= 0; i--) b.addInt8(t.data[i]);
    const vec = b.endVector();
    b.startObject(3);
    b.addFieldOffset(F.Buffer.data, vec, 0);
    return buffers.push(b.endObject()) - 1;
  });
  const tensorOffsets = tensors.map((t, i) => {
    const name = b.createString(`t${i}`);
    const shape = ints(t.shape);
    let quant = 0;
    if (t.scale !== undefined) {
      b.startVector(4, 1, 4);
      b.addFloat32(t.scale);
      const scale = b.endVector();
      b.startVector(8, 1, 8);
      b.addInt64(BigInt(t.zeroPoint ?? 0));
      const zp = b.endVector();
      b.startObject(7);
      b.addFieldOffset(F.Quantization.scale, scale, 0);
      b.addFieldOffset(F.Quantization.zero_point, zp, 0);
      quant = b.endObject();
    }
    b.startObject(8);
    b.addFieldOffset(F.Tensor.shape, shape, 0);
    b.addFieldInt8(F.Tensor.type, t.type, 0);
    b.addFieldInt32(F.Tensor.buffer, bufferOf[i], 0);
    b.addFieldOffset(F.Tensor.name, name, 0);
    if (quant) b.addFieldOffset(F.Tensor.quantization, quant, 0);
    if (t.variable) b.addFieldInt8(F.Tensor.is_variable, 1, 0);
    return b.endObject();
  });
  const U = F.UnidirectionalSequenceLSTMOptions;
  b.startObject(6);
  b.addFieldInt8(U.fused_activation_function, Activation.TANH, 0);
  b.addFieldFloat32(U.cell_clip, opts.cellClip, 0);
  b.addFieldFloat32(U.proj_clip, opts.projClip, 0);
  b.addFieldInt8(U.time_major, opts.timeMajor ? 1 : 0, 0);
  if (opts.asymmetric) b.addFieldInt8(U.asymmetric_quantize_inputs, 1, 0);
  const options = b.endObject();
  const opIns = ints(inputs);
  const opOuts = ints([output]);
  const opInter = ints(intermediates);
  b.startObject(9);
  b.addFieldInt32(F.Operator.opcode_index, 0, 0);
  b.addFieldOffset(F.Operator.inputs, opIns, 0);
  b.addFieldOffset(F.Operator.outputs, opOuts, 0);
  b.addFieldInt8(F.Operator.builtin_options_type, opts.step ? BuiltinOptionsType.LSTMOptions : BuiltinOptionsType.UnidirectionalSequenceLSTMOptions, 0);
  b.addFieldOffset(F.Operator.builtin_options, options, 0);
  b.addFieldOffset(F.Operator.intermediates, opInter, 0);
  const op = b.endObject();
  const graphName = b.createString("main");
  const tensorsVec = offsets(tensorOffsets);
  const inVec = ints([0]);
  const outVec = ints([output]);
  const opsVec = offsets([op]);
  b.startObject(5);
  b.addFieldOffset(F.SubGraph.tensors, tensorsVec, 0);
  b.addFieldOffset(F.SubGraph.inputs, inVec, 0);
  b.addFieldOffset(F.SubGraph.outputs, outVec, 0);
  b.addFieldOffset(F.SubGraph.operators, opsVec, 0);
  b.addFieldOffset(F.SubGraph.name, graphName, 0);
  const graph = b.endObject();
  b.startObject(4);
  const opcode = opts.step ? BuiltinOperator.LSTM : BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM;
  b.addFieldInt8(F.OperatorCode.deprecated_builtin_code, opcode, 0);
  b.addFieldInt32(F.OperatorCode.version, 1, 1);
  b.addFieldInt32(F.OperatorCode.builtin_code, opcode, 0);
  const code = b.endObject();
  const desc = b.createString("integer LSTM differential case");
  const codesVec = offsets([code]);
  const graphsVec = offsets([graph]);
  const buffersVec = offsets(buffers);
  b.startObject(8);
  b.addFieldInt32(F.Model.version, 3, 0);
  b.addFieldOffset(F.Model.operator_codes, codesVec, 0);
  b.addFieldOffset(F.Model.subgraphs, graphsVec, 0);
  b.addFieldOffset(F.Model.description, desc, 0);
  b.addFieldOffset(F.Model.buffers, buffersVec, 0);
  b.finish(b.endObject(), "TFL3");
  return b.asUint8Array().slice();
}

/** Deterministic pseudo-random numbers (mulberry32). */

interface Variant {
  name: string;
  batch: number;
  steps: number;
  nInput: number;
  nCell: number;
  nOutput: number;
  cifg?: boolean;
  peephole?: boolean;
  layerNorm?: boolean;
  projection?: boolean;
  timeMajor?: boolean;
  cellClip?: number;
  projClip?: number;
  cellScale: number;
  hiddenZp?: number;
  /** an int8 cell state tensor (TFLite runs the 8x8_16 kernel on it, reading and writing it as int16) */
  cell8?: boolean;
}

function buildVariant(v: Variant, seed: number): Uint8Array {
  const next = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const bytesOf = (type: TensorType, values: number[]) => {
    const arr = type === TensorType.INT8 ? Int8Array.from(values) : type === TensorType.INT16 ? Int16Array.from(values) : Int32Array.from(values);
    return new Uint8Array(arr.buffer);
  };
  const tensors: T[] = [];
  const add = (t: T) => tensors.push(t) - 1;
  const constant = (type: TensorType, shape: number[], lo: number, hi: number, scale: number) => {
    const n = shape.reduce((a, c) => a * c, 1);
    return add({ type, shape, scale, zeroPoint: 0, data: bytesOf(type, Array.from({ length: n }, () => int(lo, hi))) });
  };
  const inputScale = 0.02;
  const stateScale = 1 / 128;
  const x = add({ type: TensorType.INT8, shape: v.timeMajor ? [v.steps, v.batch, v.nInput] : [v.batch, v.steps, v.nInput], scale: inputScale, zeroPoint: -7 });
  const inputs = new Array<number>(24).fill(-1);
  inputs[0] = x;
  for (let g = 0; g < 4; g++) {
    if (v.cifg && g === 0) continue;
    inputs[1 + g] = constant(TensorType.INT8, [v.nCell, v.nInput], -127, 127, 0.01 + 0.002 * g);
    inputs[5 + g] = constant(TensorType.INT8, [v.nCell, v.nOutput], -127, 127, 0.012 - 0.002 * g);
    // with layer normalisation the bias is added after normalising (units of coefficient scale × 2^-10)
    inputs[12 + g] = constant(TensorType.INT32, [v.nCell], -20000, 20000, v.layerNorm ? 2 ** -22 : inputScale * (0.01 + 0.002 * g));
    if (v.layerNorm) inputs[20 + g] = constant(TensorType.INT16, [v.nCell], 1500, 6000, 2 ** -12);
  }
  if (v.peephole) {
    if (!v.cifg) inputs[9] = constant(TensorType.INT16, [v.nCell], -3000, 3000, 1 / 4096);
    inputs[10] = constant(TensorType.INT16, [v.nCell], -3000, 3000, 1 / 4096);
    inputs[11] = constant(TensorType.INT16, [v.nCell], -3000, 3000, 1 / 4096);
  }
  if (v.projection) {
    inputs[16] = constant(TensorType.INT8, [v.nOutput, v.nCell], -127, 127, 0.015);
    inputs[17] = constant(TensorType.INT32, [v.nOutput], -3000, 3000, 0.015 / 128);
  }
  inputs[18] = add({ type: TensorType.INT8, shape: [v.batch, v.nOutput], scale: stateScale, zeroPoint: 5, variable: true });
  inputs[19] = add({ type: v.cell8 ? TensorType.INT8 : TensorType.INT16, shape: [v.batch, v.nCell], scale: 2 ** v.cellScale, zeroPoint: 0, variable: true });
  const output = add({ type: TensorType.INT8, shape: v.timeMajor ? [v.steps, v.batch, v.nOutput] : [v.batch, v.steps, v.nOutput], scale: stateScale, zeroPoint: 5 });
  const intermediates: number[] = [];
  for (let g = 0; g < 4; g++) intermediates.push(add(v.layerNorm ? { type: TensorType.INT16, shape: [0], scale: 0.0004 + 0.0001 * g, zeroPoint: 0 } : { type: TensorType.FLOAT32, shape: [0] }));
  intermediates.push(add({ type: TensorType.INT8, shape: [0], scale: v.projection ? 1 / 200 : stateScale, zeroPoint: v.hiddenZp ?? 0 }));
  return lstmModel(tensors, inputs, output, intermediates, { cellClip: v.cellClip ?? 0, projClip: v.projClip ?? 0, timeMajor: !!v.timeMajor });
}

const VARIANTS: Variant[] = [
  { name: "plain, batch-major, 2 batches", batch: 2, steps: 5, nInput: 6, nCell: 4, nOutput: 4, cellScale: -12 },
  { name: "plain, time-major, 3 batches, cell clip, cell state 2^-11", batch: 3, steps: 4, nInput: 5, nCell: 6, nOutput: 6, timeMajor: true, cellClip: 3, cellScale: -11 },
  { name: "CIFG with peephole and cell clip", batch: 2, steps: 5, nInput: 6, nCell: 5, nOutput: 5, cifg: true, peephole: true, cellClip: 2.5, cellScale: -12 },
  { name: "peephole", batch: 1, steps: 6, nInput: 3, nCell: 4, nOutput: 4, peephole: true, cellScale: -12 },
  { name: "layer normalisation", batch: 2, steps: 5, nInput: 6, nCell: 8, nOutput: 8, layerNorm: true, cellScale: -12 },
  { name: "layer normalisation, CIFG, peephole, time-major", batch: 2, steps: 4, nInput: 4, nCell: 4, nOutput: 4, layerNorm: true, cifg: true, peephole: true, timeMajor: true, cellScale: -11 },
  { name: "projection with clip and a hidden zero point", batch: 2, steps: 5, nInput: 6, nCell: 6, nOutput: 3, projection: true, projClip: 0.6, hiddenZp: 3, cellScale: -12 },
  { name: "layer normalisation and projection", batch: 1, steps: 5, nInput: 5, nCell: 4, nOutput: 4, layerNorm: true, projection: true, hiddenZp: -2, cellScale: -12 },
  { name: "int8 cell state, 2 batches", batch: 2, steps: 5, nInput: 6, nCell: 4, nOutput: 4, cellScale: -12, cell8: true },
  // TFLite's arena pads the int8 cell state to 16 bytes: up to 8 int16 values its kernel writes stay inside; with
  // more it overwrites the neighbouring tensor (15 cells here: 2 of 60 outputs differ, memory corruption on its side)
  { name: "int8 cell state 2^-11, CIFG with peephole, time-major, 8 cells", batch: 1, steps: 6, nInput: 5, nCell: 8, nOutput: 8, cifg: true, peephole: true, timeMajor: true, cellScale: -11, cell8: true },
];

describe("integer LSTM (8x8_16) against tfjs-tflite", function () {
  this.timeout(60000);
  let oracle: TfliteOracle | undefined;

  before(function () {
    skipWithoutShared(this); // the oracle is only set up where the shared models are
    oracle = new TfliteOracle();
  });

  after(async function () {
    await oracle?.close();
  });

  VARIANTS.forEach((v, k) => {
    it(v.name, async function () {
      const bytes = buildVariant(v, 1000 + k);
      const it = new Interpreter(bytes, { arithmetic: "xnnpack", keepState: true });
      await oracle!.load(bytes);
      const next = rng(77 + k);
      // TFLite resets an int8 variable tensor to its zero point (tflite::ResetVariableTensor): so must we
      const outputState = it.tensors.find((t) => t.isVariable && t.type === TensorType.INT8)!;
      assert.ok(Array.from(outputState.data as Int8Array).every((x) => x === outputState.zeroPoint), "the output state starts at its zero point");
      for (let run = 0; run < 4; run++) {
        const values = Array.from({ length: it.inputs[0].size }, () => Math.floor(next() * 256) - 128);
        (it.inputs[0].data as Int8Array).set(values);
        it.invoke();
        const { outputs } = await oracle!.run([Int8Array.from(values)]);
        const ours = Array.from(it.outputs[0].data as Int8Array);
        const theirs = Array.from(outputs[0].data);
        const differing = ours.map((a, i) => a - theirs[i]).filter((d) => d !== 0);
        assert.equal(differing.length, 0, `run ${run}: ${differing.length} of ${ours.length} outputs differ\n ours   ${ours}\n theirs ${theirs}`);
      }
    });
  });
});

interface HybridVariant {
  name: string;
  batch: number;
  steps: number;
  nInput: number;
  nCell: number;
  cifg?: boolean;
  timeMajor?: boolean;
  cellClip?: number;
  asymmetric?: boolean;
  /** float32 weights (the same values dequantized): the float kernel on the same models */
  float?: boolean;
  /** the LSTM operator (one step: input [batch, inputs]) instead of UNIDIRECTIONAL_SEQUENCE_LSTM; steps must be 1 */
  step?: boolean;
  peephole?: boolean;
  /** a projection to this many outputs (int8 or float32 weights as the others, a float32 bias) */
  projection?: number;
  projClip?: number;
  /** float32 layer normalisation coefficients for every gate */
  layerNorm?: boolean;
}

/** A float32 LSTM with int8 weights (per-tensor scales, zero point 0), float32 biases and state. */
function buildHybridVariant(v: HybridVariant, seed: number): Uint8Array {
  const next = rng(seed);
  const tensors: T[] = [];
  const add = (t: T) => tensors.push(t) - 1;
  const int8s = (shape: number[], scale: number) => {
    const n = shape.reduce((a, c) => a * c, 1);
    const values = Array.from({ length: n }, () => (next() < 0.1 ? (next() < 0.5 ? -127 : 127) : Math.floor(next() * 255) - 127));
    if (v.float) return add({ type: TensorType.FLOAT32, shape, data: new Uint8Array(Float32Array.from(values, (q) => q * scale).buffer) });
    return add({ type: TensorType.INT8, shape, scale, zeroPoint: 0, data: new Uint8Array(Int8Array.from(values).buffer) });
  };
  const floats = (shape: number[], lo: number, hi: number) => {
    const n = shape.reduce((a, c) => a * c, 1);
    return add({ type: TensorType.FLOAT32, shape, data: new Uint8Array(Float32Array.from({ length: n }, () => lo + next() * (hi - lo)).buffer) });
  };
  const nOutput = v.projection ?? v.nCell;
  const x = add({ type: TensorType.FLOAT32, shape: v.step ? [v.batch, v.nInput] : v.timeMajor ? [v.steps, v.batch, v.nInput] : [v.batch, v.steps, v.nInput] });
  const inputs = new Array<number>(24).fill(-1);
  inputs[0] = x;
  for (let g = 0; g < 4; g++) {
    if (v.cifg && g === 0) continue;
    inputs[1 + g] = int8s([v.nCell, v.nInput], Math.fround(0.004 + next() * 0.01));
    inputs[5 + g] = int8s([v.nCell, nOutput], Math.fround(0.004 + next() * 0.01));
    inputs[12 + g] = floats([v.nCell], g === 1 ? 0.5 : -0.5, g === 1 ? 1.5 : 0.5);
  }
  if (v.peephole) for (let g = v.cifg ? 1 : 0; g < 3; g++) inputs[9 + g] = int8s([v.nCell], Math.fround(0.002 + next() * 0.004));
  if (v.layerNorm) for (let g = v.cifg ? 1 : 0; g < 4; g++) inputs[20 + g] = floats([v.nCell], 0.5, 1.5);
  if (v.projection) {
    inputs[16] = int8s([nOutput, v.nCell], Math.fround(0.004 + next() * 0.01));
    inputs[17] = floats([nOutput], -0.2, 0.2);
  }
  inputs[18] = add({ type: TensorType.FLOAT32, shape: [v.batch, nOutput], variable: true });
  inputs[19] = add({ type: TensorType.FLOAT32, shape: [v.batch, v.nCell], variable: true });
  const output = add({ type: TensorType.FLOAT32, shape: v.step ? [v.batch, nOutput] : v.timeMajor ? [v.steps, v.batch, nOutput] : [v.batch, v.steps, nOutput] });
  return lstmModel(tensors, inputs, output, [], { cellClip: v.cellClip ?? 0, projClip: v.projClip ?? 0, timeMajor: !!v.timeMajor, asymmetric: v.asymmetric, step: v.step });
}

const HYBRID_VARIANTS: HybridVariant[] = [
  { name: "symmetric, batch-major, 2 batches", batch: 2, steps: 5, nInput: 6, nCell: 4 },
  { name: "asymmetric, batch-major, 3 batches", batch: 3, steps: 4, nInput: 5, nCell: 6, asymmetric: true },
  { name: "symmetric, time-major, 3 batches, cell clip", batch: 3, steps: 4, nInput: 7, nCell: 5, timeMajor: true, cellClip: 1.5 },
  { name: "asymmetric, time-major, CIFG", batch: 2, steps: 6, nInput: 4, nCell: 3, timeMajor: true, cifg: true, asymmetric: true },
  { name: "symmetric, CIFG, cell clip, 1 batch", batch: 1, steps: 7, nInput: 9, nCell: 8, cifg: true, cellClip: 2 },
  { name: "asymmetric, 40 inputs, 2 batches", batch: 2, steps: 3, nInput: 40, nCell: 6, asymmetric: true },
  { name: "LSTM (one step) hybrid, symmetric, 3 batches, cell clip", batch: 3, steps: 1, nInput: 6, nCell: 5, cellClip: 1.5, step: true },
  { name: "LSTM (one step) hybrid, asymmetric, CIFG, 2 batches", batch: 2, steps: 1, nInput: 9, nCell: 4, cifg: true, asymmetric: true, step: true },
  { name: "LSTM (one step) float32 weights, 2 batches", batch: 2, steps: 1, nInput: 5, nCell: 7, float: true, step: true },
  { name: "hybrid peephole, symmetric, 2 batches, cell clip", batch: 2, steps: 5, nInput: 6, nCell: 5, peephole: true, cellClip: 2 },
  { name: "hybrid peephole, asymmetric, CIFG, time-major", batch: 3, steps: 4, nInput: 5, nCell: 4, peephole: true, cifg: true, timeMajor: true, asymmetric: true },
  { name: "hybrid projection, symmetric, 2 batches", batch: 2, steps: 5, nInput: 6, nCell: 6, projection: 3 },
  { name: "hybrid projection with clip, peephole, asymmetric, time-major", batch: 2, steps: 4, nInput: 5, nCell: 5, projection: 7, projClip: 0.3, peephole: true, asymmetric: true, timeMajor: true },
  { name: "float32 weights, projection with clip, CIFG, peephole", batch: 2, steps: 5, nInput: 6, nCell: 8, projection: 5, projClip: 0.25, cifg: true, peephole: true, float: true },
  { name: "float32 weights, projection, LSTM (one step)", batch: 3, steps: 1, nInput: 4, nCell: 6, projection: 4, float: true, step: true },
  { name: "hybrid layer norm, symmetric, 2 batches", batch: 2, steps: 5, nInput: 6, nCell: 5, layerNorm: true },
  { name: "hybrid layer norm, CIFG, peephole, projection, asymmetric, time-major", batch: 2, steps: 4, nInput: 5, nCell: 6, layerNorm: true, cifg: true, peephole: true, projection: 4, asymmetric: true, timeMajor: true },
  { name: "float32 weights, layer norm, peephole, 3 batches", batch: 3, steps: 4, nInput: 6, nCell: 7, layerNorm: true, peephole: true, float: true },
  { name: "float32 weights, layer norm, CIFG, projection with clip", batch: 2, steps: 5, nInput: 5, nCell: 9, layerNorm: true, cifg: true, projection: 3, projClip: 0.4, float: true },
  { name: "float32 weights, peephole, 2 batches", batch: 2, steps: 5, nInput: 7, nCell: 6, peephole: true, float: true },
  { name: "float32 weights, peephole, CIFG, LSTM (one step)", batch: 2, steps: 1, nInput: 5, nCell: 5, peephole: true, cifg: true, float: true, step: true },
  { name: "float32 weights, batch-major, 2 batches", batch: 2, steps: 5, nInput: 6, nCell: 4, float: true },
  { name: "float32 weights, time-major, 3 batches, cell clip, 9 cells", batch: 3, steps: 4, nInput: 7, nCell: 9, timeMajor: true, cellClip: 1.5, float: true },
  { name: "float32 weights, CIFG, 40 inputs, 17 cells", batch: 2, steps: 4, nInput: 40, nCell: 17, cifg: true, float: true },
];

/** float inputs for a run: uniform, then rows of zeros, one-signed, constant and huge values in turn */
function hybridInputs(size: number, nInput: number, run: number, next: () => number): Float32Array {
  const kinds = [() => next() * 4 - 2, () => 0, () => 0.25 + next() * 2, () => -1.25, () => (next() * 2 - 1) * 1e4];
  return Float32Array.from({ length: size }, (_, i) => {
    const row = Math.floor(i / nInput);
    const kind = run === 0 ? 0 : (row + run) % kinds.length;
    return kinds[kind]();
  });
}

describe("hybrid LSTM (float32, int8 weights) and float32 LSTM against tfjs-tflite", function () {
  this.timeout(60000);
  let oracle: TfliteOracle | undefined;

  before(function () {
    oracle = new TfliteOracle();
  });

  after(async function () {
    await oracle?.close();
  });

  HYBRID_VARIANTS.forEach((v, k) => {
    it(v.name, async function () {
      const bytes = buildHybridVariant(v, 3000 + k);
      // both arithmetics, and (the float kernel's gate sums) with and without WebAssembly SIMD
      const ours = [new Interpreter(bytes, { arithmetic: "reference", keepState: true }), new Interpreter(bytes, { arithmetic: "xnnpack", keepState: true }), new Interpreter(bytes, { keepState: true, simd: false })];
      await oracle!.load(bytes);
      const next = rng(91 + k);
      for (let run = 0; run < 8; run++) {
        const values = hybridInputs(ours[0].inputs[0].size, v.nInput, run, next);
        const { outputs } = await oracle!.run([values]);
        const theirs = Array.from(outputs[0].data);
        for (const it of ours) {
          (it.inputs[0].data as Float32Array).set(values);
          it.invoke();
          const got = Array.from(it.outputs[0].data as Float32Array);
          const differing = got.filter((a, i) => !Object.is(a, theirs[i]));
          assert.equal(differing.length, 0, `run ${run}: ${differing.length} of ${got.length} outputs differ\n ours   ${got}\n theirs ${theirs}`);
        }
      }
    });
  });
});
