/**
 * Integer binary elementwise operators and SELECT_V2 in WebAssembly SIMD (../wasm/int-elementwise.wat), on every
 * broadcast (BroadcastPlan), bit for bit the JavaScript loops of binary.ts:
 * - MAXIMUM / MINIMUM of int8, uint8, int16, int32 (raw values, as TFLite), the comparisons of int32, SQUARED_DIFFERENCE
 *   of int32 (wrapping), DIV and FLOOR_DIV of int32 (double quotient, see the .wat), SELECT_V2 of 1-, 2- and 4-byte types;
 * - the 8-bit comparisons, int8 SQUARED_DIFFERENCE and uint8 DIV rescale each input, a function of its byte alone: comparisons
 *   whose two rescalings are one strictly increasing map compare the raw bytes; the rest look the result up in a
 *   256 × 256 table of the JavaScript function, filled at prepare time (tab8).
 * Any run whose tensors are outside the heap stays in JavaScript (constants are copied in once).
 */
import type { Invoke } from "../kernel";
import { TensorType } from "../schema";
import type { Tensor } from "../tensor";
import type { WasmHeap } from "../wasm-kernels";
import { broadcastPlan, HeapAddresses, placeBroadcastCalls, tileShortRows, expander } from "./broadcast";

/** ibin's kind: MAXIMUM, MINIMUM per type, then the comparisons per type, then the rest (see the .wat's header). */
const MIN_MAX_TYPES = [TensorType.INT8, TensorType.UINT8, TensorType.INT16, TensorType.INT32];
const COMPARISON_TYPES = [TensorType.INT32, TensorType.INT8, TensorType.UINT8];

/** The comparisons in ibin's order. */
export enum Comparison {
  Equal = 0,
  NotEqual = 1,
  Less = 2,
  LessEqual = 3,
  Greater = 4,
  GreaterEqual = 5,
}

export const enum IntBinaryKind {
  SquaredDifferenceInt32 = 26,
  DivInt32 = 27,
  FloorDivInt32 = 28,
}

/** ibin's kind for MAXIMUM (MINIMUM) of a type, or undefined where it has none. */
export function minMaxKind(max: boolean, type: TensorType): number | undefined {
  const t = MIN_MAX_TYPES.indexOf(type);
  return t < 0 ? undefined : (max ? 0 : 4) + t;
}

/** ibin's kind for a comparison of raw values of a type, or undefined where it has none. */
export function comparisonKind(c: Comparison, type: TensorType): number | undefined {
  const t = COMPARISON_TYPES.indexOf(type);
  return t < 0 ? undefined : 8 + 6 * t + c;
}

const BYTES: Partial<Record<TensorType, number>> = {
  [TensorType.INT8]: 1,
  [TensorType.UINT8]: 1,
  [TensorType.BOOL]: 1,
  [TensorType.INT16]: 2,
  [TensorType.INT32]: 4,
  [TensorType.FLOAT32]: 4,
};

/** The heap side of one elementwise operator: its plan's calls, constants' copies, scratch. */
interface Placed {
  plan: ReturnType<typeof broadcastPlan>;
  calls: number;
  /** the inputs' then the output's addresses */
  addresses: HeapAddresses;
  scratch: number;
}

function place(heap: WasmHeap, inputs: Tensor[], y: Tensor, scratchBytes: number, tile: boolean): Placed | undefined {
  if ([...inputs, y].some((t) => t.isVariable || BYTES[t.type] === undefined || BYTES[t.type] !== t.data.BYTES_PER_ELEMENT)) return undefined;
  if (y.size === 0) return undefined;
  const full = broadcastPlan(inputs, y);
  const tiling = tile ? tileShortRows(full, expander(heap)) : undefined;
  const plan = tiling?.plan ?? full;
  const calls = placeBroadcastCalls(heap, plan, [...inputs, y].map((t) => BYTES[t.type]!));
  // constants live in the model bytes: a copy in the heap, once
  const addresses = new HeapAddresses(heap, [...inputs, y], inputs.map((t) => (t.isConstant ? heap.place(t.data) : -1)), tiling);
  return { plan, calls, addresses, scratch: heap.alloc(scratchBytes) };
}

/** The step argument of an input: bytes per vector (of `lanes` elements) where it advances, else 0. */
const step = (p: Placed, i: number, bytes: number, lanes: number) => (p.plan.advances[i] ? bytes * lanes : 0);

