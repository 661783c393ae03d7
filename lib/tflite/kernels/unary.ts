/**
 * Elementwise functions of one tensor: ABS, NEG, SQUARE, SQRT, RSQRT, EXP, LOG, GELU (float32, the first five in
 * WebAssembly SIMD where the tensors are in its heap (float-unary-simd.ts); NEG also int32;
 * ABS int8 and int16; RSQRT int8; GELU int8/uint8 through a 256-entry table as TFLite's LUTPopulate), and CAST between the
 * numeric types and BOOL.
 */
import { F, TensorType } from "../schema";
import { fail, input, type Invoke, type KernelContext, type PrepareKernel } from "../kernel";
import { integerRange, type Tensor } from "../tensor";
import { clamp, mulByQuantizedMultiplier, quantizeMultiplier, roundHalfAway } from "../fixed-point";
import { requireQuantized } from "./common";
import { invSqrtQuantizedMultiplier } from "./lstm-fixed-point";
import { byteLookup } from "./byte-lookup";
import { FloatUnaryKind, prepareFloatUnarySimd } from "./float-unary-simd";
import { expf } from "./expf";
import { logf } from "./logf";
import { eigenGelu, eigenGeluApproximate } from "./eigen-activations";
import { FloatFunction, prepareFloatFunctionSimd } from "./float-transcendental-simd";
import { prepareCastFloatToIntSimd } from "./data-movement-simd";

type Elements = { [i: number]: number; length: number };
type Loop = (x: Tensor, y: Tensor) => Invoke;

const f32 = Math.fround;

/** The generic loop, for the rare cases (it sees every array kind and calls `f` per element, so V8 inlines nothing). */
function map(x: Tensor, y: Tensor, f: (v: number) => number) {
  const n = y.size;
  return () => {
    const xd = x.data as Elements;
    const yd = y.data as Elements;
    for (let i = 0; i < n; i++) yd[i] = f(xd[i]);
  };
}

// One loop per frequent operator on its own array kind: each function literal has its own type feedback, so V8
// compiles a tight monomorphic loop with the operation inlined (about 7 ns per element through map).
const negFloat32: Loop = (x, y) => {
  const n = y.size;
  return () => {
    const xd = x.data as Float32Array;
    const yd = y.data as Float32Array;
    for (let i = 0; i < n; i++) yd[i] = -xd[i];
  };
};
const negInt32: Loop = (x, y) => {
  const n = y.size;
  return () => {
    const xd = x.data as Int32Array;
    const yd = y.data as Int32Array;
    for (let i = 0; i < n; i++) yd[i] = -xd[i] | 0;
  };
};
const squareFloat32: Loop = (x, y) => {
  const n = y.size;
  return () => {
    const xd = x.data as Float32Array;
    const yd = y.data as Float32Array;
    for (let i = 0; i < n; i++) {
      const v = xd[i];
      yd[i] = v * v;
    }
  };
};
const absFloat32: Loop = (x, y) => {
  const n = y.size;
  return () => {
    const xd = x.data as Float32Array;
    const yd = y.data as Float32Array;
    for (let i = 0; i < n; i++) yd[i] = Math.abs(xd[i]);
  };
};
const sqrtFloat32: Loop = (x, y) => {
  const n = y.size;
  return () => {
    const xd = x.data as Float32Array;
    const yd = y.data as Float32Array;
    for (let i = 0; i < n; i++) yd[i] = Math.sqrt(xd[i]);
  };
};
const rsqrtFloat32: Loop = (x, y) => {
  const n = y.size;
  return () => {
    const xd = x.data as Float32Array;
    const yd = y.data as Float32Array;
    for (let i = 0; i < n; i++) yd[i] = 1 / f32(Math.sqrt(xd[i]));
  };
};
const expFloat32: Loop = (x, y) => {
  const n = y.size;
  return () => {
    const xd = x.data as Float32Array;
    const yd = y.data as Float32Array;
    for (let i = 0; i < n; i++) yd[i] = expf(xd[i]);
  };
};
const logFloat32: Loop = (x, y) => {
  const n = y.size;
  return () => {
    const xd = x.data as Float32Array;
    const yd = y.data as Float32Array;
    for (let i = 0; i < n; i++) yd[i] = logf(xd[i]);
  };
};

/**
 * TFLite's LUTPopulate for one 8-bit input value: dequantize, apply the function in single precision,
 * requantize (rounded half away from zero) and clamp.
 */
function lutValue(x: Tensor, y: Tensor, f: (v: number) => number): (q: number) => number {
  const [qmin, qmax] = integerRange(x.type);
  const inverse = f32(1 / f32(y.scale));
  return (v) => {
    const real = f32(f32(x.scale) * (v - x.zeroPoint));
    const q = roundHalfAway(f32(f32(f(real)) * inverse)) + y.zeroPoint;
    return q < qmin ? qmin : q > qmax ? qmax : q;
  };
}

