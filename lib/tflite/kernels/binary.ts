/**
 * Broadcasting binary operators beyond ADD/SUB/MUL: MAXIMUM, MINIMUM, DIV (float32, int32, uint8), FLOOR_DIV,
 * SQUARED_DIFFERENCE, PRELU, the six comparisons, and SELECT_V2. Quantized comparisons rescale both sides as TFLite's
 * reference kernel does (8-bit left shift, then each input's scale as a fixed-point multiplier). All but PRELU run in
 * WebAssembly SIMD where the tensors allow (float-elementwise-simd.ts, int-elementwise-simd.ts); these
 * loops are the fallback and compute the same.
 */
import { F, TensorType } from "../schema";
import { fail, input, type Invoke, type KernelContext, type PrepareKernel } from "../kernel";
import { countLeadingSignBits, mulByQuantizedMultiplier, mulByQuantizedMultiplierGreaterThanOne, mulByQuantizedMultiplierSmallerThanOne, quantizeMultiplier, reciprocal } from "../fixed-point";
import { integerRange, type Tensor } from "../tensor";
import { floatActivationRange, quantizedActivationRange, requireQuantized } from "./common";
import { broadcastMaps, broadcastShape } from "./broadcast";
import { FloatBinaryKind, prepareFloatBinarySimd } from "./float-elementwise-simd";
import { prepareFloatPreluSimd, prepareQuantizedPreluWasm } from "./float-unary-simd";
import { Comparison, comparisonKind, IntBinaryKind, minMaxKind, prepareIntBinarySimd, prepareSelectSimd, prepareTabulatedSimd } from "./int-elementwise-simd";

type Elements = { [i: number]: number; length: number };

const f32 = Math.fround;

function checkBroadcast(ctx: KernelContext, a: Tensor, b: Tensor, y: Tensor): void {
  const shape = broadcastShape(a.shape, b.shape);
  if (!shape || shape.reduce((p, d) => p * d, 1) !== y.size) fail(ctx, `shapes [${a.shape}] and [${b.shape}] do not broadcast to [${y.shape}]`);
}

/** y[k] = f(a[..], b[..]) over the broadcast of a and b. */
function binaryInvoke(a: Tensor, b: Tensor, y: Tensor, f: (u: number, v: number) => number) {
  const maps = broadcastMaps([a, b], y);
  const n = y.size;
  return () => {
    const ad = a.data as Elements;
    const bd = b.data as Elements;
    const yd = y.data as Elements;
    if (!maps) for (let k = 0; k < n; k++) yd[k] = f(ad[k], bd[k]);
    else for (let k = 0; k < n; k++) yd[k] = f(ad[maps[0][k]], bd[maps[1][k]]);
  };
}

function operands(ctx: KernelContext, types: TensorType[]): [Tensor, Tensor, Tensor] {
  const a = input(ctx, 0);
  const b = input(ctx, 1);
  const y = ctx.outputs[0];
  if (!types.includes(a.type)) fail(ctx, `type ${a.typeName} is not supported (supported: ${types.map((t) => TensorType[t]).join(", ")})`);
  if (b.type !== a.type) fail(ctx, `input types ${a.typeName} and ${b.typeName} differ`);
  checkBroadcast(ctx, a, b, y);
  return [a, b, y];
}

function minMax(max: boolean): PrepareKernel {
  return (ctx) => {
    const [a, b, y] = operands(ctx, [TensorType.FLOAT32, TensorType.INT32, TensorType.INT8, TensorType.UINT8, TensorType.INT16]);
    if (y.type !== a.type) fail(ctx, `output type ${y.typeName} differs from the inputs' ${a.typeName}`);
    // TFLite compares the raw quantized values and stores them unchanged, whatever the scales
    const plain = binaryInvoke(a, b, y, max ? (u, v) => (u > v ? u : v) : (u, v) => (u < v ? u : v));
    if (a.type === TensorType.FLOAT32) return prepareFloatBinarySimd(ctx.simd?.(), max ? FloatBinaryKind.Maximum : FloatBinaryKind.Minimum, a, b, y, -Infinity, Infinity, plain) ?? plain;
    const kind = minMaxKind(max, a.type);
    return (kind !== undefined && prepareIntBinarySimd(ctx.simd?.(), kind, a, b, y, plain)) || plain;
  };
}
export const prepareMaximum = minMax(true);
export const prepareMinimum = minMax(false);

/**
 * uint8 DIV as TFLite's DivElementwise: the divisor's fixed-point reciprocal (GetReciprocal), the dividend shifted
 * to its headroom, and one requantization by input 1 scale / (input 2 scale × output scale). A divisor at its zero
 * point (a real 0) is not checked by TFLite's release build: its reciprocal of 0 is reproduced as WebAssembly computes it.
 */
