import * as assert from "assert";
import helper from "node-red-node-test-helper";
import rulesNode from "../../nodes/edge-rules/edge-rules";
import aggregateNode from "../../nodes/edge-aggregate/edge-aggregate";
import { tempDir } from "../harness/peers";
import { waitFor } from "../harness/wait";
import { events } from "../harness/node-events";

helper.init(require.resolve("node-red"));

const T0 = Date.UTC(2026, 0, 1);
const reading = (value: number, minute: number) => ({ payload: { id: `e${minute}`, deviceName: "truck-1", profileName: "reefer", sourceName: "returnAir", origin: T0 + minute * 60000, readings: [{ id: `r${minute}`, origin: T0 + minute * 60000, deviceName: "truck-1", resourceName: "returnAir", profileName: "reefer", valueType: "Float32", value }] } });

describe("edge-rules and edge-aggregate nodes", function () {
  this.timeout(20000);
  before(function () {
    helper.settings(<never>{ contextStorage: { default: { module: "localfilesystem", config: { dir: tempDir("rules-context"), flushInterval: 0 } } } });
  });
  beforeEach(function (done) {
    helper.startServer(done);
  });
  afterEach(function (done) {
    helper.unload().then(() => helper.stopServer(done));
  });

  const flow = [
    { id: "rules", type: "edge-rules", rules: [{ name: "warm", type: "threshold", severity: "critical", resource: "returnAir", direction: "above", raise: "8", clear: "7.5", forS: "900" }], wires: [["alerts"], ["readings"]] },
    { id: "alerts", type: "helper" },
    { id: "readings", type: "helper" },
  ];

  it("raises after 15 minutes, with priority 0, saves its state in the node's context, and annotates the readings", async function () {
    await helper.load(rulesNode, flow);
    const annotated: Array<{ payload: { readings: Array<{ rules?: string[] }> } }> = [];
    events(helper.getNode("readings")).on("input", (m: { payload: { readings: Array<{ rules?: string[] }> } }) => annotated.push(m));
    for (let m = 0; m <= 8; m++) helper.getNode("rules").receive(reading(9, m));
    await waitFor(() => annotated.length === 9, "9 readings through");
    const context = helper.getNode("rules").context();
    await waitFor(() => context.get("edge-rules-state") !== undefined, "the rules' state saved in the node's context");
    const alerts: Array<{ payload: { state: string; start: number }; priority: number }> = [];
    events(helper.getNode("alerts")).on("input", (m: { payload: { state: string; start: number }; priority: number }) => alerts.push(m));
    const after: Array<{ payload: { readings: Array<{ rules?: string[] }> } }> = [];
    events(helper.getNode("readings")).on("input", (m: { payload: { readings: Array<{ rules?: string[] }> } }) => after.push(m));
    for (let m = 9; m <= 15; m++) helper.getNode("rules").receive(reading(9, m));
    await waitFor(() => alerts.length === 1, "the alert, 15 minutes after the excursion began");
    assert.strictEqual(alerts[0].payload.state, "raised");
    assert.strictEqual(alerts[0].payload.start, T0, "the timer resumed rather than starting over");
    assert.strictEqual(alerts[0].priority, 0);
    await waitFor(() => after.length === 7, "readings");
    assert.deepStrictEqual(after[6].payload.readings[0].rules, ["warm"]);
  });

  it("summarises windows of readings", async function () {
    await helper.load(aggregateNode, <never>[{ id: "agg", type: "edge-aggregate", kind: "tumbling", by: "count", size: "4", percentiles: "50", mkt: true, rangeLow: "2", rangeHigh: "8", wires: [["out"]] }, { id: "out", type: "helper" }]);
    const out: Array<{ topic: string; payload: { count: number; mean: number; deviceName: string } }> = [];
    events(helper.getNode("out")).on("input", (m: { topic: string; payload: { count: number; mean: number; deviceName: string } }) => out.push(m));
    [3, 4, 5, 6, 7].forEach((v, i) => helper.getNode("agg").receive(reading(v, i)));
    await waitFor(() => out.length === 1, "one summary");
    assert.strictEqual(out[0].topic, "summary/truck-1/returnAir");
    assert.deepStrictEqual([out[0].payload.count, out[0].payload.mean, out[0].payload.deviceName], [4, 4.5, "truck-1"]);
  });
});
