/**
 * RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR (any element type), with align_corners and half_pixel_centers.
 * Bilinear: float32 in single precision; int8 in TFLite's 10-bit fixed-point interpolation and uint8 as TFLite's own
 * uint8 kernel (single-precision weights), or, in the xnnpack arithmetic, both as XNNPACK's 11-bit one (in
 * WebAssembly SIMD where available).
 */
import { F, TensorType } from "../schema";
import { fail, input, type KernelContext, type PrepareKernel } from "../kernel";
import type { Tensor } from "../tensor";
import type { WasmHeap } from "../wasm-kernels";
import { ioRun } from "./int8-simd";
import { prepareBilinearSimd, prepareNearestSimd } from "./data-movement-simd";

type Elements = { [i: number]: number; length: number };

const f32 = Math.fround;

interface Geometry {
  x: Tensor;
  y: Tensor;
  batches: number;
  inH: number;
  inW: number;
  outH: number;
  outW: number;
  depth: number;
  alignCorners: boolean;
  halfPixel: boolean;
}

function geometry(ctx: KernelContext, nearest: boolean): Geometry {
  const x = input(ctx, 0);
  const size = input(ctx, 1);
  const y = ctx.outputs[0];
  if (x.shape.length !== 4) fail(ctx, `input [${x.shape}] is not 4-D`);
  if (!size.isConstant || size.size !== 2) fail(ctx, "the size must be a constant of two elements");
  if (x.type !== y.type) fail(ctx, `input ${x.typeName} and output ${y.typeName} differ`);
  if (x.scales.length && (x.scale !== y.scale || x.zeroPoint !== y.zeroPoint)) fail(ctx, "input and output quantization differ");
  const [batches, inH, inW, depth] = x.shape;
  const outH = Number(size.data[0]);
  const outW = Number(size.data[1]);
  if ([batches, outH, outW, depth].join() !== y.shape.join()) fail(ctx, `output [${y.shape}] is not [${batches}, ${outH}, ${outW}, ${depth}]`);
  const S = nearest ? F.ResizeNearestNeighborOptions : F.ResizeBilinearOptions;
  const alignCorners = ctx.options?.bool(S.align_corners, false) ?? false;
  const halfPixel = ctx.options?.bool(S.half_pixel_centers, false) ?? false;
  if (alignCorners && halfPixel) fail(ctx, "align_corners and half_pixel_centers cannot both be set");
  return { x, y, batches, inH, inW, outH, outW, depth, alignCorners, halfPixel };
}

/** Per output coordinate: the two input rows/columns and the interpolation weight of the upper one. */
function floatAxis(outSize: number, inSize: number, g: Geometry) {
  let scale = f32(inSize / outSize);
  if (g.alignCorners && outSize > 1) scale = f32((inSize - 1) / (outSize - 1));
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const frac = new Float32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const v = g.halfPixel ? f32(f32(f32(i + 0.5) * scale) - 0.5) : f32(i * scale);
    lo[i] = Math.max(Math.floor(v), 0);
    hi[i] = Math.min(Math.ceil(v), inSize - 1);
    frac[i] = f32(v - lo[i]);
  }
  return { lo, hi, frac };
}

function integerAxis(outSize: number, inSize: number, g: Geometry) {
  let scale = Math.trunc((1024 * inSize + Math.trunc(outSize / 2)) / outSize);
  if (g.alignCorners && outSize > 1) scale = Math.trunc((1024 * (inSize - 1) + Math.trunc((outSize - 1) / 2)) / (outSize - 1));
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const frac = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const v = g.halfPixel ? i * scale + Math.trunc(scale / 2) - 512 : i * scale;
    lo[i] = Math.max(Math.trunc(v / 1024), 0);
    hi[i] = Math.min(Math.trunc((v + 1023) / 1024), inSize - 1);
    frac[i] = v - 1024 * lo[i];
  }
  return { lo, hi, frac };
}