function quantizedDiv(ctx: KernelContext, a: Tensor, b: Tensor, y: Tensor, activation: number) {
  if (y.type !== TensorType.UINT8) fail(ctx, `output type ${y.typeName} is not UINT8`);
  requireQuantized(ctx, a, "input 1");
  requireQuantized(ctx, b, "input 2");
  requireQuantized(ctx, y, "output");
  // the scales multiplied and divided in single precision, as TFLite's Prepare does
  const { multiplier, shift } = quantizeMultiplier(f32(f32(a.scale) / f32(f32(b.scale) * f32(y.scale))));
  const [lo, hi] = quantizedActivationRange(ctx, activation, y);
  // the divisor's reciprocal per uint8 value (made positive to serve as a multiplier; the dividend takes its sign)
  const inverses = Array.from({ length: 256 }, (_, v) => reciprocal(Math.abs(v - b.zeroPoint), 31));
  const f = (u: number, v: number) => {
    const dividend = v < b.zeroPoint ? a.zeroPoint - u : u - a.zeroPoint;
    const inverse = inverses[v];
    const headroom = countLeadingSignBits(dividend);
    const quotient = mulByQuantizedMultiplierGreaterThanOne(dividend, inverse.multiplier, headroom);
    const r = mulByQuantizedMultiplierSmallerThanOne(quotient, multiplier, shift - inverse.bitsOverUnit - headroom) + y.zeroPoint;
    return r < lo ? lo : r > hi ? hi : r;
  };
  const plain = binaryInvoke(a, b, y, f);
  // the quotient is a function of the two bytes: tabulated once
  return prepareTabulatedSimd(ctx.simd?.(), a, b, y, f, plain) ?? plain;
}

/** int32 DIV / FLOOR_DIV in SIMD where the divisor is a constant without zeros (else the loop, which throws on one). */
function intDivisionSimd(ctx: KernelContext, kind: IntBinaryKind, a: Tensor, b: Tensor, y: Tensor, plain: Invoke): Invoke {
  if (!b.isConstant || (b.data as Int32Array).includes(0)) return plain;
  return prepareIntBinarySimd(ctx.simd?.(), kind, a, b, y, plain) ?? plain;
}

export const prepareDiv: PrepareKernel = (ctx) => {
  const [a, b, y] = operands(ctx, [TensorType.FLOAT32, TensorType.INT32, TensorType.UINT8]);
  const activation = ctx.options?.int8(F.DivOptions.fused_activation_function, 0) ?? 0;
  if (a.type === TensorType.UINT8) return quantizedDiv(ctx, a, b, y, activation);
  if (a.type === TensorType.INT32) {
    if (activation !== 0) fail(ctx, "fused activation on int32 is not supported");
    const plain = binaryInvoke(a, b, y, (u, v) => {
      if (v === 0) throw new RangeError("DIV: integer division by zero");
      return Math.trunc(u / v) | 0;
    });
    return intDivisionSimd(ctx, IntBinaryKind.DivInt32, a, b, y, plain);
  }
  const [lo, hi] = floatActivationRange(ctx, activation);
  const plain = binaryInvoke(a, b, y, (u, v) => {
    const r = f32(u / v);
    return r < lo ? lo : r > hi ? hi : r;
  });
  return prepareFloatBinarySimd(ctx.simd?.(), FloatBinaryKind.Div, a, b, y, lo, hi, plain) ?? plain;
};

export const prepareFloorDiv: PrepareKernel = (ctx) => {
  const [a, b, y] = operands(ctx, [TensorType.FLOAT32, TensorType.INT32]);
  if (a.type === TensorType.INT32) {
    const plain = binaryInvoke(a, b, y, (u, v) => {
      if (v === 0) throw new RangeError("FLOOR_DIV: integer division by zero");
      return Math.floor(u / v) | 0;
    });
    return intDivisionSimd(ctx, IntBinaryKind.FloorDivInt32, a, b, y, plain);
  }
  // TFLite divides in double precision, then floors
  const plain = binaryInvoke(a, b, y, (u, v) => Math.floor(u / v));
  return prepareFloatBinarySimd(ctx.simd?.(), FloatBinaryKind.FloorDiv, a, b, y, -Infinity, Infinity, plain) ?? plain;
};

