/**
 * The second half of float32 and hybrid SVDF (TFLite's ApplyTimeWeightsBiasAndActivation on a float state): each
 * filter's state row dotted with its float time weights, every `rank` filters summed into a unit, then bias and the
 * fused activation, in single precision with TFLite's portable tensor_utils order of operations.
 */
import { TensorType, Activation } from "../schema";
import { fail, type KernelContext } from "../kernel";
import type { SvdfGeometry } from "./svdf-geometry";
import { eigenTanh } from "./eigen-activations";
import { prepareSvdfTimeSimd } from "./matrix-simd";
import type { WasmHeap } from "../wasm-kernels";

const f32 = Math.fround;

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
    case Activation.TANH:
      return eigenTanh; // ApplyTanhToVector: Eigen's rational approximation, which Math.tanh differs from by ulps
    case Activation.SIGN_BIT:
      return (v) => (v < 0 || Object.is(v, -0) ? 1 : 0); // std::signbit as a float
    default:
      return undefined;
  }
}

export function activationFor(ctx: KernelContext, code: number): (v: number) => number {
  return activationOf(code) ?? fail(ctx, `activation ${Activation[code] ?? code} is not supported`);
}

/** Bias, state and output of float32 and hybrid SVDF are float32. */
export function requireFloatState(ctx: KernelContext, g: SvdfGeometry): void {
  if (g.bias && g.bias.type !== TensorType.FLOAT32) fail(ctx, `bias must be float32 with float32 input, not ${g.bias.typeName}`);
  if (g.state.type !== TensorType.FLOAT32) fail(ctx, `activation state must be float32 with float32 input, not ${g.state.typeName}`);
  if (g.y.type !== TensorType.FLOAT32) fail(ctx, `output must be float32 with float32 input, not ${g.y.typeName}`);
}

/** The filters' time dot products, rank sums, bias and activation, reading g.state and writing g.y. */
export function timeWeightsStep(g: SvdfGeometry, wt: Float32Array, activation: (v: number) => number, heap?: WasmHeap): () => void {
  const { batches, numFilters, memorySize, rank, numUnits } = g;
  const bd = g.bias?.data as Float32Array | undefined;
  const sums = new Float32Array(batches * numFilters);
  const simd = prepareSvdfTimeSimd(heap, wt, batches * numFilters, numFilters, memorySize);
  return () => {
    const s = g.state.data as Float32Array;
    const yd = g.y.data as Float32Array;
    const filterSums = simd ? simd(s) : sums;
    if (!simd) {
      for (let r = 0; r < batches * numFilters; r++) {
        let dot = 0;
        const sOff = r * memorySize;
        const wOff = (r % numFilters) * memorySize;
        for (let m = 0; m < memorySize; m++) dot = f32(dot + f32(wt[wOff + m] * s[sOff + m]));
        filterSums[r] = dot;
      }
    }
    for (let u = 0; u < batches * numUnits; u++) {
      let sum = 0;
      for (let r = 0; r < rank; r++) sum = f32(sum + filterSums[u * rank + r]);
      if (bd) sum = f32(sum + bd[u % numUnits]);
      yd[u] = activation(sum);
    }
  };
}
