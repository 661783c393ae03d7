/**
 * CONV_2D and DEPTHWISE_CONV_2D (NHWC input, OHWI / 1HWO filters), float32 and quantized: int8 per-channel
 * (int32 accumulators) and int16 activations with int8 weights (64-bit accumulators), as TFLite's reference
 * integer kernels compute them.
 */
import { F, TensorType } from "../schema";
import { fail, input, type KernelContext, type PrepareKernel } from "../kernel";
import { mulByQuantizedMultiplier, mulByQuantizedMultiplier64 } from "../fixed-point";
import { biasValues, computePadding, floatActivationRange, quantizedActivationRange, requireQuantized } from "./common";
import { channelMultipliers, fp32Scales, requantizeFp32, xnnpackTakesBias } from "./quantized-multipliers";
import type { Tensor } from "../tensor";
import { floatSimdApplicable, prepareFloatConvSimd } from "./float-simd";
import { depthwiseSimdApplicable, int8SimdApplicable, prepareInt8ConvSimd } from "./int8-simd";
import { prepareHybridConv } from "./hybrid";
import { prepareHybridDepthwiseConv } from "./hybrid-depthwise";
import { prepareHybridConvPerChannel } from "./hybrid-conv-per-channel";
import { int16Requantizer } from "./int16-requantizer";
import { prepareInt16ConvSimd } from "./int16-simd";
import { prepareDepthwiseInt16Simd } from "./matrix-simd";
import type { WasmHeap } from "../wasm-kernels";

/** the shapes, strides, dilations and padding of a CONV_2D or DEPTHWISE_CONV_2D, shared with its WebAssembly paths */
export interface ConvGeometry {
  batches: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  dilH: number;
  dilW: number;
  padH: number;
  padW: number;
}

function geometry(ctx: KernelContext, x: Tensor, w: Tensor, y: Tensor, depthwise: boolean): ConvGeometry {
  const opt = depthwise ? F.DepthwiseConv2DOptions : F.Conv2DOptions;
  const o = ctx.options;
  if (x.shape.length !== 4 || w.shape.length !== 4 || y.shape.length !== 4) fail(ctx, "input, filter and output must be 4-D");
  const padding = o?.int8(opt.padding, 0) ?? 0;
  const strideW = o?.int32(opt.stride_w, 1) ?? 1;
  const strideH = o?.int32(opt.stride_h, 1) ?? 1;
  const dilW = o?.int32(opt.dilation_w_factor, 1) ?? 1;
  const dilH = o?.int32(opt.dilation_h_factor, 1) ?? 1;
  const [batches, inH, inW, inC] = x.shape;
  const [, outH, outW, outC] = y.shape;
  const kH = w.shape[1];
  const kW = w.shape[2];
  return {
    batches, inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, dilH, dilW,
    padH: computePadding(padding, strideH, dilH, inH, kH, outH).before,
    padW: computePadding(padding, strideW, dilW, inW, kW, outW).before,
  };
}

export const prepareConv2d: PrepareKernel = (ctx) => prepareConv(ctx, false);
export const prepareDepthwiseConv2d: PrepareKernel = (ctx) => prepareConv(ctx, true);

