/**
 * 16-bit fixed-point nonlinearities of TFLite's integer LSTM (gemmlowp's `logistic` and `tanh` evaluated on
 * int16 raw values, as tensor_utils' ApplySigmoid / ApplyTanh call them) and the int32 inverse square root
 * its layer normalisation uses. Every intermediate is kept to the width and overflow behaviour of the C++
 * types: int16 additions wrap unless the reference saturates them, multiplications are the rounding doubling
 * high-multiply, and constants are the 32-bit ones rounded to 16 bits.
 */
import { INT32_MAX, INT32_MIN, roundingDivideByPOT, srdhm } from "../fixed-point";

const INT16_MAX = 32767;
const INT16_MIN = -32768;

/** Two's-complement wrap to int16 (a C++ narrowing conversion). */
export const wrap16 = (x: number): number => (x << 16) >> 16;
const sat16 = (x: number): number => (x > INT16_MAX ? INT16_MAX : x < INT16_MIN ? INT16_MIN : x);

/** SaturatingRoundingDoublingHighMul on int16: round-half-away(a*b / 2^15), -1 × -1 saturating. */
export function srdhm16(a: number, b: number): number {
  if (a === INT16_MIN && b === INT16_MIN) return INT16_MAX;
  const ab = a * b;
  return Math.trunc((ab + (ab >= 0 ? 16384 : 1 - 16384)) / 32768) | 0;
}

/** Multiplication by 2^exponent: saturating for a left shift, rounding to nearest for a right shift. */
function mulPot16(x: number, exponent: number): number {
  if (exponent > 0) return sat16(x * 2 ** exponent);
  return exponent < 0 ? roundingDivideByPOT(x, -exponent) : x;
}

/** A 32-bit Q0.31-style constant brought to 16 bits (rounded right shift by 16). */
const c16 = (c32: number): number => wrap16(roundingDivideByPOT(c32, 16));

// Q0.15 constants
const EXP_MINUS_EIGHTH = c16(1895147668);
const ONE_THIRD = c16(715827883);
const ONE_HALF = c16(1 << 30);
// Q2.13 constants of the Newton–Raphson division
const F2_48_OVER_17 = c16(1515870810);
const F2_NEG_32_OVER_17 = c16(-1010580540);
const F2_ONE = 1 << 13;
const F0_ONE = INT16_MAX;
/** exp(-2^k) for k = -2..4 in Q0.15, indexed by k + 2 */
const EXP_BARREL = [1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242].map(c16);

/** exp(a) for a in [-1/4, 0), a and result in Q0.15. */
function expOnQuarterInterval(a: number): number {
  const x = wrap16(a + (1 << 12)); // a + 1/8
  const x2 = srdhm16(x, x);
  const x3 = srdhm16(x2, x);
  const x4 = srdhm16(x2, x2);
  const x4Over4 = roundingDivideByPOT(x4, 2);
  const poly = mulPot16(wrap16(srdhm16(wrap16(x4Over4 + x3), ONE_THIRD) + x2), -1);
  return sat16(EXP_MINUS_EIGHTH + srdhm16(EXP_MINUS_EIGHTH, wrap16(x + poly)));
}

/** exp(a) for a <= 0 given as int16 raw with `integerBits` integer bits; result in Q0.15. */
export function expOnNegativeValues16(a: number, integerBits: number): number {
  const fractionalBits = 15 - integerBits;
  const quarter = 1 << (fractionalBits - 2);
  const aModQuarterMinusQuarter = wrap16((a & (quarter - 1)) - quarter);
  let result = expOnQuarterInterval(mulPot16(aModQuarterMinusQuarter, integerBits));
  const remainder = wrap16(aModQuarterMinusQuarter - a);
  for (let k = -2; k <= 4; k++) {
    if (integerBits > k && (remainder & (1 << (fractionalBits + k))) !== 0) result = srdhm16(result, EXP_BARREL[k + 2]);
  }
  if (integerBits > 5 && a < c16(-(2 ** (36 - integerBits)))) result = 0;
  return a === 0 ? F0_ONE : result;
}

