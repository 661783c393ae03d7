/** QUANTIZE (float → integer, or integer → integer requantization) and DEQUANTIZE. */
import { TensorType } from "../schema";
import { fail, input, type PrepareKernel } from "../kernel";
import { mulByQuantizedMultiplier, quantizeMultiplier, roundHalfAway } from "../fixed-point";
import { integerRange } from "../tensor";
import { requireQuantized } from "./common";

export const prepareQuantize: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const y = ctx.outputs[0];
  const n = y.size;
  if (y.type !== TensorType.INT8 && y.type !== TensorType.UINT8 && y.type !== TensorType.INT16 && y.type !== TensorType.INT32) fail(ctx, `output type ${y.typeName} is not supported`);
  requireQuantized(ctx, y, "output");
  const [qmin, qmax] = integerRange(y.type);
  if (y.scales.length > 1) fail(ctx, "per-channel output quantization is not supported");
  if (x.type === TensorType.FLOAT32) {
    const scale = Math.fround(y.scale);
    return () => {
      const xd = x.data as Float32Array;
      const yd = y.data as Int8Array;
      for (let i = 0; i < n; i++) {
        const v = roundHalfAway(Math.fround(xd[i] / scale)) + y.zeroPoint;
        yd[i] = v < qmin ? qmin : v > qmax ? qmax : v;
      }
    };
  }
  if (x.type !== TensorType.INT8 && x.type !== TensorType.UINT8 && x.type !== TensorType.INT16 && x.type !== TensorType.INT32) fail(ctx, `input type ${x.typeName} is not supported`);
  requireQuantized(ctx, x, "input");
  const { multiplier, shift } = quantizeMultiplier(x.scale / y.scale);
  const same = multiplier === 1 << 30 && shift === 1;
  return () => {
    const xd = x.data as Int32Array;
    const yd = y.data as Int16Array;
    for (let i = 0; i < n; i++) {
      const v = (same ? xd[i] - x.zeroPoint : mulByQuantizedMultiplier(xd[i] - x.zeroPoint, multiplier, shift)) + y.zeroPoint;
      yd[i] = v < qmin ? qmin : v > qmax ? qmax : v;
    }
  };
};

export const prepareDequantize: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const y = ctx.outputs[0];
  const n = y.size;
  if (y.type !== TensorType.FLOAT32) fail(ctx, `output type ${y.typeName} is not supported`);
  if (x.type === TensorType.FLOAT16) fail(ctx, "float16 input is not supported");
  requireQuantized(ctx, x, "input");
  if (x.scales.length > 1) fail(ctx, "per-channel dequantization is not supported");
  return () => {
    const xd = x.data as Int8Array;
    const yd = y.data as Float32Array;
    for (let i = 0; i < n; i++) yd[i] = x.scale * (xd[i] - x.zeroPoint);
  };
};
