/**
 * SVDF (keyword-spotting models): per invoke the activation state (a variable tensor, per batch num_filters rows
 * of memory_size) shifts left by one, its newest column gets input × weights_feature, then each filter's row is
 * dotted with its time weights, every `rank` filters are summed into a unit, bias and the fused activation follow.
 *
 * Three kernels, chosen by the input and weights_feature types as TFLite's Eval chooses them:
 * - float32 (here): TFLite's portable tensor_utils in single precision: every dot product starts at 0 and adds
 *   float products one by one, the rank reduction likewise, then bias is added. Math.fround after each operation
 *   reproduces those roundings.
 * - hybrid, float32 input with int8 weights (svdf-hybrid.ts, EvalHybridSVDF);
 * - full integer, int8 input (svdf-integer.ts, EvalIntegerSVDF).
 */
import { TensorType } from "../schema";
import { fail, type KernelContext, type PrepareKernel } from "../kernel";
import { svdfGeometry, type SvdfGeometry } from "./svdf-geometry";
import { activationFor, requireFloatState, timeWeightsStep } from "./svdf-time-weights";
import { prepareHybridSvdf } from "./svdf-hybrid";
import { prepareIntegerSvdf } from "./svdf-integer";
import { prepareSvdfFeatureSimd } from "./matrix-simd";

const f32 = Math.fround;

export const prepareSvdf: PrepareKernel = (ctx) => {
  const g = svdfGeometry(ctx);
  const { x, weightsFeature } = g;
  if (x.type === TensorType.FLOAT32 && weightsFeature.type === TensorType.FLOAT32) return prepareFloatSvdf(ctx, g);
  if (x.type === TensorType.FLOAT32 && weightsFeature.type === TensorType.INT8) return prepareHybridSvdf(ctx, g);
  if (x.type === TensorType.INT8 && weightsFeature.type === TensorType.INT8) return prepareIntegerSvdf(ctx, g);
  return fail(ctx, `${x.typeName} input with ${weightsFeature.typeName} weights_feature is not supported (float32 or int8 input; float32 or int8 weights)`);
};

function prepareFloatSvdf(ctx: KernelContext, g: SvdfGeometry) {
  requireFloatState(ctx, g);
  if (g.weightsTime.type !== TensorType.FLOAT32) fail(ctx, `weights_time must be float32 with float32 weights_feature, not ${g.weightsTime.typeName}`);
  const { x, batches, inputSize, numFilters, memorySize } = g;
  const wf = g.weightsFeature.data as Float32Array;
  const heap = ctx.simd?.();
  const timeStep = timeWeightsStep(g, g.weightsTime.data as Float32Array, activationFor(ctx, g.activationCode), heap);
  const featureSums = prepareSvdfFeatureSimd(heap, x, wf, inputSize, numFilters);
  return () => {
    const xd = x.data as Float32Array;
    const s = g.state.data as Float32Array;
    // the whole state moves left by one; the last value of each row is overwritten below
    s.copyWithin(0, 1);
    for (let b = 0; b < batches; b++) {
      const xOff = b * inputSize;
      const sums = featureSums?.(b);
      if (sums) {
        for (let f = 0; f < numFilters; f++) s[(b * numFilters + f) * memorySize + memorySize - 1] = sums[f];
        continue;
      }
      for (let f = 0; f < numFilters; f++) {
        let dot = 0;
        const wOff = f * inputSize;
        for (let k = 0; k < inputSize; k++) dot = f32(dot + f32(wf[wOff + k] * xd[xOff + k]));
        s[(b * numFilters + f) * memorySize + memorySize - 1] = dot;
      }
    }
    timeStep();
  };
}