/** The loop in WebAssembly SIMD where it applies (float-unary-simd.ts), else in JavaScript. */
function simdOr(ctx: KernelContext, kind: FloatUnaryKind | undefined, loop: Loop, x: Tensor, y: Tensor): Invoke {
  const plain = loop(x, y);
  return (kind !== undefined && prepareFloatUnarySimd(ctx.simd?.(), kind, x, y, plain)) || plain;
}

function unary(float: Loop, int32?: Loop, quantized?: (v: number) => number, simd?: { float: FloatUnaryKind; int32?: FloatUnaryKind }): PrepareKernel {
  return (ctx: KernelContext) => {
    const x = input(ctx, 0);
    const y = ctx.outputs[0];
    if (x.size !== y.size || x.type !== y.type) fail(ctx, `input ${x.typeName} [${x.shape}] and output ${y.typeName} [${y.shape}] differ`);
    if (x.type === TensorType.FLOAT32) return simdOr(ctx, simd?.float, float, x, y);
    if (x.type === TensorType.INT32 && int32) return simdOr(ctx, simd?.int32, int32, x, y);
    if ((x.type === TensorType.INT8 || x.type === TensorType.UINT8) && quantized) {
      requireQuantized(ctx, x, "input");
      requireQuantized(ctx, y, "output");
      return byteLookup(x, y, lutValue(x, y, quantized), ctx.simd?.());
    }
    return fail(ctx, `type ${x.typeName} is not supported (supported: FLOAT32${int32 ? ", INT32" : ""}${quantized ? ", INT8, UINT8" : ""})`);
  };
}

const floatAbs = unary(absFloat32, undefined, undefined, { float: FloatUnaryKind.Abs });

/** int8 / int16 ABS: |q - zero point|, rescaled by a fixed-point multiplier where the scales differ (TFLite's AbsEvalQuantized). */
export const prepareAbs: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const y = ctx.outputs[0];
  const quantized = (x.type === TensorType.INT8 || x.type === TensorType.INT16) && y.type === x.type;
  if (!quantized || x.size !== y.size) return floatAbs(ctx);
  const [qmin, qmax] = x.type === TensorType.INT16 ? [-32768, 32767] : [-128, 127];
  requireQuantized(ctx, x, "input");
  requireQuantized(ctx, y, "output");
  const rescale = f32(x.scale) !== f32(y.scale);
  const { multiplier, shift } = quantizeMultiplier(f32(f32(x.scale) / f32(y.scale)));
  const perElement = (q: number) => {
    const v = Math.abs(q - x.zeroPoint);
    const r = (rescale ? mulByQuantizedMultiplier(v, multiplier, shift) : v) + y.zeroPoint;
    return r < qmin ? qmin : r > qmax ? qmax : r;
  };
  if (x.type === TensorType.INT8) return byteLookup(x, y, perElement, ctx.simd?.());
  const n = y.size;
  return () => {
    const xd = x.data as Int16Array;
    const yd = y.data as Int16Array;
    for (let i = 0; i < n; i++) yd[i] = perElement(xd[i]);
  };
};
export const prepareNeg = unary(negFloat32, negInt32, undefined, { float: FloatUnaryKind.Neg, int32: FloatUnaryKind.NegInt32 });
export const prepareSquare = unary(squareFloat32, undefined, undefined, { float: FloatUnaryKind.Square });
export const prepareSqrt = unary(sqrtFloat32, undefined, undefined, { float: FloatUnaryKind.Sqrt });
const floatRsqrt = unary(rsqrtFloat32, undefined, undefined, { float: FloatUnaryKind.Rsqrt });

/**
 * int8 RSQRT as TFLite's RsqrtEvalQuantized: 1/sqrt(q - zero point) by the fixed-point Newton inverse square root,
 * scaled up by 2^20 to stay an integer, then requantized by 1/(sqrt(input scale) × output scale). The input's zero
 * point itself (a real 0) gives 127; values below it fail at invoke, as TFLite's kernel does.
 */
