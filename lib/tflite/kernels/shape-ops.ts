/** RESHAPE, SQUEEZE, PAD, STRIDED_SLICE and CONCATENATION: data movement in TFLite's row-major order. */
import { F, TensorType } from "../schema";
import { fail, input, type PrepareKernel } from "../kernel";
import { roundHalfAway } from "../fixed-point";
import { integerRange } from "../tensor";
import { extendShape, stridesOf } from "./common";
import { copyRun, rawOf } from "./raw-view";
import { contiguous, prepareMovesSimd } from "./data-movement-simd";

export const prepareReshape: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const y = ctx.outputs[0];
  if (x.size !== y.size) fail(ctx, `cannot reshape ${x.size} elements [${x.shape}] to [${y.shape}]`);
  if (x.type !== y.type) fail(ctx, `input ${x.typeName} and output ${y.typeName} differ`);
  return () => {
    (y.data as Uint8Array).set(x.data as Uint8Array);
  };
};

export const preparePad: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const paddings = input(ctx, 1);
  const y = ctx.outputs[0];
  if (!paddings.isConstant) fail(ctx, "paddings must be constant");
  const rank = x.shape.length;
  const pd = paddings.data as Int32Array;
  const before = Array.from({ length: rank }, (_, i) => Number(pd[2 * i]));
  const outShape = x.shape.map((d, i) => d + Number(pd[2 * i]) + Number(pd[2 * i + 1]));
  if (outShape.join() !== y.shape.join()) fail(ctx, `output shape [${y.shape}] does not match padded [${outShape}]`);
  // PADV2 carries the pad value as input 2; PAD pads with zero, i.e. the zero point of quantized tensors.
  const padTensor = ctx.inputs[2];
  let padValue = x.type === TensorType.FLOAT32 ? 0 : y.zeroPoint;
  if (padTensor) padValue = Number(padTensor.data[0]);
  // the input's rows land whole in the output: trailing axes without padding join the axis before them into
  // one contiguous row; where each row starts is worked out once, here
  const outStrides = stridesOf(y.shape);
  let axis = rank - 1;
  let rowLen = 1;
  while (axis > 0 && before[axis] === 0 && x.shape[axis] === y.shape[axis]) rowLen *= x.shape[axis--];
  if (rank > 0) rowLen *= x.shape[axis];
  const rowStarts = rowTable(x.shape.slice(0, Math.max(axis, 0)), outStrides, before, rank === 0 ? 0 : before[axis] * outStrides[axis]);
  const [xRaw, yRaw] = [rawOf(x), rawOf(y)];
  const fill = () => (y.data as Int16Array).fill(padValue);
  const js = () => {
    fill();
    copyRows(xRaw() as Int16Array, yRaw() as Int16Array, rowStarts, rowLen, false);
  };
  const into = { from: x, to: y, fromAt: 0, toAt: before.reduce((o, b, d) => o + b * outStrides[d], 0), counts: x.shape, fromStrides: contiguous(x.shape), toStrides: outStrides };
  return prepareMovesSimd(ctx.simd?.(), [into], js, fill) ?? js;
};

/**
 * Copies rows of `rowLen` elements between a contiguous side and the offsets of `rowStarts` on the other
 * (`gather`: from the offsets, with `step` between elements, into the contiguous output; else from the contiguous
 * input to the offsets); long unit-step rows in one native copy.
 */
function copyRows(xd: Int16Array, yd: Int16Array, rowStarts: Int32Array, rowLen: number, gather: boolean, step = 1): void {
  let k = 0;
  const native = step === 1 && rowLen >= 16;
  for (let r = 0; r < rowStarts.length; r++) {
    const at = rowStarts[r];
    if (native) {
      if (gather) yd.set(xd.subarray(at, at + rowLen), k);
      else yd.set(xd.subarray(k, k + rowLen), at);
      k += rowLen;
    } else if (gather) {
      for (let j = 0; j < rowLen; j++) yd[k++] = xd[at + j * step];
    } else {
      for (let j = 0; j < rowLen; j++) yd[at + j] = xd[k++];
    }
  }
}

/**
 * The offset of every row of an index space `counts` (the outer axes, row-major; the rows' own axes left out),
 * index i of axis d at (first[d] + i · step[d]) · strides[d], plus `base`.
 */
