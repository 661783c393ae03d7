/**
 * SVDF, float32 (keyword-spotting models): per invoke the activation state (a variable tensor, per batch
 * num_filters rows of memory_size) shifts left by one, its newest column gets input × weights_feature, then each
 * filter's row is dotted with its time weights, every `rank` filters are summed into a unit, bias and the fused
 * activation follow. TFLite computes this with its portable tensor_utils in single precision: every dot product
 * starts at 0 and adds float products one by one, the rank reduction likewise, then bias is added. Math.fround
 * after each operation reproduces those roundings.
 */
import { TensorType, Activation } from "../schema";
import { fail, input, type PrepareKernel } from "../kernel";

const f32 = Math.fround;
/** SVDFOptions' slots (schema order): rank, fused_activation_function, asymmetric_quantize_inputs. */
const RANK_SLOT = 0;
const ACTIVATION_SLOT = 1;

function activationOf(code: number): ((v: number) => number) | undefined {
  switch (code) {
    case Activation.NONE:
      return (v) => v;
    case Activation.RELU:
      return (v) => (v > 0 ? v : 0); // std::max(0.0f, v): -0 and NaN give 0
    case Activation.RELU_N1_TO_1:
      return (v) => Math.min(1, Math.max(-1, v));
    case Activation.RELU6:
      return (v) => Math.min(6, Math.max(0, v));
    default:
      return undefined;
  }
}

export const prepareSvdf: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const weightsFeature = input(ctx, 1);
  const weightsTime = input(ctx, 2);
  const bias = ctx.inputs[3];
  const state = input(ctx, 4);
  const y = ctx.outputs[0];
  if (x.type !== TensorType.FLOAT32) fail(ctx, `${x.typeName} SVDF is not supported (float32 only)`);
  if (weightsFeature.type !== TensorType.FLOAT32 || weightsTime.type !== TensorType.FLOAT32) fail(ctx, `float32 SVDF with ${weightsFeature.typeName} weights (hybrid) is not supported`);
  if (!state.isVariable) fail(ctx, "the activation state (input 4) must be a variable tensor");
  const rank = ctx.options?.int32(RANK_SLOT, 0) ?? 0;
  const activationCode = ctx.options?.int8(ACTIVATION_SLOT, Activation.NONE) ?? Activation.NONE;
  const activation = activationOf(activationCode) ?? fail(ctx, `activation ${Activation[activationCode] ?? activationCode} is not supported`);
  if (x.shape.length !== 2 || weightsFeature.shape.length !== 2 || weightsTime.shape.length !== 2) fail(ctx, "input, weights_feature and weights_time must be 2-D");
  const [batches, inputSize] = x.shape;
  const [numFilters, featureSize] = weightsFeature.shape;
  const [timeFilters, memorySize] = weightsTime.shape;
  if (featureSize !== inputSize) fail(ctx, `weights_feature has ${featureSize} columns for an input of ${inputSize}`);
  if (timeFilters !== numFilters) fail(ctx, `weights_time has ${timeFilters} rows for ${numFilters} filters`);
  if (rank < 1 || numFilters % rank !== 0) fail(ctx, `rank ${rank} does not divide ${numFilters} filters`);
  const numUnits = numFilters / rank;
  if (bias && (bias.type !== TensorType.FLOAT32 || bias.size !== numUnits)) fail(ctx, `bias must be float32 with ${numUnits} values`);
  if (state.type !== TensorType.FLOAT32 || state.size !== batches * numFilters * memorySize) fail(ctx, `activation state must be float32 with ${batches * numFilters * memorySize} values`);
  if (y.size !== batches * numUnits) fail(ctx, `output must have ${batches * numUnits} values`);
  const wf = weightsFeature.data as Float32Array;
  const wt = weightsTime.data as Float32Array;
  const bd = bias?.data as Float32Array | undefined;
  const filterSums = new Float32Array(batches * numFilters);
  return () => {
    const xd = x.data as Float32Array;
    const s = state.data as Float32Array;
    const yd = y.data as Float32Array;
    // the whole state moves left by one; the last value of each row is overwritten below
    s.copyWithin(0, 1);
    for (let b = 0; b < batches; b++) {
      const xOff = b * inputSize;
      for (let f = 0; f < numFilters; f++) {
        let dot = 0;
        const wOff = f * inputSize;
        for (let k = 0; k < inputSize; k++) dot = f32(dot + f32(wf[wOff + k] * xd[xOff + k]));
        s[(b * numFilters + f) * memorySize + memorySize - 1] = dot;
      }
    }
    for (let r = 0; r < batches * numFilters; r++) {
      let dot = 0;
      const sOff = r * memorySize;
      const wOff = (r % numFilters) * memorySize;
      for (let m = 0; m < memorySize; m++) dot = f32(dot + f32(wt[wOff + m] * s[sOff + m]));
      filterSums[r] = dot;
    }
    for (let u = 0; u < batches * numUnits; u++) {
      let sum = 0;
      for (let r = 0; r < rank; r++) sum = f32(sum + filterSums[u * rank + r]);
      if (bd) sum = f32(sum + bd[u % numUnits]);
      yd[u] = activation(sum);
    }
  };
};
