/**
 * Issue 15: edge-rules awaited each rule without serialising messages, so events arriving together interleaved
 * rule by rule. Through Node-RED: many events of one device at once, with a JSONata rule (asynchronous) and
 * events of different sizes; the annotated readings leave in input order and the alerts are those of the same
 * events evaluated one after the other.
 */
import * as assert from "assert";
import helper from "node-red-node-test-helper";
import rulesNode from "../../nodes/edge-rules/edge-rules";
import { RulesEngine, type Alert } from "../../lib/rules/rules-engine";
import type { Rule } from "../../lib/rules/rule-types";
import type { EdgeEvent } from "../../lib/ingest/event";
import { waitFor } from "../harness/wait";
import { events } from "../harness/node-events";

helper.init(require.resolve("node-red"));

const T0 = Date.UTC(2026, 2, 1);
const N = 60;
// returnAir goes warm and cool in spells of 4 minutes; each event carries a different number of other readings
// before it, so an evaluation that is not serialised reaches returnAir after a different number of awaits
function eventAt(i: number): EdgeEvent {
  const origin = T0 + i * 60_000;
  const others = (i * 7) % 5;
  const reading = (resourceName: string, value: number) => ({ id: `r${i}-${resourceName}`, origin, deviceName: "truck-1", resourceName, profileName: "reefer", valueType: "Float32" as const, value });
  return {
    id: `e${i}`,
    deviceName: "truck-1",
    profileName: "reefer",
    sourceName: "returnAir",
    origin,
    readings: [...Array.from({ length: others }, (_, k) => reading(`aux${k}`, k)), reading("returnAir", Math.floor(i / 4) % 2 === 0 ? 9 : 5)],
  };
}

const rules = [
  { name: "hot", type: "jsonata", severity: "major", expression: 'reading.resourceName = "returnAir" and value > 8', forS: "120" },
  { name: "warm", type: "threshold", severity: "minor", resource: "returnAir", direction: "above", raise: "8", clear: "7", forS: "60" },
];

const summary = (a: Pick<Alert, "rule" | "state" | "start" | "at" | "causeEventId">) => `${a.rule} ${a.state} start=${a.start - T0} at=${a.at - T0} cause=${a.causeEventId}`;

describe("edge-rules keeps message order", function () {
  this.timeout(30000);
  beforeEach(function (done) {
    helper.startServer(done);
  });
  afterEach(function (done) {
    helper.unload().then(() => helper.stopServer(done));
  });

  it("evaluates events that arrive together one after the other, and sends them on in input order", async function () {
    await helper.load(rulesNode, <never>[{ id: "rules", type: "edge-rules", tickS: "60", rules, wires: [["alerts"], ["readings"]] }, { id: "alerts", type: "helper" }, { id: "readings", type: "helper" }]);
    const alerts: Alert[] = [];
    const order: string[] = [];
    events(helper.getNode("alerts")).on("input", (m: { payload: Alert }) => alerts.push(m.payload));
    events(helper.getNode("readings")).on("input", (m: { payload: EdgeEvent }) => order.push(m.payload.id));
    const node = helper.getNode("rules");
    for (let i = 0; i < N; i++) node.receive({ payload: eventAt(i), eventId: `e${i}` });
    await waitFor(() => order.length === N, `${N} annotated events`);

    assert.deepStrictEqual(order, Array.from({ length: N }, (_, i) => `e${i}`), "annotated events in input order");
    const sequential = new RulesEngine(rules.map((r) => ({ ...r, forS: Number(r.forS), ...("raise" in r ? { raise: Number(r.raise), clear: Number(r.clear) } : {}) }) as unknown as Rule));
    const expected: Alert[] = [];
    for (let i = 0; i < N; i++) expected.push(...(await sequential.evaluate(eventAt(i), `e${i}`)).alerts);
    assert.ok(expected.length > 20, "the spells raise and clear alerts many times");
    assert.deepStrictEqual(alerts.map(summary), expected.map(summary), "the alerts of a sequential evaluation, in its order");
  });
});