function prepareInt8Rsqrt(ctx: KernelContext, x: Tensor, y: Tensor): Invoke {
  requireQuantized(ctx, x, "input");
  requireQuantized(ctx, y, "output");
  // the square root and the product in single precision (C++'s float overloads), the reciprocal in double
  const { multiplier, shift } = quantizeMultiplier(1 / f32(f32(Math.sqrt(f32(x.scale))) * f32(y.scale)));
  const kShift = 20;
  const table = new Int8Array(256);
  for (let q = -128; q <= 127; q++) {
    const value = q - x.zeroPoint;
    if (value < 0) continue; // refused at invoke
    let r = 127;
    if (value !== 0) {
      const inv = invSqrtQuantizedMultiplier(value, -1);
      const data = mulByQuantizedMultiplier(1, inv.multiplier, inv.shift + kShift);
      r = clamp(mulByQuantizedMultiplier(data, multiplier, shift - kShift) + y.zeroPoint, -128, 127);
    }
    table[q + 128] = r;
  }
  const n = y.size;
  const zeroPoint = x.zeroPoint;
  return () => {
    const xd = x.data as Int8Array;
    const yd = y.data as Int8Array;
    for (let i = 0; i < n; i++) {
      const q = xd[i];
      if (q < zeroPoint) throw new RangeError(`${ctx.op.opName} (operator ${ctx.op.index}): input ${q} is below the zero point ${zeroPoint}, a negative real value (RSQRT is only defined for positive values)`);
      yd[i] = table[q + 128];
    }
  };
}

export const prepareRsqrt: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const y = ctx.outputs[0];
  if (x.type !== TensorType.FLOAT32 && x.type !== TensorType.INT8) fail(ctx, `type ${x.typeName} is not supported (supported: FLOAT32, INT8)`);
  if (x.type === TensorType.INT8 && y.type === TensorType.INT8 && x.size === y.size) return prepareInt8Rsqrt(ctx, x, y);
  return floatRsqrt(ctx);
};
/** the float32 loop, or its SIMD form where that applies (the loop still runs whenever a tensor is outside the heap) */
const withSimd = (ctx: KernelContext, loop: Loop, f: FloatFunction): Loop => (x, y) => {
  const plain = loop(x, y);
  return prepareFloatFunctionSimd(ctx.simd?.(), f, x, y, plain) ?? plain;
};
// TFLite's EXP and LOG call the C library's expf and logf (musl's in its WebAssembly build)
export const prepareExp: PrepareKernel = (ctx) => unary(withSimd(ctx, expFloat32, FloatFunction.Exp))(ctx);
export const prepareLog: PrepareKernel = (ctx) => unary(withSimd(ctx, logFloat32, FloatFunction.Log))(ctx);

/** erf through the Chebyshev-fitted erfc of Numerical Recipes (relative error below 1.2e-7, well inside float32 tolerance). */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - erfc : erfc - 1;
}

export const prepareGelu: PrepareKernel = (ctx) => {
  const approximate = ctx.options?.bool(F.GeluOptions.approximate, false) ?? false;
  const k = Math.sqrt(2 / Math.PI);
  // the 8-bit table: TFLite's LUTPopulate of std::tanh / std::erf
  const f = approximate ? (v: number) => 0.5 * v * (1 + Math.tanh(k * (v + 0.044715 * v * v * v))) : (v: number) => 0.5 * v * (1 + erf(v * Math.SQRT1_2));
  // float32: TFLite's Eigen-array kernel (Eigen's tanh and erf), each loop its own function literal
  const exact: Loop = (x, y) => {
    const n = y.size;
    return () => {
      const xd = x.data as Float32Array;
      const yd = y.data as Float32Array;
      for (let i = 0; i < n; i++) yd[i] = eigenGelu(xd[i]);
    };
  };
  const tanhForm: Loop = (x, y) => {
    const n = y.size;
    return () => {
      const xd = x.data as Float32Array;
      const yd = y.data as Float32Array;
      for (let i = 0; i < n; i++) yd[i] = eigenGeluApproximate(xd[i]);
    };
  };
  const float = approximate ? withSimd(ctx, tanhForm, FloatFunction.GeluApproximate) : withSimd(ctx, exact, FloatFunction.Gelu);
  return unary(float, undefined, f)(ctx);
};

const CASTABLE = [TensorType.FLOAT32, TensorType.INT32, TensorType.INT16, TensorType.INT8, TensorType.UINT8, TensorType.BOOL];

export const prepareCast: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const y = ctx.outputs[0];
  if (!CASTABLE.includes(x.type) || !CASTABLE.includes(y.type)) fail(ctx, `cast from ${x.typeName} to ${y.typeName} is not supported`);
  if (x.size !== y.size) fail(ctx, `input [${x.shape}] and output [${y.shape}] differ in size`);
  // typed-array stores truncate toward zero and wrap, as C++'s static_cast does for in-range values
  if (y.type === TensorType.BOOL) return map(x, y, (v) => (v !== 0 ? 1 : 0));
  // TypedArray.prototype.set converts each element exactly as an indexed store does, in V8's native copy loops
  const n = y.size;
  const js = () => {
    const xd = x.data as Float32Array;
    (y.data as Float32Array).set(xd.length === n ? xd : xd.subarray(0, n));
  };
  return (x.type === TensorType.FLOAT32 && y.type === TensorType.INT32 ? prepareCastFloatToIntSimd(ctx.simd?.(), x, y, js) : undefined) ?? js;
};
