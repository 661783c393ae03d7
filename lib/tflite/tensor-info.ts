/** What the node needs to know about a model's input and output tensors, read without running it. */
import { readModel } from "./model-reader";
import { TensorType } from "./schema";

export interface TensorInfo {
  name: string;
  type: TensorType;
  dtype: string;
  shape: number[];
  size: number;
  scale: number;
  zeroPoint: number;
}

export function describeModel(bytes: Uint8Array): { inputs: TensorInfo[]; outputs: TensorInfo[] } {
  const graph = readModel(bytes).subgraphs[0];
  const info = (i: number): TensorInfo => {
    const t = graph.tensors[i];
    return {
      name: t.name,
      type: t.type,
      dtype: (TensorType[t.type] ?? String(t.type)).toLowerCase(),
      shape: [...t.shape],
      size: t.shape.reduce((a, b) => a * b, 1),
      scale: t.quantization?.scale[0] ?? 0,
      zeroPoint: t.quantization?.zeroPoint[0] ?? 0,
    };
  };
  return { inputs: graph.inputs.map(info), outputs: graph.outputs.map(info) };
}

export function isIntegerTensor(t: TensorInfo): boolean {
  return t.type !== TensorType.FLOAT32 && t.type !== TensorType.FLOAT64 && t.type !== TensorType.FLOAT16;
}

const RANGES: Partial<Record<TensorType, [number, number]>> = {
  [TensorType.INT8]: [-128, 127],
  [TensorType.UINT8]: [0, 255],
  [TensorType.INT16]: [-32768, 32767],
};

/** Real values → the tensor's elements: quantized with its scale and zero point when it has them. */
export function quantizeValues(t: TensorInfo, values: ArrayLike<number>): number[] {
  const out = new Array<number>(values.length);
  if (!isIntegerTensor(t)) {
    for (let i = 0; i < values.length; i++) out[i] = values[i];
    return out;
  }
  const [lo, hi] = RANGES[t.type] ?? [-2147483648, 2147483647];
  for (let i = 0; i < values.length; i++) {
    const q = t.scale > 0 ? Math.round(values[i] / t.scale) + t.zeroPoint : Math.round(values[i]);
    out[i] = q < lo ? lo : q > hi ? hi : q;
  }
  return out;
}

/** A tensor's raw elements → real values (dequantized when it has a scale). */
export function dequantizeValues(t: { scale: number; zeroPoint: number; dtype: string }, data: ArrayLike<number | bigint>): number[] {
  const out = new Array<number>(data.length);
  const quantized = t.dtype !== "float32" && t.scale > 0;
  for (let i = 0; i < data.length; i++) out[i] = quantized ? (Number(data[i]) - t.zeroPoint) * t.scale : Number(data[i]);
  return out;
}
