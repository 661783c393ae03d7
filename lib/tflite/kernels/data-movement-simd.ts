/**
 * The operators that only move elements, RESIZE_NEAREST_NEIGHBOR / RESIZE_BILINEAR and CAST float32 → int32 in WebAssembly
 * (../wasm/data-movement.wat): each operator is described once, at preparation, as strided copies (Move) whose
 * dimensions are merged where both sides run contiguously, so that invoke() is one call into the module. The
 * JavaScript kernels stay as the fallback, which runs whenever a tensor is not in the heap (constants are copied in
 * once); both compute the same.
 */
import type { Invoke } from "../kernel";
import { bytesPerElement, type Tensor } from "../tensor";
import type { DataMovementExports, WasmHeap } from "../wasm-kernels";

/**
 * A strided copy in elements: for every index of `counts` (outermost first), the element at from + Σ index·fromStrides
 * of `from` goes to to + Σ index·toStrides of `to`.
 */
export interface Move {
  from: Tensor;
  to: Tensor;
  fromAt: number;
  toAt: number;
  counts: number[];
  fromStrides: number[];
  toStrides: number[];
}

/** The row-major strides of a shape, in elements (as common.ts's stridesOf, for a move's own index space). */
export function contiguous(counts: readonly number[]): number[] {
  const s = new Array<number>(counts.length);
  let acc = 1;
  for (let d = counts.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= counts[d];
  }
  return s;
}

/**
 * The addresses of some tensors in the heap, resolved again only when the heap grows or a tensor gets new storage;
 * undefined while one of them lives outside the heap (constants are copied in once, at preparation).
 */
class HeapAddresses {
  private readonly constants: number[];
  private generation = -1;
  private readonly seen: unknown[];
  private readonly addresses: number[];
  private ok = false;

  constructor(
    private readonly heap: WasmHeap,
    private readonly tensors: readonly Tensor[],
  ) {
    this.constants = tensors.map((t) => (t.isConstant ? heap.place(t.data) : -1));
    this.seen = tensors.map(() => undefined);
    this.addresses = tensors.map(() => 0);
  }

  /** Whether the addresses are those of the tensors' current storage, all in the heap; `changed` runs when they moved. */
  current(changed: (addresses: readonly number[]) => void): boolean {
    const ts = this.tensors;
    let stale = this.heap.generation !== this.generation;
    for (let i = 0; i < ts.length && !stale; i++) stale = ts[i].data !== this.seen[i];
    if (!stale) return this.ok;
    this.generation = this.heap.generation;
    const buffer = this.heap.buffer;
    this.ok = true;
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i];
      this.seen[i] = t.data;
      if (this.constants[i] >= 0) this.addresses[i] = this.constants[i];
      else if (t.data.buffer === buffer) this.addresses[i] = t.data.byteOffset;
      else this.ok = false;
    }
    if (this.ok) changed(this.addresses);
    return this.ok;
  }
}

function moduleOf(heap: WasmHeap | undefined, tensors: readonly Tensor[]): DataMovementExports | undefined {
  if (!heap || tensors.some((t) => t.isVariable)) return undefined;
  return heap.dataMovement();
}

/**
 * The parameter block of one move (see "move" in the .wat): dimensions of one element left out, neighbours merged
 * where both sides step through them contiguously; the innermost becomes the run (a byte copy where contiguous), the
 * next the row of runs, the others counted loops.
 */
function moveBlock(m: Move, e: number): Int32Array {
  const dims: Array<[number, number, number]> = [];
  for (let d = 0; d < m.counts.length; d++) {
    if (m.counts[d] === 1) continue;
    const dim: [number, number, number] = [m.counts[d], m.fromStrides[d] * e, m.toStrides[d] * e];
    dims.push(dim);
  }
  for (let d = dims.length - 1; d > 0; d--) {
    const [n, fs, ts] = dims[d];
    const outer = dims[d - 1];
    if (outer[1] === n * fs && outer[2] === n * ts) {
      outer[0] *= n;
      outer[1] = fs;
      outer[2] = ts;
      dims.splice(d, 1);
    }
  }
  const [n, ss, ds] = dims.pop() ?? [1, e, e];
  const row = dims.pop() ?? [1, 0, 0];
  const bytes = ss === e && ds === e;
  const outer = dims.length;
  const words = new Int32Array(8 + 4 * outer);
  words.set([outer, bytes ? n * e : n, bytes ? 0 : e, ss, ds, ...row]);
  // a loop's step, less the travel of the loops inside it (which the odometer does not undo)
  for (let k = 0; k < outer; k++) {
    let fromBack = 0;
    let toBack = 0;
    for (let j = k + 1; j < outer; j++) {
      fromBack += (dims[j][0] - 1) * dims[j][1];
      toBack += (dims[j][0] - 1) * dims[j][2];
    }
    words.set([dims[k][0], dims[k][1] - fromBack, dims[k][2] - toBack], 8 + 3 * k);
  }
  return words;
}

