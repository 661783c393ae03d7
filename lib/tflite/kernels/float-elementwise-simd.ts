/**
 * float32 ADD, SUB, MUL, MAXIMUM, MINIMUM and SQUARED_DIFFERENCE in WebAssembly SIMD ("fbin" in
 * ../wasm/float-elementwise.wat), four elements per step with the fused activation inline, bit for bit the
 * JavaScript loops' results. The output is seen as rows × inner; each input is the output's size, a single value,
 * a block repeated for every row (a trailing [C] against [N, H, W, C]), or one value per row ([N, H, W, 1]). Other
 * broadcasts stay in JavaScript; so does any run whose tensors are outside the heap (constants are copied in once).
 */
import type { Invoke } from "../kernel";
import type { Tensor } from "../tensor";
import type { WasmHeap } from "../wasm-kernels";
import { extendShape } from "./common";

/** fbin's first parameter */
export enum FloatBinaryKind {
  Add = 0,
  Sub = 1,
  Mul = 2,
  Maximum = 3,
  Minimum = 4,
  SquaredDifference = 5,
}

/** How one input runs along the output: bytes to the next row, bytes per four outputs inside a row (16 or 0). */
interface Walk {
  row: number;
  step: number;
}

interface Layout {
  rows: number;
  inner: number;
  a: Walk;
  b: Walk;
}

const FULL = (inner: number): Walk => ({ row: 4 * inner, step: 16 });
const SCALAR: Walk = { row: 0, step: 0 };
const REPEATED: Walk = { row: 0, step: 16 };
const PER_ROW: Walk = { row: 4, step: 0 };

/** The output's size split as rows × inner such that t is [inner] repeated per row, or one value per row. */
function partial(t: Tensor, y: Tensor): { rows: number; inner: number; walk: Walk } | undefined {
  const rank = y.shape.length;
  if (t.shape.length > rank) return undefined;
  const s = extendShape(t.shape, rank);
  const ys = y.shape;
  // leading ones, then the output's trailing dimensions: a repeated block
  let first = 0;
  while (first < rank && s[first] === 1) first++;
  if (s.slice(first).every((d, i) => d === ys[first + i])) return { rows: y.size / t.size, inner: t.size, walk: REPEATED };
  // the output's leading dimensions, then ones: one value per row
  let last = rank - 1;
  while (last >= 0 && s[last] === 1) last--;
  if (s.slice(0, last + 1).every((d, i) => d === ys[i])) return { rows: t.size, inner: y.size / t.size, walk: PER_ROW };
  return undefined;
}

function layout(a: Tensor, b: Tensor, y: Tensor): Layout | undefined {
  const n = y.size;
  if (n === 0) return undefined;
  const full = (t: Tensor) => t.size === n;
  if (full(a) && full(b)) return { rows: 1, inner: n, a: FULL(n), b: FULL(n) };
  if (full(a) && b.size === 1) return { rows: 1, inner: n, a: FULL(n), b: SCALAR };
  if (full(b) && a.size === 1) return { rows: 1, inner: n, a: SCALAR, b: FULL(n) };
  if (full(a)) {
    const p = partial(b, y);
    return p && { rows: p.rows, inner: p.inner, a: FULL(p.inner), b: p.walk };
  }
  if (full(b)) {
    const p = partial(a, y);
    return p && { rows: p.rows, inner: p.inner, a: p.walk, b: FULL(p.inner) };
  }
  return undefined;
}

/**
 * The SIMD invoke for y = a ∘ b clamped to [lo, hi], or undefined where it does not apply; `fallback` (the
 * JavaScript loop) runs whenever a tensor is not in the heap.
 */
export function prepareFloatBinarySimd(heap: WasmHeap | undefined, kind: FloatBinaryKind, a: Tensor, b: Tensor, y: Tensor, lo: number, hi: number, fallback: Invoke): Invoke | undefined {
  const ex = heap?.floatElementwise();
  if (!heap || !ex) return undefined;
  if (!(a.data instanceof Float32Array && b.data instanceof Float32Array && y.data instanceof Float32Array)) return undefined;
  if (a.isVariable || b.isVariable || y.isVariable) return undefined;
  const l = layout(a, b, y);
  if (!l) return undefined;
  // constants live in the model bytes: a copy in the heap, once
  const aConst = a.isConstant ? heap.place(a.data) : -1;
  const bConst = b.isConstant ? heap.place(b.data) : -1;
  const scratch = heap.alloc(32);
  const { rows, inner } = l;
  return () => {
    const buffer = heap.buffer;
    const inHeap = (t: Tensor) => t.isConstant || t.data.buffer === buffer;
    if (!inHeap(a) || !inHeap(b) || y.data.buffer !== buffer) return fallback();
    const aPtr = aConst >= 0 ? aConst : a.data.byteOffset;
    const bPtr = bConst >= 0 ? bConst : b.data.byteOffset;
    ex.fbin(kind, aPtr, bPtr, y.data.byteOffset, rows, inner, l.a.row, l.b.row, l.a.step, l.b.step, lo, hi, scratch);
  };
}
