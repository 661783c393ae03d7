/**
 * Writes the reefer anomaly model as a TFLite FlatBuffer (schema v3, "TFL3"): normalise the raw window
 * (MUL, ADD), an autoencoder of FULLY_CONNECTED layers, then the mean squared reconstruction error
 * (SUB, MUL, MEAN), so the model's one output is the anomaly score. Only the handful of schema tables this
 * graph needs are written; field numbers follow tensorflow/lite/schema/schema.fbs.
 */
import * as flatbuffers from "flatbuffers";

export interface DenseLayer {
  /** [out][in] */
  weights: number[][];
  bias: number[];
  relu: boolean;
}

export interface AnomalyModel {
  /** per input element: x_norm = (x - mean) * scale */
  mean: number[];
  scale: number[];
  layers: DenseLayer[];
}

const OP = { ADD: 0, FULLY_CONNECTED: 9, MEAN: 40, MUL: 18, SUB: 41 } as const;
const OPTIONS = { FullyConnectedOptions: 8, AddOptions: 11, MulOptions: 21, ReducerOptions: 27, SubOptions: 28 } as const;
const FLOAT32 = 0;
const INT32 = 2;
const RELU = 1;

interface TensorSpec {
  name: string;
  shape: number[];
  type: number;
  data?: Uint8Array;
}

interface OperatorSpec {
  op: number;
  inputs: number[];
  outputs: number[];
  optionsType: number;
  options: (b: flatbuffers.Builder) => flatbuffers.Offset;
}

const f32 = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);

export function writeAnomalyModel(model: AnomalyModel): Buffer {
  const n = model.mean.length;
  const tensors: TensorSpec[] = [];
  const tensor = (spec: TensorSpec) => tensors.push(spec) - 1;
  const operators: OperatorSpec[] = [];
  const activation = (fused: number) => (b: flatbuffers.Builder) => {
    b.startObject(1);
    b.addFieldInt8(0, fused, 0);
    return b.endObject();
  };

  const input = tensor({ name: "window", shape: [1, n], type: FLOAT32 });
  const scale = tensor({ name: "norm/scale", shape: [1, n], type: FLOAT32, data: f32(model.scale) });
  const shift = tensor({ name: "norm/shift", shape: [1, n], type: FLOAT32, data: f32(model.mean.map((m, i) => -m * model.scale[i])) });
  const scaled = tensor({ name: "norm/scaled", shape: [1, n], type: FLOAT32 });
  const normalised = tensor({ name: "norm/out", shape: [1, n], type: FLOAT32 });
  operators.push({ op: OP.MUL, inputs: [input, scale], outputs: [scaled], optionsType: OPTIONS.MulOptions, options: activation(0) });
  operators.push({ op: OP.ADD, inputs: [scaled, shift], outputs: [normalised], optionsType: OPTIONS.AddOptions, options: activation(0) });

  let h = normalised;
  model.layers.forEach((layer, i) => {
    const out = layer.bias.length;
    const w = tensor({ name: `dense${i}/weights`, shape: [out, layer.weights[0].length], type: FLOAT32, data: f32(layer.weights.flat()) });
    const b = tensor({ name: `dense${i}/bias`, shape: [out], type: FLOAT32, data: f32(layer.bias) });
    const y = tensor({ name: `dense${i}/out`, shape: [1, out], type: FLOAT32 });
    operators.push({ op: OP.FULLY_CONNECTED, inputs: [h, w, b], outputs: [y], optionsType: OPTIONS.FullyConnectedOptions, options: activation(layer.relu ? RELU : 0) });
    h = y;
  });

  const diff = tensor({ name: "error/diff", shape: [1, n], type: FLOAT32 });
  const squared = tensor({ name: "error/squared", shape: [1, n], type: FLOAT32 });
  const axis = tensor({ name: "error/axis", shape: [1], type: INT32, data: new Uint8Array(Int32Array.of(1).buffer) });
  const score = tensor({ name: "anomaly_score", shape: [1, 1], type: FLOAT32 });
  operators.push({ op: OP.SUB, inputs: [h, normalised], outputs: [diff], optionsType: OPTIONS.SubOptions, options: activation(0) });
  operators.push({ op: OP.MUL, inputs: [diff, diff], outputs: [squared], optionsType: OPTIONS.MulOptions, options: activation(0) });
  operators.push({
    op: OP.MEAN,
    inputs: [squared, axis],
    outputs: [score],
    optionsType: OPTIONS.ReducerOptions,
    options: (b) => {
      b.startObject(1);
      b.addFieldInt8(0, 1, 0); // keep_dims
      return b.endObject();
    },
  });
  return serialise(tensors, operators, [input], [score]);
}

