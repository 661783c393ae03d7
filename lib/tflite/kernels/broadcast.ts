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
  private readonly tile: { input: number; at: number; from: number; blockBytes: number; copies: number; fixed: boolean } | undefined;

  constructor(
    private readonly heap: WasmHeap,
    private readonly tensors: readonly Tensor[],
    private readonly copies: readonly number[],
    tiling?: TiledPlan,
  ) {
    this.at = tensors.map(() => 0);
    this.data = tensors.map(() => undefined);
    if (tiling) {
      const t = tensors[tiling.input];
      const blockBytes = (t.data.BYTES_PER_ELEMENT * tiling.plan.inner) / tiling.copies;
      const from = copies[tiling.input] ?? -1;
      this.tile = { input: tiling.input, at: heap.alloc(blockBytes * tiling.copies), from, blockBytes, copies: tiling.copies, fixed: from >= 0 };
      if (from >= 0) fillTile(heap, from, this.tile.at, blockBytes, tiling.copies);
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
        if (!tile.fixed) tile.from = this.at[tile.input];
        this.at[tile.input] = tile.at;
      }
    }
    if (this.inHeap && tile && !tile.fixed) fillTile(this.heap, tile.from, tile.at, tile.blockBytes, tile.copies);
    return this.inHeap;
  }
}

/** A plan whose short rows are regrouped (tileShortRows): `input` is read from `copies` copies of its block, side by side. */
export interface TiledPlan {
  plan: BroadcastPlan;
  input: number;
  copies: number;
}

/**
 * Short rows (a bias over three channels, say) cost the vector loops more per row than per element. Where one input
 * repeats a block per row and the others run on contiguously, k rows become one and that input is read from k copies
 * of its block; undefined where the plan does not have that form or its rows are long enough.
 */
export function tileShortRows(plan: BroadcastPlan): TiledPlan | undefined {
  const { rows, inner, rowStrides, advances, count } = plan;
  if (inner >= 16 || count !== 1 || rows < 2) return undefined;
  const periodic = rowStrides.map((s, i) => advances[i] && s === 0);
  const contiguous = rowStrides.map((s, i) => advances[i] && s === inner);
  if (periodic.filter(Boolean).length !== 1 || !periodic.every((p, i) => p || contiguous[i])) return undefined;
  // the most rows that divide the row count and fit 256 elements
  let copies = Math.min(rows, Math.floor(256 / inner));
  while (rows % copies !== 0) copies--;
  if (copies * inner < 32) return undefined;
  const input = periodic.indexOf(true);
  return { plan: { ...plan, rows: rows / copies, inner: inner * copies, rowStrides: rowStrides.map((s, i) => (i === input ? 0 : s * copies)) }, input, copies };
}

/** Writes `copies` copies of the `blockBytes` bytes at `from` side by side at `to`. */
export function fillTile(heap: WasmHeap, from: number, to: number, blockBytes: number, copies: number): void {
  const bytes = heap.bytes();
  bytes.copyWithin(to, from, from + blockBytes);
  for (let done = 1; done < copies; done *= 2) bytes.copyWithin(to + done * blockBytes, to, to + Math.min(done, copies - done) * blockBytes);
}