/** Newton–Raphson estimate of 1 / (1 + a) for a in (0, 1), returned in Q2.13 scaled by 1/2 (i.e. 1/(2·half)). */
function reciprocalOfHalfDenominator(halfDenominator: number): number {
  let x = wrap16(F2_48_OVER_17 + srdhm16(halfDenominator, F2_NEG_32_OVER_17));
  for (let i = 0; i < 3; i++) {
    const oneMinus = wrap16(F2_ONE - srdhm16(halfDenominator, x));
    x = wrap16(x + mulPot16(srdhm16(x, oneMinus), 2));
  }
  return x;
}

/** (a + 1) / 2 rounded half away from zero (gemmlowp RoundingHalfSum with One). */
function halfSumWithOne(a: number): number {
  const sum = a + F0_ONE;
  return Math.trunc((sum + (sum >= 0 ? 1 : -1)) / 2);
}

/** 1 / (1 + a) for a in (0, 1), Q0.15 in and out. */
function oneOverOnePlusX(a: number): number {
  return mulPot16(reciprocalOfHalfDenominator(halfSumWithOne(a)), 1);
}

/** (1 - a) / (1 + a) for a in (0, 1), Q0.15 in and out. */
function oneMinusXOverOnePlusX(a: number): number {
  return mulPot16(wrap16(reciprocalOfHalfDenominator(halfSumWithOne(a)) - F2_ONE), 2);
}

/** gemmlowp::logistic on an int16 raw value with `integerBits` integer bits; the result is Q0.15. */
export function logistic16(raw: number, integerBits = 3): number {
  if (raw === 0) return ONE_HALF;
  const positive = raw > 0;
  const abs = positive ? raw : wrap16(-raw);
  const ifPositive = oneOverOnePlusX(expOnNegativeValues16(wrap16(-abs), integerBits));
  return positive ? ifPositive : wrap16(F0_ONE - ifPositive);
}

/** gemmlowp::tanh on an int16 raw value with `integerBits` integer bits (0…6); the result is Q0.15. */
export function tanh16(raw: number, integerBits: number): number {
  if (raw === 0) return 0;
  const negative = raw < 0;
  const nonPositive = negative ? raw : wrap16(-raw);
  // exp(2·n): the same raw value read with one more integer bit
  const t = oneMinusXOverOnePlusX(expOnNegativeValues16(nonPositive, integerBits + 1));
  return negative ? wrap16(-t) : t;
}

const sat32 = (x: number): number => (x > INT32_MAX ? INT32_MAX : x < INT32_MIN ? INT32_MIN : x);

/**
 * GetInvSqrtQuantizedMultiplierExp: 1/sqrt(input) as a Q0.31 multiplier and a shift (multiplied by
 * reverseShift), by five Newton iterations in Q3.28.
 */
export function invSqrtQuantizedMultiplier(input: number, reverseShift: number): { multiplier: number; shift: number } {
  if (input <= 1) return { multiplier: INT32_MAX, shift: 0 };
  let shift = 11;
  let v = input;
  while (v >= 1 << 29) {
    v = Math.trunc(v / 4);
    shift++;
  }
  const leftShiftBitPairs = ((Math.clz32(v) - 1) >>> 1) - 1;
  shift -= leftShiftBitPairs;
  v = v << (2 * leftShiftBitPairs);
  const fpInput = v >> 1;
  const halfInput = roundingDivideByPOT(fpInput, 1);
  const halfThree = (1 << 28) + (1 << 27);
  let x = 1 << 28; // One in Q3.28
  for (let i = 0; i < 5; i++) {
    const x3 = sat32(srdhm(srdhm(x, x), x) * 64); // Q9 → Q3
    x = sat32(((srdhm(halfThree, x) - srdhm(halfInput, x3)) | 0) * 8); // Q6 → Q3
  }
  let multiplier = srdhm(x, 1518500250); // × sqrt(2)/2
  if (shift < 0) {
    multiplier = multiplier << -shift;
    shift = 0;
  }
  return { multiplier, shift: (shift * reverseShift) | 0 };
}