export const prepareResizeBilinear: PrepareKernel = (ctx) => {
  const g = geometry(ctx, false);
  const { x, y, batches, inH, inW, outH, outW, depth } = g;
  const at = (b: number, h: number, w: number) => ((b * inH + h) * inW + w) * depth;
  if (x.type === TensorType.FLOAT32) {
    const ry = floatAxis(outH, inH, g);
    const rx = floatAxis(outW, inW, g);
    const js = () => {
      const xd = x.data as Float32Array;
      const yd = y.data as Float32Array;
      let o = 0;
      for (let b = 0; b < batches; b++) {
        for (let i = 0; i < outH; i++) {
          const dy = ry.frac[i];
          const ey = f32(1 - dy);
          for (let j = 0; j < outW; j++) {
            const dx = rx.frac[j];
            const ex = f32(1 - dx);
            const p00 = at(b, ry.lo[i], rx.lo[j]);
            const p10 = at(b, ry.hi[i], rx.lo[j]);
            const p01 = at(b, ry.lo[i], rx.hi[j]);
            const p11 = at(b, ry.hi[i], rx.hi[j]);
            for (let c = 0; c < depth; c++) {
              const s = f32(f32(f32(f32(xd[p00 + c] * ey) * ex) + f32(f32(xd[p10 + c] * dy) * ex)) + f32(f32(xd[p01 + c] * ey) * dx));
              yd[o++] = f32(s + f32(f32(xd[p11 + c] * dy) * dx));
            }
          }
        }
      }
    };
    return prepareBilinearSimd(ctx.simd?.(), "f32", g, ry, rx, js) ?? js;
  }
  // 8-bit in the xnnpack arithmetic: XNNPACK's u8 kernel is its s8 one on unsigned values
  if (ctx.xnnpackInt8 && (x.type === TensorType.INT8 || x.type === TensorType.UINT8)) {
    const heap = ctx.simd?.();
    const js = xnnpackBilinear(g);
    // two passes, each source row's column interpolation once: where both tensors live in the heap
    const ry = xnnpackAxis(outH, inH, g);
    const rx = xnnpackAxis(outW, inW, g);
    const kind = x.type === TensorType.UINT8 ? "q11u8" : "q11s8";
    const rows = { lo: ry.lo, hi: ry.hi, frac: ry.alpha };
    const cols = { lo: rx.lo, hi: rx.hi, frac: rx.alpha };
    return prepareBilinearSimd(heap, kind, g, rows, cols, js) ?? (heap ? xnnpackBilinearSimd(heap, g) : js);
  }
  if (x.type === TensorType.UINT8) {
    const heap = ctx.simd?.();
    const js = tfliteUint8Bilinear(g);
    // per output element rather than fbilinear8's four channels at once: faster where images have few channels
    return prepareBilinearSimd(heap, "u8", g, floatAxis(outH, inH, g), floatAxis(outW, inW, g), js) ?? (heap ? tfliteUint8BilinearSimd(heap, g) : js);
  }
  // int8 and int16 (XNNPACK takes no int16: TFLite's ResizeBilinearInteger in both arithmetics)
  if (x.type !== TensorType.INT8 && x.type !== TensorType.INT16) fail(ctx, `type ${x.typeName} is not supported (supported: FLOAT32, INT8, UINT8, INT16)`);
  const ry = integerAxis(outH, inH, g);
  const rx = integerAxis(outW, inW, g);
  const js = () => {
    const xd = x.data as Elements;
    const yd = y.data as Elements;
    let o = 0;
    for (let b = 0; b < batches; b++) {
      for (let i = 0; i < outH; i++) {
        const dy = ry.frac[i];
        for (let j = 0; j < outW; j++) {
          const dx = rx.frac[j];
          const p00 = at(b, ry.lo[i], rx.lo[j]);
          const p10 = at(b, ry.hi[i], rx.lo[j]);
          const p01 = at(b, ry.lo[i], rx.hi[j]);
          const p11 = at(b, ry.hi[i], rx.hi[j]);
          for (let c = 0; c < depth; c++) {
            // weights in 1/1024 steps: the sum is a 20-bit fixed-point value, rounded half away from zero
            const v = xd[p00 + c] * (1024 - dy) * (1024 - dx) + xd[p10 + c] * dy * (1024 - dx) + xd[p01 + c] * (1024 - dy) * dx + xd[p11 + c] * dy * dx;
            yd[o++] = Math.trunc((v + (v > 0 ? 524288 : -524288)) / 1048576);
          }
        }
      }
    }
  };
  return prepareBilinearSimd(ctx.simd?.(), x.type === TensorType.INT8 ? "i8" : "i16", g, ry, rx, js) ?? js;
};

