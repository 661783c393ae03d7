/**
 * int16x8 LOGISTIC, TANH and SOFTMAX (int16 activations, zero points 0), as TFLite computes them:
 * - reference (tflite-micro, TFLite's reference kernels): LOGISTIC and TANH through the 256-entry sigmoid table of
 *   reference_integer_ops with linear interpolation, the input rescaled to 1/(3·4096) steps; SOFTMAX through two
 *   513-entry interpolated tables (exp on [-10, 0] and 1/(1+x) on [0, 1]).
 * - xnnpack (what tfjs-tflite runs: XNNPACK takes no int16, so TFLite's optimized builtin kernels): for an input
 *   scale that is a power of two (2^-12, or 2^-11 for TANH) gemmlowp's int16 fixed-point logistic / tanh, the table
 *   otherwise; SOFTMAX as the reference but with tables computed in double precision (an older TFLite's).
 */
import { TensorType } from "../schema";
import { fail, type KernelContext, type Invoke } from "../kernel";
import { mulByQuantizedMultiplier, quantizeMultiplier, roundHalfAway } from "../fixed-point";
import { logistic16, tanh16 } from "./lstm-fixed-point";
import type { Tensor } from "../tensor";
import { prepareInt16SoftmaxSimd } from "./quantized-softmax-simd";

const f32 = Math.fround;
const wrap16 = (v: number): number => (v << 16) >> 16;

/** sigmoid(x) for x = k/32 (k = 0..255, up to 8) in 1/65536 steps: reference_integer_ops' sigmoid_table_uint16 */
// prettier-ignore
const SIGMOID_TABLE = Uint16Array.from([
  32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794, 41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255,
  46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409, 51865, 52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174,
  56503, 56823, 57133, 57433, 57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110, 61279, 61441,
  61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186, 63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835,
  63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308, 64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845,
  64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258,
  65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367, 65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425,
  65429, 65433, 65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491,
  65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513, 65514, 65515, 65516, 65517, 65517, 65518,
  65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524, 65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529,
  65529, 65529, 65530, 65530, 65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533, 65533, 65533,
  65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535,
]);

/** CheckedLog2 (single precision): the rounded log2 of x and whether x is a power of two to 1e-3 in the exponent. */
function checkedLog2(x: number): { log2: number; pot: boolean } {
  const l = f32(f32(Math.log(f32(x))) * f32(1 / f32(Math.log(2))));
  const rounded = roundHalfAway(l);
  return { log2: rounded, pot: Math.abs(f32(l - rounded)) < 1e-3 };
}

interface SigmoidParams {
  /** 0 where the input scale is a power of two the fixed-point kernels take */
  multiplier: number;
  leftShift: number;
}

/** The Prepare of int16 LOGISTIC / TANH: zero points, output scale 2^-15, the input rescaling. */
function sigmoidParams(ctx: KernelContext, x: Tensor, y: Tensor, maxPotShift: number): SigmoidParams {
  if (y.type !== TensorType.INT16) fail(ctx, `INT16 input with ${y.typeName} output is not supported`);
  if (x.zeroPoint !== 0 || y.zeroPoint !== 0) fail(ctx, `int16 input and output need zero point 0 (have ${x.zeroPoint}, ${y.zeroPoint})`);
  const out = checkedLog2(y.scale);
  if (!out.pot || out.log2 !== -15) fail(ctx, `int16 output scale must be 2^-15 (is ${y.scale})`);
  const input = checkedLog2(x.scale);
  const shift = 12 + input.log2;
  if (input.pot && shift >= 0 && shift <= maxPotShift) return { multiplier: 0, leftShift: shift };
  // rescale to 1/(3·4096) steps: the table covers [-10.7, 10.7] in ±2^17
  let multiplier = f32(x.scale) * 4096 * 3;
  let leftShift = 0;
  while (multiplier <= 32767 / 2 && leftShift <= 30) {
    leftShift++;
    multiplier *= 2;
  }
  return { multiplier: Math.trunc(multiplier), leftShift };
}

/** reference_integer_ops::Logistic (int16) */
export function logisticTable(v: number, p: SigmoidParams): number {
  const multiplier = p.multiplier === 0 ? 3 << p.leftShift : p.multiplier;
  const shift = p.multiplier === 0 ? 0 : p.leftShift;
  const round = shift > 0 ? 1 << (shift - 1) : 0;
  const input = (v * multiplier + round) >> shift;
  const abs = Math.abs(input);
  const uh = abs >>> 9;
  let result: number;
  if (uh >= 255) result = 0x7fff << 10;
  else {
    const ua = SIGMOID_TABLE[uh];
    const ub = SIGMOID_TABLE[uh + 1];
    result = ua * 512 + (abs & 0x1ff) * (ub - ua);
  }
  result = input >= 0 ? result + 512 : (1 << 25) - result + 512 - 1;
  return wrap16(Math.floor(result / 1024));
}

