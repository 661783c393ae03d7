/**
 * The invoke of an 8-bit elementwise operator whose output depends only on the input value: the operator's own
 * per-element arithmetic run once per possible input at prepare time, then one lookup per element, in WebAssembly
 * SIMD where the tensors are in the heap (lut8 in ../wasm/quantized-elementwise.wat: sixteen swizzles per sixteen
 * bytes), else in JavaScript. Each input kind gets its own JavaScript loop so V8 sees a single typed-array kind in it.
 */
import { TensorType } from "../schema";
import type { Invoke } from "../kernel";
import type { Tensor } from "../tensor";
import type { WasmHeap } from "../wasm-kernels";
import { roundingDivideByPOT } from "../fixed-point";

/**
 * Where the operator rescales by one ratio on each side of a point (QUANTIZE, LEAKY_RELU, the clamping activations):
 * output ≈ zero + (q - at) × ratio, `above` for q >= at, `below` under it, rounded and clamped somehow. Only a hint:
 * the affine kernel runs where some multiplier, rounding and shift reproduce every entry of the table.
 */
export interface Sides {
  at: number;
  zero: number;
  above: number;
  below: number;
}

/**
 * `perElement` maps an input value (int8 -128..127, uint8 0..255) to its output value, already clamped; `heap` (the
 * context's simd()) runs the lookup in WebAssembly.
 */
export function byteLookup(x: Tensor, y: Tensor, perElement: (q: number) => number, heap: WasmHeap | undefined, sides?: Sides): Invoke {
  const n = y.size;
  const table = new Int32Array(256);
  let plain: Invoke;
  if (x.type === TensorType.INT8) {
    for (let q = -128; q <= 127; q++) table[q + 128] = perElement(q);
    plain = () => {
      const xd = x.data as Int8Array;
      const yd = y.data as Int8Array;
      for (let i = 0; i < n; i++) yd[i] = table[xd[i] + 128];
    };
  } else {
    if (x.type !== TensorType.UINT8) throw new TypeError(`byteLookup needs an 8-bit input, not ${x.typeName}`);
    for (let q = 0; q <= 255; q++) table[q] = perElement(q);
    plain = () => {
      const xd = x.data as Uint8Array;
      const yd = y.data as Uint8Array;
      for (let i = 0; i < n; i++) yd[i] = table[xd[i]];
    };
  }
  return (sides && wasmAffine(heap, x, y, table, sides, plain)) || wasmLookup(heap, x, y, table, plain) || plain;
}

/**
 * The table as zero + RoundingDivideByPOT(((q - at) M + R) >> S, E) clamped, M and R per side, if some S, E, M near
 * ratio 2^(S+E) and R give every entry (checked here: exact, whatever the operator's own rounding: TFLite's rounds
 * twice, to 2^-E and then half away from zero; XNNPACK's once), the products within int32. affine8's block words.
 */
export function affineFit(table: Int32Array, low: number, sides: Sides): Int32Array | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of table) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  const fitSide = (ratio: number, above: boolean, S: number, E: number): [number, number] | undefined => {
    const unit = 2 ** S;
    const m0 = Math.round(ratio * 2 ** (S + E));
    for (const M of [m0, m0 - 1, m0 + 1]) {
      for (const R of [unit / 2, unit / 2 - 1]) {
        const B = R - sides.at * M;
        let ok = true;
        for (let i = 0; i < 256 && ok; i++) {
          const q = low + i;
          if (q >= sides.at !== above) continue;
          const t = q * M + B;
          const v = sides.zero + roundingDivideByPOT(Math.floor(t / unit), E);
          ok = Math.abs(t) < 2 ** 31 && (v < lo ? lo : v > hi ? hi : v) === table[i];
        }
        if (ok) return [M, B];
      }
    }
    return undefined;
  };
  for (let E = 0; E <= 12; E++) {
    for (let S = 4; S <= 24; S++) {
      const up = fitSide(sides.above, true, S, E);
      const down = up && fitSide(sides.below, false, S, E);
      if (up && down) return Int32Array.from([sides.at, up[0], up[1], down[0], down[1], S, lo, hi, E, sides.zero]);
    }
  }
  return undefined;
}

/** affine8 (../wasm/quantized-elementwise.wat) where the table fits it, `plain` off the heap. */
function wasmAffine(heap: WasmHeap | undefined, x: Tensor, y: Tensor, table: Int32Array, sides: Sides, plain: Invoke): Invoke | undefined {
  const ex = heap?.quantizedElementwise();
  if (!heap || !ex || !eightBit(y) || x.isVariable || y.isVariable || x.isConstant) return undefined;
  const unsigned = (x.type === TensorType.UINT8 ? 1 : 0) + (y.type === TensorType.UINT8 ? 2 : 0);
  const fit = affineFit(table, unsigned & 1 ? 0 : -128, sides);
  if (!fit) return undefined;
  const block = heap.alloc(64);
  fit.forEach((w, i) => heap.setWord(block + 4 * i, w));
  const n = y.size;
  return () => {
    const buffer = heap.buffer;
    if (x.data.buffer !== buffer || y.data.buffer !== buffer) return plain();
    ex.affine8(x.data.byteOffset, y.data.byteOffset, n, unsigned, block);
  };
}

/** The lookup in WebAssembly: the table by the input's byte (an int8 value -1 is byte 255), `plain` off the heap. */
function wasmLookup(heap: WasmHeap | undefined, x: Tensor, y: Tensor, table: Int32Array, plain: Invoke): Invoke | undefined {
  const ex = heap?.quantizedElementwise();
  if (!heap || !ex || !eightBit(y) || x.isVariable || y.isVariable || x.isConstant) return undefined;
  const bytes = new Uint8Array(256);
  const low = x.type === TensorType.INT8 ? -128 : 0;
  for (let i = 0; i < 256; i++) bytes[(low + i) & 255] = table[i];
  const at = heap.place(bytes);
  const n = y.size;
  return () => {
    const buffer = heap.buffer;
    if (x.data.buffer !== buffer || y.data.buffer !== buffer) return plain();
    ex.lut8(x.data.byteOffset, y.data.byteOffset, n, at);
  };
}

const eightBit = (t: Tensor) => t.type === TensorType.INT8 || t.type === TensorType.UINT8;
