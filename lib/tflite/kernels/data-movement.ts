/**
 * Operators that only move elements, for every element type: TRANSPOSE, PACK, UNPACK, SPLIT, SPLIT_V, SLICE,
 * GATHER, GATHER_ND, TILE, EXPAND_DIMS, DEPTH_TO_SPACE, SPACE_TO_DEPTH, MIRROR_PAD. Index maps are computed once
 * at preparation; invoke() copies.
 */
import { F } from "../schema";
import { fail, input, type Invoke, type KernelContext, type PrepareKernel } from "../kernel";
import type { Tensor } from "../tensor";
import { stridesOf } from "./common";
import { copyRun, rawOf, type Elements } from "./raw-view";
import { contiguous, prepareGatherSimd, prepareMovesSimd, type Move } from "./data-movement-simd";

/** The JavaScript kernel `js`, or the same copies as WebAssembly moves where the module is available. */
function moving(ctx: KernelContext, moves: Move[], js: Invoke): Invoke {
  return prepareMovesSimd(ctx.simd?.(), moves, js) ?? js;
}

function constantInts(ctx: KernelContext, t: Tensor, what: string): number[] {
  if (!t.isConstant) fail(ctx, `${what} must be constant`);
  return Array.from(t.data as Elements as ArrayLike<number>, (v) => Number(v));
}

function normalizeAxis(ctx: KernelContext, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) fail(ctx, `axis ${axis} is out of range for rank ${rank}`);
  return a;
}

function requireSameType(ctx: KernelContext, x: Tensor, y: Tensor): void {
  if (x.type !== y.type) fail(ctx, `input ${x.typeName} and output ${y.typeName} differ`);
  if (x.scales.length && y.scales.length && (x.scale !== y.scale || x.zeroPoint !== y.zeroPoint)) fail(ctx, "input and output quantization differ");
}

/** Copies y[k] = x[map[k]] (a gather by a precomputed index map). */
function gatherInvoke(x: Tensor, y: Tensor, map: Int32Array) {
  const n = map.length;
  const [xRaw, yRaw] = [rawOf(x), rawOf(y)];
  return () => {
    const xd = xRaw();
    const yd = yRaw();
    for (let k = 0; k < n; k++) yd[k] = xd[map[k]];
  };
}

/** For every output element of `outShape`, the flat input index that `source(coords)` names. */
function indexMap(outShape: readonly number[], source: (coords: number[]) => number): Int32Array {
  const n = outShape.reduce((a, b) => a * b, 1);
  const map = new Int32Array(n);
  const idx = new Array<number>(outShape.length).fill(0);
  for (let k = 0; k < n; k++) {
    map[k] = source(idx);
    for (let d = outShape.length - 1; d >= 0; d--) {
      if (++idx[d] < outShape[d]) break;
      idx[d] = 0;
    }
  }
  return map;
}

function checkShape(ctx: KernelContext, y: Tensor, expected: number[]): void {
  if (y.shape.join() !== expected.join()) fail(ctx, `output shape [${y.shape}] does not match the computed [${expected}]`);
}

export const prepareTranspose: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const y = ctx.outputs[0];
  requireSameType(ctx, x, y);
  const perm = constantInts(ctx, input(ctx, 1), "permutation");
  const rank = x.shape.length;
  if (perm.length !== rank || [...perm].sort().some((p, i) => p !== i)) fail(ctx, `[${perm}] is not a permutation of ${rank} dimensions`);
  checkShape(ctx, y, perm.map((p) => x.shape[p]));
  const xs = stridesOf(x.shape);
  const js = gatherInvoke(x, y, indexMap(y.shape, (c) => c.reduce((o, v, d) => o + v * xs[perm[d]], 0)));
  return moving(ctx, [{ from: x, to: y, fromAt: 0, toAt: 0, counts: y.shape, fromStrides: perm.map((p) => xs[p]), toStrides: contiguous(y.shape) }], js);
};

