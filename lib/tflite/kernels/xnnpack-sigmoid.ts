/**
 * XNNPACK's float32 sigmoid (f32-vsigmoid wasmsimd_rr2_p5_div, what tfjs-tflite's delegate runs for a float
 * LOGISTIC), in the same single-precision steps without FMA: e = e^-|x| by a degree-5 polynomial after a two-step
 * range reduction by ln 2, f = e / (1 + e), 0 beyond the denormal cutoff, 1 - f for x ≥ +0 (sign bit clear).
 * 1 / (1 + e^-x) differs from it by an ulp or so in about half the outputs.
 */
const f32 = Math.fround;
const words = new Uint32Array(1);
const floats = new Float32Array(words.buffer);
const fromBits = (bits: number) => {
  words[0] = bits;
  return floats[0];
};

/** The parameters in the order the WebAssembly kernel takes them too (xnn_init_f32_sigmoid_wasmsimd_rr2_p5_params). */
export const SIGMOID_BITS = {
  magicBias: 0x4b40007f, // 0x1.8000FEp23
  minusLog2e: 0xbfb8aa3b,
  ln2Hi: 0x3f317200,
  ln2Lo: 0x35bfbe8e,
  c5: 0xbc07cfce,
  c4: 0x3d2b9d0d,
  c3: 0xbe2aad40,
  c2: 0x3efffee3,
  c1: 0xbf7ffffb,
  denormCutoff: 0x42aeac4f, // 0x1.5D589Ep+6
};
const MAGIC = fromBits(SIGMOID_BITS.magicBias);
const MINUS_LOG2E = fromBits(SIGMOID_BITS.minusLog2e);
const LN2_HI = fromBits(SIGMOID_BITS.ln2Hi);
const LN2_LO = fromBits(SIGMOID_BITS.ln2Lo);
const C5 = fromBits(SIGMOID_BITS.c5);
const C4 = fromBits(SIGMOID_BITS.c4);
const C3 = fromBits(SIGMOID_BITS.c3);
const C2 = fromBits(SIGMOID_BITS.c2);
const C1 = fromBits(SIGMOID_BITS.c1);
const CUTOFF = fromBits(SIGMOID_BITS.denormCutoff);

export function xnnpackSigmoid(x: number): number {
  const z = Math.abs(x);
  let n = f32(MAGIC + f32(z * MINUS_LOG2E));
  // 2^n from n's low bits moved into the exponent field
  floats[0] = n;
  words[0] <<= 23;
  const s = floats[0];
  n = f32(n - MAGIC);
  let t = f32(z + f32(n * LN2_HI));
  t = f32(t + f32(n * LN2_LO));
  let p = f32(C4 + f32(t * C5));
  p = f32(C3 + f32(t * p));
  p = f32(C2 + f32(t * p));
  p = f32(C1 + f32(t * p));
  t = f32(t * s);
  const e = f32(s + f32(t * p));
  let f = f32(e / f32(e + 1));
  if (z > CUTOFF) f = 0;
  floats[0] = x;
  return words[0] >>> 31 ? f : f32(1 - f);
}
