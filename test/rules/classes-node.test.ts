/**
 * Product classes and calibration through the nodes as a flow uses them: device ingest with a calibrated probe →
 * cold-chain rules with a device table, a trip message, msg.productClass; what cannot be applied reaches a Catch node.
 */
import * as assert from "assert";
import helper from "node-red-node-test-helper";
import profileNode from "../../nodes/edge-device-profile/edge-device-profile";
import ingestNode from "../../nodes/edge-ingest/edge-ingest";
import rulesNode from "../../nodes/edge-rules/edge-rules";
import aggregateNode from "../../nodes/edge-aggregate/edge-aggregate";
import { waitFor } from "../harness/wait";
import { events } from "../harness/node-events";

helper.init(require.resolve("node-red"));
const catchNode = require("@node-red/nodes/core/common/25-catch.js");

type Alert = { rule: string; state: string; deviceName: string; value: number; productClass?: string; limits?: Record<string, unknown>; detail?: Record<string, unknown> };
const T0 = Date.UTC(2026, 0, 1);
const fahrenheit = (c: number) => (c * 9) / 5 + 32;

describe("edge-ingest → edge-rules: product classes and calibration", function () {
  this.timeout(20000);
  beforeEach(function (done) {
    helper.startServer(done);
  });
  afterEach(function (done) {
    helper.unload().then(() => helper.stopServer(done));
  });

  const flow = (rules: Record<string, unknown> = {}, ingest: Record<string, unknown> = {}) => [
    { id: "t", type: "tab" },
    { id: "p", type: "edge-device-profile", source: "builtin", builtin: "reefer-unit" },
    { id: "in", z: "t", type: "edge-ingest", profile: "p", deviceNameFrom: "path", deviceNamePath: "unit_id", outOfRange: "flag", originPath: "ts", output: "event", calibration: "truck-01/returnAir -0.5 CAL-9 2025-12-31", ...ingest, wires: [["rules"], ["rejected"]] },
    { id: "rules", z: "t", type: "edge-rules", tickS: "60", deviceClasses: "truck-03 = frozen", rules: [{ name: "box too warm", type: "threshold", severity: "critical", resource: "returnAir", direction: "above", raise: "8", clear: "7.5", forS: "0", limits: "class" }], ...rules, wires: [["alerts"], ["readings"]] },
    { id: "alerts", z: "t", type: "helper" },
    { id: "readings", z: "t", type: "helper" },
    { id: "rejected", z: "t", type: "helper" },
    { id: "catcher", z: "t", type: "catch", scope: ["rules", "in"], uncaught: false, wires: [["caught"]] },
    { id: "caught", z: "t", type: "helper" },
  ];

  async function load(rules?: Record<string, unknown>, ingest?: Record<string, unknown>) {
    await helper.load([profileNode, ingestNode, rulesNode, catchNode], <never>flow(rules, ingest));
    const collect = (id: string) => {
      const list: Array<Record<string, unknown>> = [];
      events(helper.getNode(id)).on("input", (m: Record<string, unknown>) => list.push(m));
      return list;
    };
    return { alerts: collect("alerts"), readings: collect("readings"), caught: collect("caught") };
  }
  const truck = (unit: string, celsius: number, minute: number, extra: Record<string, unknown> = {}) => ({ payload: { unit_id: unit, ts: T0 + minute * 60000, ret_air_f: fahrenheit(celsius) }, ...extra });

  it("a frozen truck at −18 °C raises nothing, a chilled one at 9 °C does; a trip message makes truck-02 frozen; msg.productClass overrides", async function () {
    const { alerts, readings } = await load();
    const ingest = helper.getNode("in");
    ingest.receive(truck("truck-03", -18, 0));
    ingest.receive(truck("truck-02", 9, 0));
    await waitFor(() => readings.length === 2, "both readings through");
    assert.deepStrictEqual(alerts.map((m) => [(m.payload as Alert).deviceName, (m.payload as Alert).limits]), [["truck-02", { high: 8, source: "rule" }]]);
    ingest.receive(truck("truck-02", 5, 1)); // cleared
    await waitFor(() => readings.length === 3, "the chilled truck back below 7.5 °C");
    helper.getNode("rules").receive({ topic: "product-class", payload: { deviceName: "truck-02", productClass: "frozen" } });
    ingest.receive(truck("truck-02", -10, 2));
    await waitFor(() => alerts.length === 3, "cleared, then raised with the trip's class");
    assert.deepStrictEqual((alerts[2].payload as Alert).limits, { productClass: "frozen", high: -15, source: "trip" });
    ingest.receive(truck("truck-02", -10, 3, { productClass: "chilled" }));
    await waitFor(() => alerts.length === 4, "a message saying chilled: −10 °C is within ≤ 8, the alert clears");
    assert.strictEqual((alerts[3].payload as Alert).state, "cleared");
    assert.strictEqual((alerts[3].payload as Alert).productClass, "chilled");
  });

  it("the calibrated probe's reading carries the corrected value, the raw value and its certificate; past its due date an info alert", async function () {
    const { alerts, readings } = await load();
    helper.getNode("in").receive(truck("truck-01", 5, 0));
    await waitFor(() => readings.length === 1 && alerts.length === 1, "the reading and the overdue alert");
    const r = (readings[0].payload as { readings: Array<Record<string, unknown>> }).readings.find((x) => x.resourceName === "returnAir")!;
    assert.deepStrictEqual([r.value, r.rawValue, r.calibration], [4.5, 5, { offset: -0.5, certificate: "CAL-9", due: Date.UTC(2026, 0, 1) - 1 }]);
    const a = alerts[0] as { payload: Alert; priority: number };
    assert.deepStrictEqual([a.payload.rule, a.payload.state, a.payload.deviceName, a.payload.detail?.certificate, a.priority], ["calibration overdue", "raised", "truck-01", "CAL-9", 3]);
  });

  it("an unknown class in a message, a trip without a device, go to the Catch node; a bad table or calibration line stops the node with the reason", async function () {
    const { caught, readings } = await load();
    helper.getNode("in").receive(truck("truck-02", 5, 0, { productClass: "lukewarm" }));
    helper.getNode("rules").receive({ topic: "product-class", payload: { productClass: "frozen" } });
    helper.getNode("rules").receive({ topic: "product-class", payload: { deviceName: "truck-02", productClass: "tepid" } });
    await waitFor(() => caught.length === 3, "three refusals").catch((err) => {
      throw new Error(`${err.message}: ${JSON.stringify(caught.map((m) => m.error))}`);
    });
    const reasons = caught.map((m) => (m.error as { message: string }).message);
    assert.ok(reasons.some((r) => /unknown product class 'lukewarm'/.test(r)), reasons.join("\n"));
    // the test helper has no message catalogue: the key stands for "… needs payload.deviceName …"
    assert.ok(reasons.some((r) => /needs payload.deviceName|edge-rules.errors.tripDevice/.test(r)), reasons.join("\n"));
    assert.ok(reasons.some((r) => /unknown product class 'tepid'/.test(r)), reasons.join("\n"));
    assert.strictEqual(readings.length, 0);
    await helper.unload();

    const bad = await load({ deviceClasses: "truck-03 = slush" }, { calibration: "truck-01/returnAir warm" });
    helper.getNode("rules").receive({ payload: 5, topic: "truck-03/returnAir" });
    helper.getNode("in").receive(truck("truck-03", -18, 0));
    await waitFor(() => bad.caught.length === 2, "both nodes refuse their input with the setup problem");
    const setup = bad.caught.map((m) => (m.error as { message: string }).message).join("\n");
    assert.match(setup, /unknown class 'slush'/);
    assert.match(setup, /the offset 'warm' is not a number/);
  });

  it("summaries measure time in range against each device's class: the frozen truck at −18 °C is in range, not out of 2–8 °C", async function () {
    const f = flow().map((n) => (n.id === "rules" ? { ...n, wires: [["alerts"], ["readings", "agg"]] } : n));
    f.push({ id: "agg", z: "t", type: "edge-aggregate", kind: "tumbling", by: "count", size: "3", percentiles: "50", mkt: false, rangeLow: "2", rangeHigh: "8", resources: "returnAir", wires: [["summaries"]] } as never);
    f.push({ id: "summaries", z: "t", type: "helper" } as never);
    await helper.load([profileNode, ingestNode, rulesNode, aggregateNode, catchNode], <never>f);
    const summaries: Array<{ payload: { deviceName: string; timeInRange: number } }> = [];
    events(helper.getNode("summaries")).on("input", (m: { payload: { deviceName: string; timeInRange: number } }) => summaries.push(m));
    const ingest = helper.getNode("in");
    for (let minute = 0; minute < 3; minute++) {
      ingest.receive(truck("truck-03", -18, minute));
      ingest.receive(truck("truck-01", 5, minute));
    }
    await waitFor(() => summaries.length === 2, "one summary per truck");
    const inRange = Object.fromEntries(summaries.map((m) => [m.payload.deviceName, m.payload.timeInRange]));
    assert.deepStrictEqual(inRange, { "truck-03": 1, "truck-01": 1 });
  });
});
