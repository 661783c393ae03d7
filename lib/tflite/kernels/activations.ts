/**
 * RELU, RELU6, RELU_N1_TO_1, LEAKY_RELU, LOGISTIC, TANH and SOFTMAX (the float32 clamps and LEAKY_RELU in WebAssembly
 * SIMD where the tensors are in its heap, float-unary-simd.ts). Quantized LOGISTIC/TANH use a 256-entry table of the
 * dequantize → f → requantize map, and 8-bit SOFTMAX the exp table of TFLite's interpreter kernels, so
 * results match TFLite's own outputs. int16 LOGISTIC, TANH and SOFTMAX are in int16-activations.ts.
 */
import { F, TensorType } from "../schema";
import { fail, input, type KernelContext, type PrepareKernel } from "../kernel";
import { mulByQuantizedMultiplier, quantizeMultiplier, roundHalfAway } from "../fixed-point";
import { integerRange } from "../tensor";
import { requireQuantized } from "./common";
import type { Tensor } from "../tensor";
import { prepareInt16Logistic, prepareInt16Softmax, prepareInt16Tanh } from "./int16-activations";
import { prepareRequantizeInt16Simd } from "./int16-simd";
import { byteLookup } from "./byte-lookup";
import { FloatUnaryKind, prepareFloatUnarySimd } from "./float-unary-simd";
import { eigenTanh } from "./eigen-activations";
import { xnnpackSigmoid } from "./xnnpack-sigmoid";
import { FloatFunction, prepareFloatFunctionSimd, prepareSoftmaxSimd } from "./float-transcendental-simd";
import { xnnpackSoftmax } from "./xnnpack-softmax";
import { prepareQuantizedSoftmaxSimd } from "./quantized-softmax-simd";

const f32 = Math.fround;

// one float32 loop per clamp, its bounds literal constants (a NaN stays NaN, -0 stays -0, as in TFLite)
const reluFloat32 = (x: Tensor, y: Tensor, n: number) => () => {
  const xd = x.data as Float32Array;
  const yd = y.data as Float32Array;
  for (let i = 0; i < n; i++) {
    const v = xd[i];
    yd[i] = v < 0 ? 0 : v;
  }
};
const relu6Float32 = (x: Tensor, y: Tensor, n: number) => () => {
  const xd = x.data as Float32Array;
  const yd = y.data as Float32Array;
  for (let i = 0; i < n; i++) {
    const v = xd[i];
    yd[i] = v < 0 ? 0 : v > 6 ? 6 : v;
  }
};
const reluN1To1Float32 = (x: Tensor, y: Tensor, n: number) => () => {
  const xd = x.data as Float32Array;
  const yd = y.data as Float32Array;
  for (let i = 0; i < n; i++) {
    const v = xd[i];
    yd[i] = v < -1 ? -1 : v > 1 ? 1 : v;
  }
};

function clampActivation(ctx: KernelContext, lo: number, hi: number, float32: (x: Tensor, y: Tensor, n: number) => () => void, kind: FloatUnaryKind): () => void {
  const x = input(ctx, 0);
  const y = ctx.outputs[0];
  const n = y.size;
  if (x.type === TensorType.FLOAT32) {
    const plain = float32(x, y, n);
    return prepareFloatUnarySimd(ctx.simd?.(), kind, x, y, plain) ?? plain;
  }
  if (x.type !== TensorType.INT8 && x.type !== TensorType.UINT8 && x.type !== TensorType.INT16) fail(ctx, `type ${x.typeName} is not supported`);
  requireQuantized(ctx, x, "input");
  requireQuantized(ctx, y, "output");
  const [qmin, qmax] = integerRange(y.type);
  const q = (f: number) => y.zeroPoint + roundHalfAway(f32(f / y.scale));
  const amin = Math.max(qmin, q(lo));
  const amax = Number.isFinite(hi) ? Math.min(qmax, q(hi)) : qmax;
  const { multiplier, shift } = quantizeMultiplier(x.scale / y.scale);
  const perElement = (q: number) => {
    const v = y.zeroPoint + mulByQuantizedMultiplier(q - x.zeroPoint, multiplier, shift);
    return v < amin ? amin : v > amax ? amax : v;
  };
  if (x.type !== TensorType.INT16) return byteLookup(x, y, perElement, ctx.simd?.());
  const plain = () => {
    const xd = x.data as Int16Array;
    const yd = y.data as Int16Array;
    for (let i = 0; i < n; i++) yd[i] = perElement(xd[i]);
  };
  // int16: the same requantization for either sign, clamped to the activation's bounds, in WebAssembly SIMD
  const m = { multiplier, shift };
  return prepareRequantizeInt16Simd(ctx.simd?.(), x, y, m, m, amin, amax, plain) ?? plain;
}