export const preparePack: PrepareKernel = (ctx) => {
  const y = ctx.outputs[0];
  const xs = ctx.inputs.map((_, i) => input(ctx, i));
  const rank = y.shape.length;
  const axis = normalizeAxis(ctx, ctx.options?.int32(F.PackOptions.axis, 0) ?? 0, rank);
  for (const x of xs) {
    requireSameType(ctx, x, y);
    checkShape(ctx, y, [...x.shape.slice(0, axis), xs.length, ...x.shape.slice(axis)]);
  }
  const outer = y.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = y.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const yRaw = rawOf(y);
  const xRaws = xs.map(rawOf);
  const js = () => {
    const yd = yRaw();
    let o = 0;
    for (let i = 0; i < outer; i++) {
      for (const xRaw of xRaws) {
        copyRun(yd, o, xRaw(), i * inner, inner);
        o += inner;
      }
    }
  };
  const n = xs.length;
  return moving(ctx, xs.map((x, i) => ({ from: x, to: y, fromAt: 0, toAt: i * inner, counts: [outer, inner], fromStrides: [inner, 1], toStrides: [n * inner, 1] })), js);
};

/** Splits x along `axis` into the outputs, each taking its own size of that axis (UNPACK, SPLIT, SPLIT_V). */
function splitAlong(ctx: KernelContext, x: Tensor, axis: number, sizes: number[], squeeze: boolean) {
  const ys = ctx.outputs;
  if (sizes.reduce((a, b) => a + b, 0) !== x.shape[axis]) fail(ctx, `split sizes [${sizes}] do not add up to dimension ${axis} of [${x.shape}]`);
  ys.forEach((y, i) => {
    requireSameType(ctx, x, y);
    const shape = [...x.shape];
    if (squeeze) shape.splice(axis, 1);
    else shape[axis] = sizes[i];
    checkShape(ctx, y, shape);
  });
  const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const rowLength = x.shape[axis] * inner;
  const xRaw = rawOf(x);
  const yRaws = ys.map(rawOf);
  const js = () => {
    const xd = xRaw();
    let start = 0;
    for (let i = 0; i < yRaws.length; i++) {
      const yd = yRaws[i]();
      const chunk = sizes[i] * inner;
      for (let r = 0; r < outer; r++) copyRun(yd, r * chunk, xd, r * rowLength + start, chunk);
      start += chunk;
    }
  };
  const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0) * inner);
  return moving(ctx, ys.map((y, i) => ({ from: x, to: y, fromAt: starts[i], toAt: 0, counts: [outer, sizes[i] * inner], fromStrides: [rowLength, 1], toStrides: [sizes[i] * inner, 1] })), js);
}

export const prepareUnpack: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const axis = normalizeAxis(ctx, ctx.options?.int32(F.UnpackOptions.axis, 0) ?? 0, x.shape.length);
  if (ctx.outputs.length !== x.shape[axis]) fail(ctx, `${ctx.outputs.length} outputs for dimension ${axis} of size ${x.shape[axis]}`);
  return splitAlong(ctx, x, axis, new Array<number>(x.shape[axis]).fill(1), true);
};

export const prepareSplit: PrepareKernel = (ctx) => {
  const axisT = input(ctx, 0);
  const x = input(ctx, 1);
  const axis = normalizeAxis(ctx, constantInts(ctx, axisT, "axis")[0], x.shape.length);
  const count = ctx.outputs.length;
  if (x.shape[axis] % count !== 0) fail(ctx, `dimension ${axis} of size ${x.shape[axis]} does not split into ${count}`);
  return splitAlong(ctx, x, axis, new Array<number>(count).fill(x.shape[axis] / count), false);
};

export const prepareSplitV: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const sizes = constantInts(ctx, input(ctx, 1), "size_splits");
  const axis = normalizeAxis(ctx, constantInts(ctx, input(ctx, 2), "axis")[0], x.shape.length);
  const unknown = sizes.indexOf(-1);
  if (unknown >= 0) sizes[unknown] = x.shape[axis] - sizes.reduce((a, b, i) => (i === unknown ? a : a + b), 0);
  if (sizes.length !== ctx.outputs.length) fail(ctx, `${sizes.length} split sizes for ${ctx.outputs.length} outputs`);
  return splitAlong(ctx, x, axis, sizes, false);
};

export const prepareSlice: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const y = ctx.outputs[0];
  requireSameType(ctx, x, y);
  const begin = constantInts(ctx, input(ctx, 1), "begin");
  const size = constantInts(ctx, input(ctx, 2), "size");
  const rank = x.shape.length;
  if (begin.length !== rank || size.length !== rank) fail(ctx, "begin and size must have one entry per dimension");
  const sizes = size.map((s, d) => (s === -1 ? x.shape[d] - begin[d] : s));
  sizes.forEach((s, d) => {
    if (begin[d] < 0 || s < 0 || begin[d] + s > x.shape[d]) fail(ctx, `slice [${begin}] + [${sizes}] is outside [${x.shape}]`);
  });
  checkShape(ctx, y, sizes);
  const xs = stridesOf(x.shape);
  const js = gatherInvoke(x, y, indexMap(sizes, (c) => c.reduce((o, v, d) => o + (v + begin[d]) * xs[d], 0)));
  return moving(ctx, [{ from: x, to: y, fromAt: begin.reduce((o, b, d) => o + b * xs[d], 0), toAt: 0, counts: sizes, fromStrides: xs, toStrides: contiguous(sizes) }], js);
};

