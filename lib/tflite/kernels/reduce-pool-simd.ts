/**
 * SUM, MEAN, REDUCE_MAX, REDUCE_MIN, AVERAGE_POOL_2D, quantized MAX_POOL_2D and L2_NORMALIZATION in WebAssembly
 * (../wasm/reduce-pool.wat), bit for bit the JavaScript loops of reduce.ts, mean.ts, pooling.ts, normalization.ts and
 * quantized-l2-normalization.ts, which remain the
 * fallback. A float sum adds each output's inputs in the order TFLite's reducer does: the vectors run across
 * independent outputs, never within one sum.
 */
import type { Invoke } from "../kernel";
import { TensorType } from "../schema";
import { bytesPerElement, integerRange, type Tensor } from "../tensor";
import type { ReducePoolExports, WasmHeap } from "../wasm-kernels";
import { ioRun } from "./int8-simd";

/** reduce's kinds, in the order of scripts/reduce-pool-wat.cjs */
export enum ReduceKind {
  F32Add, F32Max, F32Min,
  I32Add, I32Max, I32Min,
  I16Add, I16Max, I16Min,
  I8Add, I8Max, I8Min,
  U8Max, U8Min,
  /** int8 / uint8 / int16 summed into int32 accumulators */
  I8Sum, U8Sum, I16Sum,
}

export type ReduceOp = "sum" | "max" | "min";

/** What follows the reduction: nothing (the accumulators are the output), or the step from int32 sums to it. */
export type Finish =
  | { kind: "none" }
  | { kind: "fdiv"; count: number }
  | { kind: "qmean"; count: number; zIn: number; zOut: number }
  | { kind: "qrescale"; mean: boolean; count: number; scale: number; bias: number; zOut: number };

/** The accumulating kind for an operation on the input's type (int32 accumulators where `widen`). */
export function reduceKind(type: TensorType, op: ReduceOp, widen: boolean): ReduceKind | undefined {
  if (widen) return op !== "sum" ? undefined : type === TensorType.INT8 ? ReduceKind.I8Sum : type === TensorType.UINT8 ? ReduceKind.U8Sum : type === TensorType.INT16 ? ReduceKind.I16Sum : undefined;
  const at = (add: ReduceKind | undefined, max: ReduceKind, min: ReduceKind) => (op === "sum" ? add : op === "max" ? max : min);
  switch (type) {
    case TensorType.FLOAT32:
      return at(ReduceKind.F32Add, ReduceKind.F32Max, ReduceKind.F32Min);
    case TensorType.INT32:
      return at(ReduceKind.I32Add, ReduceKind.I32Max, ReduceKind.I32Min);
    case TensorType.INT16:
      return at(ReduceKind.I16Add, ReduceKind.I16Max, ReduceKind.I16Min);
    case TensorType.INT8:
      return at(ReduceKind.I8Add, ReduceKind.I8Max, ReduceKind.I8Min);
    case TensorType.UINT8:
      // a wrapping sum of bytes is the same whatever their sign
      return at(ReduceKind.I8Add, ReduceKind.U8Max, ReduceKind.U8Min);
    default:
      return undefined;
  }
}

/** The accumulators' starting value (as the int32 the fill export stores), by kind. */
function identity(kind: ReduceKind): number {
  const f32Bits = (v: number) => new Int32Array(new Float32Array([v]).buffer)[0];
  switch (kind) {
    case ReduceKind.F32Max:
      return f32Bits(-Infinity);
    case ReduceKind.F32Min:
      return f32Bits(Infinity);
    case ReduceKind.I32Max:
      return -2147483648;
    case ReduceKind.I32Min:
      return 2147483647;
    case ReduceKind.I16Max:
      return -32768;
    case ReduceKind.I16Min:
      return 32767;
    case ReduceKind.I8Max:
      return -128;
    case ReduceKind.I8Min:
      return 127;
    case ReduceKind.U8Min:
      return 255;
    default:
      // sums, and uint8's maximum
      return 0;
  }
}

