/**
 * BATCH_MATMUL, TRANSPOSE_CONV, int16x8 DEPTHWISE_CONV_2D and float32 SVDF through the WebAssembly SIMD loops of
 * ../wasm/matrix.wat (and int8.wat's fmv32 for SVDF's feature sums): the same sums as the JavaScript loops in the same
 * order and precision (single-precision sums stay single, the double ones double), so the results are theirs bit for
 * bit; the integer requantization that follows a double sum is the JavaScript kernel's own (`finish`). Each prepare
 * returns undefined where its conditions do not hold; at run time a tensor outside the heap (a caller's own buffer)
 * takes the JavaScript loop (`fallback`).
 */
import type { Invoke } from "../kernel";
import type { Tensor } from "../tensor";
import type { WasmHeap } from "../wasm-kernels";
import type { ConvGeometry } from "./conv";

const ceilTo = (n: number, m: number) => Math.ceil(n / m) * m;

/** matrix.wat's pack element types */
enum Pack {
  F32 = 0,
  F32ToF64 = 1,
  I8 = 2,
  U8 = 3,
  I16 = 4,
}

function packType(t: Tensor): Pack | undefined {
  if (t.data instanceof Float32Array) return Pack.F32ToF64;
  if (t.data instanceof Int8Array) return Pack.I8;
  if (t.data instanceof Uint8Array) return Pack.U8;
  if (t.data instanceof Int16Array) return Pack.I16;
  return undefined;
}

/**
 * Where a tensor's bytes are in the heap at run time: a constant is copied in once, an activation is where the arena
 * put it; -1 when it is elsewhere (then the caller falls back).
 */
function locator(heap: WasmHeap, t: Tensor): () => number {
  if (t.isConstant) {
    const at = heap.place(t.data);
    return () => at;
  }
  return () => (t.data.buffer === heap.buffer ? t.data.byteOffset : -1);
}

export interface BatchMatmulPlan {
  a: Tensor;
  b: Tensor;
  y: Tensor;
  m: number;
  n: number;
  k: number;
  batches: number;
  /** element offsets of each batch's A and B */
  aOffsets: Int32Array;
  bOffsets: Int32Array;
  /** element strides of A[i][p] and B[p][j] */
  aI: number;
  aP: number;
  bP: number;
  bJ: number;
  aOff: number;
  bOff: number;
  float: boolean;
}

/**
 * BATCH_MATMUL per batch: B packed as k rows of n (zero-padded), then mm_f32 (float32: the single-precision sum from
 * +0, p ascending) or, for the integer types, A and B packed as doubles with their offsets, mm_f64 (exact integer
 * sums) and `finish` per accumulator, in output order.
 */
export function prepareBatchMatmulSimd(heap: WasmHeap | undefined, p: BatchMatmulPlan, finish: (acc: number) => number, fallback: Invoke): Invoke | undefined {
  const ex = heap?.matrix();
  if (!heap || !ex) return undefined;
  const { a, b, y, m, n, k, batches, aOffsets, bOffsets, aI, aP, bP, bJ, aOff, bOff, float } = p;
  const type = float ? Pack.F32 : packType(a);
  if (type === undefined || packType(b) !== packType(a) || y.isVariable || a.isVariable || b.isVariable) return undefined;
  if (m * n * k === 0) return undefined;
  const es = a.data.BYTES_PER_ELEMENT;
  const aAt = locator(heap, a);
  const bAt = locator(heap, b);
  if (float) {
    const nPad = ceilTo(n, 4);
    const bPack = heap.alloc(4 * k * nPad);
    return () => {
      const pa = aAt();
      const pb = bAt();
      if (pa < 0 || pb < 0 || y.data.buffer !== heap.buffer) return fallback();
      const py = y.data.byteOffset;
      for (let t = 0; t < batches; t++) {
        ex.pack(pb + 4 * bOffsets[t], bPack, k, n, bP, bJ, 4 * nPad, Pack.F32, 0);
        ex.mm_f32(pa + 4 * aOffsets[t], 4 * aI, 4 * aP, bPack, py + 4 * t * m * n, m, n, k, nPad);
      }
    };
  }
  const nPad = ceilTo(n, 2);
  const aPack = heap.alloc(8 * m * k);
  const bPack = heap.alloc(8 * k * nPad);
  const accPtr = heap.alloc(8 * m * n);
  let generation = -1;
  let acc = new Float64Array(0);
  return () => {
    const pa = aAt();
    const pb = bAt();
    if (pa < 0 || pb < 0) return fallback();
    if (heap.generation !== generation) {
      generation = heap.generation;
      acc = new Float64Array(heap.buffer, accPtr, m * n);
    }
    const yd = y.data as Int8Array | Int16Array;
    let o = 0;
    for (let t = 0; t < batches; t++) {
      ex.pack(pa + es * aOffsets[t], aPack, m, k, aI, aP, 8 * k, type, aOff);
      ex.pack(pb + es * bOffsets[t], bPack, k, n, bP, bJ, 8 * nPad, type, bOff);
      ex.mm_f64(aPack, bPack, accPtr, m, n, k, nPad);
      for (let i = 0; i < m * n; i++) yd[o++] = finish(acc[i]);
    }
  };
}