export const prepareSquaredDifference: PrepareKernel = (ctx) => {
  const [a, b, y] = operands(ctx, [TensorType.FLOAT32, TensorType.INT32, TensorType.INT8]);
  if (a.type === TensorType.INT32) {
    const plain = binaryInvoke(a, b, y, (u, v) => Math.imul(u - v, u - v));
    return prepareIntBinarySimd(ctx.simd?.(), IntBinaryKind.SquaredDifferenceInt32, a, b, y, plain) ?? plain;
  }
  if (a.type === TensorType.INT8) {
    if (y.type !== TensorType.INT8) fail(ctx, `output type ${y.typeName} is not INT8`);
    requireQuantized(ctx, a, "input 1");
    requireQuantized(ctx, b, "input 2");
    requireQuantized(ctx, y, "output");
    // both inputs on a common scale with 7 bits of headroom, the square rescaled once
    const twiceMax = 2 * Math.max(a.scale, b.scale);
    const ma = quantizeMultiplier(a.scale / twiceMax);
    const mb = quantizeMultiplier(b.scale / twiceMax);
    const mo = quantizeMultiplier((twiceMax * twiceMax) / (2 ** 14 * y.scale));
    // each input rescaled per int8 value (index value + 128); the result, a function of |difference| (below 2^15), once per difference
    const rescaled = (t: Tensor, m: { multiplier: number; shift: number }) => Int32Array.from({ length: 256 }, (_, i) => mulByQuantizedMultiplierSmallerThanOne((i - 128 - t.zeroPoint) * 128, m.multiplier, m.shift));
    const sa = rescaled(a, ma);
    const sb = rescaled(b, mb);
    const squares = new Int16Array(1 << 16).fill(-32768);
    const f = (u: number, v: number) => {
      const d = Math.abs(sa[u + 128] - sb[v + 128]);
      if (squares[d] === -32768) {
        const r = mulByQuantizedMultiplier(d * d, mo.multiplier, mo.shift) + y.zeroPoint;
        squares[d] = r < -128 ? -128 : r > 127 ? 127 : r;
      }
      return squares[d];
    };
    const plain = binaryInvoke(a, b, y, f);
    return prepareTabulatedSimd(ctx.simd?.(), a, b, y, f, plain) ?? plain;
  }
  const plain = binaryInvoke(a, b, y, (u, v) => {
    const d = f32(u - v);
    return d * d;
  });
  return prepareFloatBinarySimd(ctx.simd?.(), FloatBinaryKind.SquaredDifference, a, b, y, -Infinity, Infinity, plain) ?? plain;
};

export const preparePrelu: PrepareKernel = (ctx) => {
  const [x, alpha, y] = operands(ctx, [TensorType.FLOAT32, TensorType.INT8, TensorType.UINT8]);
  if (x.type === TensorType.FLOAT32) {
    const plain = binaryInvoke(x, alpha, y, (u, v) => (u >= 0 ? u : u * v));
    return prepareFloatPreluSimd(ctx.simd?.(), x, alpha, y, plain) ?? plain;
  }
  if (y.type !== x.type) fail(ctx, `output type ${y.typeName} differs from the input's ${x.typeName}`);
  requireQuantized(ctx, x, "input");
  requireQuantized(ctx, alpha, "alpha");
  requireQuantized(ctx, y, "output");
  // TFLite forms both real multipliers in single precision
  const m1 = quantizeMultiplier(f32(x.scale / y.scale));
  const m2 = quantizeMultiplier(f32(f32(x.scale * alpha.scale) / y.scale));
  const [qmin, qmax] = integerRange(y.type);
  const value = (u: number, v: number) => {
    const xv = u - x.zeroPoint;
    const r = (xv >= 0 ? mulByQuantizedMultiplier(xv, m1.multiplier, m1.shift) : mulByQuantizedMultiplier(xv * (v - alpha.zeroPoint), m2.multiplier, m2.shift)) + y.zeroPoint;
    return r < qmin ? qmin : r > qmax ? qmax : r;
  };
  // the output depends on the two bytes alone: a 256-entry row of outputs per alpha value that can occur (those of
  // a constant alpha, else all), each element one lookup
  const alphas = alpha.isConstant ? [...new Set(alpha.data as Int8Array)] : Array.from({ length: 256 }, (_, i) => qmin + i);
  const table = new Int16Array(256 * alphas.length);
  /** per alpha value - qmin: where its row starts, less qmin (so that the input byte indexes it) */
  const rowOf = new Int32Array(256);
  alphas.forEach((v, r) => {
    for (let u = qmin; u <= qmax; u++) table[256 * r + u - qmin] = value(u, v);
    rowOf[v - qmin] = 256 * r - qmin;
  });
  const maps = broadcastMaps([x, alpha], y);
  const n = y.size;
  const xAt = maps?.[0];
  const alphaAt = maps?.[1];
  const plain = () => {
    const xd = x.data as Int8Array;
    const ad = alpha.data as Int8Array;
    const yd = y.data as Int8Array;
    for (let k = 0; k < n; k++) yd[k] = table[rowOf[ad[alphaAt ? alphaAt[k] : k] - qmin] + xd[xAt ? xAt[k] : k]];
  };
  return prepareQuantizedPreluWasm(ctx.simd?.(), x, alpha, y, table, rowOf, qmin, plain) ?? plain;
};

