import * as assert from "assert";
import { RulesEngine, Alert } from "../../lib/rules/rules-engine";
import { meanKineticTemperature } from "../../lib/rules/mkt";
import type { Rule } from "../../lib/rules/rule-types";
import type { EdgeEvent } from "../../lib/ingest/event";

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;

function event(deviceName: string, resourceName: string, value: number, minute: number): EdgeEvent {
  const origin = T0 + minute * MIN;
  return { id: `e${minute}`, deviceName, profileName: "p", sourceName: resourceName, origin, readings: [{ id: `r${minute}`, origin, deviceName, resourceName, profileName: "p", valueType: "Float32", value }] };
}

/** feeds one value per minute and collects the alerts */
async function feed(engine: RulesEngine, values: number[], resource = "temp", startMinute = 0): Promise<Alert[]> {
  const out: Alert[] = [];
  for (let i = 0; i < values.length; i++) out.push(...(await engine.evaluate(event("truck-1", resource, values[i], startMinute + i))).alerts);
  return out;
}

const threshold: Rule = { name: "warm", type: "threshold", severity: "critical", resource: "temp", direction: "above", raise: 8, clear: 7.5, forS: 10 * 60 };

describe("cold-chain rules (time from the readings)", function () {
  it("raises a threshold alert once, only after the condition held its duration, and clears past the hysteresis", async function () {
    const e = new RulesEngine([threshold]);
    const values = [5, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 10, 11, 9, 7.8, 7.6, 7.4, 7];
    const alerts = await feed(e, values);
    assert.deepStrictEqual(alerts.map((a) => a.state), ["raised", "updated", "cleared"], "one update, for the new peak a minute after the raise");
    const [raised, updated, cleared] = alerts;
    assert.strictEqual(updated.peak, 11);
    assert.strictEqual(raised.start, T0 + 1 * MIN, "the excursion started when the condition first held");
    assert.strictEqual(raised.durationS, 600);
    assert.strictEqual(raised.priority, 0);
    assert.strictEqual(cleared.end, T0 + 16 * MIN, "cleared only below 7.5");
    assert.strictEqual(cleared.peak, 11);
    assert.strictEqual(cleared.durationS, 15 * 60);
  });

  it("does not raise for a signal flapping around the threshold shorter than the duration", async function () {
    const e = new RulesEngine([threshold]);
    const flapping = Array.from({ length: 120 }, (_, i) => (i % 6 < 3 ? 8.4 : 7.9));
    assert.deepStrictEqual(await feed(e, flapping), []);
  });

  it("with no duration, hysteresis still makes a flapping signal one excursion", async function () {
    const e = new RulesEngine([{ ...threshold, forS: 0 }]);
    const alerts = await feed(e, [7, 8.2, 7.9, 8.3, 7.8, 8.1, 7.6, 7.4]);
    assert.deepStrictEqual(alerts.filter((a) => a.state !== "updated").map((a) => a.state), ["raised", "cleared"]);
  });

  it("resumes an excursion's timer after a restart mid-way instead of starting over", async function () {
    const first = new RulesEngine([threshold]);
    await feed(first, [9, 9, 9, 9, 9, 9]); // 5 minutes held
    const snapshot = JSON.parse(JSON.stringify(first.snapshot()));
    const restarted = new RulesEngine([threshold]);
    restarted.restore(snapshot);
    const alerts = await feed(restarted, [9, 9, 9, 9, 9], "temp", 6);
    assert.deepStrictEqual(alerts.map((a) => [a.state, a.start]), [["raised", T0]], "raised at minute 10, started at minute 0");
  });

  it("treats a gap in the data as time that passed: one reading after the gap completes the duration", async function () {
    const e = new RulesEngine([threshold]);
    const a1 = await feed(e, [9], "temp", 0);
    const a2 = await feed(e, [9], "temp", 30);
    assert.deepStrictEqual([...a1, ...a2].map((a) => a.state), ["raised"]);
  });

  it("band, rate of change and JSONata rules", async function () {
    const e = new RulesEngine([
      { name: "band", type: "band", severity: "major", resource: "temp", low: 2, high: 8, hysteresis: 0.5 },
      { name: "fast", type: "rate", severity: "minor", resource: "temp", perMinute: 1, windowS: 300, direction: "rise" },
      { name: "door", type: "jsonata", severity: "info", resource: "temp", expression: "value > 20" },
    ]);
    const alerts = await feed(e, [4, 4, 1.8, 2.2, 2.6, 4, 6, 12, 25, 25, 5]);
    const by = (n: string) => alerts.filter((a) => a.rule === n && a.state !== "updated").map((a) => a.state);
    assert.deepStrictEqual(by("band"), ["raised", "cleared", "raised", "cleared"]);
    assert.ok(by("fast")[0] === "raised");
    assert.deepStrictEqual(by("door"), ["raised", "cleared"]);
  });

  it("time out of refrigeration: raises when the cumulative minutes out of range exceed the budget in the window", async function () {
    const e = new RulesEngine([{ name: "tor", type: "tor", severity: "major", resource: "temp", low: 2, high: 8, budgetMin: 30, windowH: 24 }]);
    // three 12-minute excursions, an hour apart: 36 minutes out of range in total
    const values: number[] = [];
    for (let k = 0; k < 3; k++) values.push(...Array(12).fill(10), ...Array(48).fill(5));
    const alerts = await feed(e, values);
    const raised = alerts.find((a) => a.state === "raised")!;
    assert.ok(raised, "raised");
    // 24 minutes after two excursions; the third passes 30 (more than the budget) at minute 127
    assert.strictEqual(raised.start, T0 + (120 + 7) * MIN, "raised when the third excursion passed 30 minutes in total");
  });

  it("mean kinetic temperature: matches a hand computation and raises above the limit", async function () {
    // two hours at 5 °C and one at 25 °C: T = 10000 / -ln((2e^(-10000/278.15) + e^(-10000/298.15))/3) - 273.15
    const hand = 10000 / -Math.log((2 * Math.exp(-10000 / 278.15) + Math.exp(-10000 / 298.15)) / 3) - 273.15;
    assert.ok(Math.abs(meanKineticTemperature([5, 5, 25]) - hand) < 1e-9);
    assert.ok(Math.abs(hand - 16.9) < 0.1, `${hand}`);
    assert.strictEqual(Math.round(meanKineticTemperature([20, 20, 20]) * 1e9) / 1e9, 20);
    const e = new RulesEngine([{ name: "mkt", type: "mkt", severity: "major", resource: "temp", limit: 8, windowH: 24 }]);
    const alerts = await feed(e, [...Array(60).fill(5), ...Array(60).fill(14)]);
    assert.strictEqual(alerts[0]?.state, "raised");
  });

  it("stock below the reorder point asks for the quantity up to the target", async function () {
    const e = new RulesEngine([{ name: "restock", type: "stock", severity: "minor", resource: "weight", unitWeight: 1.032, tare: 0.85, reorderPoint: 6, targetStock: 24 }]);
    const alerts = await feed(e, [0.85 + 10 * 1.032, 0.85 + 5 * 1.032, 0.85 + 4 * 1.032, 0.85 + 24 * 1.032], "weight");
    assert.deepStrictEqual(alerts.map((a) => [a.state, a.detail?.count, a.detail?.replenish]), [["raised", 5, 19], ["updated", 4, 20], ["cleared", 24, 0]]);
  });

  it("stock counts the nearest whole unit: a weight cell's noise at the reorder point raises once, not by turns", async function () {
    const e = new RulesEngine([{ name: "restock", type: "stock", severity: "minor", resource: "weight", unitWeight: 0.262, tare: 0.85, reorderPoint: 6, targetStock: 24 }]);
    const noisy = (units: number) => [0.003, -0.003, 0.002, -0.001, -0.003, 0.001].map((g) => 0.85 + units * 0.262 + g);
    const alerts = await feed(e, [0.85 + 8 * 0.262, ...noisy(6), ...noisy(5), ...noisy(5)], "weight");
    assert.deepStrictEqual(alerts.map((a) => [a.state, a.detail?.count]), [["raised", 5]]);
  });

  it("no data: raised by the timer, cleared by the next reading", async function () {
    const e = new RulesEngine([{ name: "silent", type: "nodata", severity: "major", resource: "temp", seconds: 120 }]);
    await feed(e, [5]);
    const seen = Date.now();
    assert.deepStrictEqual(e.tick(seen + 60_000), []);
    const raised = e.tick(seen + 180_000);
    assert.deepStrictEqual(raised.map((a) => a.state), ["raised"]);
    assert.deepStrictEqual(e.tick(seen + 240_000), [], "raised once");
    const cleared = await feed(e, [5], "temp", 5);
    assert.deepStrictEqual(cleared.map((a) => a.state), ["cleared"]);
  });
});
