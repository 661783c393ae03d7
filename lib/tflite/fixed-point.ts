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

/**
 * gemmlowp RoundingDivideByPOT: x / 2^exponent rounded half away from zero. Exponents of 32 and more (uint8 DIV of a
 * dividend 0 or -1 reaches them) give what the compiled C++ gives in WebAssembly: the 64-bit mask truncated to -1
 * and the shift count taken modulo 32.
 */
export function roundingDivideByPOT(x: number, exponent: number): number {
  if (exponent === 0) return x;
  const mask = exponent >= 32 ? -1 : exponent === 31 ? 0x7fffffff : (1 << exponent) - 1;
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

/** gemmlowp SaturatingRoundingMultiplyByPOT for a positive exponent: x · 2^exponent, saturated to int32. */
export function saturatingShiftLeft(x: number, exponent: number): number {
  const threshold = 2 ** (31 - exponent) - 1;
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return x << exponent;
}

/**
 * gemmlowp one_over_one_plus_x_for_x_in_0_1 on int32 Q0.31: 1 / (1 + a) by three Newton–Raphson steps in Q2.29.
 * Additions wrap as the compiled C++ does.
 */
export function oneOverOnePlusX32(a: number): number {
  const sum = a + INT32_MAX;
  const halfDenominator = Math.trunc((sum + (sum >= 0 ? 1 : -1)) / 2);
  const one = 1 << 29;
  let x = (1515870810 + srdhm(halfDenominator, -1010580540)) | 0; // 48/17 − 32/17 · d
  for (let i = 0; i < 3; i++) {
    const oneMinus = (one - srdhm(halfDenominator, x)) | 0;
    x = (x + saturatingShiftLeft(srdhm(x, oneMinus), 2)) | 0;
  }
  return saturatingShiftLeft(x, 1);
}

/**
 * TFLite GetReciprocal: 1/x for an int32 x with `integerDigits` integer digits, as a Q0.31 multiplier and the
 * number of bits above one (shift). JavaScript's shifts take their count modulo 32 as WebAssembly's do, so x = 0
 * gives what tfjs-tflite's build gives.
 */
export function reciprocal(x: number, integerDigits: number): { multiplier: number; bitsOverUnit: number } {
  const headroomPlusOne = Math.clz32(x);
  const shiftedMinusOne = ((x << headroomPlusOne) - 2147483648) | 0;
  return { multiplier: oneOverOnePlusX32(shiftedMinusOne), bitsOverUnit: integerDigits - headroomPlusOne };
}

/** TFLite CountLeadingSignBits for an int32. */
export function countLeadingSignBits(x: number): number {
  if (x >= 0) return Math.clz32(x) - 1;
  return x === INT32_MIN ? 0 : Math.clz32(2 * -x - 1);
}