/**
 * The reduction as reduce calls: the dimensions without ones, neighbours of the same kind (kept or reduced) merged;
 * the last kept–reduced–kept groups become one call's outer × red × inner, the groups before them a list of calls
 * (the element offsets of each call's input and accumulators), in input order.
 */
export interface ReducePlan {
  outer: number;
  red: number;
  inner: number;
  /** per call, the element offsets of x and of the accumulators */
  calls: Int32Array;
}

export function reducePlan(shape: readonly number[], axes: ReadonlySet<number>): ReducePlan {
  const groups: { size: number; reduced: boolean }[] = [];
  shape.forEach((size, d) => {
    if (size === 1) return;
    const reduced = axes.has(d);
    const last = groups[groups.length - 1];
    if (last && last.reduced === reduced) last.size *= size;
    else groups.push({ size, reduced });
  });
  if (groups.length === 0) groups.push({ size: 1, reduced: false });
  // inner (kept, or 1), red, outer (kept, or 1)
  let inner = 1;
  if (!groups[groups.length - 1].reduced) inner = groups.pop()!.size;
  let red = 1;
  if (groups.length && groups[groups.length - 1].reduced) red = groups.pop()!.size;
  let outer = 1;
  if (groups.length && !groups[groups.length - 1].reduced) outer = groups.pop()!.size;
  // the leading groups: their x strides and output strides, in elements
  const block = outer * red * inner;
  const outBlock = outer * inner;
  const xStrides: number[] = [];
  const outStrides: number[] = [];
  let xs = block;
  let os = outBlock;
  for (let g = groups.length - 1; g >= 0; g--) {
    xStrides[g] = xs;
    outStrides[g] = groups[g].reduced ? 0 : os;
    xs *= groups[g].size;
    if (!groups[g].reduced) os *= groups[g].size;
  }
  const count = groups.reduce((p, g) => p * g.size, 1);
  const calls = new Int32Array(2 * count);
  const index = new Array<number>(groups.length).fill(0);
  for (let c = 0; c < count; c++) {
    let px = 0;
    let pa = 0;
    for (let g = 0; g < groups.length; g++) {
      px += index[g] * xStrides[g];
      pa += index[g] * outStrides[g];
    }
    calls[2 * c] = px;
    calls[2 * c + 1] = pa;
    for (let g = groups.length - 1; g >= 0; g--) {
      if (++index[g] < groups[g].size) break;
      index[g] = 0;
    }
  }
  return { outer, red, inner, calls };
}

/** int8 0, uint8 1, int16 2: the output type of qmean / qrescale */
const quantizedType = (type: TensorType) => (type === TensorType.UINT8 ? 1 : type === TensorType.INT16 ? 2 : 0);

/**
 * The SIMD invoke for a reduction of x over `axes` into y, or undefined where the module is unavailable or the
 * case is not one it computes exactly as the JavaScript loop (an empty input, int32 sums that could overflow).
 */
export function prepareReduceSimd(heap: WasmHeap | undefined, x: Tensor, axes: ReadonlySet<number>, y: Tensor, kind: ReduceKind | undefined, finish: Finish): Invoke | undefined {
  const ex = heap?.reducePool();
  if (!heap || !ex || kind === undefined || x.size === 0 || y.size === 0 || x.type !== y.type) return undefined;
  const { outer, red, inner, calls } = reducePlan(x.shape, axes);
  const widened = kind >= ReduceKind.I8Sum;
  if (widened !== (finish.kind === "qmean" || finish.kind === "qrescale")) return undefined;
  if (widened) {
    // the int32 sums must be the JavaScript loop's exact double sums, the rescaled values within int32
    const count = x.size / y.size;
    const largest = x.type === TensorType.INT16 ? 32768 : 256;
    if (count * largest >= 2 ** 30) return undefined;
    if (finish.kind === "qrescale" && (count * largest * Math.abs(finish.scale)) / (finish.mean ? count : 1) + Math.abs(finish.bias) + 256 >= 2 ** 30) return undefined;
  }
  const accBytes = widened ? 4 : bytesPerElement(y.type);
  const acc = widened ? heap.alloc(4 * y.size) : -1;
  const xs = bytesPerElement(x.type);
  const list = new Int32Array(calls.length);
  for (let c = 0; c < calls.length; c += 2) {
    list[c] = calls[c] * xs;
    list[c + 1] = calls[c + 1] * accBytes;
  }
  const listAt = heap.place(list);
  const start = identity(kind);
  const n = y.size;
  const callCount = calls.length / 2;
  const [qmin, qmax] = widened ? integerRange(y.type) : [0, 0];
  const type = quantizedType(y.type);
  const finishRun = finishStep(ex, finish, acc, n, qmin, qmax, type);
  return ioRun(heap, x, y, (xPtr, yPtr) => {
    const a = widened ? acc : yPtr;
    ex.fill(a, n, accBytes, start);
    ex.reduce(kind, xPtr, a, outer, red, inner, listAt, callCount);
    finishRun(yPtr);
  });
}

