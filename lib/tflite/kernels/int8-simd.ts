/**
 * int8 and uint8 CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED through the WebAssembly SIMD loops (../wasm/int8.wat):
 * the filter (packed as int16 for the loops), the int32 bias, the per-channel requantization parameters and
 * the operator's parameter block are placed in the interpreter's WebAssembly memory once; each run is one call
 * that works on the activations in place (they live in the heap's arena; tensors outside it are copied through
 * the shared input/output area). Results are bit-exact with the plain JavaScript loops of conv.ts /
 * fully-connected.ts, which remain the fallback.
 */
import type { ConvGeometry } from "./conv";
import type { Invoke } from "../kernel";
import { bytesPerElement, type Tensor } from "../tensor";
import type { WasmHeap } from "../wasm-kernels";
import { markRunOp } from "../wasm-program";

export interface Int8Requant {
  /** bias of each output channel (int32 values) */
  bias: Float64Array;
  multipliers: Int32Array;
  shifts: Int32Array;
  /** XNNPACK single-precision scales; when given, requantization follows the `xnnpack` arithmetic */
  fp32Scales?: Float32Array;
  inOffset: number;
  wOffset: number;
  outOffset: number;
  lo: number;
  hi: number;
}

/**
 * True when the operator's tensors are what the WebAssembly loops handle: int8 in, constant int8 filter, int8 out,
 * or the same all in uint8.
 */
export function int8SimdApplicable(x: Tensor, w: Tensor, y: Tensor): boolean {
  if (!w.isConstant) return false;
  const all = (type: typeof Int8Array | typeof Uint8Array) => x.data instanceof type && w.data instanceof type && y.data instanceof type;
  return all(Int8Array) || all(Uint8Array);
}

/**
 * uint8 through the int8 loops, exactly: the activations are flipped to int8 in place (x ^ 0x80 = x - 128, see flip8
 * in int8.wat) around the run, so with u = x - 128 every tap's (x - zx) = (u - (zx - 128)): the input offset grows
 * by 128 and the accumulators are the same integers. The filter is packed as int16 (w - zw) from its uint8 values
 * directly. Requantization (either arithmetic) happens before the output offset is added, so an output offset and
 * clamp range 128 lower give y - 128, which the flip turns back into y.
 */
function asSigned(q: Int8Requant): Int8Requant {
  return { ...q, inOffset: q.inOffset + 128, outOffset: q.outOffset - 128, lo: q.lo - 128, hi: q.hi - 128 };
}

const ceilTo = (n: number, m: number) => Math.ceil(n / m) * m;

/**
 * Places the requantization parameters: the scalar arrays (bias, multiplier, shift, float scale) that $requant
 * reads, and the blocks of six i32x4 vectors per four channels that $rq4 reads (see int8.wat), all padded to a
 * multiple of sixteen channels ($rq16 reads sixteen); picks the requantization mode (mode 3 when every channel shifts
 * right by the same amount). Returns words 1..13 of the operator's parameter block (set_op's and set_rq's
 * arguments).
 */
