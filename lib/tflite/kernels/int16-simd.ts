/**
 * The int16 kernels' entry points into WebAssembly SIMD (../wasm/int16.wat): requantization to int16 of int32 or
 * int16 values with one multiplier, or one per sign (QUANTIZE, LEAKY_RELU); CONV_2D with int16 activations and int8
 * filters. Each returns undefined where its
 * conditions do not hold, and the kernel keeps its JavaScript loop; tensors outside the heap at run time (the
 * caller's own buffers) take that loop too.
 */
import type { Invoke } from "../kernel";
import type { Tensor } from "../tensor";
import type { WasmHeap } from "../wasm-kernels";
import type { ConvGeometry } from "./conv";

export interface Multiplier {
  multiplier: number;
  shift: number;
}

const INT32_MIN = -2147483648;
/** a multiplier $rq16 takes: not -2^31 (SaturatingRoundingDoublingHighMul's saturating case), shift within ±31 */
const usable = (m: Multiplier) => m.multiplier !== INT32_MIN && m.shift <= 31 && m.shift >= -31;

/**
 * y = clamp(yZero + MultiplyByQuantizedMultiplier(x - xZero, m)) as int16, m = positive where x - xZero >= 0 and
 * negative below. x int32 (then xZero must be 0, so that x - xZero stays an int32) or int16; y int16 with yZero 0 (as
 * TFLite requires of int16), so that adding it never wraps around, or int8 / uint8 from int16 x (QUANTIZE
 * int16 → 8-bit) with shifts up to 15 (the product stays below 2^31 - 255 then).
 */
export function prepareRequantizeInt16Simd(heap: WasmHeap | undefined, x: Tensor, y: Tensor, positive: Multiplier, negative: Multiplier, lo: number, hi: number, fallback: Invoke): Invoke | undefined {
  const ex = heap?.int16();
  if (!heap || !ex || x.isVariable || y.isVariable || x.isConstant) return undefined;
  if (x.size !== y.size) return undefined;
  const bytes = y.data instanceof Int8Array ? 2 : y.data instanceof Uint8Array ? 6 : y.data instanceof Int16Array ? 0 : -1;
  const wide = x.data instanceof Int32Array ? 1 : x.data instanceof Int16Array ? 0 : -1;
  if (wide < 0 || bytes < 0 || (wide === 1 && x.zeroPoint !== 0) || !usable(positive) || !usable(negative)) return undefined;
  if (bytes ? wide === 1 || Math.max(positive.shift, negative.shift) > 15 : y.zeroPoint !== 0) return undefined;
  const n = y.size;
  const [pm, pl, pr] = [positive.multiplier, Math.max(positive.shift, 0), Math.max(-positive.shift, 0)];
  const [nm, nl, nr] = [negative.multiplier, Math.max(negative.shift, 0), Math.max(-negative.shift, 0)];
  const inOff = x.zeroPoint;
  return () => {
    const buffer = heap.buffer;
    if (x.data.buffer !== buffer || y.data.buffer !== buffer) return fallback();
    ex.rq16(x.data.byteOffset, y.data.byteOffset, n, wide + bytes, inOff, pm, pl, pr, nm, nl, nr, y.zeroPoint, lo, hi);
  };
}

/**
 * int16x8 CONV_2D without groups (and FULLY_CONNECTED as a 1×1 one), constant filter, zero points 0 (conv16): the filter widened to int16, each row zero-padded to a
 * multiple of 8 values; per output channel the int64 bias, the multiplier reduced to 16 bits (as int16Requantizer)
 * and the total shift. Biases beyond ±2^40 (the int64 product with the reduced multiplier must not overflow) and
 * shifts outside [1, 62] stay in JavaScript.
 */
export function prepareInt16ConvSimd(heap: WasmHeap | undefined, x: Tensor, w: Tensor, y: Tensor, g: ConvGeometry, bias: Float64Array, multipliers: Int32Array, shifts: Int32Array, lo: number, hi: number, fallback: Invoke): Invoke | undefined {
  const ex = heap?.int16();
  if (!heap || !ex || x.isVariable || x.isConstant || y.isVariable || !(x.data instanceof Int16Array) || !(y.data instanceof Int16Array)) return undefined;
  if (!w.isConstant || x.zeroPoint !== 0 || y.zeroPoint !== 0 || w.zeroPoints.some((z) => z !== 0) || !(w.data instanceof Int8Array)) return undefined;
  const { inC, outC, kH, kW } = g;
  const k = kH * kW * inC;
  const kPad = (k + 7) & ~7;
  const channels = new DataView(new ArrayBuffer(16 * outC));
  for (let c = 0; c < outC; c++) {
    const m = multipliers[c];
    const totalShift = 15 - shifts[c];
    if (Math.abs(bias[c]) > 2 ** 40 || totalShift < 1 || totalShift > 62) return undefined;
    channels.setBigInt64(16 * c, BigInt(bias[c]), true);
    channels.setInt32(16 * c + 8, m < 0x7fff0000 ? (m + (1 << 15)) >> 16 : 0x7fff, true);
    channels.setInt32(16 * c + 12, totalShift, true);
  }
  const filter = new Int16Array(outC * kPad);
  const wd = w.data;
  for (let c = 0; c < outC; c++) for (let i = 0; i < k; i++) filter[c * kPad + i] = wd[c * k + i];
  const wPtr = heap.place(filter);
  const chPtr = heap.place(new Uint8Array(channels.buffer));
  // the gathered patch, and 16 bytes the vector copies may write past it
  const patch = heap.alloc(2 * kPad + 16);
  return () => {
    const buffer = heap.buffer;
    if (x.data.buffer !== buffer || y.data.buffer !== buffer) return fallback();
    ex.conv16(x.data.byteOffset, wPtr, chPtr, y.data.byteOffset, patch, g.batches, g.inH, g.inW, inC, g.outH, g.outW, outC, kH, kW, g.strideH, g.strideW, g.dilH, g.dilW, g.padH, g.padW, kPad, lo, hi);
  };
}
