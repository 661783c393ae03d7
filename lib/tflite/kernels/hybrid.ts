/**
 * Hybrid FULLY_CONNECTED and CONV_2D (float activations, int8 weights, as dynamic-range quantization converts). FC: each input row
 * is quantized symmetrically to int8 on the fly, multiplied in int32, and scaled back in single precision, as
 * TFLite's EvalHybrid does (bias first, then the scaled dot product added to it).
 */
import { TensorType } from "../schema";
import { fail, type KernelContext } from "../kernel";
import { roundHalfAway } from "../fixed-point";
import type { Tensor } from "../tensor";
import type { ConvGeometry } from "./conv";
import { asymmetricQuantize } from "./hybrid-depthwise";
import { prepareInt8RowProducts } from "./matrix-simd";

const f32 = Math.fround;

/** SymmetricQuantizeFloats: the row in int8 steps of max|x| / 127; returns the scaling factor. */
export function symmetricQuantize(values: Float32Array, offset: number, size: number, out: Int8Array): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < size; i++) {
    const v = values[offset + i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const range = Math.max(Math.abs(lo), Math.abs(hi));
  if (range === 0) {
    out.fill(0, 0, size);
    return 1;
  }
  const inv = f32(127 / range);
  for (let i = 0; i < size; i++) {
    const q = roundHalfAway(f32(values[offset + i] * inv));
    out[i] = q < -127 ? -127 : q > 127 ? 127 : q;
  }
  return f32(range / 127);
}

/**
 * Hybrid FULLY_CONNECTED. Per-channel weights (a scale per unit) take each unit's scale where a per-tensor model
 * takes its one scale: scale = input scale × unit scale, as TFLite master's MatrixBatchVectorMultiplyAccumulate
 * does. tfjs-tflite's TFLite reads the legacy per-tensor scale, which is 0 for per-channel tensors, and so outputs
 * the bias alone; that is not reproduced (each unit is checked against tfjs-tflite's per-tensor model instead).
 * With asymmetric_quantize_inputs each row is quantized asymmetrically and the weights' row sums times its zero
 * point subtracted from the int32 products.
 */
export function prepareHybridFullyConnected(ctx: KernelContext, x: Tensor, w: Tensor, bias: Tensor | undefined, y: Tensor, batches: number, units: number, depth: number, lo: number, hi: number, asymmetric: boolean) {
  if (w.type !== TensorType.INT8) fail(ctx, `float input with ${w.typeName} weights is not supported`);
  if (w.scales.length === 0) fail(ctx, `weights "${w.name}" have no quantization parameters`);
  if (w.zeroPoints.some((z) => z !== 0)) fail(ctx, "hybrid weights must be symmetric (zero point 0)");
  if (bias && bias.type !== TensorType.FLOAT32) fail(ctx, `bias type ${bias.typeName} is not supported with float input`);
  if (w.scales.length > 1 && (w.scales.length !== units || w.quantizedDimension !== 0)) fail(ctx, `per-channel hybrid weights need a scale per unit (${units}) along dimension 0`);
  const scales = Float32Array.from({ length: units }, (_, u) => w.scales[w.scales.length > 1 ? u : 0]);
  const jsRow = new Int8Array(depth);
  const rowSums = new Int32Array(units);
  {
    const wd = w.data as Int8Array;
    for (let u = 0; u < units; u++) for (let k = 0; k < depth; k++) rowSums[u] += wd[u * depth + k];
  }
  const products = w.isConstant ? prepareInt8RowProducts(ctx.simd?.(), w.data as Int8Array, units, depth) : undefined;
  return () => {
    const xd = x.data as Float32Array;
    const wd = w.data as Int8Array;
    const yd = y.data as Float32Array;
    const bd = bias?.data as Float32Array | undefined;
    for (let n = 0; n < batches; n++) {
      const out = n * units;
      for (let u = 0; u < units; u++) yd[out + u] = bd ? bd[u] : 0;
      let zero = true;
      for (let k = 0; k < depth && zero; k++) zero = xd[n * depth + k] === 0;
      // TFLite skips the product for an all-zero input (of the whole batch; per row gives the same result)
      if (!zero) {
        let inputScale: number;
        let zeroPoint = 0;
        const row = products ? products.row() : jsRow;
        if (asymmetric) ({ scale: inputScale, zeroPoint } = asymmetricQuantize(xd, n * depth, depth, row));
        else inputScale = symmetricQuantize(xd, n * depth, depth, row);
        const dots = products?.run();
        for (let u = 0; u < units; u++) {
          let dot = 0;
          if (dots) dot = dots[u];
          else for (let k = 0; k < depth; k++) dot += wd[u * depth + k] * row[k];
          dot -= rowSums[u] * zeroPoint;
          yd[out + u] = f32(yd[out + u] + f32(f32(dot) * f32(inputScale * scales[u])));
        }
      }
      for (let u = 0; u < units; u++) {
        const v = yd[out + u];
        yd[out + u] = v < lo ? lo : v > hi ? hi : v;
      }
    }
  };
}

/**
 * Hybrid CONV_2D with per-tensor int8 filters (or per-channel ones whose scales are all equal): each batch image quantized symmetrically as a whole, then an int32
 * convolution scaled back in single precision and the bias added (TFLite's EvalHybrid and HybridConv).
 */
export function prepareHybridConv(ctx: KernelContext, x: Tensor, w: Tensor, bias: Tensor | undefined, y: Tensor, g: ConvGeometry, lo: number, hi: number) {
  if (w.type !== TensorType.INT8) fail(ctx, `float input with ${w.typeName} filter is not supported`);
  if (w.scales.length === 0) fail(ctx, `filter "${w.name}" has no quantization parameters`);
  // a per-channel filter whose scales are all equal: tfjs-tflite's TFLite reads the legacy per-tensor scale, 0 for
  // per-channel tensors, and outputs the bias alone; the shared scale is used instead, as a per-tensor filter
  if (w.scales.some((v) => v !== w.scales[0])) fail(ctx, "hybrid filters with differing scales belong to the per-channel kernel");
  if (w.zeroPoints.some((z) => z !== 0)) fail(ctx, "hybrid filters must be symmetric (zero point 0)");
  if (w.shape[3] !== g.inC) fail(ctx, "grouped hybrid convolution is not supported");
  if (bias && bias.type !== TensorType.FLOAT32) fail(ctx, `bias type ${bias.typeName} is not supported with float input`);
  const scale = f32(w.scales[0]);
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
      factors.fill(f32(symmetricQuantize(xd, b * image, image, q) * scale));
      o = hybridConvImage(g, wd, q, 0, factors, bd, yd, o, lo, hi);
    }
  };
}

