/**
 * Writes TFLite models (schema v3 FlatBuffers): tensors with optional constant data and quantization, builtin
 * operators with their options, one subgraph. `denseModel` builds a float FULLY_CONNECTED network (a
 * classifier or autoencoder) from trained weights.
 */
import { Builder } from "flatbuffers";
import { F, TensorType, BuiltinOptionsType, BuiltinOperator, Activation } from "./schema";

export interface TensorSpec {
  name: string;
  shape: number[];
  type: TensorType;
  /** constant contents, little-endian bytes of the element type */
  data?: Uint8Array;
  quantization?: { scale: number[]; zeroPoint: number[]; quantizedDimension?: number };
  isVariable?: boolean;
}

export interface OperatorSpec {
  builtin: number;
  inputs: number[];
  outputs: number[];
  optionsType?: number;
  /** writes the options table and returns its offset */
  options?: (b: Builder) => number;
  /** with builtin CUSTOM: the custom operator's name (its operator code's custom_code) */
  custom?: string;
  /** with builtin CUSTOM: its options, a FlexBuffer (see flexMap) */
  customOptions?: Uint8Array;
}

export class ModelBuilder {
  private readonly tensors: TensorSpec[] = [];
  private readonly operators: OperatorSpec[] = [];

  addTensor(spec: TensorSpec): number {
    return this.tensors.push(spec) - 1;
  }

  addOperator(spec: OperatorSpec): void {
    this.operators.push(spec);
  }

  finish(inputs: number[], outputs: number[], description = "edge-ai model-builder"): Uint8Array {
    const b = new Builder(1024);
    // one operator code per builtin, and per name for custom operators
    const codeKey = (o: OperatorSpec) => (o.builtin === BuiltinOperator.CUSTOM ? `${o.builtin}:${o.custom ?? ""}` : `${o.builtin}`);
    const codeKeys = [...new Set(this.operators.map(codeKey))];
    const codes = codeKeys.map((key) => this.operators.find((o) => codeKey(o) === key)!);
    // buffers: 0 is the empty sentinel; each constant tensor gets its own
    const bufferOffsets: number[] = [];
    const emptyBuffer = (() => {
      b.startObject(3);
      return b.endObject();
    })();
    bufferOffsets.push(emptyBuffer);
    const tensorBuffer: number[] = [];
    for (const t of this.tensors) {
      if (!t.data) {
        tensorBuffer.push(0);
        continue;
      }
      b.startVector(1, t.data.length, 16);
      for (let i = t.data.length - 1; i >= 0; i--) b.addInt8(t.data[i]);
      const vec = b.endVector();
      b.startObject(3);
      b.addFieldOffset(F.Buffer.data, vec, 0);
      bufferOffsets.push(b.endObject());
      tensorBuffer.push(bufferOffsets.length - 1);
    }
    const tensorOffsets = this.tensors.map((t, i) => {
      const name = b.createString(t.name);
      const shape = intVector(b, t.shape);
      let quant = 0;
      if (t.quantization) {
        const scale = floatVector(b, t.quantization.scale);
        b.startVector(8, t.quantization.zeroPoint.length, 8);
        for (let k = t.quantization.zeroPoint.length - 1; k >= 0; k--) b.addInt64(BigInt(t.quantization.zeroPoint[k]));
        const zp = b.endVector();
        b.startObject(7);
        b.addFieldOffset(F.Quantization.scale, scale, 0);
        b.addFieldOffset(F.Quantization.zero_point, zp, 0);
        b.addFieldInt32(F.Quantization.quantized_dimension, t.quantization.quantizedDimension ?? 0, 0);
        quant = b.endObject();
      }
      b.startObject(8);
      b.addFieldOffset(F.Tensor.shape, shape, 0);
      b.addFieldInt8(F.Tensor.type, t.type, 0);
      b.addFieldInt32(F.Tensor.buffer, tensorBuffer[i], 0);
      b.addFieldOffset(F.Tensor.name, name, 0);
      if (quant) b.addFieldOffset(F.Tensor.quantization, quant, 0);
      if (t.isVariable) b.addFieldInt8(F.Tensor.is_variable, 1, 0);
      return b.endObject();
    });
    const operatorOffsets = this.operators.map((o) => {
      const ins = intVector(b, o.inputs);
      const outs = intVector(b, o.outputs);
      const options = o.options ? o.options(b) : 0;
      let customOptions = 0;
      if (o.customOptions) {
        b.startVector(1, o.customOptions.length, 1);
        for (let i = o.customOptions.length - 1; i >= 0; i--) b.addInt8(o.customOptions[i]);
        customOptions = b.endVector();
      }
      b.startObject(9);
      b.addFieldInt32(F.Operator.opcode_index, codeKeys.indexOf(codeKey(o)), 0);
      if (customOptions) b.addFieldOffset(F.Operator.custom_options, customOptions, 0);
      b.addFieldOffset(F.Operator.inputs, ins, 0);
      b.addFieldOffset(F.Operator.outputs, outs, 0);
      if (options) {
        b.addFieldInt8(F.Operator.builtin_options_type, o.optionsType ?? 0, 0);
        b.addFieldOffset(F.Operator.builtin_options, options, 0);
      }
      return b.endObject();
    });
    const subgraphName = b.createString("main");
    const tensorsVec = offsetVector(b, tensorOffsets);
    const inputsVec = intVector(b, inputs);
    const outputsVec = intVector(b, outputs);
    const opsVec = offsetVector(b, operatorOffsets);
    b.startObject(5);
    b.addFieldOffset(F.SubGraph.tensors, tensorsVec, 0);
    b.addFieldOffset(F.SubGraph.inputs, inputsVec, 0);
    b.addFieldOffset(F.SubGraph.outputs, outputsVec, 0);
    b.addFieldOffset(F.SubGraph.operators, opsVec, 0);
    b.addFieldOffset(F.SubGraph.name, subgraphName, 0);
    const subgraph = b.endObject();
    const codeOffsets = codes.map(({ builtin: code, custom }) => {
      const customName = code === BuiltinOperator.CUSTOM ? b.createString(custom ?? "") : 0;
      b.startObject(4);
      if (customName) b.addFieldOffset(F.OperatorCode.custom_code, customName, 0);
      b.addFieldInt8(F.OperatorCode.deprecated_builtin_code, Math.min(code, 127), 0);
      b.addFieldInt32(F.OperatorCode.version, 1, 1);
      b.addFieldInt32(F.OperatorCode.builtin_code, code, 0);
      return b.endObject();
    });
    const desc = b.createString(description);
    const codesVec = offsetVector(b, codeOffsets);
    const subgraphsVec = offsetVector(b, [subgraph]);
    const buffersVec = offsetVector(b, bufferOffsets);
    b.startObject(8);
    b.addFieldInt32(F.Model.version, 3, 0);
    b.addFieldOffset(F.Model.operator_codes, codesVec, 0);
    b.addFieldOffset(F.Model.subgraphs, subgraphsVec, 0);
    b.addFieldOffset(F.Model.description, desc, 0);
    b.addFieldOffset(F.Model.buffers, buffersVec, 0);
    b.finish(b.endObject(), "TFL3");
    return b.asUint8Array().slice();
  }
}

