/**
 * Reads a .tflite FlatBuffer into plain descriptions of subgraphs, tensors and operators. Nothing is executed
 * here; the interpreter turns these into runnable kernels.
 */
import { Table } from "./flatbuffer-table";
import { F, TensorType, BuiltinOperator, builtinName } from "./schema";

export interface QuantizationDef {
  scale: number[];
  zeroPoint: number[];
  quantizedDimension: number;
}

export interface TensorDef {
  index: number;
  name: string;
  type: TensorType;
  shape: number[];
  /** -1 for dynamic dimensions, when the model records them */
  shapeSignature: number[];
  /** constant data (weights, biases, shapes) or undefined for activations */
  data?: Uint8Array;
  quantization?: QuantizationDef;
  isVariable: boolean;
}

export interface OperatorDef {
  index: number;
  builtinCode: number;
  customCode?: string;
  /** BUILTIN name, or CUSTOM:<name> */
  opName: string;
  version: number;
  /** -1 marks an optional input that is absent */
  inputs: number[];
  outputs: number[];
  intermediates: number[];
  optionsType: number;
  options?: Table;
  /** a custom operator's options (FlexBuffers, custom_options_format 0) */
  customOptions?: Uint8Array;
}

export interface SubgraphDef {
  name: string;
  tensors: TensorDef[];
  inputs: number[];
  outputs: number[];
  operators: OperatorDef[];
}

export interface ModelDef {
  version: number;
  description: string;
  subgraphs: SubgraphDef[];
}

export class ModelFormatError extends Error {}

export function readModel(bytes: Uint8Array): ModelDef {
  if (bytes.length < 8) throw new ModelFormatError("not a TFLite model: too short");
  const ident = String.fromCharCode(bytes[4], bytes[5], bytes[6], bytes[7]);
  if (ident !== "TFL3") throw new ModelFormatError(`not a TFLite model: file identifier is "${ident}", expected "TFL3"`);
  try {
    return readChecked(bytes);
  } catch (err) {
    if (err instanceof ModelFormatError) throw err;
    throw new ModelFormatError(`corrupt TFLite model: ${(err as Error).message}`);
  }
}

function readChecked(bytes: Uint8Array): ModelDef {
  const root = Table.root(bytes);
  const M = F.Model;
  const buffers = root.tables(M.buffers).map((b) => {
    const offset = b.uint64(F.Buffer.offset);
    const size = b.uint64(F.Buffer.size);
    if (offset > 1) {
      if (offset + size > bytes.length) throw new ModelFormatError("buffer outside the model file");
      return bytes.subarray(offset, offset + size);
    }
    const data = b.bytes(F.Buffer.data);
    return data && data.length > 0 ? data : undefined;
  });
  const codes = root.tables(M.operator_codes).map((c) => {
    const deprecated = c.int8(F.OperatorCode.deprecated_builtin_code, 0);
    const code = Math.max(deprecated, c.int32(F.OperatorCode.builtin_code, 0));
    return { code, custom: c.string(F.OperatorCode.custom_code), version: c.int32(F.OperatorCode.version, 1) };
  });
  const subgraphs = root.tables(M.subgraphs).map((sg): SubgraphDef => {
    const tensors = sg.tables(F.SubGraph.tensors).map((t, index): TensorDef => {
      const T = F.Tensor;
      const bufferIndex = t.uint32(T.buffer, 0);
      if (bufferIndex >= buffers.length && bufferIndex !== 0) throw new ModelFormatError(`tensor ${index} refers to missing buffer ${bufferIndex}`);
      const q = t.table(T.quantization);
      let quantization: QuantizationDef | undefined;
      if (q) {
        const scale = q.float32s(F.Quantization.scale);
        if (scale.length > 0) {
          quantization = {
            scale,
            zeroPoint: q.int64s(F.Quantization.zero_point),
            quantizedDimension: q.int32(F.Quantization.quantized_dimension, 0),
          };
          if (quantization.zeroPoint.length === 0) quantization.zeroPoint = scale.map(() => 0);
        }
      }
      return {
        index,
        name: t.string(T.name) ?? `tensor_${index}`,
        type: t.int8(T.type, 0) as TensorType,
        shape: t.int32s(T.shape),
        shapeSignature: t.int32s(T.shape_signature),
        data: bufferIndex > 0 ? buffers[bufferIndex] : undefined,
        quantization,
        isVariable: t.bool(T.is_variable, false),
      };
    });
    const operators = sg.tables(F.SubGraph.operators).map((op, index): OperatorDef => {
      const O = F.Operator;
      const codeIndex = op.uint32(O.opcode_index, 0);
      const c = codes[codeIndex];
      if (!c) throw new ModelFormatError(`operator ${index} refers to missing operator code ${codeIndex}`);
      const opName = c.code === BuiltinOperator.CUSTOM ? `CUSTOM:${c.custom ?? "?"}` : builtinName(c.code);
      const inputs = op.int32s(O.inputs);
      const outputs = op.int32s(O.outputs);
      for (const i of [...inputs, ...outputs]) {
        if (i >= tensors.length || i < -1) throw new ModelFormatError(`operator ${index} (${opName}) refers to missing tensor ${i}`);
      }
      return {
        index,
        builtinCode: c.code,
        customCode: c.custom,
        opName,
        version: c.version,
        inputs,
        outputs,
        intermediates: op.int32s(O.intermediates),
        optionsType: op.uint8(O.builtin_options_type, 0),
        options: op.table(O.builtin_options),
        customOptions: op.bytes(O.custom_options),
      };
    });
    const checkIo = (list: number[]) => {
      for (const i of list) if (i < 0 || i >= tensors.length) throw new ModelFormatError(`subgraph input/output ${i} is not a tensor`);
      return list;
    };
    return {
      name: sg.string(F.SubGraph.name) ?? "",
      tensors,
      inputs: checkIo(sg.int32s(F.SubGraph.inputs)),
      outputs: checkIo(sg.int32s(F.SubGraph.outputs)),
      operators,
    };
  });
  if (subgraphs.length === 0) throw new ModelFormatError("model has no subgraph");
  return { version: root.uint32(M.version, 0), description: root.string(M.description) ?? "", subgraphs };
}
