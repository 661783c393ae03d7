/**
 * FULLY_CONNECTED: float32, hybrid (float input, int8 weights), and int8/uint8 (int32 accumulators) or int16x8
 * (64-bit accumulators; in WebAssembly SIMD through the int16 convolution, int16-simd.ts) as TFLite's reference kernels.
 */
import { F, TensorType } from "../schema";
import { fail, input, type KernelContext, type PrepareKernel } from "../kernel";
import { mulByQuantizedMultiplier, mulByQuantizedMultiplier64 } from "../fixed-point";
import { biasValues, floatActivationRange, quantizedActivationRange, requireQuantized } from "./common";
import { channelMultipliers, fp32Scales, requantizeFp32, xnnpackTakesBias } from "./quantized-multipliers";
import { floatSimdApplicable, prepareFloatFullyConnectedSimd } from "./float-simd";
import { int8SimdApplicable, prepareInt8FullyConnectedSimd } from "./int8-simd";
import { prepareHybridFullyConnected } from "./hybrid";
import { prepareInt16ConvSimd } from "./int16-simd";

export const prepareFullyConnected: PrepareKernel = (ctx: KernelContext) => {
  const x = input(ctx, 0);
  const w = input(ctx, 1);
  const bias = ctx.inputs[2];
  const y = ctx.outputs[0];
  const o = F.FullyConnectedOptions;
  const activation = ctx.options?.int8(o.fused_activation_function, 0) ?? 0;
  if ((ctx.options?.int8(o.weights_format, 0) ?? 0) !== 0) fail(ctx, "shuffled weights format is not supported");
  if (w.shape.length !== 2) fail(ctx, `weights must be 2-D, got [${w.shape}]`);
  const units = w.shape[0];
  const depth = w.shape[1];
  const batches = x.size / depth;
  if (!Number.isInteger(batches)) fail(ctx, `input size ${x.size} is not a multiple of the weights' depth ${depth}`);
  if (y.size !== batches * units) fail(ctx, `output size ${y.size} does not match ${batches}×${units}`);

  if (x.type === TensorType.FLOAT32) {
    const [lo, hi] = floatActivationRange(ctx, activation);
    if (w.type !== TensorType.FLOAT32) {
      return prepareHybridFullyConnected(ctx, x, w, bias, y, batches, units, depth, lo, hi, ctx.options?.bool(o.asymmetric_quantize_inputs, false) ?? false);
    }
    const b = biasValues(bias, units);
    if (floatSimdApplicable(x, w, y)) {
      const heap = ctx.simd?.();
      if (heap) return prepareFloatFullyConnectedSimd(heap, x, w, y, batches, units, depth, b, lo, hi);
    }
    return () => {
      const xd = x.data as Float32Array;
      const wd = w.data as Float32Array;
      const yd = y.data as Float32Array;
      for (let n = 0; n < batches; n++) {
        const xo = n * depth;
        for (let u = 0; u < units; u++) {
          let acc = 0;
          const wo = u * depth;
          for (let k = 0; k < depth; k++) acc += xd[xo + k] * wd[wo + k];
          acc += b[u];
          yd[n * units + u] = acc < lo ? lo : acc > hi ? hi : acc;
        }
      }
    };
  }

  if (x.type !== TensorType.INT8 && x.type !== TensorType.UINT8 && x.type !== TensorType.INT16) fail(ctx, `input type ${x.typeName} is not supported`);
  if (w.type !== TensorType.INT8 && !(x.type === TensorType.UINT8 && w.type === TensorType.UINT8)) fail(ctx, `${x.typeName} input with ${w.typeName} weights is not supported`);
  requireQuantized(ctx, x, "input");
  requireQuantized(ctx, w, "weights");
  requireQuantized(ctx, y, "output");
  const { multipliers, shifts } = channelMultipliers(x, w, y, units);
  const perChannel = w.scales.length > 1;
  const [lo, hi] = quantizedActivationRange(ctx, activation, y);
  const inOffset = -x.zeroPoint;
  const wOffset = -w.zeroPoint;
  const outOffset = y.zeroPoint;
  const b = biasValues(bias, units);
  const wide = x.type === TensorType.INT16;
  const xnnScale = ctx.xnnpackInt8 && (x.type === TensorType.INT8 || x.type === TensorType.UINT8) && xnnpackTakesBias(bias, x, false) ? fp32Scales(x, w, y, units) : undefined;
  if (!wide && int8SimdApplicable(x, w, y)) {
    const heap = ctx.simd?.();
    if (heap) return prepareInt8FullyConnectedSimd(heap, x, w, y, batches, units, depth, { bias: b, multipliers, shifts, fp32Scales: xnnScale, inOffset, wOffset, outOffset, lo, hi });
  }
  const plain = () => {
    const xd = x.data as Int8Array;
    const wd = w.data as Int8Array;
    const yd = y.data as Int8Array;
    for (let n = 0; n < batches; n++) {
      const xo = n * depth;
      for (let u = 0; u < units; u++) {
        let acc = 0;
        const wo = u * depth;
        for (let k = 0; k < depth; k++) acc += (wd[wo + k] + wOffset) * (xd[xo + k] + inOffset);
        acc += b[u];
        const c = perChannel ? u : 0;
        let v = xnnScale ? requantizeFp32(acc, xnnScale[c]) : wide ? mulByQuantizedMultiplier64(acc, multipliers[c], shifts[c]) : mulByQuantizedMultiplier(acc | 0, multipliers[c], shifts[c]);
        v += outOffset;
        yd[n * units + u] = v < lo ? lo : v > hi ? hi : v;
      }
    }
  };
  // int16x8 in WebAssembly SIMD: the convolution's loop, each batch row a pixel and the weights a 1×1 filter
  const asConv = { batches: 1, inH: 1, inW: batches, inC: depth, outH: 1, outW: batches, outC: units, kH: 1, kW: 1, strideH: 1, strideW: 1, dilH: 1, dilW: 1, padH: 0, padW: 0 };
  const simd = wide ? prepareInt16ConvSimd(ctx.simd?.(), x, w, y, asConv, b, multipliers, shifts, lo, hi, plain) : undefined;
  return simd ?? plain;
};
