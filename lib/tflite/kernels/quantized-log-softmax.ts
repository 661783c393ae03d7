/**
 * int8 and uint8 LOG_SOFTMAX as TFLite's optimized kernel (what its interpreter registers): the exp table of 8-bit
 * SOFTMAX over the differences to the row's maximum, summed and logged in single precision, then each output
 * computed as (input scale × q − (input scale × max + log sum)) / output scale, rounded half to even. TFLite fixes the
 * output quantization: scale 16/256, zero point 255 (uint8) or 127 (int8).
 */
import { TensorType } from "../schema";
import { fail, type Invoke, type KernelContext } from "../kernel";
import { integerRange, type Tensor } from "../tensor";
import { roundHalfEven } from "../fixed-point";
import { requireQuantized } from "./common";
import { prepareQuantizedLogSoftmaxSimd } from "./quantized-softmax-simd";

const f32 = Math.fround;

export function prepareQuantizedLogSoftmax(ctx: KernelContext, x: Tensor, y: Tensor, depth: number, outer: number): Invoke {
  if (y.type !== x.type) fail(ctx, `${x.typeName} input with ${y.typeName} output is not supported`);
  requireQuantized(ctx, x, "input");
  requireQuantized(ctx, y, "output");
  const zeroPoint = x.type === TensorType.UINT8 ? 255 : 127;
  if (f32(y.scale) !== 16 / 256 || y.zeroPoint !== zeroPoint) fail(ctx, `${y.typeName} output quantization scale ${y.scale}, zero point ${y.zeroPoint} is not supported (TFLite requires scale 16/256 = 0.0625 and zero point ${zeroPoint})`);
  const inputScale = f32(x.scale);
  // table[255 - d] = exp(-input scale × d), d = max - q (beta 1)
  const table = new Float32Array(256);
  const negScale = f32(-inputScale);
  for (let d = 0; d <= 255; d++) table[255 - d] = f32(Math.exp(f32(negScale * d)));
  const outputScale = 16 / 256;
  const ratio = f32(inputScale / outputScale);
  const [qmin, qmax] = integerRange(y.type);
  const plain = () => {
    const xd = x.data as Int8Array | Uint8Array;
    const yd = y.data as Int8Array | Uint8Array;
    for (let r = 0; r < outer; r++) {
      const o = r * depth;
      let max = qmin;
      for (let j = 0; j < depth; j++) if (xd[o + j] > max) max = xd[o + j];
      const base = 255 - max;
      let sum = 0;
      for (let j = 0; j < depth; j++) sum = f32(sum + table[base + xd[o + j]]);
      const logSum = f32(Math.log(sum));
      const precomputed = f32(f32(f32(inputScale * max) + logSum) / outputScale);
      for (let j = 0; j < depth; j++) {
        const q = roundHalfEven(f32(f32(ratio * xd[o + j]) - precomputed)) + zeroPoint;
        yd[o + j] = q < qmin ? qmin : q > qmax ? qmax : q;
      }
    }
  };
  const rowConstant = (max: number, sum: number) => f32(f32(f32(inputScale * max) + f32(Math.log(sum))) / outputScale);
  return prepareQuantizedLogSoftmaxSimd(ctx.simd?.(), x, y, outer, depth, table, ratio, zeroPoint, qmin, qmax, rowConstant, plain) ?? plain;
}