function rowTable(counts: number[], strides: number[], first: number[], base: number, step?: number[]): Int32Array {
  const rows = counts.reduce((a, b) => a * b, 1);
  const out = new Int32Array(rows);
  const index = new Array<number>(counts.length).fill(0);
  for (let r = 0; r < rows; r++) {
    let o = base;
    for (let d = 0; d < counts.length; d++) o += (first[d] + index[d] * (step ? step[d] : 1)) * strides[d];
    out[r] = o;
    for (let d = counts.length - 1; d >= 0; d--) {
      if (++index[d] < counts[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

export const prepareStridedSlice: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const begin = input(ctx, 1);
  const end = input(ctx, 2);
  const strides = input(ctx, 3);
  const y = ctx.outputs[0];
  if (!begin.isConstant || !end.isConstant || !strides.isConstant) fail(ctx, "begin, end and strides must be constant");
  const o = ctx.options;
  const S = F.StridedSliceOptions;
  const beginMask = o?.int32(S.begin_mask, 0) ?? 0;
  const endMask = o?.int32(S.end_mask, 0) ?? 0;
  const shrinkMask = o?.int32(S.shrink_axis_mask, 0) ?? 0;
  if ((o?.int32(S.ellipsis_mask, 0) ?? 0) !== 0 || (o?.int32(S.new_axis_mask, 0) ?? 0) !== 0) fail(ctx, "ellipsis and new-axis masks are not supported");
  if (o?.bool(S.offset, false)) fail(ctx, "offset mode is not supported");
  const rank = x.shape.length;
  const count = begin.size;
  const starts: number[] = [];
  const steps: number[] = [];
  const sizes: number[] = [];
  for (let d = 0; d < rank; d++) {
    const dim = x.shape[d];
    const step = d < count ? Number(strides.data[d]) : 1;
    if (step === 0) fail(ctx, "stride 0");
    let start: number;
    let stop: number;
    if (d >= count || beginMask & (1 << d)) start = step > 0 ? 0 : dim - 1;
    else {
      start = Number(begin.data[d]);
      if (start < 0) start += dim;
      start = step > 0 ? Math.min(Math.max(start, 0), dim) : Math.min(Math.max(start, -1), dim - 1);
    }
    if (d < count && shrinkMask & (1 << d)) stop = start + 1;
    else if (d >= count || endMask & (1 << d)) stop = step > 0 ? dim : -1;
    else {
      stop = Number(end.data[d]);
      if (stop < 0) stop += dim;
      stop = step > 0 ? Math.min(Math.max(stop, 0), dim) : Math.min(Math.max(stop, -1), dim - 1);
    }
    starts.push(start);
    steps.push(step);
    sizes.push(Math.max(0, Math.ceil((stop - start) / step)));
  }
  const total = sizes.reduce((a, b) => a * b, 1);
  if (total !== y.size) fail(ctx, `slice of ${total} elements does not match output [${y.shape}]`);
  const inStrides = stridesOf(x.shape);
  // the output's rows, each read from the input at one start and one step: trailing axes taken whole join a
  // unit-step axis before them into one contiguous row; where each row starts is worked out once, here
  let axis = rank - 1;
  let inner = 1;
  const whole = (d: number) => starts[d] === 0 && steps[d] === 1 && sizes[d] === x.shape[d];
  while (axis > 0 && whole(axis)) inner *= x.shape[axis--];
  if (rank > 0 && steps[axis] !== 1 && inner > 1) {
    axis = rank - 1;
    inner = 1;
  }
  const rowLen = rank === 0 ? 1 : sizes[axis] * inner;
  const step = rank === 0 ? 1 : steps[axis];
  const rowStarts = total === 0 ? new Int32Array(0) : rowTable(sizes.slice(0, Math.max(axis, 0)), inStrides, starts, rank === 0 ? 0 : starts[axis] * inStrides[axis], steps);
  const [xRaw, yRaw] = [rawOf(x), rawOf(y)];
  const js = () => {
    copyRows(xRaw() as Int16Array, yRaw() as Int16Array, rowStarts, rowLen, true, step);
  };
  const from = { from: x, to: y, fromAt: starts.reduce((o, s, d) => o + s * inStrides[d], 0), toAt: 0, counts: sizes, fromStrides: steps.map((s, d) => s * inStrides[d]), toStrides: contiguous(sizes) };
  return prepareMovesSimd(ctx.simd?.(), [from], js) ?? js;
};

export const prepareConcatenation: PrepareKernel = (ctx) => {
  const y = ctx.outputs[0];
  const inputs = ctx.inputs.map((_, i) => input(ctx, i));
  const rank = y.shape.length;
  let axis = ctx.options?.int32(F.ConcatenationOptions.axis, 0) ?? 0;
  if (axis < 0) axis += rank;
  if ((ctx.options?.int8(F.ConcatenationOptions.fused_activation_function, 0) ?? 0) !== 0) fail(ctx, "fused activation is not supported");
  const outer = y.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = y.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const quantized = y.type !== TensorType.FLOAT32 && y.type !== TensorType.INT32 && y.type !== TensorType.INT64;
  // XNNPACK's delegate takes a uint8 concatenation of 2 to 4 inputs and copies their values without rescaling them
  // (measured against tfjs-tflite); with more inputs TFLite's own kernel rescales, as the reference one does
  const copiesRaw = ctx.xnnpackInt8 && y.type === TensorType.UINT8 && inputs.length >= 2 && inputs.length <= 4;
  const parts = inputs.map((t) => {
    const shape = extendShape(t.shape, rank);
    const rescale = quantized && !copiesRaw && (t.scale !== y.scale || t.zeroPoint !== y.zeroPoint);
    const scale = Math.fround(t.scale * Math.fround(1 / y.scale));
    return { t, raw: rawOf(t), chunk: shape[axis] * inner, rescale, scale, bias: Math.fround(-t.zeroPoint * scale) };
  });
  const yRaw = rawOf(y);
  const [qmin, qmax] = quantized ? integerRange(y.type) : [0, 0];
  const js = () => {
    const yd = y.data as Float32Array;
    let o = 0;
    for (let n = 0; n < outer; n++) {
      for (const p of parts) {
        const xd = p.t.data as Float32Array;
        const base = n * p.chunk;
        if (!p.rescale) {
          copyRun(yRaw(), o, p.raw(), base, p.chunk);
        } else {
          for (let k = 0; k < p.chunk; k++) {
            const v = roundHalfAway(Math.fround(Math.fround(xd[base + k] * p.scale) + p.bias)) + y.zeroPoint;
            yd[o + k] = v < qmin ? qmin : v > qmax ? qmax : v;
          }
        }
        o += p.chunk;
      }
    }
  };
  if (parts.some((p) => p.rescale)) return js;
  const total = parts.reduce((a, p) => a + p.chunk, 0);
  const offsets = parts.map((_, i) => parts.slice(0, i).reduce((a, p) => a + p.chunk, 0));
  return prepareMovesSimd(ctx.simd?.(), parts.map((p, i) => ({ from: p.t, to: y, fromAt: 0, toAt: offsets[i], counts: [outer, p.chunk], fromStrides: [p.chunk, 1], toStrides: [total, 1] })), js) ?? js;
};
