/**
 * The int16 kernels' entry points into WebAssembly SIMD (../wasm/int16.wat): requantization to int16 of int32 or
 * int16 values with one multiplier, or one per sign (QUANTIZE, LEAKY_RELU). Each returns undefined where its
 * conditions do not hold, and the kernel keeps its JavaScript loop; tensors outside the heap at run time (the
 * caller's own buffers) take that loop too.
 */
import type { Invoke } from "../kernel";
import type { Tensor } from "../tensor";
import type { WasmHeap } from "../wasm-kernels";

export interface Multiplier {
  multiplier: number;
  shift: number;
}

const INT32_MIN = -2147483648;
/** a multiplier $rq16 takes: not -2^31 (SaturatingRoundingDoublingHighMul's saturating case), shift within ±31 */
const usable = (m: Multiplier) => m.multiplier !== INT32_MIN && m.shift <= 31 && m.shift >= -31;

/**
 * y = clamp(yZero + MultiplyByQuantizedMultiplier(x - xZero, m)) as int16, m = positive where x - xZero >= 0 and
 * negative below. x int32 (then xZero must be 0, so that x - xZero stays an int32) or int16; yZero 0 (as TFLite
 * requires of int16), so that adding it never wraps around.
 */
export function prepareRequantizeInt16Simd(heap: WasmHeap | undefined, x: Tensor, y: Tensor, positive: Multiplier, negative: Multiplier, lo: number, hi: number, fallback: Invoke): Invoke | undefined {
  const ex = heap?.int16();
  if (!heap || !ex || x.isVariable || y.isVariable || x.isConstant) return undefined;
  if (!(y.data instanceof Int16Array) || x.size !== y.size) return undefined;
  const wide = x.data instanceof Int32Array ? 1 : x.data instanceof Int16Array ? 0 : -1;
  if (wide < 0 || (wide === 1 && x.zeroPoint !== 0) || y.zeroPoint !== 0 || !usable(positive) || !usable(negative)) return undefined;
  const n = y.size;
  const [pm, pl, pr] = [positive.multiplier, Math.max(positive.shift, 0), Math.max(-positive.shift, 0)];
  const [nm, nl, nr] = [negative.multiplier, Math.max(negative.shift, 0), Math.max(-negative.shift, 0)];
  const inOff = x.zeroPoint;
  return () => {
    const buffer = heap.buffer;
    if (x.data.buffer !== buffer || y.data.buffer !== buffer) return fallback();
    ex.rq16(x.data.byteOffset, y.data.byteOffset, n, wide, inOff, pm, pl, pr, nm, nl, nr, 0, lo, hi);
  };
}
