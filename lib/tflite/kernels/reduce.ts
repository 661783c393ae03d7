/**
 * Reductions over constant axes: SUM, REDUCE_MAX, REDUCE_MIN, ARG_MAX, and the quantized MEAN / SUM whose input
 * and output quantization differ.
 */
import { F, TensorType } from "../schema";
import { fail, input, type KernelContext, type PrepareKernel } from "../kernel";
import { roundHalfAway } from "../fixed-point";
import { integerRange, type Tensor } from "../tensor";
import { requireQuantized, stridesOf } from "./common";
import { argMax8Applicable, prepareArgMax8Simd } from "./arg-max-simd";
import { prepareReduceSimd, reduceKind } from "./reduce-pool-simd";

type Elements = { [i: number]: number; length: number };

const f32 = Math.fround;

export interface Reduction {
  /** for each input element, the output element it reduces into */
  target: Int32Array;
  /** elements reduced into each output */
  count: number;
  /** the reduced dimensions (non-negative) */
  axes: Set<number>;
}

export function reductionOf(ctx: KernelContext, x: Tensor, axesT: Tensor, y: Tensor): Reduction {
  if (!axesT.isConstant) fail(ctx, "axes must be constant");
  const rank = x.shape.length;
  const axes = new Set(
    Array.from(axesT.data as Elements, (a) => {
      const v = Number(a);
      if (v < -rank || v >= rank) fail(ctx, `axis ${v} is out of range for rank ${rank}`);
      return v < 0 ? v + rank : v;
    }),
  );
  const reduced = x.shape.map((d, i) => (axes.has(i) ? 1 : d));
  if (reduced.reduce((a, b) => a * b, 1) !== y.size) fail(ctx, `output [${y.shape}] does not match the reduction of [${x.shape}]`);
  const outStrides = stridesOf(reduced);
  const inStrides = stridesOf(x.shape);
  const n = x.size;
  const target = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    let rem = k;
    let o = 0;
    for (let d = 0; d < rank; d++) {
      const i = Math.floor(rem / inStrides[d]);
      rem -= i * inStrides[d];
      if (!axes.has(d)) o += i * outStrides[d];
    }
    target[k] = o;
  }
  return { target, count: x.shape.reduce((a, d, i) => (axes.has(i) ? a * d : a), 1), axes };
}

/** REDUCE_MAX / REDUCE_MIN: raw values compared (quantized tensors keep their scale, as in TFLite). */
function extremum(max: boolean): PrepareKernel {
  return (ctx) => {
    const x = input(ctx, 0);
    const y = ctx.outputs[0];
    if (![TensorType.FLOAT32, TensorType.INT32, TensorType.INT8, TensorType.UINT8, TensorType.INT16].includes(x.type) || y.type !== x.type) fail(ctx, `type ${x.typeName} → ${y.typeName} is not supported`);
    if (x.scales.length && (x.scale !== y.scale || x.zeroPoint !== y.zeroPoint)) fail(ctx, "input and output quantization differ");
    const { target, axes } = reductionOf(ctx, x, input(ctx, 1), y);
    const simd = prepareReduceSimd(ctx.simd?.(), x, axes, y, reduceKind(x.type, max ? "max" : "min", false), { kind: "none" });
    if (simd) return simd;
    const n = x.size;
    const start = max ? -Infinity : Infinity;
    return () => {
      const xd = x.data as Elements;
      const yd = y.data as Elements;
      const acc = new Float64Array(y.size).fill(start);
      for (let k = 0; k < n; k++) {
        const v = xd[k];
        const o = target[k];
        if (max ? v > acc[o] : v < acc[o]) acc[o] = v;
      }
      for (let o = 0; o < acc.length; o++) yd[o] = acc[o];
    };
  };
}
export const prepareReduceMax = extremum(true);
export const prepareReduceMin = extremum(false);

/**
 * MEAN or SUM of int8 / uint8 / int16 with its own output quantization, as TFLite's QuantizedMeanOrSum computes it
 * in the TFLite of tfjs-tflite (and TFLite Micro before its integer rewrite): an integer sum of the raw values,
 * rescaled in single precision; SUM stores without clamping, so a sum out of range wraps as static_cast does.
 */
export function prepareQuantizedMeanOrSum(ctx: KernelContext, sum: boolean) {
  const x = input(ctx, 0);
  const axesT = input(ctx, 1);
  const y = ctx.outputs[0];
  if (y.type !== x.type) fail(ctx, `input ${x.typeName} and output ${y.typeName} differ`);
  requireQuantized(ctx, x, "input");
  requireQuantized(ctx, y, "output");
  const { target, count, axes } = reductionOf(ctx, x, axesT, y);
  const [qmin, qmax] = integerRange(y.type);
  const n = x.size;
  const sums = new Float64Array(y.size);
  const scale = f32(x.scale / y.scale);
  const bias = sum ? f32(f32(-x.zeroPoint * scale) * count) : f32(-x.zeroPoint * scale);
  const simd = prepareReduceSimd(ctx.simd?.(), x, axes, y, reduceKind(x.type, "sum", true), { kind: "qrescale", mean: !sum, count, scale, bias, zOut: y.zeroPoint });
  if (simd) return simd;
  return () => {
    const xd = x.data as Elements;
    const yd = y.data as Elements;
    sums.fill(0);
    for (let k = 0; k < n; k++) sums[target[k]] += xd[k];
    for (let o = 0; o < sums.length; o++) {
      if (sum) {
        yd[o] = roundHalfAway(f32(f32(f32(sums[o]) * scale) + bias)) + y.zeroPoint;
      } else {
        const mean = f32(f32(sums[o]) / count);
        const r = roundHalfAway(f32(f32(mean * scale) + bias)) + y.zeroPoint;
        yd[o] = r < qmin ? qmin : r > qmax ? qmax : r;
      }
    }
  };
}

