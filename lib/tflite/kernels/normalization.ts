/**
 * L2_NORMALIZATION and LOG_SOFTMAX over the last dimension (float32, in single precision as TFLite); int8 and uint8
 * L2_NORMALIZATION in quantized-l2-normalization.ts, LOG_SOFTMAX in quantized-log-softmax.ts.
 */
import { TensorType } from "../schema";
import { fail, input, type KernelContext } from "../kernel";
import type { PrepareKernel } from "../kernel";
import type { Tensor } from "../tensor";
import { prepareQuantizedL2Normalization } from "./quantized-l2-normalization";
import { prepareQuantizedLogSoftmax } from "./quantized-log-softmax";
import { expf } from "./expf";
import { logf } from "./logf";
import { prepareSoftmaxSimd } from "./float-transcendental-simd";
import { prepareL2Simd } from "./reduce-pool-simd";

const f32 = Math.fround;

/** The rows of the last dimension, whatever the type. */
function rowsOf(ctx: KernelContext): { x: Tensor; y: Tensor; depth: number; outer: number } {
  const x = input(ctx, 0);
  const y = ctx.outputs[0];
  if (x.size !== y.size || x.shape.length === 0) fail(ctx, `input [${x.shape}] and output [${y.shape}] differ`);
  const depth = x.shape[x.shape.length - 1];
  return { x, y, depth, outer: depth === 0 ? 0 : x.size / depth };
}

function rows(ctx: KernelContext): { x: Tensor; y: Tensor; depth: number; outer: number } {
  const x = input(ctx, 0);
  const y = ctx.outputs[0];
  if (x.type !== TensorType.FLOAT32 || y.type !== TensorType.FLOAT32) fail(ctx, `type ${x.typeName} → ${y.typeName} is not supported (supported: FLOAT32, INT8, UINT8)`);
  return rowsOf(ctx);
}

const quantized = (ctx: KernelContext) => {
  const type = input(ctx, 0).type;
  return type === TensorType.INT8 || type === TensorType.UINT8;
};

export const prepareL2Normalization: PrepareKernel = (ctx) => {
  if (quantized(ctx)) {
    const { x, y, depth, outer } = rowsOf(ctx);
    return prepareQuantizedL2Normalization(ctx, x, y, depth, outer);
  }
  const { x, y, depth, outer } = rows(ctx);
  const simd = prepareL2Simd(ctx.simd?.(), x, y, outer, depth);
  if (simd) return simd;
  return () => {
    const xd = x.data as Float32Array;
    const yd = y.data as Float32Array;
    for (let r = 0; r < outer; r++) {
      const base = r * depth;
      let squares = 0;
      for (let c = 0; c < depth; c++) squares = f32(squares + f32(xd[base + c] * xd[base + c]));
      const norm = Math.max(f32(Math.sqrt(squares)), f32(1e-6));
      for (let c = 0; c < depth; c++) yd[base + c] = xd[base + c] / norm;
    }
  };
};

export const prepareLogSoftmax: PrepareKernel = (ctx) => {
  if (quantized(ctx)) {
    const { x, y, depth, outer } = rowsOf(ctx);
    return prepareQuantizedLogSoftmax(ctx, x, y, depth, outer);
  }
  const { x, y, depth, outer } = rows(ctx);
  // TFLite's kernel (tfjs-tflite's delegate does not take it): the C library's expf and logf, the sum in element order
  const plain = () => {
    const xd = x.data as Float32Array;
    const yd = y.data as Float32Array;
    for (let r = 0; r < outer; r++) {
      const base = r * depth;
      let max = -Infinity;
      for (let c = 0; c < depth; c++) max = Math.max(max, xd[base + c]);
      let sum = 0;
      for (let c = 0; c < depth; c++) sum = f32(sum + expf(f32(xd[base + c] - max)));
      const logSum = logf(sum);
      for (let c = 0; c < depth; c++) yd[base + c] = f32(f32(xd[base + c] - max) - logSum);
    }
  };
  return prepareSoftmaxSimd(ctx.simd?.(), true, x, y, outer, depth, plain) ?? plain;
};
