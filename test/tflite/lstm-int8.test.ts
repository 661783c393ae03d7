/**
 * The integer LSTM's 16-bit nonlinearities and inverse square root against their mathematical definitions.
 * Bounds: gemmlowp's int16 logistic (Q3.12 in, Q0.15 out) stays within 8 units of 2^-15 of 1/(1+e^-x) and
 * its tanh within 13 units of tanh(x). These piecewise polynomial + Newton–Raphson evaluations are neither
 * correctly rounded nor monotonic (they step back by up to 16 units where the argument crosses a multiple
 * of 1/4), but they are symmetric by construction and exact at 0.
 */
import { strict as assert } from "assert";
import { expOnNegativeValues16, invSqrtQuantizedMultiplier, logistic16, srdhm16, tanh16, wrap16 } from "../../lib/tflite/kernels/lstm-fixed-point";

describe("integer LSTM fixed-point helpers", function () {
  it("srdhm16 rounds a*b/2^15 to nearest, ties upwards, and saturates -1 × -1", function () {
    const reference = (a: number, b: number) => Math.floor((a * b) / 32768 + 0.5);
    for (const [a, b] of [[3, 5], [16384, 16384], [-16384, 16384], [12345, -23456], [-32768, 32767], [1, 16384], [-1, 16384], [-3, 16384], [32767, 32767]]) {
      assert.equal(srdhm16(a, b), reference(a, b), `${a} × ${b}`);
    }
    assert.equal(srdhm16(-32768, -32768), 32767);
    assert.equal(wrap16(32768), -32768);
    assert.equal(wrap16(-32769), 32767);
  });

  it("exp on negative values (Q3.12 → Q0.15) follows e^x", function () {
    let worst = 0;
    for (let raw = -32768; raw <= 0; raw++) worst = Math.max(worst, Math.abs(expOnNegativeValues16(raw, 3) - 32768 * Math.exp(raw / 4096)));
    assert.ok(worst <= 8, `max error ${worst}`);
    assert.equal(expOnNegativeValues16(0, 3), 32767);
  });

  it("logistic16 on Q3.12 is within 8/2^15 of the sigmoid, symmetric, 1/2 at 0", function () {
    let worst = 0;
    for (let raw = -32768; raw <= 32767; raw++) {
      const y = logistic16(raw, 3);
      worst = Math.max(worst, Math.abs(y - 32768 / (1 + Math.exp(-raw / 4096))));
      assert.ok(y >= 0 && y <= 32767);
      if (raw > 0) assert.equal(logistic16(-raw, 3), 32767 - y, `symmetry at ${raw}`);
    }
    assert.ok(worst <= 8, `max error ${worst}`);
    assert.equal(logistic16(0, 3), 16384);
  });

  for (let integerBits = 0; integerBits <= 6; integerBits++) {
    it(`tanh16 on Q${integerBits}.${15 - integerBits} is within 13/2^15 of tanh, odd, 0 at 0`, function () {
      let worst = 0;
      for (let raw = -32768; raw <= 32767; raw++) {
        const y = tanh16(raw, integerBits);
        worst = Math.max(worst, Math.abs(y - 32768 * Math.tanh(raw / 2 ** (15 - integerBits))));
        if (raw > 0) assert.equal(tanh16(-raw, integerBits) + y, 0, `odd symmetry at ${raw}`);
      }
      assert.ok(worst <= 13, `max error ${worst}`);
      assert.equal(tanh16(0, integerBits), 0);
    });
  }

  it("the inverse square root multiplier approximates 1/sqrt(v) to 2e-6", function () {
    assert.deepEqual(invSqrtQuantizedMultiplier(1, -1), { multiplier: 2147483647, shift: 0 });
    for (const v of [2, 3, 4, 5, 10, 99, 1000, 12345, 65536, 1 << 20, 123456789, (1 << 29) + 7, 2147483647]) {
      const { multiplier, shift } = invSqrtQuantizedMultiplier(v, -1);
      assert.ok(multiplier > 0 && multiplier <= 2147483647 && shift <= 0, `${v}: ${multiplier} ${shift}`);
      const approx = (multiplier / 2 ** 31) * 2 ** shift;
      assert.ok(Math.abs(approx * Math.sqrt(v) - 1) < 2e-6, `${v}: ${approx} vs ${1 / Math.sqrt(v)}`);
    }
  });
});
