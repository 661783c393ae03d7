/**
 * ADD, SUB and MUL with broadcasting: float32 directly; quantized through TFLite's fixed-point rescaling
 * (inputs brought to a common scale with a 20-bit headroom for 8-bit types, 15 for int16), or XNNPACK's in the
 * xnnpack arithmetic. float32, int8, uint8 and int16 (zero points 0) run in WebAssembly SIMD where the broadcast allows
 * (float-elementwise-simd.ts, elementwise-simd.ts).
 */
import { F, TensorType } from "../schema";
import { fail, input, type KernelContext, type PrepareKernel } from "../kernel";
import { mulByQuantizedMultiplier, mulByQuantizedMultiplierSmallerThanOne, quantizeMultiplier, roundingDivideByPOT } from "../fixed-point";
import { extendShape, floatActivationRange, quantizedActivationRange, requireQuantized, stridesOf } from "./common";
import type { Tensor } from "../tensor";
import { EwiseKind, prepareQuantizedBinarySimd } from "./elementwise-simd";
import { FloatBinaryKind, prepareFloatBinarySimd } from "./float-elementwise-simd";
import { int16PotAddElement, int16PotShifts, int16ScalesArePowersOfTwo } from "./int16-pot-add";

type Op = "add" | "sub" | "mul";

const FLOAT_KINDS: Record<Op, FloatBinaryKind> = { add: FloatBinaryKind.Add, sub: FloatBinaryKind.Sub, mul: FloatBinaryKind.Mul };

/** For each output element, the flat index into each input (broadcast dimensions repeat). */
function broadcastIndices(a: Tensor, b: Tensor, y: Tensor): [Int32Array, Int32Array] | undefined {
  if (a.size === y.size && b.size === y.size) return undefined;
  const rank = Math.max(a.shape.length, b.shape.length, y.shape.length);
  const as = extendShape(a.shape, rank);
  const bs = extendShape(b.shape, rank);
  const ys = extendShape(y.shape, rank);
  const aStr = stridesOf(as).map((s, i) => (as[i] === 1 ? 0 : s));
  const bStr = stridesOf(bs).map((s, i) => (bs[i] === 1 ? 0 : s));
  const n = y.size;
  const ai = new Int32Array(n);
  const bi = new Int32Array(n);
  const idx = new Array<number>(rank).fill(0);
  for (let k = 0; k < n; k++) {
    let pa = 0;
    let pb = 0;
    for (let d = 0; d < rank; d++) {
      pa += idx[d] * aStr[d];
      pb += idx[d] * bStr[d];
    }
    ai[k] = pa;
    bi[k] = pb;
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < ys[d]) break;
      idx[d] = 0;
    }
  }
  return [ai, bi];
}

type FloatLoop = (ad: Float32Array, bd: Float32Array, yd: Float32Array, n: number, lo: number, hi: number) => void;
type MappedFloatLoop = (ad: Float32Array, bd: Float32Array, yd: Float32Array, ai: Int32Array, bi: Int32Array, lo: number, hi: number) => void;

// float32 a + b, a - b in double precision, clamped to the activation, stored to single: the same as rounding first (an
// exact nonzero sum of two floats never rounds to zero). a × b is rounded to single before the clamp, as TFLite does:
// a negative product that underflows is -0, which RELU and RELU6 keep (std::max(-0, 0) is -0)
const FLOAT_LOOPS: Record<Op, FloatLoop> = {
  add: (ad, bd, yd, n, lo, hi) => {
    for (let k = 0; k < n; k++) {
      const r = ad[k] + bd[k];
      yd[k] = r < lo ? lo : r > hi ? hi : r;
    }
  },
  sub: (ad, bd, yd, n, lo, hi) => {
    for (let k = 0; k < n; k++) {
      const r = ad[k] - bd[k];
      yd[k] = r < lo ? lo : r > hi ? hi : r;
    }
  },
  mul: (ad, bd, yd, n, lo, hi) => {
    for (let k = 0; k < n; k++) {
      const r = f32(ad[k] * bd[k]);
      yd[k] = r < lo ? lo : r > hi ? hi : r;
    }
  },
};

