/**
 * TRANSPOSE_CONV (inputs: output shape, OHWI weights, NHWC input, optional bias), float32, uint8 (uint8 weights with
 * their zero point, as reference_ops::TransposeConv), int8 per-channel and
 * int16x8 (int16 activations with zero point 0, int8 weights, an int64 bias, the 64-bit accumulator requantized as
 * reference_integer_ops::TransposeConv does).
 */
import { F, TensorType } from "../schema";
import { fail, input, type PrepareKernel } from "../kernel";
import { mulByQuantizedMultiplier } from "../fixed-point";
import { int16Requantizer } from "./int16-requantizer";
import { biasValues, computePadding, floatActivationRange, outputSize, quantizedActivationRange, requireQuantized } from "./common";
import { channelMultipliers } from "./quantized-multipliers";
import { prepareTransposeConvSimd } from "./matrix-simd";

export const prepareTransposeConv: PrepareKernel = (ctx) => {
  const w = input(ctx, 1);
  const x = input(ctx, 2);
  const bias = ctx.inputs[3];
  const y = ctx.outputs[0];
  const o = ctx.options;
  const T = F.TransposeConvOptions;
  const padding = o?.int8(T.padding, 0) ?? 0;
  const strideW = o?.int32(T.stride_w, 1) ?? 1;
  const strideH = o?.int32(T.stride_h, 1) ?? 1;
  const activation = o?.int8(T.fused_activation_function, 0) ?? 0;
  const [batches, inH, inW, inC] = x.shape;
  const [, outH, outW, outC] = y.shape;
  const [wOut, kH, kW, wIn] = w.shape;
  if (wOut !== outC || wIn !== inC) fail(ctx, `weights [${w.shape}] do not fit input [${x.shape}] and output [${y.shape}]`);
  const padH = computePadding(padding, strideH, 1, outH, kH, outputSize(padding, outH, kH, strideH, 1)).before;
  const padW = computePadding(padding, strideW, 1, outW, kW, outputSize(padding, outW, kW, strideW, 1)).before;
  const float = x.type === TensorType.FLOAT32;
  if (!float) {
    const uint8 = x.type === TensorType.UINT8 && w.type === TensorType.UINT8;
    if (!uint8 && ((x.type !== TensorType.INT8 && x.type !== TensorType.INT16) || w.type !== TensorType.INT8)) fail(ctx, `${x.typeName} input with ${w.typeName} weights is not supported`);
    if (uint8 && w.scales.length > 1) fail(ctx, "uint8 weights quantized per channel are not supported");
    if (y.type !== x.type) fail(ctx, `${x.typeName} input with ${y.typeName} output is not supported`);
    requireQuantized(ctx, x, "input");
    requireQuantized(ctx, w, "weights");
    requireQuantized(ctx, y, "output");
    if (x.type === TensorType.INT16 && (x.zeroPoint !== 0 || y.zeroPoint !== 0)) fail(ctx, `int16 input and output need zero point 0 (have ${x.zeroPoint}, ${y.zeroPoint})`);
    if (x.type === TensorType.INT16 && bias && bias.type !== TensorType.INT64) fail(ctx, `int16 input with a ${bias.typeName} bias is not supported (int64 only)`);
  }
  const wide = x.type === TensorType.INT16;
  const [lo, hi] = float ? floatActivationRange(ctx, activation) : quantizedActivationRange(ctx, activation, y);
  const { multipliers, shifts } = float ? { multipliers: new Int32Array(0), shifts: new Int32Array(0) } : channelMultipliers(x, w, y, outC);
  const b = biasValues(bias, outC);
  const acc = new Float64Array(batches * outH * outW * outC);
  const inOffset = float ? 0 : -x.zeroPoint;
  const wOffset = float ? 0 : -w.zeroPoint;
  // a quantized sum (bias included) to its output value
  const requant64 = int16Requantizer(multipliers, shifts);
  const finish = (v: number, oc: number) => {
    const r = wide ? requant64(v, oc) : mulByQuantizedMultiplier(v | 0, multipliers[oc], shifts[oc]) + y.zeroPoint;
    return r < lo ? lo : r > hi ? hi : r;
  };
  const plain = () => {
    const xd = x.data as Float32Array;
    const wd = w.data as Float32Array;
    const yd = y.data as Float32Array;
    acc.fill(0);
    for (let n = 0; n < batches; n++)
      for (let iy = 0; iy < inH; iy++)
        for (let ix = 0; ix < inW; ix++) {
          const xo = ((n * inH + iy) * inW + ix) * inC;
          for (let fy = 0; fy < kH; fy++) {
            const oy = iy * strideH - padH + fy;
            if (oy < 0 || oy >= outH) continue;
            for (let fx = 0; fx < kW; fx++) {
              const ox = ix * strideW - padW + fx;
              if (ox < 0 || ox >= outW) continue;
              const ao = ((n * outH + oy) * outW + ox) * outC;
              for (let oc = 0; oc < outC; oc++) {
                const wo = ((oc * kH + fy) * kW + fx) * inC;
                let s = 0;
                for (let ic = 0; ic < inC; ic++) s += (xd[xo + ic] + inOffset) * (wd[wo + ic] + wOffset);
                acc[ao + oc] += s;
              }
            }
          }
        }
    for (let k = 0; k < acc.length; k++) {
      const oc = k % outC;
      const v = acc[k] + b[oc];
      yd[k] = float ? (v < lo ? lo : v > hi ? hi : v) : finish(v, oc);
    }
  };
  const plan = { x, w, y, batches, inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, padH, padW, inOffset, wOffset, bias: b };
  return prepareTransposeConvSimd(ctx.simd?.(), plan, lo, hi, float ? undefined : finish, plain) ?? plain;
};