export const prepareTile: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const y = ctx.outputs[0];
  requireSameType(ctx, x, y);
  const multiples = constantInts(ctx, input(ctx, 1), "multiples");
  if (multiples.length !== x.shape.length) fail(ctx, "multiples must have one entry per dimension");
  checkShape(ctx, y, x.shape.map((d, i) => d * multiples[i]));
  const xs = stridesOf(x.shape);
  const js = gatherInvoke(x, y, indexMap(y.shape, (c) => c.reduce((o, v, d) => o + (v % x.shape[d]) * xs[d], 0)));
  // as TFLite tiles: the input into the output's first repeat, then from the innermost axis out, each axis' filled
  // blocks (whole inner axes) copied to its further repeats, long contiguous runs from the output itself
  const ys = stridesOf(y.shape);
  const moves: Move[] = [{ from: x, to: y, fromAt: 0, toAt: 0, counts: x.shape, fromStrides: xs, toStrides: ys }];
  for (let d = x.shape.length - 1; d >= 0; d--) {
    const outer = x.shape.slice(0, d);
    const block = x.shape[d] * ys[d];
    const at = ys.slice(0, d);
    moves.push({ from: y, to: y, fromAt: 0, toAt: block, counts: [...outer, multiples[d] - 1, block], fromStrides: [...at, 0, 1], toStrides: [...at, block, 1] });
  }
  return moving(ctx, moves, js);
};

export const prepareExpandDims: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const y = ctx.outputs[0];
  requireSameType(ctx, x, y);
  const axis = constantInts(ctx, input(ctx, 1), "axis")[0];
  const rank = x.shape.length + 1;
  const a = normalizeAxis(ctx, axis, rank);
  checkShape(ctx, y, [...x.shape.slice(0, a), 1, ...x.shape.slice(a)]);
  const n = x.size;
  const [xRaw, yRaw] = [rawOf(x), rawOf(y)];
  return () => copyRun(yRaw(), 0, xRaw(), 0, n);
};

export const prepareGather: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const indices = input(ctx, 1);
  const y = ctx.outputs[0];
  requireSameType(ctx, x, y);
  const axis = normalizeAxis(ctx, ctx.options?.int32(F.GatherOptions.axis, 0) ?? 0, x.shape.length);
  if ((ctx.options?.int32(F.GatherOptions.batch_dims, 0) ?? 0) !== 0) fail(ctx, "batch_dims is not supported");
  checkShape(ctx, y, [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)]);
  const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const dim = x.shape[axis];
  const count = indices.size;
  const [xRaw, yRaw] = [rawOf(x), rawOf(y)];
  const js = () => {
    const xd = xRaw();
    const yd = yRaw();
    const id = indices.data as Elements;
    let o = 0;
    for (let r = 0; r < outer; r++) {
      for (let j = 0; j < count; j++) {
        const i = Number(id[j]);
        if (i < 0 || i >= dim) throw new RangeError(`GATHER index ${i} is outside [0, ${dim})`);
        copyRun(yd, o, xd, (r * dim + i) * inner, inner);
        o += inner;
      }
    }
  };
  return prepareGatherSimd(ctx.simd?.(), x, indices, y, outer, dim, inner, js) ?? js;
};

export const prepareGatherNd: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const indices = input(ctx, 1);
  const y = ctx.outputs[0];
  requireSameType(ctx, x, y);
  const depth = indices.shape[indices.shape.length - 1];
  if (depth > x.shape.length) fail(ctx, `index depth ${depth} exceeds the rank of [${x.shape}]`);
  checkShape(ctx, y, [...indices.shape.slice(0, -1), ...x.shape.slice(depth)]);
  const xs = stridesOf(x.shape);
  const inner = x.shape.slice(depth).reduce((a, b) => a * b, 1);
  const count = indices.size / depth;
  const [xRaw, yRaw] = [rawOf(x), rawOf(y)];
  return () => {
    const xd = xRaw();
    const yd = yRaw();
    const id = indices.data as Elements;
    let o = 0;
    for (let j = 0; j < count; j++) {
      let base = 0;
      for (let d = 0; d < depth; d++) {
        const i = Number(id[j * depth + d]);
        if (i < 0 || i >= x.shape[d]) throw new RangeError(`GATHER_ND index ${i} is outside [0, ${x.shape[d]})`);
        base += i * xs[d];
      }
      copyRun(yd, o, xd, base, inner);
      o += inner;
    }
  };
};