function prepareConv(ctx: KernelContext, depthwise: boolean) {
  const x = input(ctx, 0);
  const w = input(ctx, 1);
  const bias = ctx.inputs[2];
  const y = ctx.outputs[0];
  const g = geometry(ctx, x, w, y, depthwise);
  const activation = ctx.options?.int8(depthwise ? F.DepthwiseConv2DOptions.fused_activation_function : F.Conv2DOptions.fused_activation_function, 0) ?? 0;
  const filterInC = depthwise ? 1 : w.shape[3];
  if (depthwise) {
    if (w.shape[3] !== g.outC || g.outC % g.inC !== 0) fail(ctx, `filter [${w.shape}] does not fit input [${x.shape}] and output [${y.shape}]`);
  } else {
    if (w.shape[0] !== g.outC || g.inC % filterInC !== 0) fail(ctx, `filter [${w.shape}] does not fit input [${x.shape}] and output [${y.shape}]`);
  }
  const b = biasValues(bias, g.outC);
  const float = x.type === TensorType.FLOAT32;
  if (float) {
    if (w.type !== TensorType.FLOAT32) {
      const [lo, hi] = floatActivationRange(ctx, activation);
      if (depthwise) return prepareHybridDepthwiseConv(ctx, x, w, bias, y, g, lo, hi);
      // TFLite takes the per-channel path only when the scales differ
      return w.scales.some((v) => v !== w.scales[0]) ? prepareHybridConvPerChannel(ctx, x, w, bias, y, g, lo, hi) : prepareHybridConv(ctx, x, w, bias, y, g, lo, hi);
    }
  } else {
    if (x.type !== TensorType.INT8 && x.type !== TensorType.UINT8 && x.type !== TensorType.INT16) fail(ctx, `input type ${x.typeName} is not supported`);
    if (w.type !== TensorType.INT8 && !(x.type === TensorType.UINT8 && w.type === TensorType.UINT8)) fail(ctx, `${x.typeName} input with ${w.typeName} filter is not supported`);
    requireQuantized(ctx, x, "input");
    requireQuantized(ctx, w, "filter");
    requireQuantized(ctx, y, "output");
  }
  const [lo, hi] = float ? floatActivationRange(ctx, activation) : quantizedActivationRange(ctx, activation, y);
  const { multipliers, shifts } = float ? { multipliers: new Int32Array(0), shifts: new Int32Array(0) } : channelMultipliers(x, w, y, g.outC);
  const inOffset = float ? 0 : -x.zeroPoint;
  const wOffset = float ? 0 : -w.zeroPoint;
  const outOffset = float ? 0 : y.zeroPoint;
  const wide = x.type === TensorType.INT16;
  const xnnScale = !float && ctx.xnnpackInt8 && (x.type === TensorType.INT8 || x.type === TensorType.UINT8) && xnnpackTakesBias(bias, x, depthwise) ? fp32Scales(x, w, y, g.outC) : undefined;
  const depthMultiplier = g.outC / g.inC;
  const groups = depthwise ? 1 : g.inC / filterInC;
  const outPerGroup = g.outC / groups;
  if (float && groups === 1 && floatSimdApplicable(x, w, y)) {
    const heap = ctx.simd?.();
    if (heap) return prepareFloatConvSimd(heap, x, w, y, g, depthwise, b, lo, hi);
  }
  if (!float && !wide && (depthwise ? depthwiseSimdApplicable(g) : groups === 1) && int8SimdApplicable(x, w, y)) {
    const heap = ctx.simd?.();
    if (heap) return prepareInt8ConvSimd(heap, x, w, y, g, depthwise, { bias: b, multipliers, shifts, fp32Scales: xnnScale, inOffset, wOffset, outOffset, lo, hi });
  }
  if (wide && !depthwise && groups === 1) return prepareInt16Conv(ctx.simd?.(), x, w, y, g, b, multipliers, shifts, inOffset, wOffset, outOffset, lo, hi);

  const plain = () => {
    const xd = x.data as Float32Array | Int8Array;
    const wd = w.data as Float32Array | Int8Array;
    const yd = y.data as Float32Array | Int8Array;
    const { inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, dilH, dilW, padH, padW } = g;
    let yi = 0;
    for (let n = 0; n < g.batches; n++) {
      const xBatch = n * inH * inW * inC;
      for (let oy = 0; oy < outH; oy++) {
        const y0 = oy * strideH - padH;
        for (let ox = 0; ox < outW; ox++) {
          const x0 = ox * strideW - padW;
          for (let oc = 0; oc < outC; oc++) {
            let acc = 0;
            if (depthwise) {
              const ic = Math.floor(oc / depthMultiplier);
              for (let fy = 0; fy < kH; fy++) {
                const iy = y0 + dilH * fy;
                if (iy < 0 || iy >= inH) continue;
                for (let fx = 0; fx < kW; fx++) {
                  const ix = x0 + dilW * fx;
                  if (ix < 0 || ix >= inW) continue;
                  acc += (wd[(fy * kW + fx) * outC + oc] + wOffset) * (xd[xBatch + (iy * inW + ix) * inC + ic] + inOffset);
                }
              }
            } else {
              const icBase = Math.floor(oc / outPerGroup) * filterInC;
              const wBase = oc * kH * kW * filterInC;
              for (let fy = 0; fy < kH; fy++) {
                const iy = y0 + dilH * fy;
                if (iy < 0 || iy >= inH) continue;
                for (let fx = 0; fx < kW; fx++) {
                  const ix = x0 + dilW * fx;
                  if (ix < 0 || ix >= inW) continue;
                  const xo = xBatch + (iy * inW + ix) * inC + icBase;
                  const wo = wBase + (fy * kW + fx) * filterInC;
                  for (let ic = 0; ic < filterInC; ic++) acc += (wd[wo + ic] + wOffset) * (xd[xo + ic] + inOffset);
                }
              }
            }
            acc += b[oc];
            let v: number;
            if (float) v = acc;
            else {
              v = xnnScale ? requantizeFp32(acc, xnnScale[oc]) : wide ? mulByQuantizedMultiplier64(acc, multipliers[oc], shifts[oc]) : mulByQuantizedMultiplier(acc | 0, multipliers[oc], shifts[oc]);
              v += outOffset;
            }
            yd[yi++] = v < lo ? lo : v > hi ? hi : v;
          }
        }
      }
    }
  };
  return (wide && depthwise ? prepareDepthwiseInt16Simd(ctx.simd?.(), x, w, y, g, b, multipliers, shifts, inOffset, wOffset, outOffset, lo, hi, plain) : undefined) ?? plain;
}