function finishStep(ex: ReducePoolExports, finish: Finish, acc: number, n: number, qmin: number, qmax: number, type: number): (yPtr: number) => void {
  switch (finish.kind) {
    case "none":
      return () => {};
    case "fdiv":
      return (yPtr) => ex.fdiv(yPtr, n, finish.count);
    case "qmean":
      return (yPtr) => ex.qmean(acc, yPtr, n, finish.count, finish.zIn, finish.zOut, type);
    case "qrescale":
      return (yPtr) => ex.qrescale(acc, yPtr, n, finish.mean ? 1 : 0, finish.count, finish.scale, finish.bias, finish.zOut, qmin, qmax, type);
  }
}

export interface PoolGeometry {
  batches: number;
  inH: number;
  inW: number;
  depth: number;
  outH: number;
  outW: number;
  strideH: number;
  strideW: number;
  fH: number;
  fW: number;
  padH: number;
  padW: number;
}

/**
 * The SIMD invoke for AVERAGE_POOL_2D (any type) or quantized MAX_POOL_2D, or undefined where the module is
 * unavailable or the channels are fewer than a vector holds (the pixel's last vector overlaps the one before).
 */
export function preparePoolSimd(heap: WasmHeap | undefined, average: boolean, x: Tensor, y: Tensor, g: PoolGeometry, lo: number, hi: number): Invoke | undefined {
  const ex = heap?.reducePool();
  if (!heap || !ex || x.type !== y.type) return undefined;
  const tag = { [TensorType.INT8]: "i8", [TensorType.UINT8]: "u8", [TensorType.INT16]: "i16", [TensorType.FLOAT32]: "f32" }[x.type as number];
  if (!tag || (!average && tag === "f32")) return undefined;
  const lanes = average ? 4 : 16 / bytesPerElement(x.type);
  if (g.depth < lanes || g.batches * g.outH * g.outW === 0) return undefined;
  const pool = ex[`${average ? "avgpool" : "maxpool"}_${tag}` as "avgpool_f32"];
  return ioRun(heap, x, y, (xPtr, yPtr) => pool(xPtr, yPtr, g.batches, g.inH, g.inW, g.depth, g.outH, g.outW, g.strideH, g.strideW, g.fH, g.fW, g.padH, g.padW, lo, hi));
}

/** L2_NORMALIZATION over rows of `depth` (float32, or int8 / uint8 with the output at 1/128), or undefined. */
export function prepareL2Simd(heap: WasmHeap | undefined, x: Tensor, y: Tensor, rows: number, depth: number): Invoke | undefined {
  const ex = heap?.reducePool();
  if (!heap || !ex || x.type !== y.type || rows * depth === 0) return undefined;
  if (x.type === TensorType.FLOAT32) return ioRun(heap, x, y, (xPtr, yPtr) => ex.fl2(xPtr, yPtr, rows, depth));
  if (x.type !== TensorType.INT8 && x.type !== TensorType.UINT8) return undefined;
  const zero = x.zeroPoint;
  const unsigned = x.type === TensorType.UINT8 ? 1 : 0;
  return ioRun(heap, x, y, (xPtr, yPtr) => ex.ql2(xPtr, yPtr, rows, depth, zero, unsigned));
}
