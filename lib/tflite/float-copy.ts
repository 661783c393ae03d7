/**
 * A float32 copy of an integer model, written with the model builder: every quantized constant dequantized
 * ((q - zero point) × scale, per channel along the quantized dimension), every quantized activation tensor made
 * float32 without quantization, the same operators, options and graph. Used by the benchmark to time a model
 * tfjs-tflite refuses in its int8 form (person_detect) against its float twin; the copy computes (approximately)
 * what the integer model does, not bit for bit.
 */
import { readModel, type TensorDef } from "./model-reader";
import { ModelBuilder, float32Bytes, type TensorSpec } from "./model-builder";
import { BuiltinOptionsType, F, TensorType } from "./schema";
import type { Table } from "./flatbuffer-table";
import type { Builder } from "flatbuffers";

type FieldKind = "i8" | "i32" | "bool" | "f32";
/** Scalar fields of the options tables this copy rewrites (slot, kind, schema default). */
const OPTION_FIELDS: Record<number, Array<[number, FieldKind, number]>> = {
  [BuiltinOptionsType.Conv2DOptions]: [
    [F.Conv2DOptions.padding, "i8", 0], [F.Conv2DOptions.stride_w, "i32", 0], [F.Conv2DOptions.stride_h, "i32", 0],
    [F.Conv2DOptions.fused_activation_function, "i8", 0], [F.Conv2DOptions.dilation_w_factor, "i32", 1], [F.Conv2DOptions.dilation_h_factor, "i32", 1],
  ],
  [BuiltinOptionsType.DepthwiseConv2DOptions]: [
    [F.DepthwiseConv2DOptions.padding, "i8", 0], [F.DepthwiseConv2DOptions.stride_w, "i32", 0], [F.DepthwiseConv2DOptions.stride_h, "i32", 0],
    [F.DepthwiseConv2DOptions.depth_multiplier, "i32", 0], [F.DepthwiseConv2DOptions.fused_activation_function, "i8", 0],
    [F.DepthwiseConv2DOptions.dilation_w_factor, "i32", 1], [F.DepthwiseConv2DOptions.dilation_h_factor, "i32", 1],
  ],
  [BuiltinOptionsType.Pool2DOptions]: [
    [F.Pool2DOptions.padding, "i8", 0], [F.Pool2DOptions.stride_w, "i32", 0], [F.Pool2DOptions.stride_h, "i32", 0],
    [F.Pool2DOptions.filter_width, "i32", 0], [F.Pool2DOptions.filter_height, "i32", 0], [F.Pool2DOptions.fused_activation_function, "i8", 0],
  ],
  [BuiltinOptionsType.FullyConnectedOptions]: [
    [F.FullyConnectedOptions.fused_activation_function, "i8", 0], [F.FullyConnectedOptions.weights_format, "i8", 0], [F.FullyConnectedOptions.keep_num_dims, "bool", 0],
  ],
  [BuiltinOptionsType.SoftmaxOptions]: [[F.SoftmaxOptions.beta, "f32", 0]],
  // RESHAPE: its target shape is read from the shape tensor (input 1), so the options table is left empty
  [BuiltinOptionsType.ReshapeOptions]: [],
};

function copyOptions(type: number, table: Table | undefined): ((b: Builder) => number) | undefined {
  if (type === 0) return undefined;
  const fields = OPTION_FIELDS[type];
  if (!fields) throw new Error(`float copy: builtin options type ${type} is not supported`);
  if (!table) return undefined;
  return (b) => {
    b.startObject(fields.reduce((n, [slot]) => Math.max(n, slot + 1), 0));
    for (const [slot, kind, def] of fields) {
      if (kind === "i8") b.addFieldInt8(slot, table.int8(slot, def), def);
      else if (kind === "i32") b.addFieldInt32(slot, table.int32(slot, def), def);
      else if (kind === "bool") b.addFieldInt8(slot, table.bool(slot, def !== 0) ? 1 : 0, def);
      else b.addFieldFloat32(slot, table.float32(slot, def), def);
    }
    return b.endObject();
  };
}

function dequantizedConstant(t: TensorDef): Uint8Array {
  const q = t.quantization!;
  const bytes = t.data!;
  const count = t.shape.reduce((a, d) => a * d, 1);
  const view =
    t.type === TensorType.INT8 ? new Int8Array(bytes.slice(0, count).buffer)
      : t.type === TensorType.UINT8 ? new Uint8Array(bytes.slice(0, count))
        : t.type === TensorType.INT16 ? new Int16Array(bytes.slice(0, 2 * count).buffer)
          : t.type === TensorType.INT32 ? new Int32Array(bytes.slice(0, 4 * count).buffer)
            : undefined;
  if (!view) throw new Error(`float copy: quantized constant "${t.name}" of type ${TensorType[t.type]} is not supported`);
  // a per-channel bias [C] may carry its filter's quantized dimension (3 for depthwise filters): its only axis
  const dim = Math.min(q.quantizedDimension, t.shape.length - 1);
  const inner = t.shape.slice(dim + 1).reduce((a, d) => a * d, 1);
  const channels = t.shape[dim] ?? 1;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const c = q.scale.length > 1 ? Math.floor(i / inner) % channels : 0;
    out[i] = (view[i] - (q.zeroPoint[c] ?? 0)) * q.scale[c];
  }
  return float32Bytes(out);
}

/** The float32 twin of an integer model (see the file comment). */
export function floatCopy(modelBytes: Uint8Array): Uint8Array {
  const graph = readModel(modelBytes).subgraphs[0];
  const m = new ModelBuilder();
  for (const t of graph.tensors) {
    const quantized = t.quantization !== undefined && t.quantization.scale.length > 0 && t.type !== TensorType.FLOAT32;
    const spec: TensorSpec = { name: t.name, shape: t.shape, type: t.type, isVariable: t.isVariable };
    if (!quantized) {
      if (t.data) spec.data = t.data;
    } else {
      spec.type = TensorType.FLOAT32;
      if (t.data) spec.data = dequantizedConstant(t);
    }
    m.addTensor(spec);
  }
  for (const op of graph.operators) {
    m.addOperator({ builtin: op.builtinCode, inputs: op.inputs, outputs: op.outputs, optionsType: op.optionsType, options: copyOptions(op.optionsType, op.options) });
  }
  return m.finish(graph.inputs, graph.outputs, "float copy (edge-ai model-builder)");
}