function placeRequant(heap: WasmHeap, q: Int8Requant, channels: number): number[] {
  const padded = ceilTo(Math.max(channels, 1), 16);
  const pad = <T extends Int32Array | Float32Array>(a: T, make: (n: number) => T): T => {
    const out = make(padded);
    out.set(a.subarray(0, channels));
    return out;
  };
  const biasValues = Int32Array.from(q.bias.subarray(0, channels));
  const bias = heap.place(pad(biasValues, (n) => new Int32Array(n)));
  const mult = heap.place(pad(q.multipliers, (n) => new Int32Array(n)));
  const shift = heap.place(pad(q.shifts, (n) => new Int32Array(n)));
  const scale = heap.place(q.fp32Scales ? pad(q.fp32Scales, (n) => new Float32Array(n)) : new Float32Array(padded));
  const rightShift = (c: number) => (q.shifts[c] > 0 ? 0 : -q.shifts[c]);
  let eMin = 31;
  let eMax = 0;
  for (let c = 0; c < channels; c++) {
    eMin = Math.min(eMin, rightShift(c));
    eMax = Math.max(eMax, rightShift(c));
  }
  // mode 3 (see $rq4 in int8.wat): every channel shifts right by the same amount, floor(v / 2^e) is one shift
  const uniform = channels > 0 && eMax <= 30 && eMax === eMin;
  // vectors: bias, 2^left, multiplier, 2^(30 - right), 2^right - 1, (2^right - 1) >> 1
  const blocks = new Int32Array((padded / 4) * 24);
  let vectorOk = true;
  let anyLeft = 0;
  for (let c = 0; c < channels; c++) {
    const b = (c >> 2) * 24 + (c & 3);
    const s = q.shifts[c];
    const left = s > 0 ? s : 0;
    const right = rightShift(c);
    if (left > 0) anyLeft = 1;
    if (right > 30 || left > 31 || q.multipliers[c] < 0) vectorOk = false;
    blocks[b] = biasValues[c];
    blocks[b + 4] = left >= 31 ? -2147483648 : 1 << left;
    blocks[b + 8] = q.multipliers[c];
    blocks[b + 12] = right > 30 ? 0 : 1 << (30 - right);
    blocks[b + 16] = right > 30 ? 0 : (1 << right) - 1;
    blocks[b + 20] = right > 30 ? 0 : ((1 << right) - 1) >> 1;
  }
  const rq = heap.place(blocks);
  const spill = heap.alloc(16);
  const mode = q.fp32Scales ? 1 : !vectorOk ? 2 : uniform ? 3 : 0;
  const shifts = anyLeft | (uniform ? eMin << 8 : 0);
  return [bias, mult, shift, scale, q.outOffset, q.lo, q.hi, mode, q.inOffset, q.wOffset, rq, spill, shifts];
}

/** Kernels of run_op (int8.wat). */
export enum OpKind {
  Conv = 0,
  Depthwise = 1,
  FloatConv = 2,
  FloatDepthwise = 3,
  Depthwise16 = 4,
}

/**
 * Places an operator's parameter block for run_op: the kernel, 13 header words, then the kernel's arguments, of
 * which the first is the input's address and the third the output's (written when they are known).
 */
export function placeOp(heap: WasmHeap, kind: OpKind, header: number[], args: number[]): number {
  const words = new Int32Array(14 + args.length);
  words[0] = kind;
  words.set(header, 1);
  words.set(args, 14);
  return heap.place(words);
}

/** The invoke of an operator whose parameter block is at `block`: one call into WebAssembly per run. */
export function opRun(heap: WasmHeap, x: Tensor, y: Tensor, block: number, before?: (xPtr: number) => void, inputArg = true): Invoke {
  const ex = heap.exports;
  let lastX = -1;
  let lastY = -1;
  const unsigned = x.data instanceof Uint8Array;
  // from the shapes: while kernels are prepared the views may lie on a buffer a growth of the memory detached
  const xBytes = x.size;
  const yBytes = y.size;
  const run = ioRun(heap, x, y, (xPtr, yPtr) => {
    if (xPtr !== lastX || yPtr !== lastY) {
      if (inputArg) heap.setWord(block + 14 * 4, xPtr);
      heap.setWord(block + 16 * 4, yPtr);
      lastX = xPtr;
      lastY = yPtr;
    }
    // uint8 (see asSigned): the input flipped for the run and back, the output flipped once
    if (unsigned) ex.flip8(xPtr, xBytes);
    if (before) before(xPtr);
    ex.run_op(block);
    if (unsigned) {
      ex.flip8(xPtr, xBytes);
      ex.flip8(yPtr, yBytes);
    }
  });
  // nothing but run_op: the interpreter may run it together with its neighbours (lib/tflite/wasm-program.ts)
  return unsigned || before ? run : markRunOp(run, { block, x, y, inputArg });
}

