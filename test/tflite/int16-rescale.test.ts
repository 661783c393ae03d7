/**
 * The int16 ADD / SUB input rescale computed in doubles (int16Rescale) equals TFLite's fixed-point
 * MultiplyByQuantizedMultiplierSmallerThanOneExp of the input shifted left by 15, on every kind of value: the
 * extremes, zero, ties of both roundings, and random ones, for multipliers across [2^30, 2^31) and shifts 0–31.
 */
import { strict as assert } from "assert";
import { mulByQuantizedMultiplierSmallerThanOne } from "../../lib/tflite/fixed-point";
import { int16Rescale } from "../../lib/tflite/kernels/elementwise";
import { rng } from "./operator-cases";

describe("tflite int16 ADD input rescale in doubles", function () {
  it("equals the gemmlowp fixed-point reference", function () {
    const next = rng(1616);
    const xs = [0, 1, -1, 2, -2, 32767, -32768, 65535, -65535, 32768, -32769, 16384, -16384];
    for (let i = 0; i < 3000; i++) xs.push(Math.floor(next() * 131071) - 65535);
    const ms = [2 ** 30, 2 ** 31 - 1, 1518500250, 1073741825];
    for (let i = 0; i < 40; i++) ms.push(2 ** 30 + Math.floor(next() * 2 ** 30));
    let checked = 0;
    for (const m of ms) {
      for (let e = 0; e <= 31; e += e < 20 ? 1 : 3) {
        for (const x of xs) {
          const expected = mulByQuantizedMultiplierSmallerThanOne(x * 32768, m, -e);
          const got = int16Rescale(x, m, e);
          if (got !== expected) assert.fail(`x ${x}, m ${m}, e ${e}: ${got}, the reference gives ${expected}`);
          checked++;
        }
      }
    }
    assert.ok(checked > 100000);
  });
});
