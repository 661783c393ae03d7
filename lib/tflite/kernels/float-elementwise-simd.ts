/**
 * float32 ADD, SUB, MUL, MAXIMUM, MINIMUM, SQUARED_DIFFERENCE and the six comparisons in WebAssembly SIMD ("fbin" in
 * ../wasm/float-elementwise.wat), four elements per step with the fused activation inline, bit for bit the
 * JavaScript loops' results, for every broadcast (see Plan) except those whose innermost runs are too short to pay
 * for a call each. Those stay in JavaScript; so does any run whose tensors are outside the heap (constants are
 * copied in once).
 */
import type { Invoke } from "../kernel";
import type { Tensor } from "../tensor";
import type { WasmHeap } from "../wasm-kernels";
import { extendShape, stridesOf } from "./common";

/** fbin's first parameter */
export enum FloatBinaryKind {
  Add = 0,
  Sub = 1,
  Mul = 2,
  Maximum = 3,
  Minimum = 4,
  SquaredDifference = 5,
  // BOOL outputs (one byte each)
  Equal = 6,
  NotEqual = 7,
  Less = 8,
  LessEqual = 9,
  Greater = 10,
  GreaterEqual = 11,
}

/**
 * The broadcast as fbin calls: the output's dimensions without ones, neighbours merged where both inputs run through
 * them contiguously (or both repeat them); the last two become fbin's rows × inner, the others an outer loop whose
 * element offsets (a, b, y per call) are listed here once.
 */
interface Plan {
  rows: number;
  inner: number;
  /** bytes to the next row, per input */
  aRow: number;
  bRow: number;
  /** bytes per four outputs inside a row: 16, or 0 where the input's value repeats along the row */
  aStep: number;
  bStep: number;
  /** per outer call, the element offsets of a, b and y */
  calls: Int32Array;
}

export function plan(a: Tensor, b: Tensor, y: Tensor): Plan | undefined {
  const rank = Math.max(a.shape.length, b.shape.length, y.shape.length);
  const ys = extendShape(y.shape, rank);
  const strides = (t: Tensor) => {
    const s = extendShape(t.shape, rank);
    return stridesOf(s).map((v, i) => (s[i] === 1 ? 0 : v));
  };
  const as = strides(a);
  const bs = strides(b);
  // [size, a stride, b stride] from the outermost, ones left out, mergeable neighbours merged
  const dims: [number, number, number][] = [];
  for (let d = 0; d < rank; d++) {
    if (ys[d] === 1) continue;
    const last = dims[dims.length - 1];
    if (last && last[1] === as[d] * ys[d] && last[2] === bs[d] * ys[d]) {
      last[0] *= ys[d];
      last[1] = as[d];
      last[2] = bs[d];
    } else dims.push([ys[d], as[d], bs[d]]);
  }
  if (dims.length === 0) dims.push([1, 0, 0]);
  const [inner, aIn, bIn] = dims[dims.length - 1];
  const [rows, aRow, bRow] = dims.length > 1 ? dims[dims.length - 2] : [1, 0, 0];
  const outer = dims.slice(0, -2);
  const count = outer.reduce((p, d) => p * d[0], 1);
  // a call per outer index costs more than the JavaScript loop saves on a few elements
  if (count > 1 && rows * inner < 16) return undefined;
  const calls = new Int32Array(3 * count);
  const index = new Array<number>(outer.length).fill(0);
  for (let c = 0; c < count; c++) {
    let pa = 0;
    let pb = 0;
    for (let d = 0; d < outer.length; d++) {
      pa += index[d] * outer[d][1];
      pb += index[d] * outer[d][2];
    }
    calls.set([pa, pb, c * rows * inner], 3 * c);
    for (let d = outer.length - 1; d >= 0; d--) {
      if (++index[d] < outer[d][0]) break;
      index[d] = 0;
    }
  }
  return { rows, inner, aRow: 4 * aRow, bRow: 4 * bRow, aStep: aIn ? 16 : 0, bStep: bIn ? 16 : 0, calls };
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
  const l = plan(a, b, y);
  if (!l) return undefined;
  // constants live in the model bytes: a copy in the heap, once
  const aConst = a.isConstant ? heap.place(a.data) : -1;
  const bConst = b.isConstant ? heap.place(b.data) : -1;
  const scratch = heap.alloc(128);
  const { rows, inner, aRow, bRow, aStep, bStep, calls } = l;
  const yBytes = bool ? 1 : 4;
  return () => {
    const buffer = heap.buffer;
    const inHeap = (t: Tensor) => t.isConstant || t.data.buffer === buffer;
    if (!inHeap(a) || !inHeap(b) || y.data.buffer !== buffer) return fallback();
    const aPtr = aConst >= 0 ? aConst : a.data.byteOffset;
    const bPtr = bConst >= 0 ? bConst : b.data.byteOffset;
    const yPtr = y.data.byteOffset;
    for (let c = 0; c < calls.length; c += 3) ex.fbin(kind, aPtr + 4 * calls[c], bPtr + 4 * calls[c + 1], yPtr + yBytes * calls[c + 2], rows, inner, aRow, bRow, aStep, bStep, lo, hi, scratch);
  };
}