export interface TransposeConvPlan {
  x: Tensor;
  w: Tensor;
  y: Tensor;
  batches: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  inOffset: number;
  wOffset: number;
  /** per output channel */
  bias: Float64Array;
}

/**
 * TRANSPOSE_CONV with a constant filter: the input packed as doubles (x + inOffset), the filter once as doubles
 * (w + wOffset) by tap, input channel and output channel, tconv's scatter into double accumulators; float32 outputs
 * by out_f32 (bias, clamp to [lo, hi], rounding to single), quantized ones by `finish(acc + bias, channel)`.
 */
export function prepareTransposeConvSimd(heap: WasmHeap | undefined, p: TransposeConvPlan, lo: number, hi: number, finish: ((v: number, oc: number) => number) | undefined, fallback: Invoke): Invoke | undefined {
  const ex = heap?.matrix();
  const { x, w, y, batches, inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, padH, padW, inOffset, wOffset, bias } = p;
  const type = packType(x);
  if (!heap || !ex || type === undefined || !w.isConstant || x.isVariable || x.isConstant || y.isVariable) return undefined;
  if (!(y.data instanceof Float32Array) !== (finish !== undefined)) return undefined;
  const ocPad = ceilTo(outC, 4);
  const wd = w.data as Float32Array | Int8Array | Uint8Array;
  const packed = new Float64Array(kH * kW * inC * ocPad);
  for (let oc = 0; oc < outC; oc++)
    for (let t = 0; t < kH * kW; t++) for (let ic = 0; ic < inC; ic++) packed[(t * inC + ic) * ocPad + oc] = wd[(oc * kH * kW + t) * inC + ic] + wOffset;
  const wPtr = heap.place(packed);
  const biasPtr = heap.place(Float64Array.from(bias));
  const inCount = batches * inH * inW * inC;
  const pixels = batches * outH * outW;
  const xPack = heap.alloc(8 * inCount);
  const accPtr = heap.alloc(8 * pixels * ocPad);
  // two input pixels' sums per tap
  const colPtr = heap.alloc(16 * kH * kW * ocPad);
  let generation = -1;
  let acc = new Float64Array(0);
  return () => {
    const buffer = heap.buffer;
    if (x.data.buffer !== buffer || (finish === undefined && y.data.buffer !== buffer)) return fallback();
    ex.pack(x.data.byteOffset, xPack, 1, inCount, 0, 1, 0, type, inOffset);
    ex.tconv(xPack, wPtr, accPtr, colPtr, batches, inH, inW, inC, outH, outW, ocPad, kH, kW, strideH, strideW, padH, padW);
    if (!finish) return ex.out_f32(accPtr, ocPad, biasPtr, y.data.byteOffset, pixels, outC, lo, hi);
    if (heap.generation !== generation) {
      generation = heap.generation;
      acc = new Float64Array(heap.buffer, accPtr, pixels * ocPad);
    }
    const yd = y.data as Int8Array | Uint8Array | Int16Array;
    let o = 0;
    for (let px = 0; px < pixels; px++) {
      const row = px * ocPad;
      for (let oc = 0; oc < outC; oc++) yd[o++] = finish(acc[row + oc] + bias[oc], oc);
    }
  };
}

