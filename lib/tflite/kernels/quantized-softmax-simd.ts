/**
 * 8-bit SOFTMAX (int8, uint8 and int8 → int16), int16 SOFTMAX and 8-bit LOG_SOFTMAX in WebAssembly
 * (../wasm/quantized-softmax.wat), the same steps as the JavaScript loops in activations.ts, int16-activations.ts and
 * quantized-log-softmax.ts. Each returns
 * undefined where the module or the heap is unavailable; tensors outside the heap at run time take `fallback`.
 */
import { TensorType } from "../schema";
import type { Invoke } from "../kernel";
import type { Tensor } from "../tensor";
import type { WasmHeap } from "../wasm-kernels";

const usable = (heap: WasmHeap | undefined, x: Tensor, y: Tensor) => heap !== undefined && !x.isVariable && !y.isVariable && !x.isConstant && x.size > 0;
const flipOf = (x: Tensor) => (x.type === TensorType.INT8 ? 128 : 0);

/** SOFTMAX over rows of `depth`: `table` the 256 exponentials (table[255 - d] = exp(-scale beta d)). */
export function prepareQuantizedSoftmaxSimd(heap: WasmHeap | undefined, x: Tensor, y: Tensor, rows: number, depth: number, table: Float32Array, lo: number, hi: number, fallback: Invoke): Invoke | undefined {
  const ex = heap?.quantizedSoftmax();
  if (!heap || !ex || !usable(heap, x, y)) return undefined;
  const out = y.type === TensorType.UINT8 ? 0 : y.type === TensorType.INT8 ? 1 : y.type === TensorType.INT16 ? 2 : -1;
  if (out < 0 || (x.type !== TensorType.INT8 && x.type !== TensorType.UINT8)) return undefined;
  const at = heap.place(table);
  const flip = flipOf(x);
  const yScale = Math.fround(y.scale);
  return () => {
    const buffer = heap.buffer;
    if (x.data.buffer !== buffer || y.data.buffer !== buffer) return fallback();
    ex.qsoftmax(x.data.byteOffset, y.data.byteOffset, rows, depth, at, flip, out, yScale, y.zeroPoint, lo, hi);
  };
}

/**
 * LOG_SOFTMAX over rows of `depth`: per row the maximum and the exponentials' sum in WebAssembly, `rowConstant`
 * (max, sum) → the single-precision value subtracted from ratio × q in JavaScript (it takes a logarithm), then the
 * outputs in WebAssembly.
 */
export function prepareQuantizedLogSoftmaxSimd(heap: WasmHeap | undefined, x: Tensor, y: Tensor, rows: number, depth: number, table: Float32Array, ratio: number, zero: number, lo: number, hi: number, rowConstant: (max: number, sum: number) => number, fallback: Invoke): Invoke | undefined {
  const ex = heap?.quantizedSoftmax();
  if (!heap || !ex || !usable(heap, x, y) || y.type !== x.type || (x.type !== TensorType.INT8 && x.type !== TensorType.UINT8)) return undefined;
  const at = heap.place(table);
  const stats = heap.alloc(8 * rows);
  const flip = flipOf(x);
  let words = new Int32Array(heap.buffer, stats, 2 * rows);
  let floats = new Float32Array(heap.buffer, stats, 2 * rows);
  return () => {
    const buffer = heap.buffer;
    if (x.data.buffer !== buffer || y.data.buffer !== buffer) return fallback();
    if (words.buffer !== buffer) {
      words = new Int32Array(buffer, stats, 2 * rows);
      floats = new Float32Array(buffer, stats, 2 * rows);
    }
    ex.qrowstats(x.data.byteOffset, rows, depth, at, flip, stats);
    for (let r = 0; r < 2 * rows; r += 2) floats[r + 1] = rowConstant(words[r], floats[r + 1]);
    ex.qlogsoftmax(x.data.byteOffset, y.data.byteOffset, rows, depth, flip, stats, ratio, zero, lo, hi);
  };
}

/**
 * int16 SOFTMAX over rows of `depth` (below 65536, so that the int32 sum cannot overflow): `exp` the exponential of
 * each difference max - x, `reciprocal` the 513-entry table of 1/(1+x).
 */
export function prepareInt16SoftmaxSimd(heap: WasmHeap | undefined, x: Tensor, y: Tensor, rows: number, depth: number, exp: Int16Array, reciprocal: Int16Array, fallback: Invoke): Invoke | undefined {
  const ex = heap?.quantizedSoftmax();
  if (!heap || !ex || !usable(heap, x, y) || depth >= 65536 || exp.length !== 65536 || reciprocal.length !== 513) return undefined;
  const expAt = heap.place(exp);
  const recipAt = heap.place(reciprocal);
  return () => {
    const buffer = heap.buffer;
    if (x.data.buffer !== buffer || y.data.buffer !== buffer) return fallback();
    ex.qsoftmax16(x.data.byteOffset, y.data.byteOffset, rows, depth, expAt, recipAt);
  };
}
