/**
 * The running sums of a rule's window (time out of range, mean kinetic temperature) equal a full pass over the
 * window's samples after any sequence of readings, limit changes and restores from saved state.
 */
import * as assert from "assert";
import fc from "fast-check";
import { pushSample, type WindowState } from "../../lib/rules/sample-window";
import { meanKineticTemperature } from "../../lib/rules/mkt";

function fullOutOfRangeMs(samples: Array<[number, number]>, low: number, high: number): number {
  let out = 0;
  for (let i = 1; i < samples.length; i++) if (samples[i - 1][1] < low || samples[i - 1][1] > high) out += samples[i][0] - samples[i - 1][0];
  return out;
}

describe("rule windows with running sums", function () {
  it("time out of range equals a full pass over the window, across limit changes and restores", function () {
    fc.assert(
      fc.property(fc.array(fc.record({ gapS: fc.integer({ min: 1, max: 900 }), value: fc.double({ min: -5, max: 15, noNaN: true }), high: fc.constantFrom(8, 6), restore: fc.boolean() }), { maxLength: 300 }), (steps) => {
        let s: WindowState = {};
        let t = 1_700_000_000_000;
        for (const step of steps) {
          t += step.gapS * 1000;
          // a restore from a version that did not save sums: the sum is rebuilt from the samples
          if (step.restore) s = { samples: JSON.parse(JSON.stringify(s.samples ?? [])) };
          const samples = pushSample(s, t, step.value, 3600_000, { kind: "tor", low: 2, high: step.high, sum: 0, removals: 0 });
          assert.strictEqual(s.windowSum!.sum, fullOutOfRangeMs(samples.toJSON(), 2, step.high));
        }
      }),
      { numRuns: 200 },
    );
  });

  it("the Arrhenius sum gives lib/rules/mkt.ts's MKT to 1e-9 °C after 20,000 readings", function () {
    const s: WindowState = {};
    let t = 0;
    for (let i = 0; i < 20000; i++) {
      t += 60_000;
      const v = 5 + 6 * Math.sin(i / 37);
      const samples = pushSample(s, t, v, 3600_000, { kind: "mkt", deltaHOverR: 10000, sum: 0, removals: 0 });
      if (i % 997 === 0 || i === 19999) {
        const running = 10000 / -Math.log(s.windowSum!.sum / samples.length) - 273.15;
        const full = meanKineticTemperature(samples.toJSON().map(([, x]) => x));
        assert.ok(Math.abs(running - full) < 1e-9, `${running} vs ${full} at ${i}`);
      }
    }
    assert.strictEqual(s.samples!.length, 61, "an hour of minute samples and the one just before it");
  });
});