type Test = (u: number, v: number) => boolean;

/** The rescaled value of each 8-bit value of t (index: the value + 128 for int8, the value for uint8), as TFLite compares them. */
function comparisonRescale(t: Tensor): Int32Array {
  const m = quantizeMultiplier(t.scale);
  const base = t.type === TensorType.INT8 ? -128 : 0;
  return Int32Array.from({ length: 256 }, (_, i) => mulByQuantizedMultiplierSmallerThanOne((base + i - t.zeroPoint) * (1 << 8), m.multiplier, m.shift));
}

function comparison(test: Test, kind: FloatBinaryKind, which: Comparison): PrepareKernel {
  return (ctx) => {
    const [a, b, y] = operands(ctx, [TensorType.FLOAT32, TensorType.INT32, TensorType.INT8, TensorType.UINT8]);
    if (y.type !== TensorType.BOOL) fail(ctx, `output type ${y.typeName} is not BOOL`);
    if (a.type === TensorType.FLOAT32 || a.type === TensorType.INT32) {
      const plain = binaryInvoke(a, b, y, (u, v) => (test(u, v) ? 1 : 0));
      if (a.type === TensorType.FLOAT32) return prepareFloatBinarySimd(ctx.simd?.(), kind, a, b, y, -Infinity, Infinity, plain) ?? plain;
      return prepareIntBinarySimd(ctx.simd?.(), comparisonKind(which, a.type)!, a, b, y, plain) ?? plain;
    }
    requireQuantized(ctx, a, "input 1");
    requireQuantized(ctx, b, "input 2");
    const ra = comparisonRescale(a);
    const rb = comparisonRescale(b);
    const base = a.type === TensorType.INT8 ? 128 : 0;
    const f = (u: number, v: number) => (test(ra[u + base], rb[v + base]) ? 1 : 0);
    const plain = binaryInvoke(a, b, y, f);
    // one strictly increasing rescaling for both: the raw values compare as the rescaled ones
    const raw = ra.every((r, i) => r === rb[i] && (i === 0 || r > ra[i - 1]));
    if (raw) return prepareIntBinarySimd(ctx.simd?.(), comparisonKind(which, a.type)!, a, b, y, plain) ?? plain;
    return prepareTabulatedSimd(ctx.simd?.(), a, b, y, f, plain) ?? plain;
  };
}
export const prepareEqual = comparison((u, v) => u === v, FloatBinaryKind.Equal, Comparison.Equal);
export const prepareNotEqual = comparison((u, v) => u !== v, FloatBinaryKind.NotEqual, Comparison.NotEqual);
export const prepareLess = comparison((u, v) => u < v, FloatBinaryKind.Less, Comparison.Less);
export const prepareLessEqual = comparison((u, v) => u <= v, FloatBinaryKind.LessEqual, Comparison.LessEqual);
export const prepareGreater = comparison((u, v) => u > v, FloatBinaryKind.Greater, Comparison.Greater);
export const prepareGreaterEqual = comparison((u, v) => u >= v, FloatBinaryKind.GreaterEqual, Comparison.GreaterEqual);

export const prepareSelectV2: PrepareKernel = (ctx) => {
  const c = input(ctx, 0);
  const a = input(ctx, 1);
  const b = input(ctx, 2);
  const y = ctx.outputs[0];
  if (c.type !== TensorType.BOOL) fail(ctx, `condition type ${c.typeName} is not BOOL`);
  if (a.type !== b.type || y.type !== a.type) fail(ctx, `value types ${a.typeName}, ${b.typeName} → ${y.typeName} differ`);
  if (a.scales.length && (a.scale !== b.scale || a.zeroPoint !== b.zeroPoint || a.scale !== y.scale || a.zeroPoint !== y.zeroPoint)) fail(ctx, "inputs and output must share their quantization");
  const ab = broadcastShape(a.shape, b.shape);
  const shape = ab && broadcastShape(c.shape, ab);
  if (!shape || shape.reduce((p, d) => p * d, 1) !== y.size) fail(ctx, `shapes [${c.shape}], [${a.shape}], [${b.shape}] do not broadcast to [${y.shape}]`);
  const maps = broadcastMaps([c, a, b], y);
  const n = y.size;
  const plain = () => {
    const cd = c.data as Elements;
    const ad = a.data as Elements;
    const bd = b.data as Elements;
    const yd = y.data as Elements;
    for (let k = 0; k < n; k++) yd[k] = maps ? (cd[maps[0][k]] ? ad[maps[1][k]] : bd[maps[2][k]]) : cd[k] ? ad[k] : bd[k];
  };
  return prepareSelectSimd(ctx.simd?.(), c, a, b, y, plain) ?? plain;
};