/**
 * Runs `body` on the input and output in the heap: in place when the tensors live there (the interpreter's arena
 * is in the heap), otherwise through the heap's shared input/output area (input copied in, output copied back).
 * The addresses and byte views are worked out once and again only when the heap grows or a tensor gets new
 * storage.
 */
export function ioRun(heap: WasmHeap, x: Tensor, y: Tensor, body: (xPtr: number, yPtr: number) => void): Invoke {
  // from the shapes, not the views (see opRun)
  const xBytes = (x.size * bytesPerElement(x.type) + 15) & ~15;
  heap.requestIo(xBytes + y.size * bytesPerElement(y.type));
  let generation = -1;
  let xData: unknown;
  let yData: unknown;
  let xIn: Int8Array | undefined;
  let xHeap: Int8Array | undefined;
  let yOut: Int8Array | undefined;
  let yHeap: Int8Array | undefined;
  let xPtr = 0;
  let yPtr = 0;
  return () => {
    if (heap.generation !== generation || x.data !== xData || y.data !== yData) {
      const io = heap.io();
      const mem = heap.bytes();
      const buffer = heap.buffer;
      generation = heap.generation;
      xData = x.data;
      yData = y.data;
      const xInPlace = x.data.buffer === buffer;
      const yInPlace = y.data.buffer === buffer;
      xPtr = xInPlace ? x.data.byteOffset : io;
      yPtr = yInPlace ? y.data.byteOffset : io + xBytes;
      xIn = xInPlace ? undefined : new Int8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength);
      xHeap = xIn && mem.subarray(xPtr, xPtr + xIn.length);
      yOut = yInPlace ? undefined : new Int8Array(y.data.buffer, y.data.byteOffset, y.data.byteLength);
      yHeap = yOut && mem.subarray(yPtr, yPtr + yOut.length);
    }
    if (xHeap) xHeap.set(xIn!);
    body(xPtr, yPtr);
    if (yOut) yOut.set(yHeap!);
  };
}

/**
 * The filter [M][K] (int8, row-major) packed for the WebAssembly $mrow loop: blocks of four output channels,
 * in each the K/2 pairs of inputs as eight int16 (w + wOffset), channel by channel; zeros pad K to even and M
 * to a multiple of four.
 */
export function packFilter(w: Int8Array | Uint8Array, m: number, k: number, wOffset: number): Int16Array {
  const k2 = (k + 1) >> 1;
  const out = new Int16Array(ceilTo(m, 4) * k2 * 2);
  for (let oc = 0; oc < m; oc++) {
    const block = (oc >> 2) * k2 * 8 + (oc & 3) * 2;
    const row = oc * k;
    for (let i = 0; i < k; i++) out[block + (i >> 1) * 8 + (i & 1)] = w[row + i] + wOffset;
  }
  return out;
}

/**
 * Patch scratch for $mrow: two patches (1×1 convolutions take pixels in pairs) of K2 int16 pairs, the second at
 * 4 K2 bytes, and 32 bytes more (the widening loop writes eight values at a time).
 */
function patchScratch(heap: WasmHeap, k: number): number {
  return heap.alloc(8 * ((k + 1) >> 1) + 2 * ceilTo(k, 16) + 32);
}

export function prepareInt8FullyConnectedSimd(heap: WasmHeap, x: Tensor, w: Tensor, y: Tensor, batches: number, units: number, depth: number, requant: Int8Requant): Invoke {
  const q = x.data instanceof Uint8Array ? asSigned(requant) : requant;
  const wPtr = heap.place(packFilter(w.data as Int8Array, units, depth, q.wOffset));
  const header = placeRequant(heap, q, units);
  const xs = patchScratch(heap, depth);
  const block = placeOp(heap, OpKind.Conv, header, [0, wPtr, 0, batches, 1, 1, depth, 1, 1, units, 1, 1, 1, 1, 1, 1, 0, 0, xs]);
  return opRun(heap, x, y, block);
}

