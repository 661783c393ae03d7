/**
 * float32 NEG, SQUARE, SQRT, RSQRT, ABS, RELU, RELU6, RELU_N1_TO_1, LEAKY_RELU, HARD_SWISH and PRELU, and int32 NEG,
 * in WebAssembly SIMD (../wasm/float-unary.wat), four elements per step, bit for bit the JavaScript loops' results.
 * A run whose tensors are outside the heap stays in JavaScript (constants are copied in once); so do PRELU's
 * broadcasts whose innermost runs are too short to pay for a call each (see pairPlan in broadcast.ts).
 * 8-bit PRELU's lookups run there too (prepareQuantizedPreluWasm).
 */
import type { Invoke } from "../kernel";
import type { Tensor } from "../tensor";
import type { WasmHeap } from "../wasm-kernels";
import { pairPlan as plan } from "./broadcast";

/** funary's first parameter */
export enum FloatUnaryKind {
  Neg = 0,
  NegInt32 = 1,
  Square = 2,
  Sqrt = 3,
  Rsqrt = 4,
  Abs = 5,
  Relu = 6,
  Relu6 = 7,
  ReluN1To1 = 8,
  /** x > 0 ? x : x × the parameter */
  LeakyRelu = 9,
  HardSwish = 10,
  /** XNNPACK's order: min(6, max(0, x + 3)) × (x × 1/6) */
  HardSwishXnnpack = 11,
}

const inHeap = (t: Tensor, buffer: ArrayBuffer) => t.isConstant || t.data.buffer === buffer;

/**
 * The SIMD invoke for y = f(x), or undefined where it does not apply; `fallback` (the JavaScript loop) runs
 * whenever a tensor is not in the heap. `parameter` is LEAKY_RELU's alpha (single precision).
 */
export function prepareFloatUnarySimd(heap: WasmHeap | undefined, kind: FloatUnaryKind, x: Tensor, y: Tensor, fallback: Invoke, parameter = 0): Invoke | undefined {
  const ex = heap?.floatUnary();
  if (!heap || !ex) return undefined;
  const Elements = kind === FloatUnaryKind.NegInt32 ? Int32Array : Float32Array;
  if (!(x.data instanceof Elements && y.data instanceof Elements)) return undefined;
  if (x.isVariable || y.isVariable || y.size === 0 || x.size !== y.size) return undefined;
  const xConst = x.isConstant ? heap.place(x.data) : -1;
  const n = y.size;
  return () => {
    const buffer = heap.buffer;
    if (!inHeap(x, buffer) || y.data.buffer !== buffer) return fallback();
    ex.funary(kind, xConst >= 0 ? xConst : x.data.byteOffset, y.data.byteOffset, n, parameter);
  };
}

/** fprelu calls of at least this many outputs a row where alpha repeats per row (it is tiled to that length) */
const PRELU_ROW = 256;

/**
 * The SIMD invoke for float32 PRELU y = x >= 0 ? x : x × alpha (alpha broadcast), or undefined where it does not
 * apply. A constant alpha that repeats per row of contiguous x (one value per channel, the usual form) is tiled
 * in the heap so that one row of the call covers several of x's: short rows cost a loop set-up each.
 */