const FLOAT_MAPPED_LOOPS: Record<Op, MappedFloatLoop> = {
  add: (ad, bd, yd, ai, bi, lo, hi) => {
    for (let k = 0; k < ai.length; k++) {
      const r = ad[ai[k]] + bd[bi[k]];
      yd[k] = r < lo ? lo : r > hi ? hi : r;
    }
  },
  sub: (ad, bd, yd, ai, bi, lo, hi) => {
    for (let k = 0; k < ai.length; k++) {
      const r = ad[ai[k]] - bd[bi[k]];
      yd[k] = r < lo ? lo : r > hi ? hi : r;
    }
  },
  mul: (ad, bd, yd, ai, bi, lo, hi) => {
    for (let k = 0; k < ai.length; k++) {
      const r = f32(ad[ai[k]] * bd[bi[k]]);
      yd[k] = r < lo ? lo : r > hi ? hi : r;
    }
  },
};

function prepareElementwise(ctx: KernelContext, op: Op) {
  const a = input(ctx, 0);
  const b = input(ctx, 1);
  const y = ctx.outputs[0];
  const slot = op === "add" ? F.AddOptions.fused_activation_function : op === "sub" ? F.SubOptions.fused_activation_function : F.MulOptions.fused_activation_function;
  const activation = ctx.options?.int8(slot, 0) ?? 0;
  const map = broadcastIndices(a, b, y);
  const n = y.size;

  if (y.type === TensorType.FLOAT32 && a.type === TensorType.FLOAT32 && b.type === TensorType.FLOAT32) {
    // a loop of its own per operation and broadcast: the general one below tests both per element
    const [lo, hi] = floatActivationRange(ctx, activation);
    const loop = FLOAT_LOOPS[op];
    const mapped = FLOAT_MAPPED_LOOPS[op];
    const plain = map
      ? () => mapped(a.data as Float32Array, b.data as Float32Array, y.data as Float32Array, map[0], map[1], lo, hi)
      : () => loop(a.data as Float32Array, b.data as Float32Array, y.data as Float32Array, n, lo, hi);
    return prepareFloatBinarySimd(ctx.simd?.(), FLOAT_KINDS[op], a, b, y, lo, hi, plain) ?? plain;
  }

  if (y.type === TensorType.FLOAT32 || y.type === TensorType.INT32) {
    const [lo, hi] = y.type === TensorType.FLOAT32 ? floatActivationRange(ctx, activation) : [-2147483648, 2147483647];
    const int = y.type === TensorType.INT32;
    return () => {
      const ad = a.data as Float32Array;
      const bd = b.data as Float32Array;
      const yd = y.data as Float32Array;
      for (let k = 0; k < n; k++) {
        const u = ad[map ? map[0][k] : k];
        const v = bd[map ? map[1][k] : k];
        let r = op === "add" ? u + v : op === "sub" ? u - v : int ? Math.imul(u, v) : u * v;
        if (int) r |= 0;
        yd[k] = r < lo ? lo : r > hi ? hi : r;
      }
    };
  }

  if (y.type !== TensorType.INT8 && y.type !== TensorType.UINT8 && y.type !== TensorType.INT16) fail(ctx, `type ${y.typeName} is not supported`);
  if (a.type !== y.type || b.type !== y.type) fail(ctx, `mixed input types ${a.typeName}, ${b.typeName} → ${y.typeName} are not supported`);
  requireQuantized(ctx, a, "input 1");
  requireQuantized(ctx, b, "input 2");
  requireQuantized(ctx, y, "output");
  const [lo, hi] = quantizedActivationRange(ctx, activation, y);
  const aOff = -a.zeroPoint;
  const bOff = -b.zeroPoint;
  const yOff = y.zeroPoint;
  const eight = y.type === TensorType.INT8 || y.type === TensorType.UINT8;
  const arithmetic = quantizedArithmetic(ctx, op, a, b, y, eight);
  const element = arithmetic.element;
  const plain = () => {
    const ad = a.data as Int8Array;
    const bd = b.data as Int8Array;
    const yd = y.data as Int8Array;
    for (let k = 0; k < n; k++) {
      const r = element(ad[map ? map[0][k] : k], bd[map ? map[1][k] : k]);
      yd[k] = r < lo ? lo : r > hi ? hi : r;
    }
  };
  const heap = arithmetic.simd ? ctx.simd?.() : undefined;
  const fast = heap && prepareQuantizedBinarySimd(heap, eight ? 8 : 16, a, b, y, { ...arithmetic.simd!, aOffset: aOff, bOffset: bOff, yOffset: yOff, lo, hi }, plain);
  return fast || plain;
}

