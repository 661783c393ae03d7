/**
 * int8 and uint8 ADD, SUB and MUL in WebAssembly SIMD ("ewise" in ../wasm/int8.wat), eight elements per step, in
 * either arithmetic: inputs of the output's size, one of them a single value, or one repeated along the leading
 * dimensions (a per-channel [C] against [N, H, W, C]). Other broadcasts, and the last n mod 8 elements of each run,
 * go through the same element function in JavaScript. Tensors outside the heap: constants are copied in once;
 * anything else falls back to JavaScript for that run.
 */
import type { Invoke } from "../kernel";
import type { Tensor } from "../tensor";
import type { WasmHeap } from "../wasm-kernels";

/** word 0 of ewise's parameter block */
export enum EwiseKind {
  ReferenceAdd = 0,
  XnnpackAdd = 1,
  ReferenceMul = 2,
  XnnpackMul = 3,
}

export interface EwiseParameters {
  kind: EwiseKind;
  /** words 13… of the block (see ewise) */
  words: number[];
  aOffset: number;
  bOffset: number;
  yOffset: number;
  lo: number;
  hi: number;
}

type Elements = { [i: number]: number };

/** How the two inputs run along the output: rows of `inner` elements, each input advancing or not from row to row. */
interface Layout {
  rows: number;
  inner: number;
  aOne: boolean;
  bOne: boolean;
  aRepeats: boolean;
  bRepeats: boolean;
}

/** The shape without leading ones. */
const trimmed = (shape: readonly number[]) => shape.slice(Math.max(0, shape.findIndex((d) => d !== 1)));

function layout(a: Tensor, b: Tensor, y: Tensor): Layout | undefined {
  const n = y.size;
  const full = (t: Tensor) => t.size === n;
  if (full(a) && full(b)) return { rows: 1, inner: n, aOne: false, bOne: false, aRepeats: false, bRepeats: false };
  if (full(a) && b.size === 1) return { rows: 1, inner: n, aOne: false, bOne: true, aRepeats: false, bRepeats: false };
  if (full(b) && a.size === 1) return { rows: 1, inner: n, aOne: true, bOne: false, aRepeats: false, bRepeats: false };
  // one side is the output's trailing dimensions: it repeats for every row
  const suffixOf = (t: Tensor) => {
    const s = trimmed(t.shape);
    const ys = y.shape;
    return s.length > 0 && s.length <= ys.length && s.every((d, i) => d === ys[ys.length - s.length + i]);
  };
  const rowsOf = (t: Tensor) => ({ rows: n / t.size, inner: t.size });
  if (full(a) && suffixOf(b) && b.size >= 16) return { ...rowsOf(b), aOne: false, bOne: false, aRepeats: false, bRepeats: true };
  if (full(b) && suffixOf(a) && a.size >= 16) return { ...rowsOf(a), aOne: false, bOne: false, aRepeats: true, bRepeats: false };
  return undefined;
}

export function prepareEightBitSimd(heap: WasmHeap, a: Tensor, b: Tensor, y: Tensor, p: EwiseParameters, element: (u: number, v: number) => number): Invoke | undefined {
  const l = layout(a, b, y);
  if (!l || a.isVariable || b.isVariable || y.isVariable) return undefined;
  const unsigned = y.type !== a.type ? -1 : a.data instanceof Uint8Array ? 1 : 0;
  if (unsigned < 0) return undefined;
  const words = new Int32Array(20);
  words.set([p.kind, unsigned, 0, 0, 0, 0, l.aOne ? 1 : 0, l.bOne ? 1 : 0, p.aOffset, p.bOffset, p.yOffset, p.lo, p.hi]);
  words.set(p.words, 13);
  const block = heap.place(words);
  // constants live in the model bytes: a copy in the heap, once
  const constant = (t: Tensor) => (t.isConstant ? heap.place(t.data) : -1);
  const aConst = constant(a);
  const bConst = constant(b);
  const ex = heap.exports;
  const { rows, inner } = l;
  const vector = inner & ~7;
  const { lo, hi } = p;
  const tail = (ad: Elements, bd: Elements, yd: Elements, row: number) => {
    const base = row * inner;
    for (let k = vector; k < inner; k++) {
      const u = ad[l.aOne ? 0 : l.aRepeats ? k : base + k];
      const v = bd[l.bOne ? 0 : l.bRepeats ? k : base + k];
      const r = element(u, v);
      yd[base + k] = r < lo ? lo : r > hi ? hi : r;
    }
  };
  const all = (ad: Elements, bd: Elements, yd: Elements) => {
    for (let row = 0; row < rows; row++) {
      for (let k = 0; k < inner; k++) {
        const u = ad[l.aOne ? 0 : l.aRepeats ? k : row * inner + k];
        const v = bd[l.bOne ? 0 : l.bRepeats ? k : row * inner + k];
        const r = element(u, v);
        yd[row * inner + k] = r < lo ? lo : r > hi ? hi : r;
      }
    }
  };
  return () => {
    const buffer = heap.buffer;
    const ad = a.data as unknown as Elements;
    const bd = b.data as unknown as Elements;
    const yd = y.data as unknown as Elements;
    const inHeap = (t: Tensor) => t.isConstant || t.data.buffer === buffer;
    if (!inHeap(a) || !inHeap(b) || y.data.buffer !== buffer) return all(ad, bd, yd);
    const aPtr = aConst >= 0 ? aConst : a.data.byteOffset;
    const bPtr = bConst >= 0 ? bConst : b.data.byteOffset;
    const yPtr = y.data.byteOffset;
    for (let row = 0; row < rows; row++) {
      if (vector > 0) {
        heap.setWord(block + 8, aPtr + (l.aOne || l.aRepeats ? 0 : row * inner));
        heap.setWord(block + 12, bPtr + (l.bOne || l.bRepeats ? 0 : row * inner));
        heap.setWord(block + 16, yPtr + row * inner);
        heap.setWord(block + 20, vector);
        ex.ewise(block);
      }
      if (vector < inner) tail(ad, bd, yd, row);
    }
  };
}