function blockSize(ctx: KernelContext, slot: number): number {
  const b = ctx.options?.int32(slot, 0) ?? 0;
  if (b < 1) fail(ctx, `block size ${b}`);
  return b;
}

export const prepareDepthToSpace: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const y = ctx.outputs[0];
  requireSameType(ctx, x, y);
  const b = blockSize(ctx, F.DepthToSpaceOptions.block_size);
  const [n, h, w, c] = x.shape;
  if (x.shape.length !== 4 || c % (b * b) !== 0) fail(ctx, `input [${x.shape}] does not fit block size ${b}`);
  const oc = c / (b * b);
  checkShape(ctx, y, [n, h * b, w * b, oc]);
  const xs = stridesOf(x.shape);
  const js = gatherInvoke(x, y, indexMap(y.shape, ([bi, oh, ow, od]) => bi * xs[0] + Math.floor(oh / b) * xs[1] + Math.floor(ow / b) * xs[2] + ((oh % b) * b + (ow % b)) * oc + od));
  // the output as [n, h, b, w, b, oc]
  const counts = [n, h, b, w, b, oc];
  return moving(ctx, [{ from: x, to: y, fromAt: 0, toAt: 0, counts, fromStrides: [xs[0], xs[1], b * oc, xs[2], oc, 1], toStrides: contiguous(counts) }], js);
};

export const prepareSpaceToDepth: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const y = ctx.outputs[0];
  requireSameType(ctx, x, y);
  const b = blockSize(ctx, F.SpaceToDepthOptions.block_size);
  const [n, h, w, c] = x.shape;
  if (x.shape.length !== 4 || h % b !== 0 || w % b !== 0) fail(ctx, `input [${x.shape}] does not fit block size ${b}`);
  checkShape(ctx, y, [n, h / b, w / b, c * b * b]);
  const xs = stridesOf(x.shape);
  const js = gatherInvoke(
    x,
    y,
    indexMap(y.shape, ([bi, oh, ow, od]) => {
      const block = Math.floor(od / c);
      return bi * xs[0] + (oh * b + Math.floor(block / b)) * xs[1] + (ow * b + (block % b)) * xs[2] + (od % c);
    }),
  );
  // the output as [n, h / b, w / b, b, b, c]
  const counts = [n, h / b, w / b, b, b, c];
  return moving(ctx, [{ from: x, to: y, fromAt: 0, toAt: 0, counts, fromStrides: [xs[0], b * xs[1], b * xs[2], xs[1], xs[2], 1], toStrides: contiguous(counts) }], js);
};

export const prepareMirrorPad: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const y = ctx.outputs[0];
  requireSameType(ctx, x, y);
  const pads = constantInts(ctx, input(ctx, 1), "paddings");
  const symmetric = (ctx.options?.int8(F.MirrorPadOptions.mode, 0) ?? 0) === 1;
  const rank = x.shape.length;
  const before = Array.from({ length: rank }, (_, d) => pads[2 * d]);
  const after = Array.from({ length: rank }, (_, d) => pads[2 * d + 1]);
  const limit = (d: number) => (symmetric ? x.shape[d] : x.shape[d] - 1);
  for (let d = 0; d < rank; d++) if (before[d] < 0 || after[d] < 0 || before[d] > limit(d) || after[d] > limit(d)) fail(ctx, `padding ${before[d]}, ${after[d]} of dimension ${d} exceeds ${limit(d)}`);
  checkShape(ctx, y, x.shape.map((s, d) => s + before[d] + after[d]));
  const xs = stridesOf(x.shape);
  const reflect = (i: number, size: number) => {
    if (i < 0) return symmetric ? -i - 1 : -i;
    if (i >= size) return symmetric ? 2 * size - i - 1 : 2 * size - i - 2;
    return i;
  };
  return gatherInvoke(x, y, indexMap(y.shape, (c) => c.reduce((o, v, d) => o + reflect(v - before[d], x.shape[d]) * xs[d], 0)));
};