/**
 * One batch image, quantized to int8 with `zeroPoint`, through the int8 filter: per output the int32 sum of
 * w × (q − zeroPoint) over the taps inside the image, times its channel's factor (image scale × filter scale) in
 * single precision, then the bias and the clamp. Writes from output index `o`, returns the index after the image.
 */
export function hybridConvImage(g: ConvGeometry, wd: Int8Array, q: Int8Array, zeroPoint: number, factors: Float32Array, bd: Float32Array | undefined, yd: Float32Array, o: number, lo: number, hi: number): number {
  for (let oy = 0; oy < g.outH; oy++) {
    for (let ox = 0; ox < g.outW; ox++) {
      for (let oc = 0; oc < g.outC; oc++) {
        let acc = 0;
        for (let ky = 0; ky < g.kH; ky++) {
          const iy = oy * g.strideH - g.padH + ky * g.dilH;
          if (iy < 0 || iy >= g.inH) continue;
          for (let kx = 0; kx < g.kW; kx++) {
            const ix = ox * g.strideW - g.padW + kx * g.dilW;
            if (ix < 0 || ix >= g.inW) continue;
            const xo = (iy * g.inW + ix) * g.inC;
            const wo = ((oc * g.kH + ky) * g.kW + kx) * g.inC;
            for (let c = 0; c < g.inC; c++) acc += wd[wo + c] * (q[xo + c] - zeroPoint);
          }
        }
        const v = f32(f32(f32(acc) * factors[oc]) + (bd ? bd[oc] : 0));
        yd[o++] = v < lo ? lo : v > hi ? hi : v;
      }
    }
  }
  return o;
}
