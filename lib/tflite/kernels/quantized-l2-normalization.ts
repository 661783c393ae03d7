/**
 * int8 and uint8 L2_NORMALIZATION over the last dimension, as TFLite's kernels (reference_integer_ops and
 * optimized_ops, the same arithmetic; XNNPACK takes only float): the integer sum of squared offsets, its inverse
 * square root as a fixed-point multiplier (GetInvSqrtQuantizedMultiplierExp), each offset rescaled to the output's
 * fixed scale of 1/128 (zero point 0 for int8, 128 for uint8).
 */
import { TensorType } from "../schema";
import { fail, type KernelContext, type Invoke } from "../kernel";
import { mulByQuantizedMultiplier, mulByQuantizedMultiplierSmallerThanOne } from "../fixed-point";
import { invSqrtQuantizedMultiplier } from "./lstm-fixed-point";
import { requireQuantized } from "./common";
import { prepareL2Simd } from "./reduce-pool-simd";
import type { Tensor } from "../tensor";

export function prepareQuantizedL2Normalization(ctx: KernelContext, x: Tensor, y: Tensor, depth: number, outer: number): Invoke {
  if (y.type !== x.type) fail(ctx, `input ${x.typeName} and output ${y.typeName} differ`);
  requireQuantized(ctx, x, "input");
  requireQuantized(ctx, y, "output");
  const uint8 = x.type === TensorType.UINT8;
  if (y.scale !== 1 / 128 || y.zeroPoint !== (uint8 ? 128 : 0)) fail(ctx, `output quantization must be scale 1/128, zero point ${uint8 ? 128 : 0} (is ${y.scale}, ${y.zeroPoint})`);
  const zero = x.zeroPoint;
  const simd = prepareL2Simd(ctx.simd?.(), x, y, outer, depth);
  if (simd) return simd;
  return () => {
    const xd = x.data as Int8Array;
    const yd = y.data as Int8Array;
    for (let r = 0; r < outer; r++) {
      const base = r * depth;
      let squares = 0;
      for (let c = 0; c < depth; c++) {
        const d = xd[base + c] - zero;
        squares += d * d;
      }
      const { multiplier, shift } = invSqrtQuantizedMultiplier(squares | 0, -1);
      for (let c = 0; c < depth; c++) {
        const d = xd[base + c] - zero;
        // int8: the rescale folded into the shift (7 bits, the 1/128 output scale); uint8: 128 × d, around 128
        const v = uint8 ? 128 + mulByQuantizedMultiplierSmallerThanOne(128 * d, multiplier, shift) : mulByQuantizedMultiplier(d, multiplier, shift + 7);
        const lo = uint8 ? 0 : -128;
        const hi = uint8 ? 255 : 127;
        yd[base + c] = v < lo ? lo : v > hi ? hi : v;
      }
    }
  };
}