export const prepareRelu: PrepareKernel = (ctx) => clampActivation(ctx, 0, Infinity, reluFloat32, FloatUnaryKind.Relu);
export const prepareRelu6: PrepareKernel = (ctx) => clampActivation(ctx, 0, 6, relu6Float32, FloatUnaryKind.Relu6);
export const prepareReluN1To1: PrepareKernel = (ctx) => clampActivation(ctx, -1, 1, reluN1To1Float32, FloatUnaryKind.ReluN1To1);

export const prepareLeakyRelu: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const y = ctx.outputs[0];
  const alpha = ctx.options?.float32(F.LeakyReluOptions.alpha, 0) ?? 0;
  const n = y.size;
  if (x.type === TensorType.FLOAT32) {
    const a = f32(alpha);
    const plain = () => {
      const xd = x.data as Float32Array;
      const yd = y.data as Float32Array;
      for (let i = 0; i < n; i++) yd[i] = xd[i] > 0 ? xd[i] : xd[i] * a;
    };
    return prepareFloatUnarySimd(ctx.simd?.(), FloatUnaryKind.LeakyRelu, x, y, plain, a) ?? plain;
  }
  if (x.type !== TensorType.INT8 && x.type !== TensorType.UINT8 && x.type !== TensorType.INT16) fail(ctx, `type ${x.typeName} is not supported`);
  requireQuantized(ctx, x, "input");
  requireQuantized(ctx, y, "output");
  const [qmin0, qmax0] = integerRange(y.type);
  if (ctx.xnnpackInt8 && (x.type === TensorType.INT8 || x.type === TensorType.UINT8)) {
    const table = xnnpackLeakyRelu(x, y, alpha, qmin0, qmax0);
    if (table) return byteLookup(x, y, (q) => table[q - qmin0], ctx.simd?.());
  }
  // TFLite computes both multipliers in single precision before widening them.
  const alphaM = quantizeMultiplier(f32(f32(x.scale * f32(alpha)) / y.scale));
  const identityM = quantizeMultiplier(f32(x.scale / y.scale));
  const [qmin, qmax] = integerRange(y.type);
  const reference = (q: number) => {
    const v = q - x.zeroPoint;
    const m = v >= 0 ? identityM : alphaM;
    const r = y.zeroPoint + mulByQuantizedMultiplier(v, m.multiplier, m.shift);
    return r < qmin ? qmin : r > qmax ? qmax : r;
  };
  if (x.type !== TensorType.INT16) {
    // 8-bit: the same arithmetic once per possible input, then a lookup per element
    return byteLookup(x, y, reference, ctx.simd?.());
  }
  const plain = () => {
    const xd = x.data as Int16Array;
    const yd = y.data as Int16Array;
    for (let i = 0; i < n; i++) yd[i] = reference(xd[i]);
  };
  const simd = x.type === TensorType.INT16 ? prepareRequantizeInt16Simd(ctx.simd?.(), x, y, identityM, alphaM, qmin, qmax, plain) : undefined;
  return simd ?? plain;
};