/**
 * DEPTHWISE_CONV_2D with int16 activations, a constant int8 filter and depth multiplier 1 (dw16x8): where every sum
 * of a window fits in int32 (taps · max |x + inOffset| · max |w + wOffset| < 2^31), biases within ±2^40 and
 * total shifts within [1, 62], as prepareInt16ConvSimd takes them (int16-simd.ts).
 */
export function prepareDepthwiseInt16Simd(heap: WasmHeap | undefined, x: Tensor, w: Tensor, y: Tensor, g: ConvGeometry, bias: Float64Array, multipliers: Int32Array, shifts: Int32Array, inOffset: number, wOffset: number, outOffset: number, lo: number, hi: number, fallback: Invoke): Invoke | undefined {
  const ex = heap?.matrix();
  if (!heap || !ex || g.outC !== g.inC || !w.isConstant || !(w.data instanceof Int8Array)) return undefined;
  if (!(x.data instanceof Int16Array) || !(y.data instanceof Int16Array) || x.isVariable || x.isConstant || y.isVariable) return undefined;
  const { inC, kH, kW } = g;
  const wd = w.data;
  let wMax = 0;
  for (let i = 0; i < kH * kW * inC; i++) wMax = Math.max(wMax, Math.abs(wd[i] + wOffset));
  if (kH * kW * (32768 + Math.abs(inOffset)) * wMax >= 2 ** 31) return undefined;
  const cPad = ceilTo(inC, 4);
  const channels = new DataView(new ArrayBuffer(16 * cPad));
  for (let c = 0; c < inC; c++) {
    const m = multipliers[c];
    const totalShift = 15 - shifts[c];
    if (Math.abs(bias[c]) > 2 ** 40 || totalShift < 1 || totalShift > 62) return undefined;
    channels.setBigInt64(16 * c, BigInt(bias[c]), true);
    channels.setInt32(16 * c + 8, m < 0x7fff0000 ? (m + (1 << 15)) >> 16 : 0x7fff, true);
    channels.setInt32(16 * c + 12, totalShift, true);
  }
  const packed = new Int32Array(kH * kW * cPad);
  for (let t = 0; t < kH * kW; t++) for (let c = 0; c < inC; c++) packed[t * cPad + c] = wd[t * inC + c] + wOffset;
  const wPtr = heap.place(packed);
  const chPtr = heap.place(new Uint8Array(channels.buffer));
  return () => {
    const buffer = heap.buffer;
    if (x.data.buffer !== buffer || y.data.buffer !== buffer) return fallback();
    ex.dw16x8(x.data.byteOffset, wPtr, chPtr, y.data.byteOffset, g.batches, g.inH, g.inW, inC, g.outH, g.outW, kH, kW, g.strideH, g.strideW, g.dilH, g.dilW, g.padH, g.padW, cPad, inOffset, outOffset, lo, hi);
  };
}

/** A float32 view of `count` values at `at` in the heap, current after any growth of its memory. */
function floatView(heap: WasmHeap, at: number, count: number): () => Float32Array {
  let generation = -1;
  let view = new Float32Array(0);
  return () => {
    if (heap.generation !== generation) {
      generation = heap.generation;
      view = new Float32Array(heap.buffer, at, count);
    }
    return view;
  };
}

/**
 * SVDF's feature sums in float32 by int8.wat's fmv32 (the filters' weights stacked by quads of rows, each sum from
 * +0 in input order, as the float kernel's loop): returns, per batch, the numFilters sums (a view into the heap,
 * valid until the next call), or undefined without the SIMD kernels.
 */
