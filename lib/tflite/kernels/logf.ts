/**
 * Single-precision natural logarithm as musl's logf computes it (the C library TFLite's WebAssembly build links, so
 * what tfjs-tflite's LOG and LOG_SOFTMAX call; Arm's optimized-routines algorithm): x = 2^k·z with z in
 * [0x3f330000, 2·0x3f330000) as bits, 1/c and log(c) for the sixteenth of that range z falls in from a table, then
 * log1p(z/c - 1) by a cubic, all in double precision, rounded once to float32. Math.log rounded to float32
 * differs from it in the last bit now and then.
 */
const words = new Uint32Array(2);
const floats = new Float32Array(words.buffer);
const doubles = new Float64Array(words.buffer);

const fromBits64 = (bits: bigint) => {
  words[0] = Number(bits & 0xffffffffn);
  words[1] = Number(bits >> 32n);
  return doubles[0];
};

/** musl's __logf_data.tab as bit patterns: 1/c, log(c) per subinterval */
export const LOGF_TABLE_BITS = [
  0x3ff661ec79f8f3ben, 0xbfd57bf7808caaden, 0x3ff571ed4aaf883dn, 0xbfd2bef0a7c06ddbn, 0x3ff49539f0f010b0n, 0xbfd01eae7f513a67n, 0x3ff3c995b0b80385n, 0xbfcb31d8a68224e9n,
  0x3ff30d190c8864a5n, 0xbfc6574f0ac07758n, 0x3ff25e227b0b8ea0n, 0xbfc1aa2bc79c8100n, 0x3ff1bb4a4a1a343fn, 0xbfba4e76ce8c0e5en, 0x3ff12358f08ae5ban, 0xbfb1973c5a611cccn,
  0x3ff0953f419900a7n, 0xbfa252f438e10c1en, 0x3ff0000000000000n, 0x0000000000000000n, 0x3fee608cfd9a47acn, 0x3faaa5aa5df25984n, 0x3feca4b31f026aa0n, 0x3fbc5e53aa362eb4n,
  0x3feb2036576afce6n, 0x3fc526e57720db08n, 0x3fe9c2d163a1aa2dn, 0x3fcbc2860d224770n, 0x3fe886e6037841edn, 0x3fd1058bc8a07ee1n, 0x3fe767dcf5534862n, 0x3fd4043057b6ee09n,
];
const TABLE = LOGF_TABLE_BITS.map(fromBits64);
export const LOGF_LN2 = fromBits64(0x3fe62e42fefa39efn);
// log1p(r) ≈ r + A0·r^4... as musl pipelines it: (A1·r + A2) + A0·r², times r², plus (log c + k·ln 2 + r)
export const LOGF_A0 = fromBits64(0xbfd00ea348b88334n);
export const LOGF_A1 = fromBits64(0x3fd5575b0be00b6an);
export const LOGF_A2 = fromBits64(0xbfdffffef20a4123n);
const OFF = 0x3f330000;

export function logf(x: number): number {
  floats[0] = x;
  let ix = words[0];
  if (ix === 0x3f800000) return 0;
  if (((ix - 0x00800000) >>> 0) >= 0x7f000000) {
    // x below 2^-126 (zero, subnormal or negative), infinite or NaN
    if (((ix << 1) >>> 0) === 0) return -Infinity;
    if (ix === 0x7f800000) return x;
    if (ix & 0x80000000 || ((ix << 1) >>> 0) >= 0xff000000) return NaN;
    // subnormal: normalized by 2^23, the exponent taken back
    floats[0] = x * 2 ** 23;
    ix = (words[0] - (23 << 23)) >>> 0;
  }
  const tmp = (ix - OFF) >>> 0;
  const i = (tmp >>> 19) & 15;
  const k = (tmp | 0) >> 23;
  words[0] = (ix - (tmp & 0xff800000)) >>> 0;
  const z = floats[0];
  const r = z * TABLE[2 * i] - 1;
  const y0 = TABLE[2 * i + 1] + k * LOGF_LN2;
  const r2 = r * r;
  let y = LOGF_A1 * r + LOGF_A2;
  y = LOGF_A0 * r2 + y;
  y = y * r2 + (y0 + r);
  return Math.fround(y);
}
