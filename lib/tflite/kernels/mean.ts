/** MEAN over constant axes: float32, and quantized (rescaled when input and output quantization differ). */
import { F, TensorType } from "../schema";
import { fail, input, type PrepareKernel } from "../kernel";
import { prepareQuantizedMeanOrSum, reductionOf } from "./reduce";
import { prepareReduceSimd, ReduceKind, reduceKind } from "./reduce-pool-simd";

export const prepareMean: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const axesT = input(ctx, 1);
  const y = ctx.outputs[0];
  if (!axesT.isConstant) fail(ctx, "axes must be constant");
  const float = x.type === TensorType.FLOAT32;
  if (!float) {
    if (x.type !== TensorType.INT8 && x.type !== TensorType.UINT8 && x.type !== TensorType.INT16) fail(ctx, `type ${x.typeName} is not supported`);
    if (x.scale !== y.scale || x.zeroPoint !== y.zeroPoint) return prepareQuantizedMeanOrSum(ctx, false);
  }
  void F.ReducerOptions;
  const { target, count, axes } = reductionOf(ctx, x, axesT, y);
  const simd = float
    ? prepareReduceSimd(ctx.simd?.(), x, axes, y, ReduceKind.F32Add, { kind: "fdiv", count })
    : prepareReduceSimd(ctx.simd?.(), x, axes, y, reduceKind(x.type, "sum", true), { kind: "qmean", count, zIn: x.zeroPoint, zOut: y.zeroPoint });
  if (simd) return simd;
  const n = x.size;
  const outN = y.size;
  const sums = new Float64Array(outN);
  return () => {
    const xd = x.data as Float32Array;
    const yd = y.data as Float32Array;
    sums.fill(0);
    if (float) {
      for (let k = 0; k < n; k++) sums[target[k]] = Math.fround(sums[target[k]] + xd[k]);
      for (let o = 0; o < outN; o++) yd[o] = sums[o] / count;
    } else {
      for (let k = 0; k < n; k++) sums[target[k]] += xd[k] - x.zeroPoint;
      for (let o = 0; o < outN; o++) {
        const s = sums[o];
        const half = Math.trunc(count / 2);
        yd[o] = (s > 0 ? Math.trunc((s + half) / count) : Math.trunc((s - half) / count)) + y.zeroPoint;
      }
    }
  };
};