function binaryInvoke(p: Placed, fallback: Invoke, run: (aPtr: number, bPtr: number, yPtr: number) => void): Invoke {
  const { addresses } = p;
  const at = addresses.at;
  return () => (addresses.refresh() ? run(at[0], at[1], at[2]) : fallback());
}

/** The SIMD invoke of ibin's `kind` for y = a ∘ b, or undefined where it does not apply. */
export function prepareIntBinarySimd(heap: WasmHeap | undefined, kind: number, a: Tensor, b: Tensor, y: Tensor, fallback: Invoke): Invoke | undefined {
  const ex = heap?.intElementwise();
  if (!heap || !ex) return undefined;
  const p = place(heap, [a, b], y, 128, true);
  if (!p) return undefined;
  const bytes = BYTES[a.type]!;
  const lanes = 16 / bytes;
  const { rows, inner, rowStrides, count } = p.plan;
  const [aRow, bRow] = rowStrides.map((s) => s * bytes);
  const [aStep, bStep] = [0, 1].map((i) => step(p, i, bytes, lanes));
  return binaryInvoke(p, fallback, (aPtr, bPtr, yPtr) => ex.ibin(kind, aPtr, bPtr, yPtr, p.calls, count, rows, inner, aRow, bRow, aStep, bStep, p.scratch));
}

/**
 * The SIMD invoke for an 8-bit y = f(a, b) where f depends on the two bytes alone: tabulated (the table indexed by
 * raw bytes, a's the high one), or undefined where it does not apply.
 */
export function prepareTabulatedSimd(heap: WasmHeap | undefined, a: Tensor, b: Tensor, y: Tensor, f: (u: number, v: number) => number, fallback: Invoke): Invoke | undefined {
  return prepareTableSimd(heap, a, b, y, () => {
    const table = new Uint8Array(65536);
    const value = (raw: number, t: Tensor) => (t.type === TensorType.INT8 ? (raw << 24) >> 24 : raw);
    for (let u = 0; u < 256; u++) for (let v = 0; v < 256; v++) table[(u << 8) | v] = f(value(u, a), value(v, b));
    return heap!.place(table);
  }, fallback);
}

/** tab8 on a 256 × 256 table in the heap (indexed by raw bytes, a's the high one) that `table` places and returns the address of. */
export function prepareTableSimd(heap: WasmHeap | undefined, a: Tensor, b: Tensor, y: Tensor, table: () => number, fallback: Invoke): Invoke | undefined {
  const ex = heap?.intElementwise();
  if (!heap || !ex || a.data.BYTES_PER_ELEMENT !== 1 || b.data.BYTES_PER_ELEMENT !== 1 || y.data.BYTES_PER_ELEMENT !== 1) return undefined;
  const p = place(heap, [a, b], y, 0, true);
  if (!p) return undefined;
  const at = table();
  const { rows, inner, rowStrides, advances, count } = p.plan;
  const [aStep, bStep] = advances.map((on) => (on ? 1 : 0));
  return binaryInvoke(p, fallback, (aPtr, bPtr, yPtr) => ex.tab8(aPtr, bPtr, yPtr, p.calls, count, rows, inner, rowStrides[0], rowStrides[1], aStep, bStep, at));
}

/** The SIMD invoke of SELECT_V2 (y = c ? a : b), or undefined where it does not apply. */
export function prepareSelectSimd(heap: WasmHeap | undefined, c: Tensor, a: Tensor, b: Tensor, y: Tensor, fallback: Invoke): Invoke | undefined {
  const ex = heap?.intElementwise();
  if (!heap || !ex || c.data.BYTES_PER_ELEMENT !== 1) return undefined;
  const p = place(heap, [c, a, b], y, 128, true);
  if (!p) return undefined;
  const bytes = BYTES[a.type]!;
  const lanes = 16 / bytes;
  const kind = [1, 2, 4].indexOf(bytes);
  const { rows, inner, rowStrides, count } = p.plan;
  const [cRow, aRow, bRow] = rowStrides.map((s, i) => s * (i === 0 ? 1 : bytes));
  const [cStep, aStep, bStep] = [0, 1, 2].map((i) => step(p, i, i === 0 ? 1 : bytes, lanes));
  const { calls, scratch, addresses } = p;
  const at = addresses.at;
  return () => {
    if (!addresses.refresh()) return fallback();
    ex.isel(kind, at[0], at[1], at[2], at[3], calls, count, rows, inner, cRow, aRow, bRow, cStep, aStep, bStep, scratch);
  };
}
