/**
 * TFLite's reference integer arithmetic (tensorflow/lite/kernels/internal/common.h and gemmlowp's fixed-point
 * helpers), written for JavaScript numbers so every result is bit-exact. Products that would need 64 bits
 * are split into halves that stay below 2^53.
 */

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/** gemmlowp SaturatingRoundingDoublingHighMul: round-half-away((a*b*2) / 2^32), saturating the single overflow. */
export function srdhm(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const negative = (a < 0 && b > 0) || (a > 0 && b < 0);
  const nudge = negative ? 1 - 0x40000000 : 0x40000000;
  const bh = b >> 16;
  const bl = b & 0xffff;
  const t = a * bl + nudge;
  const tq = Math.floor(t / 65536);
  const tr = t - tq * 65536;
  const s = a * bh + tq;
  const q = Math.floor(s / 32768);
  if (negative && (tr !== 0 || s - q * 32768 !== 0)) return q + 1; // C++ division truncates toward zero
  return q;
}

/** gemmlowp RoundingDivideByPOT: x / 2^exponent rounded half away from zero. */
export function roundingDivideByPOT(x: number, exponent: number): number {
  if (exponent === 0) return x;
  const mask = exponent >= 31 ? 0x7fffffff : (1 << exponent) - 1;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/** MultiplyByQuantizedMultiplier for an int32 x. */
export function mulByQuantizedMultiplier(x: number, multiplier: number, shift: number): number {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  return roundingDivideByPOT(srdhm(left ? Math.imul(x, 1 << left) : x, multiplier), right);
}

/** MultiplyByQuantizedMultiplierSmallerThanOneExp (right shift only, shift <= 0). */
export function mulByQuantizedMultiplierSmallerThanOne(x: number, multiplier: number, shift: number): number {
  return roundingDivideByPOT(srdhm(x, multiplier), -shift);
}

/** MultiplyByQuantizedMultiplierGreaterThanOne (left shift >= 0). */
export function mulByQuantizedMultiplierGreaterThanOne(x: number, multiplier: number, shift: number): number {
  return srdhm(Math.imul(x, 1 << shift), multiplier);
}

/**
 * MultiplyByQuantizedMultiplier for an int64 accumulator (the int16x8 kernels): the multiplier is reduced to
 * 16 bits and the product rounded with one shift. x is an exact integer below 2^47 in magnitude.
 */
export function mulByQuantizedMultiplier64(x: number, multiplier: number, shift: number): number {
  const reduced = multiplier < 0x7fff0000 ? (multiplier + (1 << 15)) >> 16 : 0x7fff;
  const totalShift = 15 - shift;
  const round = 2 ** (totalShift - 1);
  // x * reduced + round, floored by 2^totalShift, computed exactly through a 2^24 split of x.
  const xh = Math.floor(x / 16777216);
  const xl = x - xh * 16777216;
  const t = xl * reduced + round;
  const tq = Math.floor(t / 16777216);
  const tr = t - tq * 16777216;
  const s = xh * reduced + tq; // value = s * 2^24 + tr
  let result: number;
  if (totalShift >= 24) result = Math.floor(s / 2 ** (totalShift - 24));
  else result = s * 2 ** (24 - totalShift) + Math.floor(tr / 2 ** totalShift);
  return result | 0;
}

/** QuantizeMultiplier: a real multiplier as a Q31 significand and a power-of-two exponent. */
export function quantizeMultiplier(real: number): { multiplier: number; shift: number } {
  if (real === 0) return { multiplier: 0, shift: 0 };
  const { fraction, exponent } = frexp(real);
  let shift = exponent;
  let q = roundHalfAway(fraction * 2147483648);
  if (q === 2147483648) {
    q /= 2;
    shift++;
  }
  if (shift < -31) return { multiplier: 0, shift: 0 };
  return { multiplier: q, shift };
}

/** C frexp: real = fraction * 2^exponent with 0.5 <= |fraction| < 1. */
export function frexp(value: number): { fraction: number; exponent: number } {
  if (value === 0 || !Number.isFinite(value)) return { fraction: value, exponent: 0 };
  const abs = Math.abs(value);
  let exponent = Math.max(-1073, Math.floor(Math.log2(abs)) + 1);
  let fraction = abs * 2 ** -exponent;
  while (fraction < 0.5) {
    fraction *= 2;
    exponent--;
  }
  while (fraction >= 1) {
    fraction /= 2;
    exponent++;
  }
  return { fraction: value < 0 ? -fraction : fraction, exponent };
}

/** std::round: halves away from zero. */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** std::rint / lrintf in the default rounding mode: to nearest, halves to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && (r & 1) !== 0 ? r - 1 : r;
}