/** reference_integer_ops::Tanh (int16) */
export function tanhTable(v: number, p: SigmoidParams): number {
  const multiplier = p.multiplier === 0 ? 3 << p.leftShift : p.multiplier;
  const shift = p.multiplier === 0 ? 0 : p.leftShift;
  const round = shift > 0 ? 1 << (shift - 1) : 0;
  const input = (v * multiplier + round) >> shift;
  const abs = Math.abs(input);
  const uh = abs >>> 8;
  let result: number;
  if (uh >= 255) result = 0xffff << 8;
  else {
    const ua = SIGMOID_TABLE[uh];
    const ub = SIGMOID_TABLE[uh + 1];
    result = ua * 256 + (abs & 0xff) * (ub - ua);
  }
  result = input >= 0 ? result - (1 << 23) + (1 << 7) : -result + (1 << 23) + (1 << 7) - 1;
  return wrap16(result >> 8);
}

function elementwise(x: Tensor, y: Tensor, f: (v: number) => number): Invoke {
  const n = y.size;
  return () => {
    const xd = x.data as Int16Array;
    const yd = y.data as Int16Array;
    for (let i = 0; i < n; i++) yd[i] = f(xd[i]);
  };
}

export function prepareInt16Logistic(ctx: KernelContext, x: Tensor, y: Tensor): Invoke {
  const p = sigmoidParams(ctx, x, y, 0);
  if (ctx.xnnpackInt8 && p.multiplier === 0) return elementwise(x, y, (v) => logistic16(v, 3));
  return elementwise(x, y, (v) => logisticTable(v, p));
}

export function prepareInt16Tanh(ctx: KernelContext, x: Tensor, y: Tensor): Invoke {
  const p = sigmoidParams(ctx, x, y, 1);
  if (ctx.xnnpackInt8 && p.multiplier === 0) {
    // gemmlowp's tanh on Q3.12, the input doubled (saturating) for a scale of 2^-11
    const double = p.leftShift === 1;
    return elementwise(x, y, (v) => tanh16(double ? Math.max(-32768, Math.min(32767, 2 * v)) : v, 3));
  }
  return elementwise(x, y, (v) => tanhTable(v, p));
}

/**
 * LUTPopulate<int16_t> (float arithmetic, as tflite-micro and recent TFLite): 512 samples of f over the input
 * tensor's range and one more at its end, each biased by half the interpolation error at its midpoint.
 */
export function int16Lut(inputScale: number, inputZero: number, outputScale: number, outputZero: number, f: (v: number) => number): Int16Array {
  const inMin = f32(inputScale * (-32768 - inputZero));
  const inMax = f32(inputScale * (32767 - inputZero));
  const outMin = f32(outputScale * (-32768 - outputZero));
  const outMax = f32(outputScale * (32767 - outputZero));
  const steps = 512;
  const step = f32(f32(inMax - inMin) / steps);
  const halfStep = f32(step / 2);
  const inv = f32(65536 / f32(outMax - outMin));
  const lut = new Int16Array(steps + 1);
  const clamp = (v: number) => (v < -32768 ? -32768 : v > 32767 ? 32767 : v);
  for (let i = 0; i < steps; i++) {
    const at = f32(inMin + f32(i * step));
    const val = f32(f(at));
    const mid = f32(f(f32(at + halfStep)));
    const next = f32(f(f32(inMin + f32((i + 1) * step))));
    const sample = roundHalfAway(f32(val * inv));
    const interpolated = roundHalfAway(f32(f32(f32(next * inv) + sample) / 2));
    const midpoint = roundHalfAway(f32(mid * inv));
    const bias = roundHalfAway(f32(f32(interpolated - midpoint) / 2));
    lut[i] = clamp(sample - bias);
  }
  lut[steps] = clamp(roundHalfAway(f32(f32(f(inMax)) * inv)));
  return lut;
}

/**
 * gen_lut<double, int16_t, int16_t> (TFLite's int16 SOFTMAX before LUTPopulate, what tfjs-tflite runs): the same
 * sampling in double precision over [inMin, inMax] onto [-1, 1].
 */
export function int16LutDouble(inMin: number, inMax: number, f: (v: number) => number): Int16Array {
  const steps = 512;
  const step = (inMax - inMin) / steps;
  const halfStep = step / 2;
  const inv = 65536 / 2;
  const lut = new Int16Array(steps + 1);
  const clamp = (v: number) => (v < -32768 ? -32768 : v > 32767 ? 32767 : v);
  for (let i = 0; i < steps; i++) {
    const val = f(inMin + i * step);
    const mid = f(inMin + i * step + halfStep);
    const next = f(inMin + (i + 1) * step);
    const sample = roundHalfAway(val * inv);
    const interpolated = roundHalfAway((next * inv + sample) / 2);
    const bias = roundHalfAway((interpolated - roundHalfAway(mid * inv)) / 2);
    lut[i] = clamp(sample - bias);
  }
  lut[steps] = clamp(roundHalfAway(f(inMax) * inv));
  return lut;
}