function intVector(b: Builder, values: number[]): number {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addInt32(values[i]);
  return b.endVector();
}

function floatVector(b: Builder, values: number[]): number {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addFloat32(values[i]);
  return b.endVector();
}

function offsetVector(b: Builder, offsets: number[]): number {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]);
  return b.endVector();
}

export function float32Bytes(values: ArrayLike<number>): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

export interface DenseLayerSpec {
  /** [units][inputs] */
  weights: number[][];
  bias: number[];
  activation?: "none" | "relu" | "relu6";
  /** a SOFTMAX after this layer (classifier heads) */
  softmax?: boolean;
}

/** A float32 network of FULLY_CONNECTED layers: input [1, n] → … → output [1, units of the last layer]. */
export function denseModel(inputSize: number, layers: DenseLayerSpec[], names: { input?: string; output?: string } = {}): Uint8Array {
  const m = new ModelBuilder();
  let x = m.addTensor({ name: names.input ?? "input", shape: [1, inputSize], type: TensorType.FLOAT32 });
  layers.forEach((layer, i) => {
    const units = layer.bias.length;
    const depth = layer.weights[0]?.length ?? 0;
    if (layer.weights.length !== units || layer.weights.some((row) => row.length !== depth)) throw new Error(`layer ${i}: weights must be [${units}][${depth}]`);
    const last = i === layers.length - 1;
    const w = m.addTensor({ name: `dense${i}/weights`, shape: [units, depth], type: TensorType.FLOAT32, data: float32Bytes(layer.weights.flat()) });
    const b = m.addTensor({ name: `dense${i}/bias`, shape: [units], type: TensorType.FLOAT32, data: float32Bytes(layer.bias) });
    const y = m.addTensor({ name: last && !layer.softmax ? (names.output ?? "output") : `dense${i}/out`, shape: [1, units], type: TensorType.FLOAT32 });
    const act = layer.activation === "relu" ? Activation.RELU : layer.activation === "relu6" ? Activation.RELU6 : Activation.NONE;
    m.addOperator({
      builtin: BuiltinOperator.FULLY_CONNECTED,
      inputs: [x, w, b],
      outputs: [y],
      optionsType: BuiltinOptionsType.FullyConnectedOptions,
      options: (fb) => {
        fb.startObject(5);
        fb.addFieldInt8(F.FullyConnectedOptions.fused_activation_function, act, 0);
        return fb.endObject();
      },
    });
    x = y;
    if (layer.softmax) {
      const s = m.addTensor({ name: last ? (names.output ?? "output") : `softmax${i}`, shape: [1, units], type: TensorType.FLOAT32 });
      m.addOperator({
        builtin: BuiltinOperator.SOFTMAX,
        inputs: [x],
        outputs: [s],
        optionsType: BuiltinOptionsType.SoftmaxOptions,
        options: (fb) => {
          fb.startObject(1);
          fb.addFieldFloat32(F.SoftmaxOptions.beta, 1, 0);
          return fb.endObject();
        },
      });
      x = s;
    }
  });
  return m.finish([0], [x]);
}

