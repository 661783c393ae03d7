/**
 * Single-precision e^x as musl's expf computes it (the C library TFLite's WebAssembly build links; Arm's
 * optimized-routines algorithm): x·32/ln 2 split into an integer k and a remainder r in double precision,
 * 2^(k/32) from a 32-entry table times a power of two, 2^(r/32) by a cubic, the product rounded once to float32.
 * Math.exp rounded to float32 differs from it in the last bit now and then; an LSTM's sigmoid feeds on it.
 */
const f32 = Math.fround;

/** a binary floating-point literal 0x1.<fraction>p<exponent> (fraction: 13 hex digits) */
const hex = (fraction: string, exponent: number) => (parseInt(`1${fraction}`, 16) / 2 ** 52) * 2 ** exponent;

/** musl's __exp2f_data.tab: 2^(j/32) for j = 0..31 as bit patterns less j << 47 (added back below) */
export const EXPF_TABLE_BITS = [
  0x3ff0000000000000n, 0x3fefd9b0d3158574n, 0x3fefb5586cf9890fn, 0x3fef9301d0125b51n, 0x3fef72b83c7d517bn, 0x3fef54873168b9aan, 0x3fef387a6e756238n, 0x3fef1e9df51fdee1n,
  0x3fef06fe0a31b715n, 0x3feef1a7373aa9cbn, 0x3feedea64c123422n, 0x3feece086061892dn, 0x3feebfdad5362a27n, 0x3feeb42b569d4f82n, 0x3feeab07dd485429n, 0x3feea47eb03a5585n,
  0x3feea09e667f3bcdn, 0x3fee9f75e8ec5f74n, 0x3feea11473eb0187n, 0x3feea589994cce13n, 0x3feeace5422aa0dbn, 0x3feeb737b0cdc5e5n, 0x3feec49182a3f090n, 0x3feed503b23e255dn,
  0x3feee89f995ad3adn, 0x3feeff76f2fb5e47n, 0x3fef199bdd85529cn, 0x3fef3720dcef9069n, 0x3fef5818dcfba487n, 0x3fef7c97337b9b5fn, 0x3fefa4afa2a490dan, 0x3fefd0765b6e4540n,
];
const POWERS = (() => {
  const view = new DataView(new ArrayBuffer(8));
  return EXPF_TABLE_BITS.map((bits, j) => {
    view.setBigUint64(0, bits + (BigInt(j) << 47n));
    return view.getFloat64(0);
  });
})();

const N = 32;
// 2^e for the e = floor(k / 32) the accepted range of x gives (-151 .. 128), exact doubles
const MIN_E = -160;
const POW2 = Float64Array.from({ length: 300 }, (_, i) => 2 ** (i + MIN_E));
const INV_LN2_N = hex("71547652b82fe", 0) * N;
const SHIFT = 1.5 * 2 ** 52; // adding and subtracting it rounds to an integer, ties to even
const C0 = hex("c6af84b912394", -5) / N / N / N;
const C1 = hex("ebfce50fac4f3", -3) / N / N;
const C2 = hex("62e42ff0c52d6", -1) / N;
const OVERFLOW = hex("62e42e0000000", 6); // 0x1.62e42ep6f: above it e^x overflows float32
const UNDERFLOW = -hex("9fe3680000000", 6); // -0x1.9fe368p6f: below it e^x rounds to 0

export function expf(x: number): number {
  if (x !== x) return x;
  if (x > OVERFLOW) return Infinity;
  if (x < UNDERFLOW) return 0;
  const z = INV_LN2_N * x;
  const k = z + SHIFT - SHIFT;
  const r = z - k;
  const j = k & (N - 1);
  const s = POWERS[j] * POW2[((k - j) >> 5) - MIN_E];
  const y = (C0 * r + C1) * (r * r) + (C2 * r + 1);
  return f32(y * s);
}
