/**
 * The per-channel int16x8 requantizer (int16-requantizer.ts) equals fixed-point.ts's mulByQuantizedMultiplier64
 * on accumulators up to ±2^47 (extremes, zero, rounding ties and random values), for multipliers across
 * [2^30, 2^31) and shifts from -31 to 15.
 */
import { strict as assert } from "assert";
import { mulByQuantizedMultiplier64 } from "../../lib/tflite/fixed-point";
import { int16Requantizer } from "../../lib/tflite/kernels/int16-requantizer";
import { rng } from "./operator-cases";

describe("tflite int16x8 requantizer", function () {
  it("equals mulByQuantizedMultiplier64", function () {
    const next = rng(4747);
    const multipliers: number[] = [2 ** 30, 2 ** 31 - 1, 0x7fff0000, 0x7ffeffff, 1073774592];
    const shifts: number[] = [];
    for (let i = 0; i < 120; i++) multipliers.push(2 ** 30 + Math.floor(next() * 2 ** 30));
    for (let i = 0; i < multipliers.length; i++) shifts.push(i < 47 ? i - 31 : Math.floor(next() * 47) - 31);
    const requant = int16Requantizer(Int32Array.from(multipliers), Int32Array.from(shifts));
    const xs = [0, 1, -1, 2 ** 47 - 1, -(2 ** 47) + 1, 2 ** 24, -(2 ** 24), 2 ** 24 - 1, -(2 ** 24) - 1, 32768, -32768, 16384, -16384];
    for (let i = 0; i < 400; i++) xs.push(Math.floor((next() - 0.5) * 2 ** (1 + Math.floor(next() * 47))));
    for (let c = 0; c < multipliers.length; c++) {
      // the rounding ties of this channel: odd multiples of half its divisor, around zero
      const total = 15 - shifts[c];
      const ties = total > 0 && total < 40 ? [2 ** (total - 1), -(2 ** (total - 1)), 3 * 2 ** (total - 1), -3 * 2 ** (total - 1)] : [];
      for (const x of [...xs, ...ties]) {
        const expected = mulByQuantizedMultiplier64(x, multipliers[c], shifts[c]);
        const got = requant(x, c);
        if (got !== expected) assert.fail(`x ${x}, multiplier ${multipliers[c]}, shift ${shifts[c]}: ${got}, fixed-point.ts gives ${expected}`);
      }
    }
  });
});
