/**
 * SVDF's tensors and dimensions, checked as TFLite's Prepare checks them; shared by the float32, hybrid and
 * integer kernels.
 */
import { Activation } from "../schema";
import { fail, input, type KernelContext } from "../kernel";
import type { Tensor } from "../tensor";

/** SVDFOptions' slots (schema order): rank, fused_activation_function, asymmetric_quantize_inputs. */
const RANK_SLOT = 0;
const ACTIVATION_SLOT = 1;
const ASYMMETRIC_SLOT = 2;

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
  /** hybrid only: quantize each input row with a zero point instead of symmetrically */
  asymmetricInputs: boolean;
}

export function svdfGeometry(ctx: KernelContext): SvdfGeometry {
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
  const asymmetricInputs = ctx.options?.bool(ASYMMETRIC_SLOT, false) ?? false;
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
  return { x, weightsFeature, weightsTime, bias, state, y, batches, inputSize, numFilters, memorySize, rank, numUnits, activationCode, asymmetricInputs };
}