/**
 * XNNPACK's qs8/qu8 leaky ReLU (what the delegate runs for an 8-bit LEAKY_RELU): the input-to-output scale and
 * alpha times it (single precision) as multipliers in 1/256 steps (lrintf, ties to even), (x - zx) times the one
 * for its sign, plus a rounding half, shifted right by 8. As a table over the 256 inputs; undefined for scales the
 * delegate refuses (outside [2^-8, 2^7] in magnitude), where TFLite's kernel runs.
 */
function xnnpackLeakyRelu(x: Tensor, y: Tensor, alpha: number, qmin: number, qmax: number): Int32Array | undefined {
  const positive = f32(f32(x.scale) / f32(y.scale));
  const negative = f32(positive * f32(alpha));
  const fits = (s: number) => Math.abs(s) >= 2 ** -8 && Math.abs(s) <= 2 ** 7;
  if (!fits(positive) || !fits(negative)) return undefined;
  const rint = (v: number) => {
    const r = Math.round(v);
    return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
  };
  const [mp, mn] = [rint(256 * positive), rint(256 * negative)];
  const table = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    const d = qmin + i - x.zeroPoint;
    const v = y.zeroPoint + Math.floor((d * (d >= 0 ? mp : mn) + 128) / 256);
    table[i] = v < qmin ? qmin : v > qmax ? qmax : v;
  }
  return table;
}

/** dequantize → f → requantize (rounded half away from zero) → clamp, for one 8-bit input value */
function tableValue(x: Tensor, y: Tensor, f: (v: number) => number): (q: number) => number {
  const [qmin, qmax] = integerRange(y.type);
  return (q) => {
    const dequantized = f32(x.scale * (q - x.zeroPoint));
    const transformed = f(dequantized);
    const requantized = roundHalfAway(f32(transformed / y.scale)) + y.zeroPoint;
    return Math.min(qmax, Math.max(qmin, requantized));
  };
}

type Loop = (x: Tensor, y: Tensor) => () => void;

function prepareTableActivation(ctx: KernelContext, f: (v: number) => number, float: Loop, simd: FloatFunction, int16: (ctx: KernelContext, x: Tensor, y: Tensor) => () => void) {
  const x = input(ctx, 0);
  const y = ctx.outputs[0];
  if (x.type === TensorType.INT16) {
    requireQuantized(ctx, x, "input");
    requireQuantized(ctx, y, "output");
    return int16(ctx, x, y);
  }
  if (x.type === TensorType.FLOAT32) {
    const plain = float(x, y);
    return prepareFloatFunctionSimd(ctx.simd?.(), simd, x, y, plain) ?? plain;
  }
  if (x.type !== TensorType.INT8 && x.type !== TensorType.UINT8) fail(ctx, `type ${x.typeName} is not supported`);
  requireQuantized(ctx, x, "input");
  requireQuantized(ctx, y, "output");
  return byteLookup(x, y, tableValue(x, y, f), ctx.simd?.());
}

const logistic = (v: number) => f32(1 / f32(1 + f32(Math.exp(-v))));
const tanh = (v: number) => f32(Math.tanh(v));
// each float32 loop its own function literal, so V8 inlines its function rather than calling a shared one.
// What tfjs-tflite computes: LOGISTIC is XNNPACK's sigmoid (the delegate takes it), TANH Eigen's (TFLite's kernel).
const logisticFloat32: Loop = (x, y) => {
  const n = y.size;
  return () => {
    const xd = x.data as Float32Array;
    const yd = y.data as Float32Array;
    for (let i = 0; i < n; i++) yd[i] = xnnpackSigmoid(xd[i]);
  };
};
const tanhFloat32: Loop = (x, y) => {
  const n = y.size;
  return () => {
    const xd = x.data as Float32Array;
    const yd = y.data as Float32Array;
    for (let i = 0; i < n; i++) yd[i] = eigenTanh(xd[i]);
  };
};

