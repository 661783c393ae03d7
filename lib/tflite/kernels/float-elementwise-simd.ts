/**
 * float32 ADD, SUB, MUL, MAXIMUM, MINIMUM, SQUARED_DIFFERENCE, DIV, FLOOR_DIV and the six comparisons in WebAssembly
 * SIMD ("fbin" in ../wasm/float-elementwise.wat), four elements per step with the fused activation inline, bit for
 * bit the JavaScript loops' results, for every broadcast (BroadcastPlan: one call walks its outer offsets). Any run
 * whose tensors are outside the heap stays in JavaScript (constants are copied in once).
 */
import type { Invoke } from "../kernel";
import type { Tensor } from "../tensor";
import type { WasmHeap } from "../wasm-kernels";
import { broadcastPlan, HeapAddresses, placeBroadcastCalls, tileShortRows, expander } from "./broadcast";

/** fbin's first parameter */
export enum FloatBinaryKind {
  Add = 0,
  Sub = 1,
  Mul = 2,
  Maximum = 3,
  Minimum = 4,
  SquaredDifference = 5,
  Div = 6,
  FloorDiv = 7,
  // BOOL outputs (one byte each)
  Equal = 8,
  NotEqual = 9,
  Less = 10,
  LessEqual = 11,
  Greater = 12,
  GreaterEqual = 13,
}

/**
 * The SIMD invoke for y = a ∘ b clamped to [lo, hi], or undefined where it does not apply; `fallback` (the
 * JavaScript loop) runs whenever a tensor is not in the heap.
 */
export function prepareFloatBinarySimd(heap: WasmHeap | undefined, kind: FloatBinaryKind, a: Tensor, b: Tensor, y: Tensor, lo: number, hi: number, fallback: Invoke): Invoke | undefined {
  const ex = heap?.floatElementwise();
  if (!heap || !ex) return undefined;
  const bool = kind >= FloatBinaryKind.Equal;
  if (!(a.data instanceof Float32Array && b.data instanceof Float32Array && (bool ? y.data instanceof Uint8Array : y.data instanceof Float32Array))) return undefined;
  if (a.isVariable || b.isVariable || y.isVariable) return undefined;
  if (y.size === 0) return undefined;
  const yBytes = bool ? 1 : 4;
  const full = broadcastPlan([a, b], y);
  const tiling = tileShortRows(full, expander(heap));
  const plan = tiling?.plan ?? full;
  const { rows, inner, rowStrides, advances, count } = plan;
  const calls = placeBroadcastCalls(heap, plan, [4, 4, yBytes]);
  const [aRow, bRow] = rowStrides.map((s) => 4 * s);
  const [aStep, bStep] = advances.map((on) => (on ? 16 : 0));
  // constants live in the model bytes: a copy in the heap, once
  const addresses = new HeapAddresses(heap, [a, b, y], [a, b].map((t) => (t.isConstant ? heap.place(t.data) : -1)), tiling);
  const at = addresses.at;
  const scratch = heap.alloc(128);
  return () => {
    if (!addresses.refresh()) return fallback();
    ex.fbin(kind, at[0], at[1], at[2], calls, count, rows, inner, aRow, bRow, aStep, bStep, lo, hi, scratch);
  };
}
