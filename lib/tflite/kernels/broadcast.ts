/** NumPy-style broadcasting: for each output element, the flat index into each input. */
import type { Tensor } from "../tensor";
import type { WasmHeap } from "../wasm-kernels";
import { extendShape, stridesOf } from "./common";

/** undefined when every input already has the output's size (no broadcasting: index k everywhere). */
export function broadcastMaps(inputs: readonly Tensor[], y: Tensor): Int32Array[] | undefined {
  if (inputs.every((t) => t.size === y.size)) return undefined;
  const rank = Math.max(y.shape.length, ...inputs.map((t) => t.shape.length));
  const ys = extendShape(y.shape, rank);
  const strides = inputs.map((t) => {
    const s = extendShape(t.shape, rank);
    return stridesOf(s).map((v, i) => (s[i] === 1 ? 0 : v));
  });
  const n = y.size;
  const maps = inputs.map(() => new Int32Array(n));
  const idx = new Array<number>(rank).fill(0);
  for (let k = 0; k < n; k++) {
    for (let t = 0; t < inputs.length; t++) {
      let p = 0;
      for (let d = 0; d < rank; d++) p += idx[d] * strides[t][d];
      maps[t][k] = p;
    }
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < ys[d]) break;
      idx[d] = 0;
    }
  }
  return maps;
}

/** The broadcast shape of two shapes, or undefined where they are incompatible. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const as = extendShape(a, rank);
  const bs = extendShape(b, rank);
  const out: number[] = [];
  for (let d = 0; d < rank; d++) {
    if (as[d] !== bs[d] && as[d] !== 1 && bs[d] !== 1) return undefined;
    out.push(as[d] === 1 ? bs[d] : as[d]);
  }
  return out;
}

/**
 * A broadcast as the WebAssembly elementwise kernels run it: the output's dimensions without ones, neighbours merged
 * where every input runs through them contiguously (or repeats them); the last two become rows × inner, the others
 * an outer loop whose element offsets are listed once here (the kernels walk that list themselves, so a broadcast of
 * short runs costs no call per run).
 */
export interface BroadcastPlan {
  rows: number;
  inner: number;
  /** per input, elements to the next row */
  rowStrides: number[];
  /** per input: true where it advances with the output inside a row, false where its value repeats along the row */
  advances: boolean[];
  /** per outer index, the element offset of each input then of the output */
  calls: Int32Array;
  count: number;
}

export function broadcastPlan(inputs: readonly Tensor[], y: Tensor): BroadcastPlan {
  const rank = Math.max(y.shape.length, ...inputs.map((t) => t.shape.length));
  const ys = extendShape(y.shape, rank);
  const strides = inputs.map((t) => {
    const s = extendShape(t.shape, rank);
    return stridesOf(s).map((v, i) => (s[i] === 1 ? 0 : v));
  });
  const n = inputs.length;
  // [size, stride per input] from the outermost, ones left out, mergeable neighbours merged
  const dims: { size: number; strides: number[] }[] = [];
  for (let d = 0; d < rank; d++) {
    if (ys[d] === 1) continue;
    const last = dims[dims.length - 1];
    const here = strides.map((s) => s[d]);
    if (last && last.strides.every((s, i) => s === here[i] * ys[d])) {
      last.size *= ys[d];
      last.strides = here;
    } else dims.push({ size: ys[d], strides: here });
  }
  const unit = () => ({ size: 1, strides: new Array<number>(n).fill(0) });
  if (dims.length === 0) dims.push(unit());
  const inner = dims[dims.length - 1];
  const rows = dims.length > 1 ? dims[dims.length - 2] : unit();
  const outer = dims.slice(0, -2);
  const count = outer.reduce((p, d) => p * d.size, 1);
  const calls = new Int32Array((n + 1) * count);
  const index = new Array<number>(outer.length).fill(0);
  for (let c = 0; c < count; c++) {
    for (let t = 0; t < n; t++) {
      let p = 0;
      for (let d = 0; d < outer.length; d++) p += index[d] * outer[d].strides[t];
      calls[(n + 1) * c + t] = p;
    }
    calls[(n + 1) * c + n] = c * rows.size * inner.size;
    for (let d = outer.length - 1; d >= 0; d--) {
      if (++index[d] < outer[d].size) break;
      index[d] = 0;
    }
  }
  return { rows: rows.size, inner: inner.size, rowStrides: rows.strides, advances: inner.strides.map((s) => s !== 0), calls, count };
}

/**
 * A broadcast of two inputs in the form of the kernels that take one call per outer index (fprelu, prelu8, qbin):
 * row strides in float32 bytes, 16-byte steps (0 where the input's value repeats along the row), and undefined where
 * those calls would cost more than the JavaScript loop saves on their few elements.
 */
export interface PairPlan {
  rows: number;
  inner: number;
  aRow: number;
  bRow: number;
  aStep: number;
  bStep: number;
  /** per outer call, the element offsets of a, b and y */
  calls: Int32Array;
}

export function pairPlan(a: Tensor, b: Tensor, y: Tensor): PairPlan | undefined {
  const p = broadcastPlan([a, b], y);
  if (p.count > 1 && p.rows * p.inner < 16) return undefined;
  const [aRow, bRow] = p.rowStrides.map((s) => 4 * s);
  const [aStep, bStep] = p.advances.map((on) => (on ? 16 : 0));
  return { rows: p.rows, inner: p.inner, aRow, bRow, aStep, bStep, calls: p.calls };
}

/** The plan's outer offsets copied into the heap as bytes (`bytes` per element of each input, then of the output). */
export function placeBroadcastCalls(heap: WasmHeap, plan: BroadcastPlan, bytes: readonly number[]): number {
  const at = heap.alloc(4 * plan.calls.length);
  plan.calls.forEach((offset, i) => heap.setWord(at + 4 * i, offset * bytes[i % bytes.length]));
  return at;
}

