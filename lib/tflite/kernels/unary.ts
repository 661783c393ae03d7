/**
 * Elementwise functions of one tensor: ABS, NEG, SQUARE, SQRT, RSQRT, EXP, LOG, GELU (float32; NEG
 * also int32), and CAST between the numeric types and BOOL.
 */
import { F, TensorType } from "../schema";
import { fail, input, type KernelContext, type PrepareKernel } from "../kernel";
import type { Tensor } from "../tensor";

type Elements = { [i: number]: number; length: number };

const f32 = Math.fround;

function map(x: Tensor, y: Tensor, f: (v: number) => number) {
  const n = y.size;
  return () => {
    const xd = x.data as Elements;
    const yd = y.data as Elements;
    for (let i = 0; i < n; i++) yd[i] = f(xd[i]);
  };
}

function unary(float: (v: number) => number, int32?: (v: number) => number): PrepareKernel {
  return (ctx: KernelContext) => {
    const x = input(ctx, 0);
    const y = ctx.outputs[0];
    if (x.size !== y.size || x.type !== y.type) fail(ctx, `input ${x.typeName} [${x.shape}] and output ${y.typeName} [${y.shape}] differ`);
    if (x.type === TensorType.FLOAT32) return map(x, y, float);
    if (x.type === TensorType.INT32 && int32) return map(x, y, int32);
    return fail(ctx, `type ${x.typeName} is not supported (supported: FLOAT32${int32 ? ", INT32" : ""})`);
  };
}

export const prepareAbs = unary(Math.abs);
export const prepareNeg = unary((v) => -v, (v) => -v | 0);
export const prepareSquare = unary((v) => v * v);
export const prepareSqrt = unary(Math.sqrt);
export const prepareRsqrt = unary((v) => 1 / f32(Math.sqrt(v)));
export const prepareExp = unary(Math.exp);
export const prepareLog = unary(Math.log);

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
  const f = approximate ? (v: number) => 0.5 * v * (1 + Math.tanh(k * (v + 0.044715 * v * v * v))) : (v: number) => 0.5 * v * (1 + erf(v * Math.SQRT1_2));
  return unary(f)(ctx);
};

const CASTABLE = [TensorType.FLOAT32, TensorType.INT32, TensorType.INT16, TensorType.INT8, TensorType.UINT8, TensorType.BOOL];

export const prepareCast: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const y = ctx.outputs[0];
  if (!CASTABLE.includes(x.type) || !CASTABLE.includes(y.type)) fail(ctx, `cast from ${x.typeName} to ${y.typeName} is not supported`);
  if (x.size !== y.size) fail(ctx, `input [${x.shape}] and output [${y.shape}] differ in size`);
  // typed-array stores truncate toward zero and wrap, as C++'s static_cast does for in-range values
  if (y.type === TensorType.BOOL) return map(x, y, (v) => (v !== 0 ? 1 : 0));
  return map(x, y, (v) => v);
};
