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

/** IEEE 754 half-precision bits → the number they encode. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** DEQUANTIZE: float16 → float32 (float16 weights), and int8/uint8/int16 per tensor or per channel. */
export const prepareDequantize: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const y = ctx.outputs[0];
  const n = y.size;
  if (y.type !== TensorType.FLOAT32) fail(ctx, `output type ${y.typeName} is not supported`);
  if (x.size !== n) fail(ctx, `input [${x.shape}] and output [${y.shape}] differ in size`);
  if (x.type === TensorType.FLOAT16) {
    return () => {
      const xd = x.data as Uint16Array;
      const yd = y.data as Float32Array;
      for (let i = 0; i < n; i++) yd[i] = halfToFloat(xd[i]);
    };
  }
  if (x.type !== TensorType.INT8 && x.type !== TensorType.UINT8 && x.type !== TensorType.INT16) fail(ctx, `input type ${x.typeName} is not supported`);
  requireQuantized(ctx, x, "input");
  if (x.scales.length > 1) {
    const axis = x.quantizedDimension;
    const channels = x.shape[axis];
    if (x.scales.length !== channels) fail(ctx, `${x.scales.length} scales for ${channels} channels of dimension ${axis}`);
    const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const scales = Float32Array.from(x.scales);
    const zeroPoints = Int32Array.from(x.scales.map((_, c) => x.zeroPoints[c] ?? 0));
    return () => {
      const xd = x.data as Int8Array;
      const yd = y.data as Float32Array;
      for (let i = 0; i < n; i++) {
        const c = Math.floor(i / inner) % channels;
        yd[i] = scales[c] * (xd[i] - zeroPoints[c]);
      }
    };
  }
  return () => {
    const xd = x.data as Int8Array;
    const yd = y.data as Float32Array;
    for (let i = 0; i < n; i++) yd[i] = x.scale * (xd[i] - x.zeroPoint);
  };
};
