/** Product classes: one rule set over a mixed fleet, the limits from the device, with their precedence. */
import * as assert from "assert";
import { RulesEngine, Alert } from "../../lib/rules/rules-engine";
import { ProductClasses, classTable, parseDeviceClasses, BUILTIN_CLASSES } from "../../lib/rules/product-classes";
import type { Rule } from "../../lib/rules/rule-types";
import type { EdgeEvent } from "../../lib/ingest/event";
import type { LoadContext } from "../../lib/rules/product-classes";

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;

function event(deviceName: string, value: number, minute: number, metadata?: Record<string, unknown>): EdgeEvent {
  const origin = T0 + minute * MIN;
  return { id: `${deviceName}-${minute}`, deviceName, profileName: "reefer", sourceName: "returnAir", origin, readings: [{ id: `r-${deviceName}-${minute}`, origin, deviceName, resourceName: "returnAir", profileName: "reefer", valueType: "Float32", value, units: "degC" }], ...(metadata ? { metadata } : {}) };
}

async function feed(engine: RulesEngine, device: string, values: number[], load: LoadContext = {}, metadata?: Record<string, unknown>, start = 0): Promise<Alert[]> {
  const out: Alert[] = [];
  for (let i = 0; i < values.length; i++) out.push(...(await engine.evaluate(event(device, values[i], start + i, metadata), undefined, load)).alerts);
  return out;
}

const warm: Rule = { name: "box too warm", type: "threshold", severity: "critical", resource: "returnAir", direction: "above", raise: 8, clear: 7.5, forS: 5 * 60, limits: "class" };
const tor: Rule = { name: "time out of range", type: "tor", severity: "major", resource: "returnAir", low: 2, high: 8, budgetMin: 10, windowH: 24, limits: "class" };

function fleetEngine(rules: Rule[] = [warm, tor]): RulesEngine {
  const classes = classTable(undefined);
  return new RulesEngine(rules, new ProductClasses(classes, parseDeviceClasses("truck-03 = frozen\npharma-* = pharma-15-25", classes)));
}

