/** MEAN over constant axes: float32, and quantized (rescaled when input and output quantization differ). */
import { F, TensorType } from "../schema";
import { fail, input, type PrepareKernel } from "../kernel";
import { stridesOf } from "./common";
import { prepareQuantizedMeanOrSum } from "./reduce";

export const prepareMean: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const axesT = input(ctx, 1);
  const y = ctx.outputs[0];
  if (!axesT.isConstant) fail(ctx, "axes must be constant");
  const rank = x.shape.length;
  const axes = new Set(Array.from(axesT.data as Int32Array, (a) => (Number(a) < 0 ? Number(a) + rank : Number(a))));
  const float = x.type === TensorType.FLOAT32;
  if (!float) {
    if (x.type !== TensorType.INT8 && x.type !== TensorType.UINT8 && x.type !== TensorType.INT16) fail(ctx, `type ${x.typeName} is not supported`);
    if (x.scale !== y.scale || x.zeroPoint !== y.zeroPoint) return prepareQuantizedMeanOrSum(ctx, false);
  }
  void F.ReducerOptions;
  const reducedShape = x.shape.map((d, i) => (axes.has(i) ? 1 : d));
  const outStrides = stridesOf(reducedShape);
  const inStrides = stridesOf(x.shape);
  const count = x.shape.reduce((a, d, i) => (axes.has(i) ? a * d : a), 1);
  const n = x.size;
  const outN = y.size;
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
