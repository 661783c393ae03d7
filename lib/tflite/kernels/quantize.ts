/** QUANTIZE (float → integer, or integer → integer requantization) and DEQUANTIZE. */
import { TensorType } from "../schema";
import { fail, input, type PrepareKernel } from "../kernel";
import { mulByQuantizedMultiplier, quantizeMultiplier, roundHalfAway } from "../fixed-point";
import { integerRange } from "../tensor";
import { requireQuantized } from "./common";
import { byteLookup } from "./byte-lookup";
import { prepareRequantizeInt16Simd } from "./int16-simd";
import type { Tensor } from "../tensor";
import type { Invoke } from "../kernel";
import type { WasmHeap } from "../wasm-kernels";

export const prepareQuantize: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const y = ctx.outputs[0];
  const n = y.size;
  if (y.type !== TensorType.INT8 && y.type !== TensorType.UINT8 && y.type !== TensorType.INT16 && y.type !== TensorType.INT32) fail(ctx, `output type ${y.typeName} is not supported`);
  requireQuantized(ctx, y, "output");
  const [qmin, qmax] = integerRange(y.type);
  if (y.scales.length > 1) fail(ctx, "per-channel output quantization is not supported");
  if (x.type === TensorType.FLOAT32) {
    if (ctx.xnnpackInt8 && (y.type === TensorType.INT8 || y.type === TensorType.UINT8)) {
      // XNNPACK's f32 → qs8/qu8 convert: times the reciprocal of the scale (single precision), clamped, rounded to
      // nearest with ties to even (its magic bias), plus the zero point
      const inverse = Math.fround(1 / Math.fround(y.scale));
      const zero = y.zeroPoint;
      const [lo, hi] = [qmin - zero, qmax - zero];
      const plain = () => {
        const xd = x.data as Float32Array;
        const yd = y.data as Int8Array;
        for (let i = 0; i < n; i++) {
          let v = Math.fround(xd[i] * inverse);
          v = v < lo ? lo : v > hi ? hi : v;
          const r = Math.round(v);
          yd[i] = (r - v === 0.5 && (r & 1) !== 0 ? r - 1 : r) + zero;
        }
      };
      return quantizeFloatSimd(ctx.simd?.(), x, y, 1, inverse, lo, hi, plain) ?? plain;
    }
    const scale = Math.fround(y.scale);
    const plain = () => {
      const xd = x.data as Float32Array;
      const yd = y.data as Int8Array;
      for (let i = 0; i < n; i++) {
        const v = roundHalfAway(Math.fround(xd[i] / scale)) + y.zeroPoint;
        yd[i] = v < qmin ? qmin : v > qmax ? qmax : v;
      }
    };
    return quantizeFloatSimd(ctx.simd?.(), x, y, 0, scale, qmin - y.zeroPoint, qmax - y.zeroPoint, plain) ?? plain;
  }
  if (x.type !== TensorType.INT8 && x.type !== TensorType.UINT8 && x.type !== TensorType.INT16 && x.type !== TensorType.INT32) fail(ctx, `input type ${x.typeName} is not supported`);
  requireQuantized(ctx, x, "input");
  if (ctx.xnnpackInt8 && x.type === y.type && (x.type === TensorType.INT8 || x.type === TensorType.UINT8)) {
    const table = xnnpackConvert(x.scale, y.scale, x.zeroPoint, y.zeroPoint, qmin, qmax);
    if (table) return byteLookup(x, y, (q) => table[q - qmin], ctx.simd?.());
  }
  const { multiplier, shift } = quantizeMultiplier(x.scale / y.scale);
  const same = multiplier === 1 << 30 && shift === 1;
  const requantize = (q: number) => {
    const v = (same ? q - x.zeroPoint : mulByQuantizedMultiplier(q - x.zeroPoint, multiplier, shift)) + y.zeroPoint;
    return v < qmin ? qmin : v > qmax ? qmax : v;
  };
  if (x.type === TensorType.INT8 || x.type === TensorType.UINT8) {
    // 8-bit input: the same arithmetic once per possible input, then a lookup per element
    if (y.type === TensorType.INT8 || y.type === TensorType.UINT8) return byteLookup(x, y, requantize, ctx.simd?.());
    const low = x.type === TensorType.INT8 ? -128 : 0;
    const table = Int32Array.from({ length: 256 }, (_, i) => requantize(low + i));
    return () => {
      const xd = x.data as Int8Array;
      const yd = y.data as Int16Array;
      for (let i = 0; i < n; i++) yd[i] = table[xd[i] - low];
    };
  }
  const plain = () => {
    const xd = x.data as Int32Array;
    const yd = y.data as Int16Array;
    for (let i = 0; i < n; i++) yd[i] = requantize(xd[i]);
  };
  // in WebAssembly: the multiplication by 2^30 · 2^1 is exact unless it wraps an int32 input around, so `same` stays here then
  const m = { multiplier, shift };
  const simd = same && x.type === TensorType.INT32 ? undefined : prepareRequantizeInt16Simd(ctx.simd?.(), x, y, m, m, qmin, qmax, plain);
  return simd ?? plain;
};

