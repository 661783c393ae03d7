/**
 * AVERAGE_POOL_2D and MAX_POOL_2D over NHWC, float32 and quantized (int8/uint8/int16) as TFLite's reference
 * kernels; float MAX_POOL_2D in WebAssembly (f32x4, "fmaxpool" in ../wasm/int8.wat) where available, the others in
 * reduce-pool-simd.ts.
 */
import { F, TensorType } from "../schema";
import { fail, input, type KernelContext, type PrepareKernel } from "../kernel";
import { computePadding, floatActivationRange, quantizedActivationRange } from "./common";
import { ioRun } from "./int8-simd";
import { preparePoolSimd } from "./reduce-pool-simd";

function preparePool(ctx: KernelContext, average: boolean) {
  const x = input(ctx, 0);
  const y = ctx.outputs[0];
  const P = F.Pool2DOptions;
  const o = ctx.options;
  if (!o) fail(ctx, "missing Pool2DOptions");
  if (x.shape.length !== 4 || y.shape.length !== 4) fail(ctx, "input and output must be 4-D");
  const strideW = o.int32(P.stride_w, 1);
  const strideH = o.int32(P.stride_h, 1);
  const fW = o.int32(P.filter_width, 1);
  const fH = o.int32(P.filter_height, 1);
  const activation = o.int8(P.fused_activation_function, 0);
  const [batches, inH, inW, depth] = x.shape;
  const [, outH, outW] = y.shape;
  const padH = computePadding(o.int8(P.padding, 0), strideH, 1, inH, fH, outH).before;
  const padW = computePadding(o.int8(P.padding, 0), strideW, 1, inW, fW, outW).before;
  const float = x.type === TensorType.FLOAT32;
  if (!float && x.type !== TensorType.INT8 && x.type !== TensorType.UINT8 && x.type !== TensorType.INT16) fail(ctx, `input type ${x.typeName} is not supported`);
  const [lo, hi] = float ? floatActivationRange(ctx, activation) : quantizedActivationRange(ctx, activation, y);
  const vector = float && !average ? undefined : preparePoolSimd(ctx.simd?.(), average, x, y, { batches, inH, inW, depth, outH, outW, strideH, strideW, fH, fW, padH, padW }, lo, hi);
  if (vector) return vector;
  const heap = float && !average ? ctx.simd?.() : undefined;
  if (heap) {
    const ex = heap.exports;
    const spill = heap.alloc(16);
    return ioRun(heap, x, y, (xPtr, yPtr) => {
      ex.set_fop(0, lo, hi, spill);
      ex.fmaxpool(xPtr, yPtr, batches, inH, inW, depth, outH, outW, strideH, strideW, fH, fW, padH, padW);
    });
  }
  if (float && !average) return () => floatMaxPool(x.data as Float32Array, y.data as Float32Array, batches, inH, inW, depth, outH, outW, strideH, strideW, fH, fW, padH, padW, lo, hi);
  return () => {
    const xd = x.data as Float32Array | Int8Array;
    const yd = y.data as Float32Array | Int8Array;
    let yi = 0;
    for (let n = 0; n < batches; n++) {
      for (let oy = 0; oy < outH; oy++) {
        const y0 = oy * strideH - padH;
        const fy0 = Math.max(0, -y0);
        const fy1 = Math.min(fH, inH - y0);
        for (let ox = 0; ox < outW; ox++) {
          const x0 = ox * strideW - padW;
          const fx0 = Math.max(0, -x0);
          const fx1 = Math.min(fW, inW - x0);
          const count = (fy1 - fy0) * (fx1 - fx0);
          for (let c = 0; c < depth; c++) {
            let acc = average ? 0 : -Infinity;
            for (let fy = fy0; fy < fy1; fy++) {
              const row = ((n * inH + y0 + fy) * inW + x0) * depth + c;
              for (let fx = fx0; fx < fx1; fx++) {
                const v = xd[row + fx * depth];
                if (average) acc += v;
                else if (v > acc) acc = v;
              }
            }
            let v: number;
            if (!average) v = acc;
            else if (float) v = Math.fround(acc) / count;
            else {
              // integer division truncating toward zero, rounded half away
              const half = Math.trunc(count / 2);
              v = acc > 0 ? Math.trunc((acc + half) / count) : Math.trunc((acc - half) / count);
            }
            yd[yi++] = v < lo ? lo : v > hi ? hi : v;
          }
        }
      }
    }
  };
}

/**
 * float MAX_POOL_2D in a function of its own, so that its element accesses only ever see Float32Array (the
 * shared loop above also sees int8 tensors and runs several times slower once it has); channels innermost.
 */
function floatMaxPool(xd: Float32Array, yd: Float32Array, batches: number, inH: number, inW: number, depth: number, outH: number, outW: number, strideH: number, strideW: number, fH: number, fW: number, padH: number, padW: number, lo: number, hi: number): void {
  let yi = 0;
  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const y0 = oy * strideH - padH;
      const fy0 = Math.max(0, -y0);
      const fy1 = Math.min(fH, inH - y0);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = ox * strideW - padW;
        const fx0 = Math.max(0, -x0);
        const fx1 = Math.min(fW, inW - x0);
        for (let c = 0; c < depth; c++) yd[yi + c] = -Infinity;
        for (let fy = fy0; fy < fy1; fy++) {
          for (let fx = fx0; fx < fx1; fx++) {
            const at = ((n * inH + y0 + fy) * inW + x0 + fx) * depth;
            for (let c = 0; c < depth; c++) {
              const v = xd[at + c];
              if (v > yd[yi + c]) yd[yi + c] = v;
            }
          }
        }
        for (let c = 0; c < depth; c++) {
          const v = yd[yi + c];
          yd[yi + c] = v < lo ? lo : v > hi ? hi : v;
        }
        yi += depth;
      }
    }
  }
}

export const prepareAveragePool2d: PrepareKernel = (ctx) => preparePool(ctx, true);
export const prepareMaxPool2d: PrepareKernel = (ctx) => preparePool(ctx, false);