interface QuantizedArithmetic {
  /** raw input values → the output value before the clamp */
  element: (u: number, v: number) => number;
  /** the same for the WebAssembly loops (qbin and qbin16 in ../wasm/quantized-elementwise.wat), with their parameters */
  simd?: { kind: EwiseKind; words: number[] };
}

/** TFLite's reference kernels or, in the xnnpack arithmetic, XNNPACK's, as element functions. */
function quantizedArithmetic(ctx: KernelContext, op: Op, a: Tensor, b: Tensor, y: Tensor, eight: boolean): QuantizedArithmetic {
  const aOff = -a.zeroPoint;
  const bOff = -b.zeroPoint;
  const yOff = y.zeroPoint;
  if (ctx.xnnpackInt8 && eight) {
    if (op === "mul") {
      const scale = xnnpackMulScale(a, b, y);
      if (scale !== undefined) return { element: (u, v) => roundHalfEven(f32((u + aOff) * (v + bOff) * scale)) + yOff, simd: { kind: EwiseKind.XnnpackMul, words: [floatBits(scale)] } };
    } else {
      const add = xnnpackAddParameters(a, b, y, op === "sub");
      if (add) {
        const { bias, ma, mb, shift } = add;
        // |bias + u ma + v mb| < 2^31: the int32 sums of XNNPACK are exact doubles here, and floor is its shift
        const unit = 2 ** -shift;
        return { element: (u, v) => Math.floor((bias + u * ma + v * mb) * unit) + yOff, simd: { kind: EwiseKind.XnnpackAdd, words: [bias, ma, mb, shift] } };
      }
    }
  }
  if (op === "mul") {
    const { multiplier, shift } = quantizeMultiplier((a.scale * b.scale) / y.scale);
    const simd = shift <= 31 && shift >= -31 && (eight || y.zeroPoint === 0) ? { kind: EwiseKind.ReferenceMul, words: [multiplier, Math.max(shift, 0), Math.max(-shift, 0)] } : undefined;
    return { element: (u, v) => mulByQuantizedMultiplier(Math.imul(u + aOff, v + bOff), multiplier, shift) + yOff, simd };
  }
  if (y.type === TensorType.INT16) {
    const potOption = op === "add" ? F.AddOptions.pot_scale_int16 : F.SubOptions.pot_scale_int16;
    const pot = ctx.options?.bool(potOption, true) ?? true;
    if (pot && int16ScalesArePowersOfTwo(a, b, y)) {
      const shifts = int16PotShifts(ctx, a, b, y);
      const simd = shifts.sa <= 31 && shifts.sb <= 31 ? { kind: EwiseKind.Int16PotAdd, words: [shifts.sa, shifts.sb, op === "sub" ? -1 : 0] } : undefined;
      return { element: int16PotAddElement(shifts, op === "sub"), simd };
    }
  }
  const leftShift = y.type === TensorType.INT16 ? 15 : 20;
  const twiceMax = 2 * Math.max(a.scale, b.scale);
  const m1 = quantizeMultiplier(a.scale / twiceMax);
  const m2 = quantizeMultiplier(b.scale / twiceMax);
  const mo = quantizeMultiplier(twiceMax / (2 ** leftShift * y.scale));
  const scaleUp = 2 ** leftShift;
  const sign = op === "sub" ? -1 : 1;
  const rightShifts = [m1.shift, m2.shift, mo.shift].every((s) => s <= 0 && s >= -31);
  if (!eight && rightShifts && Math.abs(aOff) <= 32768 && Math.abs(bOff) <= 32768) {
    // int16: each input's rescale is exact in doubles (see int16Rescale), only the output's needs the 64-bit split
    const [e1, e2] = [-m1.shift, -m2.shift];
    return {
      element: (u, v) => mulByQuantizedMultiplierSmallerThanOne(int16Rescale(u + aOff, m1.multiplier, e1) + sign * int16Rescale(v + bOff, m2.multiplier, e2), mo.multiplier, mo.shift) + yOff,
      simd: { kind: EwiseKind.Int16Add, words: [m1.multiplier >>> 16, m1.multiplier & 0xffff, e1, m2.multiplier >>> 16, m2.multiplier & 0xffff, e2, mo.multiplier, -mo.shift, op === "sub" ? -1 : 0] },
    };
  }
  return {
    element: (u, v) => {
      const su = mulByQuantizedMultiplierSmallerThanOne((u + aOff) * scaleUp, m1.multiplier, m1.shift);
      const sv = mulByQuantizedMultiplierSmallerThanOne((v + bOff) * scaleUp, m2.multiplier, m2.shift);
      return mulByQuantizedMultiplierSmallerThanOne(su + sign * sv, mo.multiplier, mo.shift) + yOff;
    },
    // each input's multiplier in 16-bit halves: its rescale needs no 64-bit product then (see srdhm20 in qbin's generator)
    simd:
      eight && rightShifts
        ? { kind: EwiseKind.ReferenceAdd, words: [m1.multiplier >>> 16, m1.multiplier & 0xffff, -m1.shift, m2.multiplier >>> 16, m2.multiplier & 0xffff, -m2.shift, mo.multiplier, -mo.shift, op === "sub" ? -1 : 0] }
        : undefined,
  };
}