/**
 * The moves as one call ("moves"), after `before` (e.g. PAD's fill); `fallback` (the JavaScript kernel) whenever a
 * tensor is outside the heap. Undefined where the module is unavailable.
 */
export function prepareMovesSimd(heap: WasmHeap | undefined, moves: Move[], fallback: Invoke, before?: () => void): Invoke | undefined {
  const live = moves.filter((m) => m.counts.every((c) => c > 0));
  const tensors = [...new Set(live.flatMap((m) => [m.from, m.to]))];
  const ex = moduleOf(heap, tensors);
  if (!heap || !ex) return undefined;
  if (live.some((m) => bytesPerElement(m.from.type) !== bytesPerElement(m.to.type))) return undefined;
  const blocks = live.map((m) => heap.place(moveBlock(m, bytesPerElement(m.from.type))));
  const list = heap.alloc(12 * live.length);
  const at = new HeapAddresses(heap, tensors);
  const slots = live.map((m) => [tensors.indexOf(m.from), tensors.indexOf(m.to), m.fromAt * bytesPerElement(m.from.type), m.toAt * bytesPerElement(m.to.type)]);
  const place = (addresses: readonly number[]) => {
    slots.forEach(([f, t, fromAt, toAt], i) => {
      heap.setWord(list + 12 * i, addresses[f] + fromAt);
      heap.setWord(list + 12 * i + 4, addresses[t] + toAt);
      heap.setWord(list + 12 * i + 8, blocks[i]);
    });
  };
  const count = live.length;
  return () => {
    if (!at.current(place)) return fallback();
    if (before) before();
    ex.moves(list, count);
  };
}

/**
 * GATHER along one axis with int32 or int64 indices read at every run ("gather"); an index out of range leaves it
 * to the fallback, which throws.
 */
export function prepareGatherSimd(heap: WasmHeap | undefined, x: Tensor, indices: Tensor, y: Tensor, outer: number, dim: number, inner: number, fallback: Invoke): Invoke | undefined {
  const ex = moduleOf(heap, [x, indices, y]);
  const wide = indices.data instanceof BigInt64Array;
  if (!heap || !ex || !(wide || indices.data instanceof Int32Array) || y.size === 0) return undefined;
  const block = heap.place(Int32Array.from([outer, indices.size, dim, inner * bytesPerElement(x.type), wide ? 1 : 0]));
  const at = new HeapAddresses(heap, [x, indices, y]);
  let xPtr = 0;
  let iPtr = 0;
  let yPtr = 0;
  const place = (a: readonly number[]) => ([xPtr, iPtr, yPtr] = a);
  return () => {
    if (!at.current(place) || ex.gather(xPtr, yPtr, iPtr, block) !== 0) fallback();
  };
}

/** An image resize's geometry, as ../kernels/resize.ts has it. */
export interface ResizeShape {
  x: Tensor;
  y: Tensor;
  batches: number;
  inH: number;
  inW: number;
  outH: number;
  outW: number;
  depth: number;
}

/** A kernel of x, y and a parameter (a block's address, a count), run where both tensors are in the heap, else `fallback`. */
function pairKernel(heap: WasmHeap, x: Tensor, y: Tensor, kernel: (x: number, y: number, block: number) => void, block: number, fallback: Invoke): Invoke {
  const at = new HeapAddresses(heap, [x, y]);
  let xPtr = 0;
  let yPtr = 0;
  const place = (a: readonly number[]) => ([xPtr, yPtr] = a);
  return () => {
    if (!at.current(place)) return fallback();
    kernel(xPtr, yPtr, block);
  };
}

const byteOffsets = (indices: ArrayLike<number>, bytes: number) => Int32Array.from(indices, (v) => v * bytes);

