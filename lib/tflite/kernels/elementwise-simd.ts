/**
 * int8 and uint8 ADD, SUB and MUL in WebAssembly SIMD ("qbin" in ../wasm/quantized-elementwise.wat), sixteen elements
 * per step, in either arithmetic, and int16 ones with zero points 0 ("qbin16", eight per step), for every broadcast the float kernels take (pairPlan() in broadcast.ts:
 * rows × inner per call, an operand advancing along the row or standing still). The 8-bit reference ADD / SUB of
 * more than a few elements looks its result up instead (tab8 of int-elementwise.wat) in the 256 × 256 table qbin
 * computes at prepare time. Tensors outside the heap: constants are copied in once; anything else falls back to the
 * JavaScript loop for that run.
 */
import type { Invoke } from "../kernel";
import type { Tensor } from "../tensor";
import type { QuantizedElementwiseExports, WasmHeap } from "../wasm-kernels";
import { HeapAddresses, pairPlan as plan } from "./broadcast";
import { prepareTableSimd } from "./int-elementwise-simd";

/** below this many outputs the reference ADD's table costs more to fill than it saves */
const TABLE_MIN_ELEMENTS = 64;
/** below this many outputs refilling the 256 results of a single-value operand costs more than it saves */
const SCALAR_LOOKUP_MIN_ELEMENTS = 512;

const byteRamp = Uint8Array.from({ length: 256 }, (_, i) => i);

/** the arithmetic: for 8 bits qbin's kind is 2 × this + unsigned; qbin16 takes Int16Add, Int16PotAdd, ReferenceMul */
export enum EwiseKind {
  ReferenceAdd = 0,
  XnnpackAdd = 1,
  ReferenceMul = 2,
  XnnpackMul = 3,
  /** the general int16 ADD / SUB */
  Int16Add = 4,
  /** int16 ADD / SUB with power-of-two scales */
  Int16PotAdd = 5,
}

const INT16_KINDS: Partial<Record<EwiseKind, number>> = { [EwiseKind.Int16Add]: 0, [EwiseKind.Int16PotAdd]: 1, [EwiseKind.ReferenceMul]: 2 };

export interface EwiseParameters {
  kind: EwiseKind;
  /** words 5… of qbin's (qbin16's) block (see there) */
  words: number[];
  aOffset: number;
  bOffset: number;
  yOffset: number;
  lo: number;
  hi: number;
}

/** The SIMD invoke, or undefined where it does not apply; `fallback` (the JavaScript loop) runs off the heap. */
export function prepareQuantizedBinarySimd(heap: WasmHeap, bits: 8 | 16, a: Tensor, b: Tensor, y: Tensor, p: EwiseParameters, fallback: Invoke): Invoke | undefined {
  const ex = heap.quantizedElementwise();
  if (!ex || a.isVariable || b.isVariable || y.isVariable || y.size === 0) return undefined;
  let kind: number;
  if (bits === 8) {
    const unsigned = y.data instanceof Uint8Array && a.data instanceof Uint8Array && b.data instanceof Uint8Array;
    if (!unsigned && !(y.data instanceof Int8Array && a.data instanceof Int8Array && b.data instanceof Int8Array)) return undefined;
    // the offset inputs as int16 lanes, and below 2048 in magnitude for the reference ADD's rescale
    if (p.kind > EwiseKind.XnnpackMul || Math.abs(p.aOffset) > 1024 || Math.abs(p.bOffset) > 1024) return undefined;
    kind = 2 * p.kind + (unsigned ? 1 : 0);
  } else {
    if (!(y.data instanceof Int16Array && a.data instanceof Int16Array && b.data instanceof Int16Array)) return undefined;
    const k = INT16_KINDS[p.kind];
    if (k === undefined || p.aOffset !== 0 || p.bOffset !== 0 || p.yOffset !== 0) return undefined;
    kind = k;
  }
  const words = new Int32Array(28);
  words.set([p.aOffset, p.bOffset, p.yOffset, p.lo, p.hi, ...p.words]);
  const block = heap.place(words);
  // XNNPACK's ADD is a few instructions per vector: cheaper than the lookup
  if (bits === 8 && y.size >= SCALAR_LOOKUP_MIN_ELEMENTS && p.kind !== EwiseKind.XnnpackAdd) {
    const lookup = prepareScalarLookup(heap, ex, kind, a, b, y, block, fallback);
    if (lookup) return lookup;
  }
  if (bits === 8 && p.kind === EwiseKind.ReferenceAdd && y.size >= TABLE_MIN_ELEMENTS) {
    // the reference ADD's three rescales cost more per element than a lookup of its 65536 results, which qbin fills once
    const tabulated = prepareTableSimd(heap, a, b, y, () => {
      const ramp = heap.place(byteRamp);
      const table = heap.alloc(65536);
      ex.qbin(kind, ramp, ramp, table, 256, 256, 1, 0, 0, 16, block);
      return table;
    }, fallback);
    if (tabulated) return tabulated;
  }
  const l = plan(a, b, y);
  if (!l) return undefined;
  // constants live in the model bytes: a copy in the heap, once
  const addresses = new HeapAddresses(heap, [a, b, y], [a.isConstant ? heap.place(a.data) : -1, b.isConstant ? heap.place(b.data) : -1, -1]);
  const at = addresses.at;
  // pairPlan() counts float32 bytes: a fourth of them are elements
  const size = bits / 8;
  const { rows, inner, calls } = l;
  const [aRow, bRow, aStep, bStep] = [(l.aRow / 4) * size, (l.bRow / 4) * size, l.aStep, l.bStep];
  const run = bits === 8 ? ex.qbin : ex.qbin16;
  return () => {
    if (!addresses.refresh()) return fallback();
    const [aPtr, bPtr, yPtr] = at;
    for (let c = 0; c < calls.length; c += 3) run(kind, aPtr + size * calls[c], bPtr + size * calls[c + 1], yPtr + size * calls[c + 2], rows, inner, aRow, bRow, aStep, bStep, block);
  };
}

/**
 * 8-bit y = a ∘ b where one operand is a single value and the other as large as y: the output is a function of the
 * other's byte, its 256 results computed by qbin (again only when the single value changes), then one lookup per
 * element (lut8, sixteen swizzles per sixteen bytes). Undefined where the shapes are not of that form.
 */
function prepareScalarLookup(heap: WasmHeap, ex: QuantizedElementwiseExports, kind: number, a: Tensor, b: Tensor, y: Tensor, block: number, fallback: Invoke): Invoke | undefined {
  const scalarFirst = a.size === 1 && b.size === y.size;
  if (!scalarFirst && !(b.size === 1 && a.size === y.size)) return undefined;
  const [scalar, other] = scalarFirst ? [a, b] : [b, a];
  const ramp = heap.place(byteRamp);
  const table = heap.alloc(256);
  const copy = (t: Tensor) => (t.isConstant ? heap.place(t.data) : -1);
  const addresses = new HeapAddresses(heap, [scalar, other, y], [copy(scalar), copy(other), -1]);
  const at = addresses.at;
  const n = y.size;
  let tabulated = NaN;
  return () => {
    if (!addresses.refresh()) return fallback();
    const value = (scalar.data as Int8Array)[0];
    if (value !== tabulated) {
      if (scalarFirst) ex.qbin(kind, at[0], ramp, table, 1, 256, 0, 0, 0, 16, block);
      else ex.qbin(kind, ramp, at[0], table, 1, 256, 0, 0, 16, 0, block);
      tabulated = value;
    }
    ex.lut8(at[1], at[2], n, table);
  };
}
