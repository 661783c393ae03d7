/**
 * 8-bit ARG_MAX over the innermost axis (DeepLab's per-pixel class over its 21 scores) through argmax8 in
 * ../wasm/int8.wat: sixteen scores at a time instead of a compare and branch per score. Same indices as the
 * JavaScript loop of reduce.ts (the first of equal maxima), which remains the fallback.
 */
import type { Invoke } from "../kernel";
import { TensorType } from "../schema";
import type { Tensor } from "../tensor";
import type { WasmHeap } from "../wasm-kernels";
import { ioRun } from "./int8-simd";

/** True when argmax8 takes this ARG_MAX: int8 or uint8 scores, the axis innermost and not empty. */
export function argMax8Applicable(x: Tensor, inner: number, dim: number): boolean {
  return (x.type === TensorType.INT8 || x.type === TensorType.UINT8) && inner === 1 && dim > 0;
}

export function prepareArgMax8Simd(heap: WasmHeap, x: Tensor, y: Tensor, rows: number, dim: number): Invoke {
  const signed = x.type === TensorType.INT8 ? 1 : 0;
  const wide = y.type === TensorType.INT64 ? 1 : 0;
  const ex = heap.exports;
  return ioRun(heap, x, y, (xPtr, yPtr) => ex.argmax8(xPtr, yPtr, rows, dim, signed, wide));
}
