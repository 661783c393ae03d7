/**
 * HARD_SWISH, x · relu6(x + 3) / 6: float32 (in WebAssembly SIMD where the tensors are in its heap,
 * float-unary-simd.ts; in the xnnpack arithmetic as XNNPACK orders it, relu6(x + 3) · (x · 1/6)), and int8/uint8 in TFLite's 16-bit fixed-point reference kernel
 * (the input on a 2^7 finer scale, a "relu-ish" factor in [0, 1], products rounded the way it rounds them).
 */
import { TensorType } from "../schema";
import { fail, input, type PrepareKernel } from "../kernel";
import { quantizeMultiplier, roundingDivideByPOT } from "../fixed-point";
import { integerRange } from "../tensor";
import { requireQuantized } from "./common";
import { byteLookup } from "./byte-lookup";
import { FloatUnaryKind, prepareFloatUnarySimd } from "./float-unary-simd";

const f32 = Math.fround;
const INT16_MIN = -32768;
const INT16_MAX = 32767;
const SIXTH = f32(1 / 6);

/** gemmlowp SaturatingRoundingDoublingHighMul on int16 */
function srdhm16(a: number, b: number): number {
  if (a === INT16_MIN && b === INT16_MIN) return INT16_MAX;
  const ab = a * b;
  const nudge = ab >= 0 ? 1 << 14 : 1 - (1 << 14);
  return Math.trunc((ab + nudge) / 32768);
}

/** SaturatingDoublingHighMul on int16: like the above, truncating instead of rounding */
function sdhm16(a: number, b: number): number {
  if (a === INT16_MIN && b === INT16_MIN) return INT16_MAX;
  return Math.trunc((a * b) / 32768);
}

function saturatingLeftShift16(v: number, amount: number): number {
  const r = v * 2 ** amount;
  return r < INT16_MIN ? INT16_MIN : r > INT16_MAX ? INT16_MAX : r;
}

/** DownScaleInt32ToInt16Multiplier */
function toInt16Multiplier(m: number): number {
  if (m >= 2147483647 - (1 << 15)) return INT16_MAX;
  return (m + (1 << 15)) >> 16;
}

export const prepareHardSwish: PrepareKernel = (ctx) => {
  const x = input(ctx, 0);
  const y = ctx.outputs[0];
  const n = y.size;
  if (x.size !== n || x.type !== y.type) fail(ctx, `input ${x.typeName} [${x.shape}] and output ${y.typeName} [${y.shape}] differ`);
  if (x.type === TensorType.FLOAT32) {
    if (ctx.xnnpackInt8) {
      // XNNPACK's vhswish, what tfjs-tflite runs: a product by 1/6 instead of the division (equal bit for bit)
      const xnnpack = () => {
        const xd = x.data as Float32Array;
        const yd = y.data as Float32Array;
        for (let i = 0; i < n; i++) {
          const v = xd[i];
          const t = f32(v + 3);
          yd[i] = (t < 0 ? 0 : t > 6 ? 6 : t) * f32(v * SIXTH);
        }
      };
      return prepareFloatUnarySimd(ctx.simd?.(), FloatUnaryKind.HardSwishXnnpack, x, y, xnnpack) ?? xnnpack;
    }
    const plain = () => {
      const xd = x.data as Float32Array;
      const yd = y.data as Float32Array;
      for (let i = 0; i < n; i++) {
        const v = xd[i];
        yd[i] = f32(v * Math.min(6, Math.max(0, f32(v + 3)))) / 6;
      }
    };
    return prepareFloatUnarySimd(ctx.simd?.(), FloatUnaryKind.HardSwish, x, y, plain) ?? plain;
  }
  if (x.type !== TensorType.INT8 && x.type !== TensorType.UINT8) fail(ctx, `type ${x.typeName} is not supported (supported: FLOAT32, INT8, UINT8)`);
  requireQuantized(ctx, x, "input");
  requireQuantized(ctx, y, "output");
  const hiresScale = f32(f32(1 / 128) * f32(x.scale));
  const out = quantizeMultiplier(f32(hiresScale / f32(y.scale)));
  if (out.shift > 0) fail(ctx, `output scale ${y.scale} is too small for input scale ${x.scale}`);
  const reluish = quantizeMultiplier(f32(hiresScale / f32(3 / 32768)));
  const outM = toInt16Multiplier(out.multiplier);
  const reluM = toInt16Multiplier(reluish.multiplier);
  const reluShift = reluish.shift;
  const [qmin, qmax] = integerRange(y.type);
  // the output depends on the 8-bit input value alone: the fixed-point arithmetic once per value, then a lookup
  return byteLookup(x, y, (q) => {
    const hires = (q - x.zeroPoint) * 128;
    const preshift = srdhm16(hires, outM);
    let r = hires;
    if (reluShift > 0) r = saturatingLeftShift16(r, reluShift - 1);
    r = srdhm16(r, reluM);
    if (reluShift > 0) r = saturatingLeftShift16(r, 1);
    if (reluShift < 0) r = roundingDivideByPOT(r, -reluShift);
    r = (r + 32768) >> 1;
    const v = roundingDivideByPOT(sdhm16(r, preshift), -out.shift) + y.zeroPoint;
    return v < qmin ? qmin : v > qmax ? qmax : v;
  }, ctx.simd?.());
};
