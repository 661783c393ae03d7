/** Per-output-channel requantization multipliers of convolution-like kernels (input*filter scale / output scale). */
import { quantizeMultiplier } from "../fixed-point";
import type { Tensor } from "../tensor";
import { TensorType } from "../schema";

export function channelMultipliers(input: Tensor, filter: Tensor, output: Tensor, channels: number): { multipliers: Int32Array; shifts: Int32Array } {
  const multipliers = new Int32Array(channels);
  const shifts = new Int32Array(channels);
  for (let c = 0; c < channels; c++) {
    const filterScale = filter.scales.length > 1 ? filter.scales[c] : filter.scales[0];
    const { multiplier, shift } = quantizeMultiplier((input.scale * filterScale) / output.scale);
    multipliers[c] = multiplier;
    shifts[c] = shift;
  }
  return { multipliers, shifts };
}

/**
 * XNNPACK's int8 requantization scales (single precision), for the `xnnpack` arithmetic mode that reproduces
 * TFLite with its default XNNPACK delegate (what tfjs-tflite runs) instead of the reference kernels.
 */
export function fp32Scales(input: Tensor, filter: Tensor, output: Tensor, channels: number): Float32Array {
  const out = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const filterScale = filter.scales.length > 1 ? filter.scales[c] : filter.scales[0];
    out[c] = Math.fround(Math.fround(input.scale * filterScale) / output.scale);
  }
  return out;
}

/**
 * acc × scale in single precision (acc converted to float first, as XNNPACK does: that rounds accumulators beyond
 * 2^24), rounded to nearest with ties to even (XNNPACK's magic-bias rounding).
 */
export function requantizeFp32(acc: number, scale: number): number {
  const f = Math.fround(Math.fround(acc) * scale);
  const r = Math.round(f);
  return r - f === 0.5 && (r & 1) !== 0 ? r - 1 : r;
}

/**
 * Whether the XNNPACK delegate takes a quantized convolution-like operator whose int32 bias has no quantization
 * parameters (converters always write them; hand-made models may not). Measured against tfjs-tflite: it then still
 * takes int8 CONV_2D and FULLY_CONNECTED, but leaves uint8 operators and int8 DEPTHWISE_CONV_2D to TFLite's own
 * kernels ("missing scale quantization parameters for INT32 tensor"), whose arithmetic is the reference one.
 */
export function xnnpackTakesBias(bias: Tensor | undefined, input: Tensor, depthwise: boolean): boolean {
  if (!bias || bias.scales.length > 0) return true;
  return input.type === TensorType.INT8 && !depthwise;
}
