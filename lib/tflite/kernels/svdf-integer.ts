/**
 * Full-integer SVDF: TFLite's EvalIntegerSVDF. int8 input and weights_feature, int16 weights_time and activation
 * state, int32 bias, int8 output. The feature products (input less its zero point) are rescaled by
 * input × weights_feature / state scale into int16 (saturating) as the state's newest column; the time products
 * (int16 × int16, int32 accumulators that wrap as TFLite's do) are summed per unit onto the bias, rescaled by
 * state × weights_time / output scale, offset by the output zero point and clamped to int8.
 *
 * TFLite reads only the first scale of each tensor and the input and output zero points (weights and state are
 * taken as symmetric), and applies no fused activation beyond that int8 clamp; this kernel does the same. tfjs-tflite's
 * TFLite fails at invoke for any activation but RELU (svdf.cc: activation != kTfLiteActRelu), and with RELU its
 * outputs still go below the output zero point (measured in svdf-differential.test.ts): we refuse the others at load.
 */
import { TensorType, Activation } from "../schema";
import { fail, type KernelContext, type Invoke } from "../kernel";
import { mulByQuantizedMultiplier, quantizeMultiplier } from "../fixed-point";
import { prepareInt8RowProducts } from "./matrix-simd";
import type { Tensor } from "../tensor";
import type { SvdfGeometry } from "./svdf-geometry";

const f32 = Math.fround;

function requireType(ctx: KernelContext, t: Tensor, type: TensorType, what: string): void {
  if (t.type !== type) fail(ctx, `${what} must be ${TensorType[type]} in integer SVDF, not ${t.typeName}`);
}

function requireQuantization(ctx: KernelContext, t: Tensor, what: string): void {
  if (t.scales.length === 0) fail(ctx, `${what} "${t.name}" has no quantization parameters`);
}

/** QuantizeMultiplier of a · b / c, computed in single precision as TFLite's Prepare does from its float scales. */
function effectiveScale(a: Tensor, b: Tensor, c: Tensor): { multiplier: number; shift: number } {
  return quantizeMultiplier(f32(f32(f32(a.scale) * f32(b.scale)) / f32(c.scale)));
}

export function prepareIntegerSvdf(ctx: KernelContext, g: SvdfGeometry): Invoke {
  const { x, weightsFeature, weightsTime, bias, state, y } = g;
  requireType(ctx, weightsTime, TensorType.INT16, "weights_time");
  requireType(ctx, state, TensorType.INT16, "activation state");
  requireType(ctx, y, TensorType.INT8, "output");
  if (bias) requireType(ctx, bias, TensorType.INT32, "bias");
  requireQuantization(ctx, x, "input");
  requireQuantization(ctx, weightsFeature, "weights_feature");
  requireQuantization(ctx, state, "activation state");
  requireQuantization(ctx, weightsTime, "weights_time");
  requireQuantization(ctx, y, "output");
  // TFLite's Eval: TF_LITE_ENSURE_EQ(activation, kTfLiteActRelu), although the kernel then only clamps to int8
  if (g.activationCode !== Activation.RELU) fail(ctx, `integer SVDF runs only with the RELU fused activation, not ${Activation[g.activationCode] ?? g.activationCode}`);
  const scale1 = effectiveScale(x, weightsFeature, state);
  const scale2 = effectiveScale(state, weightsTime, y);
  const inputZeroPoint = x.zeroPoint;
  const outputZeroPoint = y.zeroPoint;
  const { batches, inputSize, numFilters, memorySize, rank, numUnits } = g;
  const wf = weightsFeature.data as Int8Array;
  const wt = weightsTime.data as Int16Array;
  const bd = bias?.data as Int32Array | undefined;
  const filterSums = new Int32Array(batches * numFilters);
  // Σ w·(x − zp) = Σ w·x − zp·Σ w: the input zero point folded into the feature rows' sums (exact, then wrapped
  // to int32 as TFLite's accumulator wraps)
  const zeroPointTerms = new Float64Array(numFilters);
  for (let f = 0; f < numFilters; f++) {
    let sum = 0;
    for (let k = 0; k < inputSize; k++) sum += wf[f * inputSize + k];
    zeroPointTerms[f] = sum * inputZeroPoint;
  }
  const products = prepareInt8RowProducts(ctx.simd?.(), wf, numFilters, inputSize);
  return () => {
    const xd = x.data as Int8Array;
    const s = state.data as Int16Array;
    const yd = y.data as Int8Array;
    s.copyWithin(0, 1);
    for (let b = 0; b < batches; b++) {
      const xOff = b * inputSize;
      let dots: Int32Array | undefined;
      if (products) {
        products.row().set(xd.subarray(xOff, xOff + inputSize));
        dots = products.run();
      }
      for (let f = 0; f < numFilters; f++) {
        let dot = 0;
        if (dots) dot = dots[f];
        else for (let k = 0; k < inputSize; k++) dot += wf[f * inputSize + k] * xd[xOff + k];
        const v = mulByQuantizedMultiplier((dot - zeroPointTerms[f]) | 0, scale1.multiplier, scale1.shift);
        s[(b * numFilters + f) * memorySize + memorySize - 1] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
      }
    }
    for (let r = 0; r < batches * numFilters; r++) {
      let dot = 0;
      const sOff = r * memorySize;
      const wOff = (r % numFilters) * memorySize;
      for (let m = 0; m < memorySize; m++) dot = (dot + Math.imul(wt[wOff + m], s[sOff + m])) | 0;
      filterSums[r] = dot;
    }
    for (let u = 0; u < batches * numUnits; u++) {
      let sum = 0;
      for (let r = 0; r < rank; r++) sum = (sum + filterSums[u * rank + r]) | 0;
      if (bd) sum = (sum + bd[u % numUnits]) | 0;
      const v = mulByQuantizedMultiplier(sum, scale2.multiplier, scale2.shift) + outputZeroPoint;
      yd[u] = v > 127 ? 127 : v < -128 ? -128 : v;
    }
  };
}