export function prepareSvdfFeatureSimd(heap: WasmHeap | undefined, x: Tensor, wf: Float32Array, inputSize: number, numFilters: number): ((b: number) => Float32Array) | undefined {
  if (!heap || x.isConstant || !(x.data instanceof Float32Array)) return undefined;
  const quads = (numFilters + 3) >> 2;
  const stacked = new Float32Array(quads * 4 * inputSize);
  for (let f = 0; f < numFilters; f++) for (let k = 0; k < inputSize; k++) stacked[((f >> 2) * inputSize + k) * 4 + (f & 3)] = wf[f * inputSize + k];
  const wPtr = heap.place(stacked);
  const xPtr = heap.alloc(4 * inputSize);
  const accPtr = heap.alloc(16 * quads);
  const xs = floatView(heap, xPtr, inputSize);
  const acc = floatView(heap, accPtr, quads * 4);
  const ex = heap.exports;
  return (b) => {
    const xd = x.data as Float32Array;
    let at = xPtr;
    if (xd.buffer === heap.buffer) at = xd.byteOffset + 4 * b * inputSize;
    else xs().set(xd.subarray(b * inputSize, (b + 1) * inputSize));
    const sums = acc();
    sums.fill(0);
    ex.fmv32(wPtr, at, accPtr, quads, inputSize);
    return sums;
  };
}

/**
 * SVDF's time dot products (rowdot_f32): the state (outside the heap, a variable) copied in, each row dotted with its
 * filter's time weights in float32 from +0; returns the rows' sums (a view into the heap), or undefined.
 */
export function prepareSvdfTimeSimd(heap: WasmHeap | undefined, wt: Float32Array, rows: number, numFilters: number, memorySize: number): ((state: Float32Array) => Float32Array) | undefined {
  const ex = heap?.matrix();
  if (!heap || !ex) return undefined;
  const wPtr = heap.place(wt);
  const sPtr = heap.alloc(4 * rows * memorySize);
  const outPtr = heap.alloc(4 * rows);
  const state = floatView(heap, sPtr, rows * memorySize);
  const out = floatView(heap, outPtr, rows);
  return (s) => {
    state().set(s.subarray(0, rows * memorySize));
    ex.rowdot_f32(sPtr, wPtr, outPtr, rows, numFilters, memorySize);
    return out();
  };
}

/**
 * int8 weights [rows][depth] times one quantized int8 row, the int32 sums by int8.wat's mv8 (the hybrid FULLY_CONNECTED
 * and SVDF products; integer sums, exact in any order): `row()` is the heap buffer the row is quantized into (its
 * padding to a multiple of 8 stays zero), `run()` returns the rows' sums (a view into the heap).
 */
export interface Int8RowProducts {
  row(): Int8Array;
  run(): Int32Array;
}

export function prepareInt8RowProducts(heap: WasmHeap | undefined, w: Int8Array, rows: number, depth: number): Int8RowProducts | undefined {
  if (!heap || rows * depth === 0) return undefined;
  const n = ceilTo(depth, 8);
  const padded = new Int8Array(rows * n);
  for (let r = 0; r < rows; r++) padded.set(w.subarray(r * depth, (r + 1) * depth), r * n);
  const wPtr = heap.place(padded);
  const xPtr = heap.alloc(n);
  const outPtr = heap.alloc(4 * rows);
  const ex = heap.exports;
  let generation = -1;
  let xs = new Int8Array(0);
  let out = new Int32Array(0);
  const refresh = () => {
    if (heap.generation !== generation) {
      generation = heap.generation;
      xs = new Int8Array(heap.buffer, xPtr, depth);
      out = new Int32Array(heap.buffer, outPtr, rows);
    }
  };
  return {
    row: () => (refresh(), xs),
    run: () => {
      refresh();
      ex.mv8(wPtr, xPtr, outPtr, rows, n);
      return out;
    },
  };
}