/**
 * int16x8 CONV_2D without groups: each output pixel's patch gathered once (zeros where the filter hangs over the
 * edge, where x + inOffset would be 0) into a float64 row, then one flat dot product per output channel. Every
 * product (int16 × int8) and every partial sum is an integer below 2^53, so summing in doubles, in any order,
 * gives TFLite's int64 accumulator exactly. A function of its own so that its element reads stay monomorphic.
 * With zero points 0 (as TFLite requires), in WebAssembly SIMD where it is available (int16-simd.ts).
 */
function prepareInt16Conv(heap: WasmHeap | undefined, x: Tensor, w: Tensor, y: Tensor, g: ConvGeometry, b: Float64Array, multipliers: Int32Array, shifts: Int32Array, inOffset: number, wOffset: number, outOffset: number, lo: number, hi: number) {
  const { inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, dilH, dilW, padH, padW } = g;
  const k = kH * kW * inC;
  const filter = new Float64Array(outC * k);
  const wd0 = w.data as Int8Array;
  for (let i = 0; i < filter.length; i++) filter[i] = wd0[i] + wOffset;
  const patch = new Float64Array(k);
  const requant = int16Requantizer(multipliers, shifts);
  const plain = () => {
    const xd = x.data as Int16Array;
    const yd = y.data as Int16Array;
    let yi = 0;
    for (let n = 0; n < g.batches; n++) {
      const xBatch = n * inH * inW * inC;
      for (let oy = 0; oy < outH; oy++) {
        const y0 = oy * strideH - padH;
        for (let ox = 0; ox < outW; ox++) {
          const x0 = ox * strideW - padW;
          let p = 0;
          for (let fy = 0; fy < kH; fy++) {
            const iy = y0 + dilH * fy;
            for (let fx = 0; fx < kW; fx++) {
              const ix = x0 + dilW * fx;
              if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) {
                for (let ic = 0; ic < inC; ic++) patch[p++] = 0;
              } else {
                const xo = xBatch + (iy * inW + ix) * inC;
                for (let ic = 0; ic < inC; ic++) patch[p++] = xd[xo + ic] + inOffset;
              }
            }
          }
          for (let oc = 0; oc < outC; oc++) {
            const wo = oc * k;
            let a0 = 0;
            let a1 = 0;
            let i = 0;
            for (; i + 1 < k; i += 2) {
              a0 += filter[wo + i] * patch[i];
              a1 += filter[wo + i + 1] * patch[i + 1];
            }
            if (i < k) a0 += filter[wo + i] * patch[i];
            const v = requant(a0 + a1 + b[oc], oc) + outOffset;
            yd[yi++] = v < lo ? lo : v > hi ? hi : v;
          }
        }
      }
    }
  };
  const simd = inOffset === 0 && wOffset === 0 && outOffset === 0 ? prepareInt16ConvSimd(heap, x, w, y, g, b, multipliers, shifts, lo, hi, plain) : undefined;
  return simd ?? plain;
}