/**
 * float32 QUANTIZE in WebAssembly SIMD (fquant in ../wasm/quantized-elementwise.wat): TFLite's division rounded half away
 * from zero (xnn 0, by `scale`) or XNNPACK's product with the reciprocal clamped and rounded half to even (xnn 1), the
 * JavaScript loops' results; [lo, hi] is the output type's range minus the zero point.
 */
function quantizeFloatSimd(heap: WasmHeap | undefined, x: Tensor, y: Tensor, xnn: number, scale: number, lo: number, hi: number, plain: Invoke): Invoke | undefined {
  const ex = heap?.quantizedElementwise();
  if (!heap || !ex || x.isVariable || y.isVariable || x.isConstant || x.size !== y.size) return undefined;
  const out = y.type === TensorType.INT8 ? 0 : y.type === TensorType.UINT8 ? 1 : y.type === TensorType.INT16 ? 2 : -1;
  if (out < 0) return undefined;
  const scratch = heap.alloc(16);
  const n = y.size;
  return () => {
    const buffer = heap.buffer;
    if (x.data.buffer !== buffer || y.data.buffer !== buffer) return plain();
    ex.fquant(x.data.byteOffset, y.data.byteOffset, n, out, xnn, scale, lo, hi, y.zeroPoint, lo, hi, scratch);
  };
}

/**
 * XNNPACK's 8-bit requantizing convert (qs8/qu8 vcvt, what the XNNPACK delegate runs for an int8 → int8 or
 * uint8 → uint8 QUANTIZE): the scale ratio as a multiplier in 1/256 steps (lrintf, ties to even), the zero points
 * folded into a bias with the rounding half, one arithmetic shift right by 8. The delegate takes only ratios in
 * [2^-8, 2^7); for others TFLite's own kernel runs (undefined here).
 */
function xnnpackConvert(inScale: number, outScale: number, inZero: number, outZero: number, qmin: number, qmax: number): Int32Array | undefined {
  const ratio = Math.fround(Math.fround(inScale) / Math.fround(outScale));
  if (!(ratio >= 2 ** -8 && ratio < 2 ** 7)) return undefined;
  const multiplier = roundHalfEven(256 * ratio);
  const bias = outZero * 256 - multiplier * inZero + 0x80;
  // a 256-entry table of the map over every input value
  const table = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    const v = (bias + (qmin + i) * multiplier) >> 8;
    table[i] = v < qmin ? qmin : v > qmax ? qmax : v;
  }
  return table;
}

/** lrintf: to nearest, ties to even */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

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
  const [scale, zeroPoint] = [x.scale, x.zeroPoint];
  let plain: Invoke;
  if (x.type !== TensorType.INT16) {
    // 8-bit: the same product once per possible input, then a lookup per element
    const low = x.type === TensorType.INT8 ? -128 : 0;
    const table = Float32Array.from({ length: 256 }, (_, i) => scale * (low + i - zeroPoint));
    plain = () => {
      const xd = x.data as Int8Array;
      const yd = y.data as Float32Array;
      for (let i = 0; i < n; i++) yd[i] = table[xd[i] - low];
    };
  } else {
    plain = () => {
      const xd = x.data as Int16Array;
      const yd = y.data as Float32Array;
      for (let i = 0; i < n; i++) yd[i] = scale * (xd[i] - zeroPoint);
    };
  }
  return dequantizeSimd(ctx.simd?.(), x, y, plain) ?? plain;
};

/**
 * DEQUANTIZE per tensor in WebAssembly SIMD (dequant in ../wasm/quantized-elementwise.wat): f32(scale) times the
 * offset value, one rounding of an exact product as the JavaScript loops', whose results it gives.
 */
function dequantizeSimd(heap: WasmHeap | undefined, x: Tensor, y: Tensor, plain: Invoke): Invoke | undefined {
  const ex = heap?.quantizedElementwise();
  if (!heap || !ex || x.isVariable || y.isVariable || x.isConstant) return undefined;
  const scale = Math.fround(x.scale);
  // the JavaScript loops multiply by the scale as read; in single precision only if it is one
  if (scale !== x.scale || Math.abs(x.zeroPoint) > 65536) return undefined;
  const kind = x.type === TensorType.INT16 ? 2 : x.type === TensorType.UINT8 ? 1 : 0;
  const n = y.size;
  return () => {
    const buffer = heap.buffer;
    if (x.data.buffer !== buffer || y.data.buffer !== buffer) return plain();
    ex.dequant(x.data.byteOffset, y.data.byteOffset, n, kind, x.zeroPoint, scale);
  };
}
