/**
 * Hybrid DEPTHWISE_CONV_2D (float activations, int8 filter quantized per channel, as dynamic-range quantization
 * converts): TFLite's EvalHybridPerChannel. Each batch image is quantized asymmetrically to int8 on the fly
 * (AsymmetricQuantizeFloats: a scale and a nudged zero point from its range, which always takes in 0), the products
 * summed in int32 against the zero-point-offset input, scaled back in single precision (times the image's scale, then
 * times the channel's filter scale, in that order as the optimized kernel rounds), the bias added.
 */
import { TensorType } from "../schema";
import { fail, type KernelContext, type Invoke } from "../kernel";
import { roundHalfAway } from "../fixed-point";
import type { Tensor } from "../tensor";
import type { ConvGeometry } from "./conv";

const f32 = Math.fround;

/** AsymmetricQuantizeFloats into out; returns the scaling factor and the offset (zero point). */
export function asymmetricQuantize(values: Float32Array, offset: number, size: number, out: Int8Array): { scale: number; zeroPoint: number } {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < size; i++) {
    const v = values[offset + i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === hi) {
    out.fill(0, 0, size);
    return { scale: 1, zeroPoint: 0 };
  }
  const scale = (hi - lo) / 255;
  const fromMin = -128 - lo / scale;
  const fromMax = 127 - hi / scale;
  const zeroDouble = 128 + Math.abs(lo / scale) < 127 + Math.abs(hi / scale) ? fromMin : fromMax;
  const zeroPoint = zeroDouble <= -128 ? -128 : zeroDouble >= 127 ? 127 : roundHalfAway(zeroDouble);
  const factor = f32(scale);
  const inverse = f32(1 / factor);
  for (let i = 0; i < size; i++) {
    const q = roundHalfAway(f32(zeroPoint + f32(values[offset + i] * inverse)));
    out[i] = q < -128 ? -128 : q > 127 ? 127 : q;
  }
  return { scale: factor, zeroPoint };
}

export function prepareHybridDepthwiseConv(ctx: KernelContext, x: Tensor, w: Tensor, bias: Tensor | undefined, y: Tensor, g: ConvGeometry, lo: number, hi: number): Invoke {
  if (w.type !== TensorType.INT8) fail(ctx, `float input with ${w.typeName} filter is not supported`);
  if (w.scales.length !== g.outC) fail(ctx, `a hybrid depthwise filter needs a scale per output channel (${g.outC}), it has ${w.scales.length}`);
  if (w.zeroPoints.some((z) => z !== 0)) fail(ctx, "hybrid filters must be symmetric (zero point 0)");
  if (bias && bias.type !== TensorType.FLOAT32) fail(ctx, `bias type ${bias.typeName} is not supported with float input`);
  const scales = Float32Array.from(w.scales);
  const image = g.inH * g.inW * g.inC;
  const q = new Int8Array(image);
  const multiplier = g.outC / g.inC;
  const { batches, inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, padH, padW, dilH, dilW } = g;
  // each output channel's input channel, once; one output pixel's channel sums
  const inputChannel = Int32Array.from({ length: outC }, (_, oc) => Math.floor(oc / multiplier));
  const sums = new Int32Array(outC);
  return () => {
    const xd = x.data as Float32Array;
    const wd = w.data as Int8Array;
    const yd = y.data as Float32Array;
    const bd = bias?.data as Float32Array | undefined;
    let o = 0;
    for (let b = 0; b < batches; b++) {
      const { scale, zeroPoint } = asymmetricQuantize(xd, b * image, image, q);
      for (let oy = 0; oy < outH; oy++) {
        for (let ox = 0; ox < outW; ox++) {
          // integer sums, exact in any order: tap by tap over all channels
          sums.fill(0);
          for (let ky = 0; ky < kH; ky++) {
            const iy = oy * strideH - padH + ky * dilH;
            if (iy < 0 || iy >= inH) continue;
            for (let kx = 0; kx < kW; kx++) {
              const ix = ox * strideW - padW + kx * dilW;
              if (ix < 0 || ix >= inW) continue;
              const xo = (iy * inW + ix) * inC;
              const wo = (ky * kW + kx) * outC;
              for (let oc = 0; oc < outC; oc++) sums[oc] += wd[wo + oc] * (q[xo + inputChannel[oc]] - zeroPoint);
            }
          }
          for (let oc = 0; oc < outC; oc++) {
            let v = f32(f32(f32(sums[oc]) * scale) * scales[oc]);
            if (bd) v = f32(v + bd[oc]);
            yd[o++] = v < lo ? lo : v > hi ? hi : v;
          }
        }
      }
    }
  };
}
