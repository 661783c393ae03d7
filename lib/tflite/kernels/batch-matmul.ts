/**
 * BATCH_MATMUL: [..., M, K] × [..., K, N] → [..., M, N] with broadcast batch dimensions and adj_x / adj_y;
 * float32 summed in single precision, int8 with an int32 accumulator and TFLite's fixed-point requantization (in the
 * xnnpack arithmetic XNNPACK's single-precision one, as tfjs-tflite runs it), int16 (zero points 0) with an int64
 * accumulator and the 64-bit requantization of TFLite's reference kernel (XNNPACK takes no int16 one).
 */
import { F, TensorType } from "../schema";
import { fail, input, type PrepareKernel } from "../kernel";
import { mulByQuantizedMultiplier, quantizeMultiplier } from "../fixed-point";
import { int16Requantizer } from "./int16-requantizer";
import { integerRange } from "../tensor";
import { extendShape, requireQuantized, stridesOf } from "./common";
import { broadcastShape } from "./broadcast";
import { requantizeFp32 } from "./quantized-multipliers";
import { prepareBatchMatmulSimd } from "./matrix-simd";

type Elements = { [i: number]: number; length: number };

const f32 = Math.fround;

export const prepareBatchMatmul: PrepareKernel = (ctx) => {
  const a = input(ctx, 0);
  const b = input(ctx, 1);
  const y = ctx.outputs[0];
  if (a.shape.length < 2 || b.shape.length < 2) fail(ctx, "both operands need at least two dimensions");
  if (a.type !== b.type || y.type !== a.type) fail(ctx, `types ${a.typeName} × ${b.typeName} → ${y.typeName} are not supported`);
  if (a.type !== TensorType.FLOAT32 && a.type !== TensorType.INT8 && a.type !== TensorType.INT16) fail(ctx, `type ${a.typeName} is not supported (supported: FLOAT32, INT8, INT16)`);
  const adjX = ctx.options?.bool(F.BatchMatMulOptions.adj_x, false) ?? false;
  const adjY = ctx.options?.bool(F.BatchMatMulOptions.adj_y, false) ?? false;
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const [m, k] = adjX ? [ac, ar] : [ar, ac];
  const [k2, n] = adjY ? [bc, br] : [br, bc];
  if (k !== k2) fail(ctx, `inner dimensions ${k} and ${k2} differ`);
  const batch = broadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  if (!batch) fail(ctx, `batch dimensions of [${a.shape}] and [${b.shape}] do not broadcast`);
  if ([...batch, m, n].reduce((p, d) => p * d, 1) !== y.size) fail(ctx, `output [${y.shape}] is not [${[...batch, m, n]}]`);
  const rank = batch.length;
  const aBatch = extendShape(a.shape.slice(0, -2), rank);
  const bBatch = extendShape(b.shape.slice(0, -2), rank);
  const aStr = stridesOf(aBatch).map((s, i) => (aBatch[i] === 1 ? 0 : s));
  const bStr = stridesOf(bBatch).map((s, i) => (bBatch[i] === 1 ? 0 : s));
  const batches = batch.reduce((p, d) => p * d, 1);
  const aOffsets = new Int32Array(batches);
  const bOffsets = new Int32Array(batches);
  const idx = new Array<number>(rank).fill(0);
  for (let t = 0; t < batches; t++) {
    aOffsets[t] = idx.reduce((o, v, d) => o + v * aStr[d], 0) * ar * ac;
    bOffsets[t] = idx.reduce((o, v, d) => o + v * bStr[d], 0) * br * bc;
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < batch[d]) break;
      idx[d] = 0;
    }
  }
  // element strides of A[i][p] and B[p][j] after the adjoints
  const [aI, aP] = adjX ? [1, ac] : [ac, 1];
  const [bP, bJ] = adjY ? [1, bc] : [bc, 1];
  const float = a.type === TensorType.FLOAT32;
  let requant = { multiplier: 0, shift: 0 };
  let xnnScale = 0;
  let [qmin, qmax] = [0, 0];
  if (!float) {
    requireQuantized(ctx, a, "input 1");
    requireQuantized(ctx, b, "input 2");
    requireQuantized(ctx, y, "output");
    if (a.type === TensorType.INT16 && (a.zeroPoint !== 0 || b.zeroPoint !== 0 || y.zeroPoint !== 0)) fail(ctx, `INT16 zero points ${a.zeroPoint}, ${b.zeroPoint}, ${y.zeroPoint} are not supported (TFLite requires 0)`);
    // GetQuantizedConvolutionMultipler: the input product in single precision, the division in double
    requant = quantizeMultiplier(f32(a.scale * b.scale) / y.scale);
    if (ctx.xnnpackInt8 && a.type === TensorType.INT8) xnnScale = f32(f32(a.scale * b.scale) / y.scale);
    [qmin, qmax] = integerRange(y.type);
  }
  const wide = a.type === TensorType.INT16;
  const aOff = -a.zeroPoint;
  const bOff = -b.zeroPoint;
  const yZero = y.zeroPoint;
  const requant64 = int16Requantizer(Int32Array.of(requant.multiplier), Int32Array.of(requant.shift));
  // an integer accumulator to its output value
  const finish = (acc: number) => {
    const scaled = xnnScale ? requantizeFp32(acc, xnnScale) : wide ? requant64(acc, 0) : mulByQuantizedMultiplier(acc, requant.multiplier, requant.shift);
    const r = scaled + yZero;
    return r < qmin ? qmin : r > qmax ? qmax : r;
  };
  const plain = () => {
    const ad = a.data as Elements;
    const bd = b.data as Elements;
    const yd = y.data as Elements;
    let o = 0;
    for (let t = 0; t < batches; t++) {
      const ab = aOffsets[t];
      const bb = bOffsets[t];
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let acc = 0;
          if (float) for (let p = 0; p < k; p++) acc = f32(acc + f32(ad[ab + i * aI + p * aP] * bd[bb + p * bP + j * bJ]));
          else for (let p = 0; p < k; p++) acc += (ad[ab + i * aI + p * aP] + aOff) * (bd[bb + p * bP + j * bJ] + bOff);
          yd[o++] = float ? acc : finish(acc);
        }
      }
    }
  };
  return prepareBatchMatmulSimd(ctx.simd?.(), { a, b, y, m, n, k, batches, aOffsets, bOffsets, aI, aP, bP, bJ, aOff, bOff, float }, finish, plain) ?? plain;
};
