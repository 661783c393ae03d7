/**
 * Hybrid CONV_2D with an int8 filter quantized per output channel (float activations): TFLite's EvalHybridPerChannel
 * and its optimized HybridConvPerChannel. Each batch image is quantized asymmetrically to int8 on the fly; im2col pads
 * with the image's zero point and the filter's row sums times that zero point are subtracted from the int32 products,
 * so padding contributes nothing and every tap counts (q - zeroPoint) × w. The sum is scaled back in single precision
 * by (channel scale × image scale), then the bias added.
 */
import { TensorType } from "../schema";
import { fail, type KernelContext, type Invoke } from "../kernel";
import type { Tensor } from "../tensor";
import type { ConvGeometry } from "./conv";
import { asymmetricQuantize } from "./hybrid-depthwise";
import { hybridConvImage } from "./hybrid";

const f32 = Math.fround;

export function prepareHybridConvPerChannel(ctx: KernelContext, x: Tensor, w: Tensor, bias: Tensor | undefined, y: Tensor, g: ConvGeometry, lo: number, hi: number): Invoke {
  if (w.type !== TensorType.INT8) fail(ctx, `float input with ${w.typeName} filter is not supported`);
  if (w.scales.length !== g.outC || w.quantizedDimension !== 0) fail(ctx, `a per-channel hybrid filter needs a scale per output channel (${g.outC}) along dimension 0, it has ${w.scales.length} along ${w.quantizedDimension}`);
  if (w.zeroPoints.some((z) => z !== 0)) fail(ctx, "hybrid filters must be symmetric (zero point 0)");
  if (w.shape[3] !== g.inC) fail(ctx, "grouped hybrid convolution is not supported");
  if (bias && bias.type !== TensorType.FLOAT32) fail(ctx, `bias type ${bias.typeName} is not supported with float input`);
  const scales = Float32Array.from(w.scales);
  const image = g.inH * g.inW * g.inC;
  const q = new Int8Array(image);
  const factors = new Float32Array(g.outC);
  return () => {
    const xd = x.data as Float32Array;
    const wd = w.data as Int8Array;
    const yd = y.data as Float32Array;
    const bd = bias?.data as Float32Array | undefined;
    let o = 0;
    for (let b = 0; b < g.batches; b++) {
      const { scale, zeroPoint } = asymmetricQuantize(xd, b * image, image, q);
      for (let oc = 0; oc < g.outC; oc++) factors[oc] = f32(scales[oc] * scale);
      o = hybridConvImage(g, wd, q, zeroPoint, factors, bd, yd, o, lo, hi);
    }
  };
}