/** LUTLookup: the table at the value's top 9 bits, interpolated on the low 7. */
export function lutLookup(value: number, lut: Int16Array): number {
  const index = 256 + (value >> 7);
  const offset = value & 0x7f;
  const base = lut[index];
  return wrap16(base + ((lut[index + 1] - base) * offset + 64 >> 7));
}

const RANGE16 = 65535;
interface SoftmaxTables {
  exp: Int16Array;
  reciprocal: Int16Array;
}
const softmaxTables: { reference?: SoftmaxTables; tfjs?: SoftmaxTables } = {};

/**
 * SOFTMAX's two tables: exp on [-10, 0] (exp(-10) is negligible in the sum) and 1/(1+x) on [0, 1]. The reference
 * builds them with LUTPopulate in single precision, tfjs-tflite's TFLite with gen_lut in double: their 1/(1+x)
 * tables differ by one at two entries (160 and 294).
 */
function tablesFor(xnnpack: boolean): SoftmaxTables {
  if (xnnpack) return (softmaxTables.tfjs ??= { exp: int16LutDouble(-10, 0, Math.exp), reciprocal: int16LutDouble(0, 1, (v) => 1 / (1 + v)) });
  return (softmaxTables.reference ??= {
    exp: int16Lut(f32(10 / RANGE16), 32767, f32(2 / RANGE16), 0, (v) => f32(Math.exp(v))),
    reciprocal: int16Lut(f32(1 / RANGE16), -32768, f32(2 / RANGE16), 0, (v) => f32(1 / f32(1 + v))),
  });
}

/** reference_ops::SoftmaxInt16 with the Prepare of TFLite's SOFTMAX for an int16 input. */
export function prepareInt16Softmax(ctx: KernelContext, x: Tensor, y: Tensor, beta: number): Invoke {
  if (y.type !== TensorType.INT16) fail(ctx, `INT16 input with ${y.typeName} output is not supported`);
  if (x.zeroPoint !== 0 || y.zeroPoint !== 0) fail(ctx, `int16 input and output need zero point 0 (have ${x.zeroPoint}, ${y.zeroPoint})`);
  if (Math.abs(y.scale - 1 / 32768) > 0.001 / 32768) fail(ctx, `int16 output scale must be 1/32768 (is ${y.scale})`);
  const { exp, reciprocal } = tablesFor(ctx.xnnpackInt8);
  // the input difference scaled so [-65535, 0] spans [-10, 0]
  const { multiplier, shift } = quantizeMultiplier((f32(x.scale) * f32(beta)) / (10 / RANGE16));
  const depth = x.shape[x.shape.length - 1];
  const rows = x.size / depth;
  // the exponential depends only on max - x (0..65535): once per difference here, a lookup per element below
  const expOf = expByDifference(exp, multiplier, shift);
  const plain = () => {
    const xd = x.data as Int16Array;
    const yd = y.data as Int16Array;
    for (let r = 0; r < rows; r++) {
      const o = r * depth;
      let max = -32768;
      for (let c = 0; c < depth; c++) if (xd[o + c] > max) max = xd[o + c];
      let sum = 0; // Q16.15
      for (let c = 0; c < depth; c++) {
        const e = expOf[max - xd[o + c]];
        yd[o + c] = e;
        sum += e;
      }
      const headroomPlusOne = Math.clz32(sum);
      const shifted = Math.floor((sum * 2 ** (headroomPlusOne - 1) + (1 << 13)) / 16384);
      // 1/(1+x) takes x = sum - 1, recentred from [0, 65535] to [-32768, 32767]
      const symmetric = shifted - ((1 << 15) + (1 << 16));
      const recip = lutLookup(symmetric < -32768 ? -32768 : symmetric > 32767 ? 32767 : symmetric, reciprocal);
      const rightShift = 31 - headroomPlusOne;
      const round = 2 ** (rightShift - 1);
      for (let c = 0; c < depth; c++) {
        const v = Math.floor((yd[o + c] * recip + round) / 2 ** rightShift);
        yd[o + c] = v < 0 ? 0 : v > 32767 ? 32767 : v;
      }
    }
  };
  return prepareInt16SoftmaxSimd(ctx.simd?.(), x, y, rows, depth, expOf, reciprocal, plain) ?? plain;
}

const expTables = new Map<string, Int16Array>();
/** The SOFTMAX exponential of each difference d = max - x (0..65535), shared by operators with the same scaling. */
function expByDifference(exp: Int16Array, multiplier: number, shift: number): Int16Array {
  const key = `${multiplier} ${shift} ${exp === softmaxTables.tfjs?.exp ? "tfjs" : "reference"}`;
  let table = expTables.get(key);
  if (!table) {
    table = new Int16Array(65536);
    for (let d = 0; d < 65536; d++) {
      const scaled = mulByQuantizedMultiplier(-d, multiplier, shift) + 32767;
      table[d] = lutLookup(scaled < -32768 ? -32768 : scaled > 32767 ? 32767 : scaled, exp);
    }
    expTables.set(key, table);
  }
  return table;
}
