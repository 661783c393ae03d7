/**
 * int16 ADD and SUB with power-of-two scales and zero points 0 (`pot_scale_int16`, the default, as older converters
 * and TFLite's int16 LSTM graphs write them): TFLite's 16-bit fixed-point path. The input whose scale differs from
 * the output's is brought to it by a rounding right shift, the other taken as it is, and the two added (or
 * subtracted, in input order) with int16 saturation (gemmlowp's SaturatingAdd / SaturatingSub on Q0.15).
 */
import { fail, type KernelContext } from "../kernel";
import { roundingDivideByPOT } from "../fixed-point";
import type { Tensor } from "../tensor";

const sat16 = (v: number): number => (v > 32767 ? 32767 : v < -32768 ? -32768 : v);

/** CheckedLog2: the rounded log2 of x, or undefined where x is not a power of two (to 1e-3 in the exponent). */
function log2Exact(x: number): number | undefined {
  const f32 = Math.fround;
  const l = f32(f32(Math.log(f32(x))) * f32(1 / f32(Math.log(2))));
  const r = l < 0 ? -Math.round(-l) : Math.round(l);
  return Math.abs(f32(l - r)) < 1e-3 ? r : undefined;
}

/** Whether the three scales are powers of two: TFLite's POT path then, unless pot_scale_int16 is false. */
export function int16ScalesArePowersOfTwo(a: Tensor, b: Tensor, y: Tensor): boolean {
  return [a, b, y].every((t) => log2Exact(t.scale) !== undefined);
}

/** Each input's right shift to the output's scale (one of them 0), checked as TFLite checks them. */
export function int16PotShifts(ctx: KernelContext, a: Tensor, b: Tensor, y: Tensor): { sa: number; sb: number } {
  if (a.zeroPoint !== 0 || b.zeroPoint !== 0 || y.zeroPoint !== 0) fail(ctx, "int16 with power-of-two scales needs zero points 0");
  const out = log2Exact(y.scale)!;
  const shiftA = log2Exact(a.scale)! - out;
  const shiftB = log2Exact(b.scale)! - out;
  // TFLite shifts one input only, to the right
  if ((shiftA !== 0 && shiftB !== 0) || shiftA > 0 || shiftB > 0) fail(ctx, `int16 power-of-two scales 2^${out + shiftA}, 2^${out + shiftB} → 2^${out}: only one input may differ from the output, and only by a smaller scale`);
  return { sa: -shiftA, sb: -shiftB };
}

/** The element function (raw inputs → raw output before the activation clamp). */
export function int16PotAddElement(shifts: { sa: number; sb: number }, subtract: boolean): (u: number, v: number) => number {
  const { sa, sb } = shifts;
  return subtract ? (u, v) => sat16(roundingDivideByPOT(u, sa) - roundingDivideByPOT(v, sb)) : (u, v) => sat16(roundingDivideByPOT(u, sa) + roundingDivideByPOT(v, sb));
}