export function prepareFloatPreluSimd(heap: WasmHeap | undefined, x: Tensor, alpha: Tensor, y: Tensor, fallback: Invoke): Invoke | undefined {
  const ex = heap?.floatUnary();
  if (!heap || !ex) return undefined;
  if (!(x.data instanceof Float32Array && alpha.data instanceof Float32Array && y.data instanceof Float32Array)) return undefined;
  if (x.isVariable || alpha.isVariable || y.isVariable || y.size === 0) return undefined;
  const l = plan(x, alpha, y);
  if (!l) return undefined;
  const xConst = x.isConstant ? heap.place(x.data) : -1;
  const alphaConst = alpha.isConstant ? heap.place(alpha.data) : -1;
  const scratch = heap.alloc(128);
  const { rows, inner, aRow, bRow, aStep, bStep } = l;
  // per fprelu call: x, alpha and y byte offsets (alpha's an address where it is in the heap already), rows, inner,
  // x's and alpha's row strides, x's and alpha's steps
  const calls: number[] = [];
  const tile = alphaConst >= 0 && bRow === 0 && bStep === 16 && aStep === 16 && aRow === 4 * inner ? Math.min(rows, Math.ceil(PRELU_ROW / inner)) : 1;
  const tiled = tile > 1 ? heap.alloc(4 * inner * tile) : -1;
  if (tile > 1) {
    const bytes = new Int8Array(alpha.data.buffer, alpha.data.byteOffset, 4 * inner);
    for (let t = 0; t < tile; t++) heap.bytes().set(bytes, tiled + 4 * inner * t);
  }
  for (let c = 0; c < l.calls.length; c += 3) {
    const [xAt, alphaAt, yAt] = [4 * l.calls[c], 4 * l.calls[c + 1] + (alphaConst >= 0 ? alphaConst : 0), 4 * l.calls[c + 2]];
    const whole = Math.floor(rows / tile);
    if (tile > 1) calls.push(xAt, tiled, yAt, whole, inner * tile, aRow * tile, 0, aStep, bStep);
    const done = tile > 1 ? whole * tile : 0;
    if (done < rows) calls.push(xAt + done * aRow, alphaAt + done * bRow, yAt + 4 * done * inner, rows - done, inner, aRow, bRow, aStep, bStep);
  }
  const list = Int32Array.from(calls);
  return () => {
    const buffer = heap.buffer;
    if (!inHeap(x, buffer) || !inHeap(alpha, buffer) || y.data.buffer !== buffer) return fallback();
    const xPtr = xConst >= 0 ? xConst : x.data.byteOffset;
    const alphaPtr = alphaConst >= 0 ? 0 : alpha.data.byteOffset;
    const yPtr = y.data.byteOffset;
    for (let c = 0; c < list.length; c += 9) ex.fprelu(xPtr + list[c], alphaPtr + list[c + 1], yPtr + list[c + 2], list[c + 3], list[c + 4], list[c + 5], list[c + 6], list[c + 7], list[c + 8], scratch);
  };
}

/**
 * The WebAssembly invoke for int8 / uint8 PRELU as lookups, or undefined where it does not apply: `table` holds a
 * 256-entry row of outputs per alpha value, the row of alpha value v starting at rowOf[v - qmin] + qmin.
 */
export function prepareQuantizedPreluWasm(heap: WasmHeap | undefined, x: Tensor, alpha: Tensor, y: Tensor, table: Int16Array, rowOf: Int32Array, qmin: number, fallback: Invoke): Invoke | undefined {
  const ex = heap?.floatUnary();
  if (!heap || !ex) return undefined;
  const bytes = (t: Tensor) => t.data instanceof Int8Array || t.data instanceof Uint8Array;
  if (!bytes(x) || !bytes(alpha) || !bytes(y)) return undefined;
  if (x.isVariable || alpha.isVariable || y.isVariable || y.size === 0) return undefined;
  const l = plan(x, alpha, y);
  if (!l) return undefined;
  const xConst = x.isConstant ? heap.place(x.data) : -1;
  const alphaConst = alpha.isConstant ? heap.place(alpha.data) : -1;
  const tableAt = heap.place(Uint8Array.from(table, (v) => v & 255));
  // per alpha byte (as unsigned), the address its row would have if indexed by x's value
  const rowsAt = heap.alloc(4 * 256);
  for (let v = qmin; v < qmin + 256; v++) heap.setWord(rowsAt + 4 * (v & 255), tableAt + rowOf[v - qmin]);
  const signed = x.data instanceof Int8Array ? 1 : 0;
  const { rows, inner, calls } = l;
  const [xRow, alphaRow, xStep, alphaStep] = [l.aRow / 4, l.bRow / 4, l.aStep / 16, l.bStep / 16];
  return () => {
    const buffer = heap.buffer;
    if (!inHeap(x, buffer) || !inHeap(alpha, buffer) || y.data.buffer !== buffer) return fallback();
    const xPtr = xConst >= 0 ? xConst : x.data.byteOffset;
    const alphaPtr = alphaConst >= 0 ? alphaConst : alpha.data.byteOffset;
    const yPtr = y.data.byteOffset;
    for (let c = 0; c < calls.length; c += 3) ex.prelu8(signed, xPtr + calls[c], alphaPtr + calls[c + 1], yPtr + calls[c + 2], rows, inner, xRow, alphaRow, xStep, alphaStep, rowsAt);
  };
}
