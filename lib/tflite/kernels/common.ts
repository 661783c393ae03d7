/** Helpers shared by kernels: fused activations, padding, quantized activation ranges, index arithmetic. */
import { Activation, Padding, TensorType } from "../schema";
import { Tensor, integerRange } from "../tensor";
import { roundHalfAway } from "../fixed-point";
import { fail, type KernelContext } from "../kernel";

export function floatActivationRange(ctx: KernelContext, activation: number): [number, number] {
  switch (activation) {
    case Activation.NONE:
      return [-Infinity, Infinity];
    case Activation.RELU:
      return [0, Infinity];
    case Activation.RELU_N1_TO_1:
      return [-1, 1];
    case Activation.RELU6:
      return [0, 6];
    default:
      return fail(ctx, `fused activation ${Activation[activation] ?? activation} is not supported`);
  }
}

/** CalculateActivationRangeQuantized: the fused activation as a clamp in the output's quantized domain. */
export function quantizedActivationRange(ctx: KernelContext, activation: number, output: Tensor): [number, number] {
  const [qmin, qmax] = integerRange(output.type);
  const q = (f: number) => output.zeroPoint + roundHalfAway(Math.fround(f / output.scale));
  switch (activation) {
    case Activation.NONE:
      return [qmin, qmax];
    case Activation.RELU:
      return [Math.max(qmin, q(0)), qmax];
    case Activation.RELU6:
      return [Math.max(qmin, q(0)), Math.min(qmax, q(6))];
    case Activation.RELU_N1_TO_1:
      return [Math.max(qmin, q(-1)), Math.min(qmax, q(1))];
    default:
      return fail(ctx, `fused activation ${Activation[activation] ?? activation} is not supported`);
  }
}

export interface Pad {
  before: number;
  /** the odd extra padding TFLite puts after */
  offset: number;
}

/** ComputePaddingHeightWidth for one spatial dimension. */
export function computePadding(padding: number, stride: number, dilation: number, inSize: number, filterSize: number, outSize: number): Pad {
  const effective = (filterSize - 1) * dilation + 1;
  if (padding === Padding.VALID) return { before: 0, offset: 0 };
  const total = Math.max(0, (outSize - 1) * stride + effective - inSize);
  return { before: Math.floor(total / 2), offset: total % 2 };
}

export function outputSize(padding: number, inSize: number, filterSize: number, stride: number, dilation: number): number {
  const effective = (filterSize - 1) * dilation + 1;
  return padding === Padding.SAME ? Math.floor((inSize + stride - 1) / stride) : Math.floor((inSize + stride - effective) / stride);
}

export function isQuantizedType(type: TensorType): boolean {
  return type === TensorType.INT8 || type === TensorType.UINT8 || type === TensorType.INT16;
}

export function requireTypes(ctx: KernelContext, t: Tensor, allowed: TensorType[], what: string): void {
  if (!allowed.includes(t.type)) fail(ctx, `${what} type ${t.typeName} is not supported (supported: ${allowed.map((a) => TensorType[a]).join(", ")})`);
}

export function requireQuantized(ctx: KernelContext, t: Tensor, what: string): void {
  if (t.scales.length === 0) fail(ctx, `${what} "${t.name}" of type ${t.typeName} has no quantization parameters`);
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Extends a shape to `rank` dimensions with leading ones. */
export function extendShape(shape: readonly number[], rank: number): number[] {
  return [...new Array<number>(Math.max(0, rank - shape.length)).fill(1), ...shape];
}

/** Bias values as plain numbers (int32, int64 or float). */
export function biasValues(bias: Tensor | undefined, count: number): Float64Array {
  const out = new Float64Array(count);
  if (!bias) return out;
  const d = bias.data;
  for (let i = 0; i < count; i++) out[i] = Number(d[i]);
  return out;
}
