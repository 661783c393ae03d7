/**
 * XNNPACK's float32 softmax (what tfjs-tflite's delegate runs for SOFTMAX with beta 1), in the same single-precision
 * steps without FMA: per row the maximum, then e^(x - max) by f32-raddstoreexpminusmax wasmsimd_rr2_p5 (a degree-5
 * polynomial after a two-step range reduction by ln 2, 0 below the denormal cutoff), summed as tfjs-tflite's build
 * of that kernel does (found against it: one accumulator of four lanes over the blocks of four, lanes 0 + 2 plus
 * lanes 1 + 3, then the last 1..3 added one by one), then each exponential times 1 / sum.
 */
const f32 = Math.fround;
const words = new Uint32Array(1);
const floats = new Float32Array(words.buffer);
const fromBits = (bits: number) => {
  words[0] = bits;
  return floats[0];
};

/** xnn_init_f32_expminus_wasmsimd_rr2_p5_params, as float32 bit patterns */
export const EXPMINUS_BITS = {
  log2e: 0x3fb8aa3b,
  magicBias: 0x4b40007f,
  minusLn2Hi: 0xbf317200,
  minusLn2Lo: 0xb5bfbe8e,
  c5: 0x3c07cfce,
  c4: 0x3d2b9d0d,
  c3: 0x3e2aad40,
  c2: 0x3efffee3,
  c1: 0x3f7ffffb,
  denormCutoff: 0xc2aeac4f,
};
const LOG2E = fromBits(EXPMINUS_BITS.log2e);
const MAGIC = fromBits(EXPMINUS_BITS.magicBias);
const MINUS_LN2_HI = fromBits(EXPMINUS_BITS.minusLn2Hi);
const MINUS_LN2_LO = fromBits(EXPMINUS_BITS.minusLn2Lo);
const C5 = fromBits(EXPMINUS_BITS.c5);
const C4 = fromBits(EXPMINUS_BITS.c4);
const C3 = fromBits(EXPMINUS_BITS.c3);
const C2 = fromBits(EXPMINUS_BITS.c2);
const C1 = fromBits(EXPMINUS_BITS.c1);
const CUTOFF = fromBits(EXPMINUS_BITS.denormCutoff);

/** e^x for x ≤ 0 as the kernel computes it */
export function xnnpackExpMinus(x: number): number {
  let n = f32(MAGIC + f32(x * LOG2E));
  floats[0] = n;
  words[0] <<= 23;
  const s = floats[0];
  n = f32(n - MAGIC);
  let t = f32(x + f32(n * MINUS_LN2_HI));
  t = f32(t + f32(n * MINUS_LN2_LO));
  let p = f32(C4 + f32(C5 * t));
  p = f32(C3 + f32(p * t));
  p = f32(C2 + f32(p * t));
  p = f32(C1 + f32(p * t));
  t = f32(t * s);
  const f = f32(s + f32(t * p));
  return x < CUTOFF ? 0 : f;
}

/** softmax of `rows` rows of `depth` floats from x to y */
export function xnnpackSoftmax(x: Float32Array, y: Float32Array, rows: number, depth: number): void {
  const acc = new Float32Array(4);
  for (let r = 0; r < rows; r++) {
    const o = r * depth;
    let max = -Infinity;
    for (let j = 0; j < depth; j++) max = Math.max(max, x[o + j]);
    acc.fill(0);
    const exp = (j: number) => (y[o + j] = xnnpackExpMinus(f32(x[o + j] - max)));
    let j = 0;
    for (; j + 4 <= depth; j += 4) for (let l = 0; l < 4; l++) acc[l] += exp(j + l);
    let sum = f32(f32(acc[0] + acc[2]) + f32(acc[1] + acc[3]));
    for (; j < depth; j++) sum = f32(sum + exp(j));
    const scale = f32(1 / sum);
    for (let k = 0; k < depth; k++) y[o + k] = f32(y[o + k] * scale);
  }
}