/**
 * mulByQuantizedMultiplierSmallerThanOne(x · 2^15, m, -e) for |x| < 2^16 and m in [0, 2^31), as the int16 ADD / SUB
 * rescale its inputs: with p = x · m (an exact double, below 2^47), SaturatingRoundingDoublingHighMul of x · 2^15 and
 * m is (p · 2^15 ± 2^30) / 2^31 truncated toward zero, i.e. floor((p + 2^15) / 2^16) for p ≥ 0 and
 * -floor((2^15 - 1 - p) / 2^16) below (gemmlowp's nudge is 1 - 2^30 there); then the rounding right shift by e.
 */
export function int16Rescale(x: number, m: number, e: number): number {
  const p = x * m;
  return roundingDivideByPOT(p >= 0 ? Math.floor((p + 32768) / 65536) : -Math.floor((32767 - p) / 65536), e);
}

const f32 = Math.fround;

function floatBits(f: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, f);
  return view.getUint32(0);
}

function bitsFloat(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, bits >>> 0);
  return view.getFloat32(0);
}

/** lrintf: to nearest, ties to even */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * XNNPACK's qs8/qu8 vadd (what the XNNPACK delegate runs for an 8-bit ADD or SUB): each input's scale over the
 * output's (single precision) as a multiplier of about 20 bits (2^shift times the larger ratio lies in [2^19, 2^20),
 * both exact integers by lrintf; SUB negates the second), the zero points and a rounding half folded into one bias,
 * one arithmetic shift right (halves up). The delegate takes only ratios in [2^-10, 2^8); for others TFLite's own
 * kernel runs (undefined here: the reference arithmetic).
 */
function xnnpackAddParameters(a: Tensor, b: Tensor, y: Tensor, subtract: boolean): { bias: number; ma: number; mb: number; shift: number } | undefined {
  const ra = f32(f32(a.scale) / f32(y.scale));
  const rb = f32(f32(b.scale) / f32(y.scale));
  const inRange = (r: number) => r >= 2 ** -10 && r < 2 ** 8;
  if (!inRange(ra) || !inRange(rb)) return undefined;
  const exponent = ((floatBits(Math.max(ra, rb)) >>> 23) & 0xff) - 127;
  const shift = 20 - exponent;
  // the ratio times 2^shift: its exponent field raised by shift
  const ma = roundHalfEven(bitsFloat(floatBits(ra) + (shift << 23)));
  const mb = (subtract ? -1 : 1) * roundHalfEven(bitsFloat(floatBits(rb) + (shift << 23)));
  return { bias: 2 ** (shift - 1) - ma * a.zeroPoint - mb * b.zeroPoint, ma, mb, shift };
}

/**
 * XNNPACK's qs8/qu8 vmul (fp32): the product of the offset inputs times (a_scale b_scale / y_scale) in single
 * precision, to nearest with ties to even. The delegate takes only product-to-output ratios in [2^-16, 2^8).
 */
function xnnpackMulScale(a: Tensor, b: Tensor, y: Tensor): number | undefined {
  const scale = f32(f32(f32(a.scale) * f32(b.scale)) / f32(y.scale));
  return scale >= 2 ** -16 && scale < 2 ** 8 ? scale : undefined;
}

export const prepareAdd: PrepareKernel = (ctx) => prepareElementwise(ctx, "add");
export const prepareSub: PrepareKernel = (ctx) => prepareElementwise(ctx, "sub");
export const prepareMul: PrepareKernel = (ctx) => prepareElementwise(ctx, "mul");
