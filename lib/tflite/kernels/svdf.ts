/**
 * SVDF (keyword-spotting models): per invoke the activation state (a variable tensor, per batch num_filters rows
 * of memory_size) shifts left by one, its newest column gets input × weights_feature, then each filter's row is
 * dotted with its time weights, every `rank` filters are summed into a unit, bias and the fused activation follow.
 *
 * float32 only: TFLite computes it with its portable tensor_utils in single precision: every dot product starts at
 * 0 and adds float products one by one, the rank reduction likewise, then bias is added. Math.fround after each
 * operation reproduces those roundings. int8 (EvalIntegerSVDF) and hybrid (float input, int8 weights;
 * EvalHybridSVDF) are refused at load until a kernel matches tfjs-tflite; the geometry and time-weights step are
 * kept apart so those kernels can share them.
 */
import { TensorType, Activation } from "../schema";
import { fail, input, type KernelContext, type PrepareKernel } from "../kernel";
import type { Tensor } from "../tensor";

const f32 = Math.fround;
/** SVDFOptions' slots (schema order): rank, fused_activation_function, asymmetric_quantize_inputs. */
const RANK_SLOT = 0;
const ACTIVATION_SLOT = 1;

/** The operator's tensors and dimensions, checked as TFLite's Prepare checks them. */
export interface SvdfGeometry {
  x: Tensor;
  weightsFeature: Tensor;
  weightsTime: Tensor;
  bias: Tensor | undefined;
  state: Tensor;
  y: Tensor;
  batches: number;
  inputSize: number;
  numFilters: number;
  memorySize: number;
  rank: number;
  numUnits: number;
  activationCode: number;
}

function svdfGeometry(ctx: KernelContext): SvdfGeometry {
  const x = input(ctx, 0);
  const weightsFeature = input(ctx, 1);
  const weightsTime = input(ctx, 2);
  const bias = ctx.inputs[3];
  const state = input(ctx, 4);
  const y = ctx.outputs[0];
  if (!state.isVariable) fail(ctx, "the activation state (input 4) must be a variable tensor");
  if (x.shape.length !== 2 || weightsFeature.shape.length !== 2 || weightsTime.shape.length !== 2) fail(ctx, "input, weights_feature and weights_time must be 2-D");
  const rank = ctx.options?.int32(RANK_SLOT, 0) ?? 0;
  const activationCode = ctx.options?.int8(ACTIVATION_SLOT, Activation.NONE) ?? Activation.NONE;
  const [batches, inputSize] = x.shape;
  const [numFilters, featureSize] = weightsFeature.shape;
  const [timeFilters, memorySize] = weightsTime.shape;
  if (featureSize !== inputSize) fail(ctx, `weights_feature has ${featureSize} columns for an input of ${inputSize}`);
  if (timeFilters !== numFilters) fail(ctx, `weights_time has ${timeFilters} rows for ${numFilters} filters`);
  if (rank < 1 || numFilters % rank !== 0) fail(ctx, `rank ${rank} does not divide ${numFilters} filters`);
  const numUnits = numFilters / rank;
  if (bias && bias.size !== numUnits) fail(ctx, `bias must have ${numUnits} values`);
  if (state.size !== batches * numFilters * memorySize) fail(ctx, `activation state must have ${batches * numFilters * memorySize} values`);
  if (y.size !== batches * numUnits) fail(ctx, `output must have ${batches * numUnits} values`);
  return { x, weightsFeature, weightsTime, bias, state, y, batches, inputSize, numFilters, memorySize, rank, numUnits, activationCode };
}

/** tensor_utils::ApplyActivationToVector, for the activations a model's SVDFOptions can name. */
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
    // TANH: TFLite's ApplyTanhToVector is Eigen's rational approximation; Math.tanh differs by a few ulps, so refused
    case Activation.SIGN_BIT:
      return (v) => (v < 0 || Object.is(v, -0) ? 1 : 0); // std::signbit as a float
    default:
      return undefined;
  }
}

export const prepareSvdf: PrepareKernel = (ctx) => {
  const g = svdfGeometry(ctx);
  const { x, weightsFeature } = g;
  if (x.type === TensorType.INT8) fail(ctx, "int8 SVDF is not supported");
  if (x.type !== TensorType.FLOAT32) fail(ctx, `${x.typeName} SVDF is not supported (float32, int8, or float32 with int8 weights)`);
  if (weightsFeature.type === TensorType.FLOAT32) return prepareFloatSvdf(ctx, g);
  if (weightsFeature.type === TensorType.INT8) fail(ctx, "float32 SVDF with int8 weights (hybrid) is not supported");
  return fail(ctx, `float32 SVDF with ${weightsFeature.typeName} weights is not supported (float32 or int8 weights)`);
};

function requireFloatState(ctx: KernelContext, g: SvdfGeometry): void {
  if (g.bias && g.bias.type !== TensorType.FLOAT32) fail(ctx, `bias must be float32 with float32 input, not ${g.bias.typeName}`);
  if (g.state.type !== TensorType.FLOAT32) fail(ctx, `activation state must be float32 with float32 input, not ${g.state.typeName}`);
  if (g.y.type !== TensorType.FLOAT32) fail(ctx, `output must be float32 with float32 input, not ${g.y.typeName}`);
}

function activationFor(ctx: KernelContext, code: number): (v: number) => number {
  return activationOf(code) ?? fail(ctx, `activation ${Activation[code] ?? code} is not supported`);
}

function prepareFloatSvdf(ctx: KernelContext, g: SvdfGeometry) {
  requireFloatState(ctx, g);
  if (g.weightsTime.type !== TensorType.FLOAT32) fail(ctx, `weights_time must be float32 with float32 weights_feature, not ${g.weightsTime.typeName}`);
  const { x, batches, inputSize, numFilters, memorySize } = g;
  const wf = g.weightsFeature.data as Float32Array;
  const timeStep = timeWeightsStep(g, g.weightsTime.data as Float32Array, activationFor(ctx, g.activationCode));
  return () => {
    const xd = x.data as Float32Array;
    const s = g.state.data as Float32Array;
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
    timeStep();
  };
}

/** ApplyTimeWeightsBiasAndActivation on a float state: the filters' time dot products, rank sums, bias, activation. */
function timeWeightsStep(g: SvdfGeometry, wt: Float32Array, activation: (v: number) => number): () => void {
  const { batches, numFilters, memorySize, rank, numUnits } = g;
  const bd = g.bias?.data as Float32Array | undefined;
  const filterSums = new Float32Array(batches * numFilters);
  return () => {
    const s = g.state.data as Float32Array;
    const yd = g.y.data as Float32Array;
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
}