/**
 * The heap addresses of an elementwise kernel's tensors (`copies`: a constant's copy in the heap, else -1), worked out
 * again only when the heap grows or a tensor gets new storage (no engine call nor allocation per run). With a tiling
 * (tileShortRows), the tiled input's address is that of its tile, refilled per run unless the input is a constant.
 */
export class HeapAddresses {
  readonly at: number[];
  private generation = -1;
  private readonly data: unknown[];
  private inHeap = false;
  private readonly tile: { tiling: TiledPlan; at: number; from: number; bytes: number; fixed: boolean } | undefined;

  constructor(
    private readonly heap: WasmHeap,
    private readonly tensors: readonly Tensor[],
    private readonly copies: readonly number[],
    tiling?: TiledPlan,
  ) {
    this.at = tensors.map(() => 0);
    this.data = tensors.map(() => undefined);
    if (tiling) {
      const bytes = tensors[tiling.input].data.BYTES_PER_ELEMENT;
      const from = copies[tiling.input] ?? -1;
      this.tile = { tiling, at: heap.alloc(bytes * tiling.elements), from, bytes, fixed: from >= 0 };
      if (from >= 0) tiling.fill(heap, from, this.tile.at, bytes);
    }
  }

  /** Whether every tensor is in the heap now (else the kernel runs its JavaScript loop); `at` holds the addresses. */
  refresh(): boolean {
    const { tensors, data, tile } = this;
    let same = this.heap.generation === this.generation;
    for (let i = 0; same && i < tensors.length; i++) same = tensors[i].data === data[i];
    if (!same) {
      const buffer = this.heap.buffer;
      this.generation = this.heap.generation;
      this.inHeap = true;
      tensors.forEach((t, i) => {
        data[i] = t.data;
        const copy = this.copies[i] ?? -1;
        if (copy < 0 && t.data.buffer !== buffer) this.inHeap = false;
        this.at[i] = copy >= 0 ? copy : t.data.byteOffset;
      });
      if (tile) {
        if (!tile.fixed) tile.from = this.at[tile.tiling.input];
        this.at[tile.tiling.input] = tile.at;
      }
    }
    if (this.inHeap && tile && !tile.fixed) tile.tiling.fill(this.heap, tile.from, tile.at, tile.bytes);
    return this.inHeap;
  }
}

/** A plan whose short rows are regrouped (tileShortRows): `input` is read from a buffer of `elements` that `fill` writes. */
export interface TiledPlan {
  plan: BroadcastPlan;
  input: number;
  elements: number;
  /** writes the buffer at `to` from the input at `from` (elements of `bytes` bytes) */
  fill: (heap: WasmHeap, from: number, to: number, bytes: number) => void;
}

/** int-elementwise.wat's expand: n values each repeated over `block` bytes. */
export type Expand = (src: number, dst: number, n: number, block: number, bytes: number) => void;

/** The heap's expand, where the integer module is available. */
export function expander(heap: WasmHeap): Expand | undefined {
  const ex = heap.intElementwise();
  return ex && ((src, dst, n, block, bytes) => ex.expand(src, dst, n, block, bytes));
}

/** the largest buffer a value per row is widened into */
const EXPAND_BYTES = 1 << 22;

/**
 * Short rows (a bias over three channels, a value per pixel over its channels) cost the vector loops more per row
 * than per element. Where the other inputs run on contiguously, one input that repeats a block per row is read from
 * k copies of its block, k rows making one; one that holds a value per row is read from those values widened to
 * rows (by `expand`), the whole a single row. Undefined where the plan has neither form or its rows are long enough.
 */
export function tileShortRows(plan: BroadcastPlan, expand?: Expand): TiledPlan | undefined {
  const { rows, inner, rowStrides, advances, count } = plan;
  if (inner >= 16 || count !== 1 || rows < 2) return undefined;
  const contiguous = rowStrides.map((s, i) => advances[i] && s === inner);
  const odd = contiguous.flatMap((c, i) => (c ? [] : [i]));
  if (odd.length !== 1) return undefined;
  const input = odd[0];
  if (advances[input] && rowStrides[input] === 0) {
    // the most rows that divide the row count and fit 256 elements
    let copies = Math.min(rows, Math.floor(256 / inner));
    while (rows % copies !== 0) copies--;
    if (copies * inner < 32) return undefined;
    const tiled = { ...plan, rows: rows / copies, inner: inner * copies, rowStrides: rowStrides.map((s, i) => (i === input ? 0 : s * copies)) };
    return { plan: tiled, input, elements: copies * inner, fill: (heap, from, to, bytes) => fillTile(heap, from, to, bytes * inner, copies) };
  }
  if (expand && !advances[input] && rowStrides[input] === 1 && rows * inner * 4 <= EXPAND_BYTES) {
    const widened = { ...plan, rows: 1, inner: rows * inner, rowStrides: rowStrides.map(() => 0), advances: advances.map(() => true) };
    return { plan: widened, input, elements: rows * inner, fill: (_heap, from, to, bytes) => expand(from, to, rows, bytes * inner, bytes) };
  }
  return undefined;
}

/** Writes `copies` copies of the `blockBytes` bytes at `from` side by side at `to`. */
export function fillTile(heap: WasmHeap, from: number, to: number, blockBytes: number, copies: number): void {
  const bytes = heap.bytes();
  bytes.copyWithin(to, from, from + blockBytes);
  for (let done = 1; done < copies; done *= 2) bytes.copyWithin(to + done * blockBytes, to, to + Math.min(done, copies - done) * blockBytes);
}