/** One field of an operator's options table: its slot (schema order), how it is stored, its value. */
export type OptionField =
  | { slot: number; kind: "int8" | "int32" | "float32"; value: number }
  | { slot: number; kind: "bool"; value: boolean }
  | { slot: number; kind: "int32s"; value: number[] };

/** Writes an options table from its fields (for OperatorSpec.options). */
export function optionsTable(fields: OptionField[]): (b: Builder) => number {
  return (b) => {
    const vectors = fields.map((f) => (f.kind === "int32s" ? intVector(b, f.value) : 0));
    b.startObject(Math.max(0, ...fields.map((f) => f.slot + 1)));
    fields.forEach((f, i) => {
      if (f.kind === "int8") b.addFieldInt8(f.slot, f.value, 0);
      else if (f.kind === "int32") b.addFieldInt32(f.slot, f.value, 0);
      else if (f.kind === "float32") b.addFieldFloat32(f.slot, f.value, 0);
      else if (f.kind === "bool") b.addFieldInt8(f.slot, f.value ? 1 : 0, 0);
      else b.addFieldOffset(f.slot, vectors[i], 0);
    });
    return b.endObject();
  };
}

export interface OperandSpec {
  shape: number[];
  type: TensorType;
  quantization?: TensorSpec["quantization"];
  /** constant contents as numbers (written in the element type); absent: a model input */
  values?: ArrayLike<number>;
}

/** Little-endian bytes of numbers in a tensor element type. */
export function elementBytes(type: TensorType, values: ArrayLike<number>): Uint8Array {
  const from = Array.from(values);
  switch (type) {
    case TensorType.FLOAT32:
      return new Uint8Array(Float32Array.from(from).buffer);
    case TensorType.INT32:
      return new Uint8Array(Int32Array.from(from).buffer);
    case TensorType.INT16:
      return new Uint8Array(Int16Array.from(from).buffer);
    case TensorType.FLOAT16:
    case TensorType.UINT16:
      return new Uint8Array(Uint16Array.from(from).buffer);
    case TensorType.INT8:
      return new Uint8Array(Int8Array.from(from).buffer);
    case TensorType.UINT8:
    case TensorType.BOOL:
      return Uint8Array.from(from);
    case TensorType.INT64:
      return new Uint8Array(BigInt64Array.from(from.map((v) => BigInt(v))).buffer);
    default:
      throw new Error(`cannot write constants of type ${TensorType[type] ?? type}`);
  }
}

/**
 * A model of a single builtin operator: every operand without values is a model input (in order), every
 * output a model output. For conformance tests of one kernel against another runtime.
 */
export function singleOperatorModel(spec: {
  builtin: number;
  inputs: Array<OperandSpec | null>;
  outputs: OperandSpec[];
  optionsType?: number;
  options?: OptionField[];
}): Uint8Array {
  const m = new ModelBuilder();
  const modelInputs: number[] = [];
  const ins = spec.inputs.map((o, i) => {
    if (!o) return -1;
    const t = m.addTensor({ name: `in${i}`, shape: o.shape, type: o.type, quantization: o.quantization, data: o.values ? elementBytes(o.type, o.values) : undefined });
    if (!o.values) modelInputs.push(t);
    return t;
  });
  const outs = spec.outputs.map((o, i) => m.addTensor({ name: `out${i}`, shape: o.shape, type: o.type, quantization: o.quantization }));
  m.addOperator({ builtin: spec.builtin, inputs: ins, outputs: outs, optionsType: spec.optionsType, options: spec.options ? optionsTable(spec.options) : undefined });
  return m.finish(modelInputs, outs);
}