export const prepareResizeNearestNeighbor: PrepareKernel = (ctx) => {
  const g = geometry(ctx, true);
  const { x, y, batches, inH, inW, outH, outW, depth, alignCorners, halfPixel } = g;
  const nearest = (out: number, inSize: number, outSize: number) => {
    const scale = alignCorners && outSize > 1 ? f32((inSize - 1) / f32(outSize - 1)) : f32(inSize / f32(outSize));
    const v = f32(f32(out + (halfPixel ? 0.5 : 0)) * scale);
    let r = Math.min(alignCorners ? (v < 0 ? -Math.round(-v) : Math.round(v)) : Math.floor(v), inSize - 1);
    if (halfPixel) r = Math.max(0, r);
    return r;
  };
  const rows = Int32Array.from({ length: outH }, (_, i) => nearest(i, inH, outH));
  const cols = Int32Array.from({ length: outW }, (_, j) => nearest(j, inW, outW));
  const js = () => {
    const xd = x.data as Elements;
    const yd = y.data as Elements;
    let o = 0;
    for (let b = 0; b < batches; b++) {
      for (let i = 0; i < outH; i++) {
        for (let j = 0; j < outW; j++) {
          const p = ((b * inH + rows[i]) * inW + cols[j]) * depth;
          for (let c = 0; c < depth; c++) yd[o++] = xd[p + c];
        }
      }
    }
  };
  return prepareNearestSimd(ctx.simd?.(), g, rows, cols, js) ?? js;
};

/** lrintf: to nearest, ties to even */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** An axis's two source taps per output coordinate as element offsets: rows times the row size, columns times the depth. */
function tapOffsets(axis: { lo: Int32Array; hi: Int32Array }, stride: number) {
  return { lo: Int32Array.from(axis.lo, (v) => v * stride), hi: Int32Array.from(axis.hi, (v) => v * stride) };
}

/**
 * The parameter block the WebAssembly bilinear kernels read, placed in the heap: `leading` words, the shape, the image
 * size, then for rows and for columns the two taps' element offsets and the weights.
 */
function placeBilinearBlock(heap: WasmHeap, g: Geometry, leading: number[], ry: { lo: Int32Array; hi: Int32Array }, rowWeights: Int32Array | Float32Array, rx: { lo: Int32Array; hi: Int32Array }, colWeights: Int32Array | Float32Array): number {
  const { batches, inH, inW, outH, outW, depth } = g;
  const rowSize = inW * depth;
  const rows = tapOffsets(ry, rowSize);
  const cols = tapOffsets(rx, depth);
  const words = Int32Array.from([...leading, batches, outH, outW, depth, inH * rowSize, heap.place(rows.lo), heap.place(rows.hi), heap.place(rowWeights), heap.place(cols.lo), heap.place(cols.hi), heap.place(colWeights)]);
  return heap.place(words);
}

/** XNNPACK's axis mapping: single-precision source coordinates, weights in 1/2048 steps (its q11 indirection). */
function xnnpackAxis(outSize: number, inSize: number, g: Geometry) {
  const adjust = g.alignCorners && outSize !== 1 ? 1 : 0;
  const scale = f32(f32(inSize - adjust) / f32(outSize - adjust));
  const max = inSize - 1;
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const alpha = new Int32Array(outSize);
  const offset = f32(f32(0.5 * scale) - 0.5);
  for (let i = 0; i < outSize; i++) {
    let v: number;
    if (!g.halfPixel || g.alignCorners) v = f32(i * scale);
    else v = Math.min(Math.max(f32(f32(i * scale) + offset), 0), max);
    lo[i] = Math.trunc(v);
    hi[i] = Math.min(lo[i] + 1, max);
    alpha[i] = roundHalfEven(f32(v - lo[i]) * 2048);
  }
  return { lo, hi, alpha };
}