/** True when the WebAssembly loops take this DEPTHWISE_CONV_2D (depth multiplier 1 or a multiple of 8). */
export function depthwiseSimdApplicable(g: ConvGeometry): boolean {
  const dm = g.outC / g.inC;
  return dm === 1 || dm % 8 === 0;
}

export function prepareInt8ConvSimd(heap: WasmHeap, x: Tensor, w: Tensor, y: Tensor, g: ConvGeometry, depthwise: boolean, requant: Int8Requant): Invoke {
  const q = x.data instanceof Uint8Array ? asSigned(requant) : requant;
  const wd = w.data as Int8Array;
  if (depthwise) return prepareDepthwise(heap, x, wd, y, g, q);
  const k = g.kH * g.kW * g.inC;
  const wPtr = heap.place(packFilter(wd, g.outC, k, q.wOffset));
  const header = placeRequant(heap, q, g.outC);
  const xs = patchScratch(heap, k);
  const block = placeOp(heap, OpKind.Conv, header, [0, wPtr, 0, g.batches, g.inH, g.inW, g.inC, g.outH, g.outW, g.outC, g.kH, g.kW, g.strideH, g.strideW, g.dilH, g.dilW, g.padH, g.padW, xs]);
  return opRun(heap, x, y, block);
}

/**
 * DEPTHWISE_CONV_2D: the input is copied into a buffer of its own, padded with the input zero point (the border
 * is written once), so the WebAssembly loop needs no bounds. Depth multiplier 1 over more than eight channels
 * runs dw16 (sixteen channels at a time, taps paired over the whole window, the input offset folded into the
 * bias); the rest run $depthwise (eight channels at a time, taps paired per filter row); see int8.wat.
 */
function prepareDepthwise(heap: WasmHeap, x: Tensor, wd: Int8Array, y: Tensor, g: ConvGeometry, q: Int8Requant): Invoke {
  const pairs = (g.kW + 1) >> 1;
  const dm = g.outC / g.inC;
  // dw16 for depth multiplier 1 above eight channels (at eight, half its lanes would be idle)
  const sixteen = dm === 1 && g.inC > 8;
  const header = sixteen ? placeRequant(heap, foldInputOffset(q, wd, g), g.outC) : placeRequant(heap, q, g.outC);
  // padded extent: every tap of every output pixel, and the phantom tap of an odd kW (zero weight)
  const needH = (g.outH - 1) * g.strideH + (g.kH - 1) * g.dilH + 1;
  const needW = (g.outW - 1) * g.strideW + pairs * 2 * g.dilW;
  const pH = Math.max(g.padH + g.inH, needH);
  const pW = Math.max(g.padW + g.inW, needW);
  const rowBytes = g.inW * g.inC;
  const padded = g.batches * pH * pW * g.inC;
  const xPad = heap.alloc(padded + 16);
  heap.bytes().fill(-q.inOffset, xPad, xPad + padded + 16);
  const first = xPad + (g.padH * pW + g.padW) * g.inC;
  const ex = heap.exports;
  const rows = g.batches * g.inH;
  const batchGap = (pH - g.inH) * pW * g.inC;
  // the kernel reads the padded copy: its input argument is fixed, the copy comes first
  const block = sixteen
    ? placeOp(heap, OpKind.Depthwise16, header, [xPad, placeDw16Filter(heap, wd, g, q.wOffset), 0, g.batches, pH, pW, g.inC, g.outH, g.outW, g.strideH, g.strideW, placeDw16Taps(heap, g, pW), (g.kH * g.kW + 1) >> 1])
    : placeOp(heap, OpKind.Depthwise, header, [xPad, placeDepthwiseFilter(heap, wd, g, q.wOffset), 0, g.batches, pH, pW, g.inC, g.outH, g.outW, g.outC, g.kH, g.kW, g.strideH, g.strideW, g.dilH, g.dilW, dm]);
  const copy = (xPtr: number) => {
    if (g.batches === 1 || batchGap === 0) ex.copy_rows(xPtr, first, rows, rowBytes, pW * g.inC);
    else for (let n = 0; n < g.batches; n++) ex.copy_rows(xPtr + n * g.inH * rowBytes, first + n * pH * pW * g.inC, g.inH, rowBytes, pW * g.inC);
  };
  return opRun(heap, x, y, block, copy, false);
}