function serialise(tensors: TensorSpec[], operators: OperatorSpec[], inputs: number[], outputs: number[]): Buffer {
  const b = new flatbuffers.Builder(4096);
  const intVector = (values: number[]) => {
    b.startVector(4, values.length, 4);
    for (let i = values.length - 1; i >= 0; i--) b.addInt32(values[i]);
    return b.endVector();
  };
  const offsetVector = (offsets: flatbuffers.Offset[]) => {
    b.startVector(4, offsets.length, 4);
    for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]);
    return b.endVector();
  };

  // Buffer 0 is the empty sentinel; each constant tensor gets its own buffer.
  const buffers: flatbuffers.Offset[] = [];
  const emptyBuffer = () => {
    b.startObject(1);
    return b.endObject();
  };
  buffers.push(emptyBuffer());
  const tensorBuffer: number[] = [];
  for (const t of tensors) {
    if (!t.data) {
      tensorBuffer.push(0);
      continue;
    }
    b.startVector(1, t.data.length, 16);
    for (let i = t.data.length - 1; i >= 0; i--) b.addInt8(t.data[i]);
    const data = b.endVector();
    b.startObject(1);
    b.addFieldOffset(0, data, 0);
    tensorBuffer.push(buffers.push(b.endObject()) - 1);
  }

  const tensorOffsets = tensors.map((t, i) => {
    const name = b.createString(t.name);
    const shape = intVector(t.shape);
    b.startObject(4);
    b.addFieldOffset(0, shape, 0);
    b.addFieldInt8(1, t.type, 0);
    b.addFieldInt32(2, tensorBuffer[i], 0);
    b.addFieldOffset(3, name, 0);
    return b.endObject();
  });

  const codes = [...new Set(operators.map((o) => o.op))];
  const codeOffsets = codes.map((code) => {
    b.startObject(4);
    b.addFieldInt8(0, Math.min(code, 127), 0);
    b.addFieldInt32(2, 1, 1);
    b.addFieldInt32(3, code, 0);
    return b.endObject();
  });

  const operatorOffsets = operators.map((o) => {
    const ins = intVector(o.inputs);
    const outs = intVector(o.outputs);
    const options = o.options(b);
    b.startObject(5);
    b.addFieldInt32(0, codes.indexOf(o.op), 0);
    b.addFieldOffset(1, ins, 0);
    b.addFieldOffset(2, outs, 0);
    b.addFieldInt8(3, o.optionsType, 0);
    b.addFieldOffset(4, options, 0);
    return b.endObject();
  });

  const subgraphName = b.createString("main");
  const tensorsVec = offsetVector(tensorOffsets);
  const inputsVec = intVector(inputs);
  const outputsVec = intVector(outputs);
  const operatorsVec = offsetVector(operatorOffsets);
  b.startObject(5);
  b.addFieldOffset(0, tensorsVec, 0);
  b.addFieldOffset(1, inputsVec, 0);
  b.addFieldOffset(2, outputsVec, 0);
  b.addFieldOffset(3, operatorsVec, 0);
  b.addFieldOffset(4, subgraphName, 0);
  const subgraph = b.endObject();

  const codesVec = offsetVector(codeOffsets);
  const subgraphsVec = offsetVector([subgraph]);
  const description = b.createString("edge-ai reefer anomaly autoencoder (scripts/train-anomaly-model.ts)");
  const buffersVec = offsetVector(buffers);
  b.startObject(5);
  b.addFieldInt32(0, 3, 0);
  b.addFieldOffset(1, codesVec, 0);
  b.addFieldOffset(2, subgraphsVec, 0);
  b.addFieldOffset(3, description, 0);
  b.addFieldOffset(4, buffersVec, 0);
  b.finish(b.endObject(), "TFL3");
  return Buffer.from(b.asUint8Array());
}