export const prepareLogistic: PrepareKernel = (ctx) => prepareTableActivation(ctx, logistic, logisticFloat32, FloatFunction.Sigmoid, prepareInt16Logistic);
export const prepareTanh: PrepareKernel = (ctx) => prepareTableActivation(ctx, tanh, tanhFloat32, FloatFunction.Tanh, prepareInt16Tanh);

export const prepareSoftmax: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const y = ctx.outputs[0];
  const beta = ctx.options?.float32(F.SoftmaxOptions.beta, 1) ?? 1;
  const depth = x.shape[x.shape.length - 1];
  const rows = x.size / depth;
  if (x.type === TensorType.FLOAT32 && f32(beta) === 1) {
    // tfjs-tflite's delegate takes it: XNNPACK's exponential, sum and scaling
    const plain = () => xnnpackSoftmax(x.data as Float32Array, y.data as Float32Array, rows, depth);
    return prepareSoftmaxSimd(ctx.simd?.(), false, x, y, rows, depth, plain) ?? plain;
  }
  if (x.type === TensorType.FLOAT32) {
    return () => {
      const xd = x.data as Float32Array;
      const yd = y.data as Float32Array;
      for (let r = 0; r < rows; r++) {
        const o = r * depth;
        let max = -Infinity;
        for (let j = 0; j < depth; j++) max = Math.max(max, xd[o + j]);
        let sum = 0;
        for (let j = 0; j < depth; j++) {
          const e = f32(Math.exp(f32((xd[o + j] - max) * beta)));
          yd[o + j] = e;
          sum = f32(sum + e);
        }
        for (let j = 0; j < depth; j++) yd[o + j] = f32(yd[o + j] / sum);
      }
    };
  }
  if (x.type === TensorType.INT16) {
    requireQuantized(ctx, x, "input");
    requireQuantized(ctx, y, "output");
    return prepareInt16Softmax(ctx, x, y, beta);
  }
  if (x.type !== TensorType.INT8 && x.type !== TensorType.UINT8) fail(ctx, `input type ${x.typeName} is not supported`);
  // int8 → int16 too (output scale 1/65536, zero point -32768): the same table, quantized to 16 bits
  if (y.type !== x.type && !(x.type === TensorType.INT8 && y.type === TensorType.INT16)) fail(ctx, `${x.typeName} input with ${y.typeName} output is not supported`);
  requireQuantized(ctx, x, "input");
  requireQuantized(ctx, y, "output");
  // table[255 - d] = exp(-scale * beta * d), d = max - x
  const table = new Float32Array(256);
  const scale = f32(-x.scale * beta);
  for (let d = 0; d <= 255; d++) table[255 - d] = f32(Math.exp(f32(scale * d)));
  const [qmin, qmax] = integerRange(y.type);
  const inputMin = integerRange(x.type)[0];
  const uint8 = y.type === TensorType.UINT8;
  const plain = () => {
    const xd = x.data as Int8Array;
    const yd = y.data as Int8Array;
    for (let r = 0; r < rows; r++) {
      const o = r * depth;
      let max = inputMin;
      for (let j = 0; j < depth; j++) if (xd[o + j] > max) max = xd[o + j];
      const base = 255 - max;
      let sum = 0;
      for (let j = 0; j < depth; j++) sum = f32(sum + table[base + xd[o + j]]);
      const inv = f32(1 / f32(sum * y.scale));
      for (let j = 0; j < depth; j++) {
        const p = f32(table[base + xd[o + j]] * inv);
        const q = (uint8 ? Math.trunc(f32(p + 0.5)) : roundHalfAway(p)) + (uint8 ? 0 : y.zeroPoint);
        yd[o + j] = q < qmin ? qmin : q > qmax ? qmax : q;
      }
    }
  };
  return prepareQuantizedSoftmaxSimd(ctx.simd?.(), x, y, rows, depth, table, qmin, qmax, plain) ?? plain;
};