export const prepareSum: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const y = ctx.outputs[0];
  if (x.type === TensorType.INT8 || x.type === TensorType.UINT8 || x.type === TensorType.INT16) {
    if (x.scale === y.scale && x.zeroPoint === y.zeroPoint) return prepareRawSum(ctx, x, y);
    return prepareQuantizedMeanOrSum(ctx, true);
  }
  if (x.type !== TensorType.FLOAT32 && x.type !== TensorType.INT32) fail(ctx, `type ${x.typeName} is not supported`);
  if (y.type !== x.type) fail(ctx, `input ${x.typeName} and output ${y.typeName} differ`);
  const { target, axes } = reductionOf(ctx, x, input(ctx, 1), y);
  const simd = prepareReduceSimd(ctx.simd?.(), x, axes, y, reduceKind(x.type, "sum", false), { kind: "none" });
  if (simd) return simd;
  const n = x.size;
  const int = x.type === TensorType.INT32;
  return () => {
    const xd = x.data as Elements;
    const yd = y.data as Elements;
    for (let o = 0; o < y.size; o++) yd[o] = 0;
    // accumulate in the output's own precision, in input order, as TFLite's reference reducer does
    if (int) for (let k = 0; k < n; k++) yd[target[k]] = (yd[target[k]] + xd[k]) | 0;
    else for (let k = 0; k < n; k++) yd[target[k]] += xd[k];
  };
};

/**
 * SUM with the input's own quantization: TFLite rescales nothing then (its generic reducer), summing the raw values in
 * the element type, each addition wrapping as its static_cast does (zero points ignored).
 */
function prepareRawSum(ctx: KernelContext, x: Tensor, y: Tensor): () => void {
  if (y.type !== x.type) fail(ctx, `input ${x.typeName} and output ${y.typeName} differ`);
  const { target, axes } = reductionOf(ctx, x, input(ctx, 1), y);
  const simd = prepareReduceSimd(ctx.simd?.(), x, axes, y, reduceKind(x.type, "sum", false), { kind: "none" });
  if (simd) return simd;
  const n = x.size;
  const bits = 32 - (x.type === TensorType.INT16 ? 16 : 8);
  const wrap = x.type === TensorType.UINT8 ? (v: number) => v & 0xff : (v: number) => (v << bits) >> bits;
  return () => {
    const xd = x.data as Elements;
    const yd = y.data as Elements;
    for (let o = 0; o < y.size; o++) yd[o] = 0;
    for (let k = 0; k < n; k++) yd[target[k]] = wrap(yd[target[k]] + xd[k]);
  };
}

export const prepareArgMax: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const axisT = input(ctx, 1);
  const y = ctx.outputs[0];
  if (![TensorType.FLOAT32, TensorType.INT32, TensorType.INT8, TensorType.UINT8].includes(x.type)) fail(ctx, `type ${x.typeName} is not supported`);
  if (y.type !== TensorType.INT32 && y.type !== TensorType.INT64) fail(ctx, `output type ${y.typeName} is not supported`);
  if (!axisT.isConstant) fail(ctx, "axis must be constant");
  const declared = ctx.options?.int8(F.ArgMaxOptions.output_type, y.type) ?? y.type;
  if (declared !== y.type) fail(ctx, `output_type ${TensorType[declared] ?? declared} differs from the output's ${y.typeName}`);
  const rank = x.shape.length;
  let axis = Number(axisT.data[0]);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) fail(ctx, `axis ${Number(axisT.data[0])} is out of range for rank ${rank}`);
  const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const dim = x.shape[axis];
  const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  if (outer * inner !== y.size) fail(ctx, `output [${y.shape}] does not match [${x.shape}] without axis ${axis}`);
  if (argMax8Applicable(x, inner, dim)) {
    const heap = ctx.simd?.();
    if (heap) return prepareArgMax8Simd(heap, x, y, outer, dim);
  }
  const wide = y.type === TensorType.INT64;
  // int64 indices written as their two 32-bit halves (little-endian, the high one 0): no BigInt per element
  let words: Int32Array | undefined;
  return () => {
    const xd = x.data as Elements;
    if (wide && (!words || words.buffer !== y.data.buffer || words.byteOffset !== y.data.byteOffset)) words = new Int32Array(y.data.buffer, y.data.byteOffset, 2 * y.size);
    const yd = (wide ? words : y.data) as Elements;
    const step = wide ? 2 : 1;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * dim * inner + i;
        let best = 0;
        let bestValue = xd[base];
        // strictly greater: the first of equal maxima wins, as in TFLite
        for (let j = 1; j < dim; j++) {
          const v = xd[base + j * inner];
          if (v > bestValue) {
            bestValue = v;
            best = j;
          }
        }
        yd[(o * inner + i) * step] = best;
        if (wide) yd[(o * inner + i) * 2 + 1] = 0;
      }
    }
  };
};
