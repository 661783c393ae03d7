/**
 * MultiplyByQuantizedMultiplier for the int64 accumulators of the int16x8 kernels, per output channel, with each
 * channel's reduced multiplier, rounding term and powers of two worked out once: the same arithmetic as
 * mulByQuantizedMultiplier64 in ../fixed-point.ts (a division by a power of two there is a multiplication by its
 * exact reciprocal here), without a Math.pow per value, which made it half of an int16 convolution's time.
 */
export function int16Requantizer(multipliers: Int32Array, shifts: Int32Array): (x: number, channel: number) => number {
  const n = multipliers.length;
  const reduced = new Float64Array(n);
  const round = new Float64Array(n);
  const wide = new Uint8Array(n);
  const scaleS = new Float64Array(n);
  const scaleR = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    const m = multipliers[c];
    reduced[c] = m < 0x7fff0000 ? (m + (1 << 15)) >> 16 : 0x7fff;
    const totalShift = 15 - shifts[c];
    round[c] = 2 ** (totalShift - 1);
    wide[c] = totalShift >= 24 ? 1 : 0;
    scaleS[c] = totalShift >= 24 ? 2 ** -(totalShift - 24) : 2 ** (24 - totalShift);
    scaleR[c] = 2 ** -totalShift;
  }
  return (x, c) => {
    // x · reduced + round, floored by 2^totalShift, exactly, through a 2^24 split of x (as fixed-point.ts)
    const r = reduced[c];
    const xh = Math.floor(x / 16777216);
    const xl = x - xh * 16777216;
    const t = xl * r + round[c];
    const tq = Math.floor(t / 16777216);
    const tr = t - tq * 16777216;
    const s = xh * r + tq;
    return (wide[c] ? Math.floor(s * scaleS[c]) : s * scaleS[c] + Math.floor(tr * scaleR[c])) | 0;
  };
}
