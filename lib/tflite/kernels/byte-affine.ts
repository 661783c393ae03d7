/**
 * An 8-bit lookup table as arithmetic, where that reproduces it exactly: many of the tables byte-lookup.ts builds
 * (LEAKY_RELU, 8-bit QUANTIZE, RELU and its kin) are a rounded line each side of the input's zero point, clamped.
 * On bytes in unsigned order (u = byte xor flip), with d = u - pivot, we look for XNNPACK's shape of arithmetic in
 * 16-bit lanes (../wasm/byte-affine.wat)
 *   y = clamp(z + floor(((d 2^k) a + 2^14) / 2^15), lo, hi),  (a, z) = (a1, z1) for d >= 0, (a2, z2) below, 0 <= k <= 7,
 * equal to the table (in unsigned output order) at all 256 inputs: for each k, the slopes around each side's
 * estimate, z from the interval all entries allow; the result checked entry by entry. Undefined where nothing fits (TFLite's
 * rounding of negative values half away from zero often does not), and the table lookup stays.
 */
export interface ByteQ15 {
  pivot: number;
  a1: number;
  a2: number;
  z1: number;
  z2: number;
  k: number;
  lo: number;
  hi: number;
}

const evaluateQ15 = (f: ByteQ15, u: number) => {
  const d = u - f.pivot;
  const v = d >= 0 ? f.z1 + ((d * 2 ** f.k * f.a1 + 16384) >> 15) : f.z2 + ((d * 2 ** f.k * f.a2 + 16384) >> 15);
  return v < f.lo ? f.lo : v > f.hi ? f.hi : v;
};

/** The first (a, z) of one side in the 16-bit form with shift k, or undefined. */
function sideQ15(t: ArrayLike<number>, us: number[], pivot: number, k: number, lo: number, hi: number): { a: number; z: number } | undefined {
  if (us.length === 0) return { a: 0, z: 0 };
  const inner = us.filter((u) => t[u] !== lo && t[u] !== hi);
  const estimate = inner.length < 2 ? 0 : (t[inner[inner.length - 1]] - t[inner[0]]) / (inner[inner.length - 1] - inner[0]);
  const s = 15 - k;
  const width = Math.min(512, Math.ceil(2 ** s / Math.max(1, inner.length - 1)) + 2);
  const center = Math.round(estimate * 2 ** s);
  const r = (u: number, a: number) => ((u - pivot) * 2 ** k * a + 16384) >> 15;
  // a side that (nearly) all clamps may need the steepest slopes instead
  const steep = inner.length < 2 ? [32767, -32767] : [];
  for (let j = 0; j <= 2 * width + steep.length; j++) {
    const a = j > 2 * width ? steep[j - 2 * width - 1] : center + (j & 1 ? (j + 1) / 2 : -j / 2);
    if (a <= -32768 || a > 32767) continue;
    // z: exact at the unclamped entries, keeping the clamped ones clamped
    let low = -32768;
    let high = 32767;
    for (const u of us) {
      const v = t[u] - r(u, a);
      if (lo === hi) break;
      if (t[u] !== lo) low = Math.max(low, v);
      if (t[u] !== hi) high = Math.min(high, v);
      if (low > high) break;
    }
    if (low <= high) return { a, z: low };
  }
  return undefined;
}

/** The 16-bit form of `t` (as fitByteAffine), or undefined. */
export function fitByteQ15(t: ArrayLike<number>, pivot: number): ByteQ15 | undefined {
  const [lo, hi] = [Math.min(...Array.from(t)), Math.max(...Array.from(t))];
  const all = Array.from({ length: 256 }, (_, u) => u);
  const [above, below] = [all.filter((u) => u >= pivot), all.filter((u) => u < pivot)];
  for (let k = 0; k <= 7; k++) {
    const one = sideQ15(t, above, pivot, k, lo, hi);
    const two = one && sideQ15(t, below, pivot, k, lo, hi);
    if (!one || !two) continue;
    const f: ByteQ15 = { pivot, a1: one.a, a2: two.a, z1: one.z, z2: two.z, k, lo, hi };
    if (all.every((u) => evaluateQ15(f, u) === t[u])) return f;
  }
  return undefined;
}
