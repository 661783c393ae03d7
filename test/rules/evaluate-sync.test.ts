/** Issue 20: the synchronous evaluation edge-rules uses when no rule is JSONata gives what the asynchronous one gives. */
import * as assert from "assert";
import { RulesEngine, type Alert } from "../../lib/rules/rules-engine";
import type { Rule } from "../../lib/rules/rule-types";
import type { EdgeEvent } from "../../lib/ingest/event";

const T0 = Date.UTC(2026, 0, 1);
const RULES: Rule[] = [
  { name: "warm", type: "threshold", severity: "critical", resource: "temp", direction: "above", raise: 8, clear: 7.5, forS: 120 },
  { name: "band", type: "band", severity: "major", low: 2, high: 8, hysteresis: 0.3 },
  { name: "mkt", type: "mkt", severity: "major", resource: "temp", limit: 6, windowH: 1 },
];

function event(minute: number): EdgeEvent {
  const origin = T0 + minute * 60_000;
  const reading = (deviceName: string, value: number) => ({ id: `${deviceName}-${minute}`, origin, deviceName, resourceName: "temp", profileName: "p", valueType: "Float32" as const, value });
  return { id: `e${minute}`, deviceName: "truck-1", profileName: "p", sourceName: "temp", origin, readings: [reading("truck-1", 5 + 5 * Math.sin(minute / 4)), reading("truck-2", 1 + (minute % 9))] };
}

const withoutIds = (alerts: readonly Alert[]) => alerts.map(({ alertId: _id, ...rest }) => rest);

describe("rules engine: synchronous evaluation", function () {
  it("gives the alerts and trips of evaluate(), event by event, and one alert id over an alert's life", async function () {
    const sync = new RulesEngine(RULES);
    const async = new RulesEngine(RULES);
    assert.strictEqual(sync.synchronous, true);
    const lives = new Map<string, string>();
    let alerts = 0;
    for (let m = 0; m < 120; m++) {
      const a = sync.evaluateSync(event(m), `c${m}`);
      const b = await async.evaluate(event(m), `c${m}`);
      assert.deepStrictEqual(withoutIds(a.alerts), withoutIds(b.alerts), `minute ${m}`);
      assert.deepStrictEqual([...a.tripped], [...b.tripped], `minute ${m}`);
      for (const alert of a.alerts) {
        alerts++;
        const life = `${alert.rule} ${alert.key} ${alert.start}`;
        if (alert.state === "raised") {
          assert.ok(![...lives.values()].includes(alert.alertId), "a new life, a new id");
          lives.set(life, alert.alertId);
        } else assert.strictEqual(alert.alertId, lives.get(life), "the same id from raised to cleared");
        assert.match(alert.alertId, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, "UUID-shaped (version 8)");
      }
    }
    assert.ok(alerts > 20, `alerts compared: ${alerts}`);
  });

  it("hands out a frozen empty result when nothing happened, and refuses an engine with a JSONata rule", function () {
    const e = new RulesEngine(RULES);
    const quiet = e.evaluateSync({ ...event(0), readings: [{ ...event(0).readings[0], value: 5 }] });
    assert.deepStrictEqual(quiet.alerts, []);
    assert.strictEqual(quiet.tripped.size, 0);
    assert.throws(() => quiet.alerts.push({} as Alert), TypeError, "a shared result cannot be changed");
    const j = new RulesEngine([{ name: "j", type: "jsonata", severity: "info", expression: "value > 1" }]);
    assert.strictEqual(j.synchronous, false);
    assert.throws(() => j.evaluateSync(event(0)), /JSONata rule.*use evaluate\(\)/);
  });
});
