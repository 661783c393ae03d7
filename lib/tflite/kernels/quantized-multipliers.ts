/** Per-output-channel requantization multipliers of convolution-like kernels (input*filter scale / output scale). */
import { quantizeMultiplier } from "../fixed-point";
import type { Tensor } from "../tensor";

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
