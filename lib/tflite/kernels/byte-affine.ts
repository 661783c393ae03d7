/**
 * An 8-bit lookup table as arithmetic, where that reproduces it exactly: many of the tables byte-lookup.ts builds
 * (LEAKY_RELU, 8-bit QUANTIZE, RELU and its kin) are a rounded line each side of the input's zero point, clamped.
 * On bytes in unsigned order (u = byte xor flip), with d = u - pivot, we look for XNNPACK's shape of arithmetic in
 * 16-bit lanes (../wasm/byte-affine.wat), with the product in 2^j times finer steps so that the offset can hold the
 * one of TFLite's double rounding (srdhm, then a rounding shift):
 *   y = clamp(sat16(floor(((d 2^k) a + 2^14) / 2^15) + z) >> j, lo, hi),  (a, z) = (a1, z1) for d >= 0, (a2, z2) below,
 * equal to the table (in unsigned output order) at all 256 inputs: for each k and j, the slopes around each side's
 * estimate, z from the interval all entries allow; the result checked entry by entry. Undefined where nothing
 * fits, and the table lookup stays.
 */
export interface ByteQ15 {
  pivot: number;
  a1: number;
  a2: number;
  z1: number;
  z2: number;
  k: number;
  j: number;
  lo: number;
  hi: number;
}

const product = (d: number, k: number, a: number) => (d * 2 ** k * a + 16384) >> 15;
const sat16 = (v: number) => (v > 32767 ? 32767 : v < -32768 ? -32768 : v);

const evaluateQ15 = (f: ByteQ15, u: number) => {
  const d = u - f.pivot;
  const v = sat16(d >= 0 ? f.z1 + product(d, f.k, f.a1) : f.z2 + product(d, f.k, f.a2)) >> f.j;
  return v < f.lo ? f.lo : v > f.hi ? f.hi : v;
};

interface Side {
  us: number[];
  /** the unclamped entries */
  inner: number[];
  /** output steps per input step, from the first and last unclamped entries */
  estimate: number;
}

function side(t: ArrayLike<number>, us: number[], lo: number, hi: number): Side {
  const inner = us.filter((u) => t[u] !== lo && t[u] !== hi);
  const estimate = inner.length < 2 ? 0 : (t[inner[inner.length - 1]] - t[inner[0]]) / (inner[inner.length - 1] - inner[0]);
  return { us, inner, estimate };
}

/**
 * The first (a, z) of one side with shifts k and j, or undefined; `prefer` (the other side's) first, as the kernel
 * skips the choice by sign of what both sides share.
 */
function fitSide(t: ArrayLike<number>, s: Side, pivot: number, k: number, j: number, lo: number, hi: number, prefer?: { a: number; z: number }): { a: number; z: number } | undefined {
  if (s.us.length === 0) return prefer ?? { a: 0, z: 0 };
  const unit = 2 ** j;
  const scale = 2 ** (15 - k + j);
  // the endpoints' slope is within 1 / span of any fitting line's: so many steps of a either side
  const width = Math.min(256, Math.ceil(scale / Math.max(1, s.inner.length - 1)) + 2);
  const center = Math.round(s.estimate * scale);
  // a side that (nearly) all clamps may need the steepest slopes instead
  const steep = s.inner.length < 2 ? [32767, -32767] : [];
  const first = prefer ? [prefer.a] : [];
  for (let i = -first.length; i <= 2 * width + steep.length; i++) {
    const a = i < 0 ? first[0] : i > 2 * width ? steep[i - 2 * width - 1] : center + (i & 1 ? (i + 1) / 2 : -i / 2);
    if (a <= -32768 || a > 32767) continue;
    // z: within each unclamped entry's 2^j fine steps, keeping the clamped ones clamped
    let low = -32768;
    let high = 32767;
    if (lo !== hi) {
      for (const u of s.us) {
        const r = product(u - pivot, k, a);
        if (t[u] !== lo) low = Math.max(low, t[u] * unit - r);
        if (t[u] !== hi) high = Math.min(high, (t[u] + 1) * unit - 1 - r);
        if (low > high) break;
      }
    }
    if (low <= high) return { a, z: prefer && prefer.z >= low && prefer.z <= high ? prefer.z : low };
  }
  return undefined;
}

/** `t[u]` the output (0..255, unsigned order) of input byte u (unsigned order); `pivot` the zero point's byte. */
export function fitByteQ15(t: ArrayLike<number>, pivot: number): ByteQ15 | undefined {
  let lo = 255;
  let hi = 0;
  for (let u = 0; u < 256; u++) {
    lo = Math.min(lo, t[u]);
    hi = Math.max(hi, t[u]);
  }
  // the narrowing's own bounds first (the kernel then skips its clamp), the table's where they are needed
  return fitWithin(t, pivot, 0, 255) ?? (lo === 0 && hi === 255 ? undefined : fitWithin(t, pivot, lo, hi));
}

function fitWithin(t: ArrayLike<number>, pivot: number, lo: number, hi: number): ByteQ15 | undefined {
  const all = Array.from({ length: 256 }, (_, u) => u);
  const above = side(t, all.filter((u) => u >= pivot), lo, hi);
  const below = side(t, all.filter((u) => u < pivot), lo, hi);
  for (let j = 0; j <= 6; j++) {
    for (let k = 0; k <= 7; k++) {
      const one = fitSide(t, above, pivot, k, j, lo, hi);
      const two = one && fitSide(t, below, pivot, k, j, lo, hi, one);
      if (!one || !two) continue;
      const f: ByteQ15 = { pivot, a1: one.a, a2: two.a, z1: one.z, z2: two.z, k, j, lo, hi };
      if (all.every((u) => evaluateQ15(f, u) === t[u])) return f;
    }
  }
  return undefined;
}