/** RESIZE_NEAREST_NEIGHBOR from each output row's and column's source row and column ("nearest"). */
export function prepareNearestSimd(heap: WasmHeap | undefined, g: ResizeShape, rows: Int32Array, cols: Int32Array, fallback: Invoke): Invoke | undefined {
  const ex = moduleOf(heap, [g.x, g.y]);
  if (!heap || !ex || g.y.size === 0) return undefined;
  const pixel = g.depth * bytesPerElement(g.x.type);
  const block = heap.place(Int32Array.from([g.batches, g.outH, g.outW, pixel, g.inH * g.inW * pixel, heap.place(byteOffsets(rows, g.inW * pixel)), heap.place(byteOffsets(cols, pixel))]));
  return pairKernel(heap, g.x, g.y, ex.nearest, block, fallback);
}

/**
 * The interpolation of bilinear_f32 / _i8 / _i16 / _u8 / _q11_s8 / _q11_u8 (see the .wat): the weights are float32,
 * int32 in 1/1024 steps, or for q11 (XNNPACK's, int8 and uint8) in 1/2048 steps.
 */
export type BilinearKind = "f32" | "i8" | "i16" | "u8" | "q11s8" | "q11u8";

export interface BilinearAxis {
  lo: Int32Array;
  hi: Int32Array;
  frac: Float32Array | Int32Array;
}

/** RESIZE_BILINEAR from each output row's and column's two source rows and columns and weights. */
export function prepareBilinearSimd(heap: WasmHeap | undefined, kind: BilinearKind, g: ResizeShape, ry: BilinearAxis, rx: BilinearAxis, fallback: Invoke): Invoke | undefined {
  const ex = moduleOf(heap, [g.x, g.y]);
  if (!heap || !ex || g.y.size === 0) return undefined;
  const pixel = g.depth * bytesPerElement(g.x.type);
  const row = g.inW * pixel;
  if (kind === "u8" || kind === "f32") return pairKernel(heap, g.x, g.y, kind === "u8" ? ex.bilinear_u8 : ex.bilinear_f32, placeRowBlock(heap, g, ry, rx), fallback);
  const block = heap.place(
    Int32Array.from([
      g.batches,
      g.outH,
      g.outW,
      pixel,
      g.inH * row,
      heap.place(byteOffsets(ry.lo, row)),
      heap.place(byteOffsets(ry.hi, row)),
      heap.place(ry.frac),
      heap.place(byteOffsets(rx.lo, pixel)),
      heap.place(byteOffsets(rx.hi, pixel)),
      heap.place(rx.frac),
      // the two-pass kernels' two rows of column-interpolated int32 values
      ...(kind !== "i16" ? [heap.alloc(4 * g.outW * g.depth + 16), heap.alloc(4 * g.outW * g.depth + 16)] : []),
    ]),
  );
  const kernels = { i8: ex.bilinear_i8, i16: ex.bilinear_i16, q11s8: ex.bilinear_q11_s8, q11u8: ex.bilinear_q11_u8 };
  return pairKernel(heap, g.x, g.y, kernels[kind], block, fallback);
}

/** The block of bilinear_u8 / _f32: per element of an output row (column, channel) its two taps and its column weights. */
function placeRowBlock(heap: WasmHeap, g: ResizeShape, ry: BilinearAxis, rx: BilinearAxis): number {
  const bytes = bytesPerElement(g.x.type);
  const n = g.outW * g.depth;
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  const ex = new Float32Array(n);
  const dx = new Float32Array(n);
  for (let j = 0, k = 0; j < g.outW; j++) {
    for (let c = 0; c < g.depth; c++, k++) {
      lo[k] = (rx.lo[j] * g.depth + c) * bytes;
      hi[k] = (rx.hi[j] * g.depth + c) * bytes;
      dx[k] = rx.frac[j];
      ex[k] = Math.fround(1 - rx.frac[j]);
    }
  }
  const row = g.inW * g.depth * bytes;
  return heap.place(Int32Array.from([g.batches, g.outH, n, g.inH * row, heap.place(byteOffsets(ry.lo, row)), heap.place(byteOffsets(ry.hi, row)), heap.place(ry.frac), heap.place(lo), heap.place(hi), heap.place(ex), heap.place(dx)]));
}

/** CAST float32 → int32 as an Int32Array store converts ("cast_f32_i32"). */
export function prepareCastFloatToIntSimd(heap: WasmHeap | undefined, x: Tensor, y: Tensor, fallback: Invoke): Invoke | undefined {
  const ex = moduleOf(heap, [x, y]);
  if (!heap || !ex || !(x.data instanceof Float32Array && y.data instanceof Int32Array) || y.size === 0) return undefined;
  return pairKernel(heap, x, y, ex.cast_f32_i32, y.size, fallback);
}
