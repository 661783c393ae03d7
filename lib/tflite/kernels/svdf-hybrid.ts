/**
 * Hybrid SVDF (float32 input and state, int8 weights_feature and weights_time, as dynamic-range quantization
 * converts): TFLite's EvalHybridSVDF. Each input row is quantized to int8 on the fly (symmetrically, or with a zero
 * point when asymmetric_quantize_inputs is set), multiplied by the int8 feature weights in int32 and scaled back in
 * single precision into the state's newest column; an all-zero input (the whole batch) skips the product and leaves
 * zeros. The time weights are dequantized once to float and the rest is the float kernel's time step.
 */
import { TensorType } from "../schema";
import { fail, type KernelContext, type Invoke } from "../kernel";
import type { Tensor } from "../tensor";
import { symmetricQuantize } from "./hybrid";
import { asymmetricQuantize } from "./hybrid-depthwise";
import type { SvdfGeometry } from "./svdf-geometry";
import { activationFor, requireFloatState, timeWeightsStep } from "./svdf-time-weights";
import { prepareInt8RowProducts } from "./matrix-simd";

const f32 = Math.fround;

function requireInt8Weights(ctx: KernelContext, w: Tensor, what: string): void {
  if (w.type !== TensorType.INT8) fail(ctx, `${what} must be int8 with int8 weights_feature and float32 input, not ${w.typeName}`);
  if (w.scales.length === 0) fail(ctx, `${what} "${w.name}" has no quantization parameters`);
  // TFLite reads one scale (params.scale) and no zero point: anything else would be silently misread
  if (w.scales.length > 1) fail(ctx, `${what} quantized per channel is not supported in hybrid SVDF`);
  if (w.zeroPoint !== 0) fail(ctx, `${what} must be symmetric (zero point 0) in hybrid SVDF`);
}

export function prepareHybridSvdf(ctx: KernelContext, g: SvdfGeometry): Invoke {
  requireFloatState(ctx, g);
  requireInt8Weights(ctx, g.weightsFeature, "weights_feature");
  requireInt8Weights(ctx, g.weightsTime, "weights_time");
  const { x, batches, inputSize, numFilters, memorySize, asymmetricInputs } = g;
  const featureScale = f32(g.weightsFeature.scale);
  const timeScale = f32(g.weightsTime.scale);
  const wtq = g.weightsTime.data as Int8Array;
  const floatTimeWeights = new Float32Array(wtq.length);
  for (let i = 0; i < wtq.length; i++) floatTimeWeights[i] = f32(wtq[i] * timeScale);
  const heap = ctx.simd?.();
  const timeStep = timeWeightsStep(g, floatTimeWeights, activationFor(ctx, g.activationCode), heap);
  const wf = g.weightsFeature.data as Int8Array;
  // the feature weights' row sums, which the zero point of an asymmetrically quantized row multiplies
  const rowSums = new Int32Array(numFilters);
  for (let f = 0; f < numFilters; f++) {
    let sum = 0;
    for (let k = 0; k < inputSize; k++) sum += wf[f * inputSize + k];
    rowSums[f] = sum;
  }
  const products = prepareInt8RowProducts(heap, wf, numFilters, inputSize);
  const jsRow = new Int8Array(inputSize);
  return () => {
    const xd = x.data as Float32Array;
    const s = g.state.data as Float32Array;
    s.copyWithin(0, 1);
    let zero = true;
    for (let i = 0; i < batches * inputSize && zero; i++) zero = xd[i] === 0;
    for (let b = 0; b < batches; b++) {
      let factor = 0;
      let offset = 0;
      const row = products ? products.row() : jsRow;
      let dots: Int32Array | undefined;
      if (!zero) {
        if (asymmetricInputs) {
          const q = asymmetricQuantize(xd, b * inputSize, inputSize, row);
          factor = f32(q.scale * featureScale);
          offset = q.zeroPoint;
        } else {
          factor = f32(symmetricQuantize(xd, b * inputSize, inputSize, row) * featureScale);
        }
        dots = products?.run();
      }
      for (let f = 0; f < numFilters; f++) {
        let value = 0;
        if (!zero) {
          let dot = 0;
          if (dots) dot = dots[f];
          else for (let k = 0; k < inputSize; k++) dot += wf[f * inputSize + k] * row[k];
          dot = (dot - Math.imul(rowSums[f], offset)) | 0;
          // the product is added to a zeroed scratch value: 0 + v turns a -0 into +0 as TFLite's += does
          value = f32(0 + f32(f32(dot) * factor));
        }
        s[(b * numFilters + f) * memorySize + memorySize - 1] = value;
      }
    }
    timeStep();
  };
}
