/**
 * Eigen's single-precision tanh and logistic as TFLite's LSTM applies them (tensor_utils' ApplyTanhToVector /
 * ApplySigmoidToVector map a vector and call Eigen's array tanh() / logistic(); in the WebAssembly build Eigen takes
 * its scalar path, without FMA), its tanh as TFLite's float TANH, and its erf and tanh in TFLite's float GELU.
 * Reproduced operation by operation in float32: they differ from Math.tanh and 1 / (1 + e^-x) by an ulp or so,
 * which an LSTM carries from step to step.
 */
import { expf } from "./expf";

const f32 = Math.fround;

// tanh: a 13/6-degree rational function of x clamped to ±c (the smallest x where it reaches 1 without FMA),
// x itself below 0.0004 in magnitude
const TANH_CLAMP = f32(7.90531110763549805);
const TANH_TINY = f32(0.0004);
const TANH_P = [-2.76076847742355e-16, 2.00018790482477e-13, -8.60467152213735e-11, 5.12229709037114e-8, 1.48572235717979e-5, 6.37261928875436e-4, 4.89352455891786e-3].map(f32);
const TANH_Q = [1.19825839466702e-6, 1.18534705686654e-4, 2.268434632439e-3, 4.89352518554385e-3].map(f32);

/** Horner's rule in float32 with separate multiply and add roundings (coefficients highest first) */
function horner(x2: number, coefficients: number[]): number {
  let acc = coefficients[0];
  for (let i = 1; i < coefficients.length; i++) acc = f32(f32(x2 * acc) + coefficients[i]);
  return acc;
}

export function eigenTanh(a: number): number {
  const x = a > TANH_CLAMP ? TANH_CLAMP : a < -TANH_CLAMP ? -TANH_CLAMP : a;
  if (Math.abs(a) < TANH_TINY) return x;
  const x2 = f32(x * x);
  return f32(f32(x * horner(x2, TANH_P)) / horner(x2, TANH_Q));
}

// logistic: e / (1 + e) with e = expf(x) (the C library's), x capped below exp's overflow (any cap from 17.33 up
// gives the same results: e ≥ 2^25 there, so 1 + e rounds to e; tfjs-tflite is not capped at 16.64, where 1 + e
// can still round up and the result be just below 1)
const LOGISTIC_CAP = f32(88.3762626647949);

export function eigenLogistic(a: number): number {
  const e = expf(a < LOGISTIC_CAP ? a : LOGISTIC_CAP);
  return f32(e / f32(1 + e));
}

// erf: Eigen's generic_fast_erf_float, x clamped to ±4 (erf is ±1 in float32 beyond), then x·P(x²)/Q(x²) in float32
const ERF_P = [-2.72614225801306e-10, 2.77068142495902e-8, -2.10102402082508e-6, -5.69250639462346e-5, -7.34990630326855e-4, -2.95459980854025e-3, -1.60960333262415e-2].map(f32);
const ERF_Q = [-1.45660718464996e-5, -2.13374055278905e-4, -1.68282697438203e-3, -7.37332916720468e-3, -1.42647390514189e-2].map(f32);

export function eigenErf(a: number): number {
  // Eigen's pmin/pmax: b < a ? b : a, a < b ? b : a
  const lo = 4 < a ? 4 : a;
  const x = lo < -4 ? -4 : lo;
  const x2 = f32(x * x);
  return f32(f32(x * horner(x2, ERF_P)) / horner(x2, ERF_Q));
}

// GELU as TFLite's float kernel writes it with Eigen arrays: 0.5·x·(1 + erf(x·√½)), or with approximate
// 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), x³ = (x·x)·x; each step in float32
const SQRT_HALF = f32(Math.SQRT1_2);
const SQRT_2_PI = f32((2 / Math.sqrt(Math.PI)) * Math.SQRT1_2);
const GELU_CUBE = f32(0.044715);

export function eigenGelu(x: number): number {
  return f32(f32(0.5 * x) * f32(1 + eigenErf(f32(x * SQRT_HALF))));
}

export function eigenGeluApproximate(x: number): number {
  const inner = f32(SQRT_2_PI * f32(x + f32(GELU_CUBE * f32(f32(x * x) * x))));
  return f32(f32(0.5 * x) * f32(1 + eigenTanh(inner)));
}