/** int8 and uint8 RESIZE_BILINEAR as the XNNPACK delegate computes it (tfjs-tflite, TFLite on phones and desktops). */
function xnnpackBilinear(g: Geometry) {
  const { x, y, batches, inH, inW, outH, outW, depth } = g;
  const ry = xnnpackAxis(outH, inH, g);
  const rx = xnnpackAxis(outW, inW, g);
  // the two source columns of every output column, as element offsets within a row
  const { lo: left, hi: right } = tapOffsets(rx, depth);
  const rowSize = inW * depth;
  return () => {
    const xd = x.data as Int8Array;
    const yd = y.data as Int8Array;
    let o = 0;
    for (let b = 0; b < batches; b++) {
      const image = b * inH * rowSize;
      for (let i = 0; i < outH; i++) {
        const av = ry.alpha[i];
        const top = image + ry.lo[i] * rowSize;
        const bottom = image + ry.hi[i] * rowSize;
        for (let j = 0; j < outW; j++) {
          const ah = rx.alpha[j];
          const tl = top + left[j];
          const tr = top + right[j];
          const bl = bottom + left[j];
          const br = bottom + right[j];
          for (let c = 0; c < depth; c++) {
            const p = xd[tl + c];
            const q = xd[bl + c];
            const t = (p << 11) + (xd[tr + c] - p) * ah;
            const u = (q << 11) + (xd[br + c] - q) * ah;
            // t (2048 - av) + u av lies within 255 · 2^22 in magnitude: int32 throughout, the shift is XNNPACK's
            yd[o++] = ((t << 11) + (u - t) * av + 0x200000) >> 22;
          }
        }
      }
    }
  };
}

/** xnnpackBilinear in WebAssembly SIMD ("ibilinear" in ../wasm/int8.wat), four channels at a time. */
function xnnpackBilinearSimd(heap: WasmHeap, g: Geometry) {
  const { x, y, inH, inW, outH, outW } = g;
  const ry = xnnpackAxis(outH, inH, g);
  const rx = xnnpackAxis(outW, inW, g);
  const block = placeBilinearBlock(heap, g, [x.data instanceof Uint8Array ? 1 : 0], ry, ry.alpha, rx, rx.alpha);
  const ex = heap.exports;
  return ioRun(heap, x, y, (xPtr, yPtr) => ex.ibilinear(xPtr, yPtr, block));
}

/**
 * uint8 RESIZE_BILINEAR in the reference arithmetic: TFLite's own uint8 kernel (what TFLite without a delegate runs,
 * ResizeBilinearGenericSmallChannel): the four weights as single-precision products, the taps summed in the order
 * top-left, top-right, bottom-left, bottom-right, plus one half, truncated.
 */
function tfliteUint8Bilinear(g: Geometry) {
  const { x, y, batches, inH, inW, outH, outW, depth } = g;
  const ry = floatAxis(outH, inH, g);
  const rx = floatAxis(outW, inW, g);
  const rowSize = inW * depth;
  return () => {
    const xd = x.data as Uint8Array;
    const yd = y.data as Uint8Array;
    let o = 0;
    for (let b = 0; b < batches; b++) {
      const image = b * inH * rowSize;
      for (let i = 0; i < outH; i++) {
        const dy = ry.frac[i];
        const ey = f32(1 - dy);
        const top = image + ry.lo[i] * rowSize;
        const bottom = image + ry.hi[i] * rowSize;
        for (let j = 0; j < outW; j++) {
          const dx = rx.frac[j];
          const ex = f32(1 - dx);
          const w00 = f32(ey * ex);
          const w10 = f32(dy * ex);
          const w01 = f32(ey * dx);
          const w11 = f32(dy * dx);
          const tl = top + rx.lo[j] * depth;
          const tr = top + rx.hi[j] * depth;
          const bl = bottom + rx.lo[j] * depth;
          const br = bottom + rx.hi[j] * depth;
          for (let c = 0; c < depth; c++) {
            const v = f32(f32(f32(f32(f32(xd[tl + c] * w00) + f32(xd[tr + c] * w01)) + f32(xd[bl + c] * w10)) + f32(xd[br + c] * w11)) + 0.5);
            yd[o++] = v;
          }
        }
      }
    }
  };
}

/** tfliteUint8Bilinear in WebAssembly SIMD ("fbilinear8" in ../wasm/int8.wat), four channels at a time. */
function tfliteUint8BilinearSimd(heap: WasmHeap, g: Geometry) {
  const { x, y, inH, inW, outH, outW } = g;
  const ry = floatAxis(outH, inH, g);
  const rx = floatAxis(outW, inW, g);
  const block = placeBilinearBlock(heap, g, [], ry, ry.frac, rx, rx.frac);
  const ex = heap.exports;
  return ioRun(heap, x, y, (xPtr, yPtr) => ex.fbilinear8(xPtr, yPtr, block));
}