describe("product classes", function () {
  it("a frozen truck at −18 °C raises nothing; the same rules raise a chilled truck at 9 °C with the limits that applied", async function () {
    const e = fleetEngine();
    const frozen = await feed(e, "truck-03", Array(60).fill(-18));
    assert.deepStrictEqual(frozen, [], "−18 °C is within the frozen class");
    const chilled = await feed(e, "truck-01", [5, ...Array(20).fill(9)]);
    const raised = chilled.find((a) => a.rule === "box too warm" && a.state === "raised")!;
    assert.ok(raised, "the chilled truck's excursion is raised");
    assert.strictEqual(raised.productClass, undefined, "truck-01 is in no table: the rule's own limits");
    assert.deepStrictEqual(raised.limits, { high: 8, source: "rule" });
    const torRaised = chilled.find((a) => a.rule === "time out of range" && a.state === "raised")!;
    assert.deepStrictEqual(torRaised.limits, { low: 2, high: 8, source: "rule" });
  });

  it("a frozen truck warming above −15 °C raises with the frozen limits and clears below −15.5 (the rule's hysteresis)", async function () {
    const e = fleetEngine([warm]);
    const alerts = await feed(e, "truck-03", [-18, -14, -14, -14, -14, -14, -14, -15.2, -15.6]);
    assert.deepStrictEqual(alerts.map((a) => a.state), ["raised", "cleared"]);
    assert.strictEqual(alerts[0].productClass, "frozen");
    assert.deepStrictEqual(alerts[0].limits, { productClass: "frozen", high: -15, source: "device-table" });
    assert.strictEqual(alerts[0].start, T0 + MIN);
    assert.strictEqual(alerts[1].at, T0 + 8 * MIN, "not cleared at −15.2, cleared at −15.6");
  });

  it("a band of 15–25 °C for medicines: 10 °C is too cold, 20 °C fine (a prefix in the device table)", async function () {
    const e = fleetEngine([{ ...tor, budgetMin: 3 }]);
    assert.deepStrictEqual(await feed(e, "pharma-van-1", Array(10).fill(20)), []);
    const cold = await feed(e, "pharma-van-2", Array(10).fill(10));
    assert.strictEqual(cold[0]?.state, "raised");
    assert.deepStrictEqual(cold[0].limits, { productClass: "pharma-15-25", low: 15, high: 25, source: "device-table" });
  });

  it("precedence: message limits > message class > trip > device table > device labels > the rule's own", async function () {
    const quick: Rule = { ...warm, forS: 0 };
    const e = fleetEngine([quick]);
    const first = async (device: string, value: number, load: LoadContext = {}, metadata?: Record<string, unknown>) => (await feed(e, device, [value], load, metadata))[0];
    // truck-03 is frozen by the table; labels say chilled: the table wins, −10 °C is too warm
    assert.strictEqual((await first("truck-03", -10, {}, { labels: ["reefer", "class:chilled"] }))?.limits?.source, "device-table");
    await feed(e, "truck-03", [-20]);
    // a label on a device in no table
    const labelled = await first("truck-09", -10, {}, { labels: ["class:frozen"] });
    assert.deepStrictEqual(labelled?.limits, { productClass: "frozen", high: -15, source: "device-labels" });
    await feed(e, "truck-09", [-20], {}, { labels: ["class:frozen"] });
    assert.strictEqual((await first("truck-08", -10, {}, { productClass: "frozen" }))?.limits?.source, "device-labels");
    await feed(e, "truck-08", [-20], {}, { productClass: "frozen" });
    // the trip beats the table: truck-03 loaded with bananas
    e.classes.setTrip("truck-03", "produce-bananas");
    assert.deepStrictEqual((await first("truck-03", 16))?.limits, { productClass: "produce-bananas", low: 13, high: 15, source: "trip" });
    await feed(e, "truck-03", [14]);
    // the message's class beats the trip, the message's limits beat everything
    assert.strictEqual((await first("truck-03", 14, { msgClass: "frozen" }))?.limits?.source, "message");
    await feed(e, "truck-03", [14]);
    assert.deepStrictEqual((await first("truck-03", 14, { msgLimits: { high: 12 }, msgClass: "frozen" }))?.limits, { high: 12, source: "message" });
    // the trip ends: the table applies again
    e.classes.setTrip("truck-03", null);
    await feed(e, "truck-03", [-20]);
    assert.strictEqual((await first("truck-03", -10))?.limits?.source, "device-table");
  });

  it("refuses what it cannot apply, saying why", async function () {
    const e = fleetEngine();
    await assert.rejects(e.evaluate(event("truck-01", 5, 0), undefined, { msgClass: "lukewarm" }), /unknown product class 'lukewarm'/);
    await assert.rejects(e.evaluate(event("truck-01", 5, 0), undefined, { msgLimits: { low: 9, high: 3 } }), /low must be below high/);
    await assert.rejects(e.evaluate(event("truck-01", 5, 0), undefined, { msgLimits: "cold" }), /msg.limits must be an object/);
    assert.throws(() => e.classes.setTrip("truck-01", "lukewarm"), /unknown product class/);
    assert.throws(() => parseDeviceClasses("truck-01 frozen", BUILTIN_CLASSES), /is not "device = class"/);
    assert.throws(() => parseDeviceClasses("truck-01 = tepid", BUILTIN_CLASSES), /unknown class 'tepid'/);
    assert.throws(() => classTable("{"), /not valid JSON/);
    // names of Object's own properties are no classes
    await assert.rejects(e.evaluate(event("truck-01", 5, 0), undefined, { msgClass: "constructor" }), /unknown product class 'constructor'/);
    assert.throws(() => e.classes.setTrip("truck-01", "toString"), /unknown product class/);
    assert.throws(() => classTable('{"__proto__": {"high": 1}}'), /cannot name a product class/);
    assert.throws(() => classTable('{"x": {"description": "no limits"}}'), /needs a low or a high limit/);
  });

  it("the class table is editable: an entry replaces a built-in, another is added; an MKT rule uses the class's mkt", async function () {
    const classes = classTable('{"frozen": {"high": -18}, "pharma-2-8": {"low": 2, "high": 8, "mkt": 6}}');
    assert.strictEqual(classes.frozen.high, -18);
    assert.strictEqual(classes.chilled.high, 8, "the other built-ins stay");
    const mkt: Rule = { name: "MKT", type: "mkt", severity: "major", resource: "returnAir", limit: 25, windowH: 24, limits: "class" };
    const e = new RulesEngine([mkt], new ProductClasses(classes, [["vaccine-fridge", "pharma-2-8"]]));
    const alerts = await feed(e, "vaccine-fridge", [7, 7, 7]);
    assert.strictEqual(alerts[0]?.state, "raised", "MKT 7 °C is above the class's 6 °C");
    assert.deepStrictEqual(alerts[0].limits, { productClass: "pharma-2-8", low: 2, high: 8, mkt: 6, source: "device-table" });
  });

  it("keeps trip classes across a snapshot and restore", async function () {
    const a = fleetEngine([{ ...warm, forS: 0 }]);
    a.classes.setTrip("truck-05", "frozen");
    const b = fleetEngine([{ ...warm, forS: 0 }]);
    b.restore(JSON.parse(JSON.stringify(a.snapshot())));
    assert.deepStrictEqual(await feed(b, "truck-05", [-17]), [], "still frozen after the restart");
  });
});
