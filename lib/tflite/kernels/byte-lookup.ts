/**
 * The invoke of an 8-bit elementwise operator whose output depends only on the input value: the operator's own
 * per-element arithmetic run once per possible input at prepare time, then one lookup per element, in WebAssembly
 * SIMD where the tensors are in the heap, else in JavaScript. In WebAssembly as arithmetic where a clamped line each
 * side of the input's zero point reproduces the table exactly (byte-affine.ts, ../wasm/byte-affine.wat: a 16-bit
 * multiply per byte), else as the lookup (lut8 in ../wasm/quantized-elementwise.wat: sixteen swizzles per sixteen bytes). Each input kind gets its own JavaScript loop so V8 sees a single typed-array kind in it.
 */
import { TensorType } from "../schema";
import type { Invoke } from "../kernel";
import type { Tensor } from "../tensor";
import type { WasmHeap } from "../wasm-kernels";
import { fitByteQ15 } from "./byte-affine";

/**
 * `perElement` maps an input value (int8 -128..127, uint8 0..255) to its output value, already clamped; `heap` (the
 * context's simd()) runs the lookup in WebAssembly.
 */
export function byteLookup(x: Tensor, y: Tensor, perElement: (q: number) => number, heap: WasmHeap | undefined): Invoke {
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
  return wasmAffine(heap, x, y, table, plain) ?? wasmLookup(heap, x, y, table, plain) ?? plain;
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

/** The map as arithmetic in WebAssembly, where that reproduces the table (see byte-affine.ts). */
function wasmAffine(heap: WasmHeap | undefined, x: Tensor, y: Tensor, table: Int32Array, plain: Invoke): Invoke | undefined {
  const ex = heap?.byteAffine();
  if (!heap || !ex || !eightBit(y) || x.isVariable || y.isVariable || x.isConstant) return undefined;
  const [flip, low] = x.type === TensorType.INT8 ? [128, -128] : [0, 0];
  const outFlip = y.type === TensorType.INT8 ? 128 : 0;
  // both sides in unsigned order: input byte u is value low + u, output v + outFlip; the requantizing kernels
  // compute in q - zero point, so the slope and rounding may change there
  const unsigned = Array.from(table, (v) => v + outFlip);
  const pivot = Math.min(255, Math.max(0, x.zeroPoint - low));
  const n = y.size;
  const q15 = fitByteQ15(unsigned, pivot);
  if (!q15) return undefined;
  return () => {
    const buffer = heap.buffer;
    if (x.data.buffer !== buffer || y.data.buffer !== buffer) return plain();
    ex.q15map8(x.data.byteOffset, y.data.byteOffset, n, flip, q15.pivot, q15.a1, q15.a2, q15.z1, q15.z2, q15.k, q15.j, q15.lo, q15.hi, outFlip);
  };
}

const eightBit = (t: Tensor) => t.type === TensorType.INT8 || t.type === TensorType.UINT8;