/** $depthwise's filter: per block of eight channels, per filter row, per pair of taps, 16 int16 (w + wOffset). */
function placeDepthwiseFilter(heap: WasmHeap, wd: Int8Array, g: ConvGeometry, wOffset: number): number {
  const pairs = (g.kW + 1) >> 1;
  const packed = new Int16Array((ceilTo(g.outC, 8) / 8) * g.kH * pairs * 16);
  for (let c = 0; c < g.outC; c++) {
    for (let fy = 0; fy < g.kH; fy++) {
      for (let fx = 0; fx < g.kW; fx++) {
        const at = (((c >> 3) * g.kH + fy) * pairs + (fx >> 1)) * 16 + (c & 7) * 2 + (fx & 1);
        packed[at] = wd[(fy * g.kW + fx) * g.outC + c] + wOffset;
      }
    }
  }
  return heap.place(packed);
}

/** The filter taps in the order dw16 pairs them: row by row over the window, (kH kW + 1) / 2 pairs. */
const tapCount = (g: ConvGeometry) => g.kH * g.kW;

/**
 * dw16's filter (depth multiplier 1): per block of sixteen channels, per pair of taps, 32 int16 (w + wOffset)
 * [t0 c, t1 c, t0 c+1, t1 c+1, ...]; zeros for the phantom tap and past the last channel.
 */
function placeDw16Filter(heap: WasmHeap, wd: Int8Array, g: ConvGeometry, wOffset: number): number {
  const pairs = (tapCount(g) + 1) >> 1;
  const packed = new Int16Array((ceilTo(g.outC, 16) / 16) * pairs * 32);
  for (let c = 0; c < g.outC; c++) {
    for (let t = 0; t < tapCount(g); t++) packed[((c >> 4) * pairs + (t >> 1)) * 32 + (c & 15) * 2 + (t & 1)] = wd[t * g.outC + c] + wOffset;
  }
  return heap.place(packed);
}

/** dw16's tap offsets in the padded input (bytes from the output pixel's first input); the phantom tap repeats the last. */
function placeDw16Taps(heap: WasmHeap, g: ConvGeometry, pW: number): number {
  const n = tapCount(g);
  const offsets = new Int32Array(ceilTo(n, 2));
  for (let t = 0; t < offsets.length; t++) {
    const tap = Math.min(t, n - 1);
    offsets[t] = (Math.floor(tap / g.kW) * g.dilH * pW + (tap % g.kW) * g.dilW) * g.inC;
  }
  return heap.place(offsets);
}

/**
 * dw16 sums x (w + wOffset) without the input offset: the bias takes inOffset Σ_taps (w + wOffset) per channel
 * instead (int32 wrap-around, as the accumulators wrap).
 */
function foldInputOffset(q: Int8Requant, wd: Int8Array, g: ConvGeometry): Int8Requant {
  const bias = new Float64Array(g.outC);
  for (let c = 0; c < g.outC; c++) {
    let sum = 0;
    for (let t = 0; t < tapCount(g); t++) sum += wd[t * g.outC + c] + q.wOffset;
    bias[c] = (q.bias[c] + Math.imul(q.inOffset, sum)) | 0;
  }
  return { ...q, bias };
}
