/**
 * edge-rules' limits as typed inputs, through the nodes in Node-RED (edge-ingest → edge-rules, as a flow uses
 * them): a raise level from an environment variable, read at deploy, with a grey "not configured" when it is not
 * set; a raise level from the flow context, read for every reading, so that changing it applies at once and keeps
 * the open alert; a context key without a number fails the reading to a Catch node and shows red.
 */
import * as assert from "assert";
import helper from "node-red-node-test-helper";
import profileNode from "../../nodes/edge-device-profile/edge-device-profile";
import ingestNode from "../../nodes/edge-ingest/edge-ingest";
import rulesNode from "../../nodes/edge-rules/edge-rules";
import { ensureBuilt } from "../harness/build";
import { waitFor } from "../harness/wait";
import { events } from "../harness/node-events";
import { speaking } from "./catalogue";
import { useTestHelper } from "../harness/test-helper-server";

const catchNode = require("@node-red/nodes/core/common/25-catch.js");

interface Status {
  fill?: string;
  text?: string;
}
function statusesOf(id: string): Status[] {
  const spy = (helper as unknown as { _NodePrototype: { status: { getCalls(): Array<{ thisValue: { id: string }; args: [Status] }> } } })._NodePrototype.status;
  return spy
    .getCalls()
    .filter((c) => c.thisValue?.id === id)
    .map((c) => c.args[0]);
}

type Alert = { alertId: string; rule: string; state: string; deviceName: string; value: number };
const VAR = "EDGE_TEST_STORE_RAISE";
const T0 = Date.UTC(2026, 0, 1);
const fahrenheit = (c: number) => (c * 9) / 5 + 32;
const reading = (celsius: number, minute: number, unit = "truck-01") => ({ payload: { unit_id: unit, ts: T0 + minute * 60000, ret_air_f: fahrenheit(celsius) } });

describe("typed inputs: edge-rules' limits from the environment and the flow context", function () {
  this.timeout(60000);
  before(function () {
    ensureBuilt(); // the shared settings messages are merged into the built catalogues
  });
  afterEach(function () {
    delete process.env[VAR];
  });
  useTestHelper();

  const load = async (raise: string, raiseType: string) => {
    const flow = [
      { id: "t", type: "tab" },
      { id: "p", type: "edge-device-profile", source: "builtin", builtin: "reefer-unit" },
      { id: "in", z: "t", type: "edge-ingest", profile: "p", deviceNameFrom: "path", deviceNamePath: "unit_id", outOfRange: "flag", originPath: "ts", output: "event", wires: [["rules"], []] },
      {
        id: "rules",
        z: "t",
        type: "edge-rules",
        version: 2,
        tickS: "60",
        rules: [{ name: "box too warm", type: "threshold", severity: "critical", resource: "returnAir", direction: "above", raise, raiseType, clear: "-1", clearType: "num", forS: "0" }],
        wires: [["alerts"], ["readings"]],
      },
      { id: "alerts", z: "t", type: "helper" },
      { id: "readings", z: "t", type: "helper" },
      { id: "catcher", z: "t", type: "catch", scope: ["rules"], uncaught: false, wires: [["caught"]] },
      { id: "caught", z: "t", type: "helper" },
    ];
    await helper.load([profileNode, ingestNode, speaking(rulesNode), catchNode], <never>flow);
    const collect = (id: string) => {
      const list: Array<Record<string, unknown>> = [];
      events(helper.getNode(id)).on("input", (m: Record<string, unknown>) => list.push(m));
      return list;
    };
    return { alerts: collect("alerts"), readings: collect("readings"), caught: collect("caught") as Array<{ error: { message: string } }>, ingest: helper.getNode("in") };
  };
  const alertOf = (m: Record<string, unknown>) => m.payload as Alert;

  it("a raise level from an environment variable, read at deploy", async function () {
    process.env[VAR] = "5";
    const { alerts, readings, ingest } = await load(VAR, "env");
    ingest.receive(reading(4, 0));
    ingest.receive(reading(6, 1));
    await waitFor(() => readings.length === 2, "both readings evaluated");
    assert.deepStrictEqual(alerts.map((m) => [alertOf(m).state, alertOf(m).value]), [["raised", 6]]);
    // read once: a change of the variable while the flow runs changes nothing until it is deployed again
    process.env[VAR] = "100";
    ingest.receive(reading(7, 2, "truck-02"));
    await waitFor(() => readings.length === 3, "the third reading evaluated");
    assert.deepStrictEqual(alerts.map((m) => [alertOf(m).deviceName, alertOf(m).state]), [["truck-01", "raised"], ["truck-02", "raised"]], "truck-02 raised against 5");
  });

  it("the variable not set: grey 'not configured' naming it, and each reading goes to Catch", async function () {
    const { alerts, caught, ingest } = await load(VAR, "env");
    const grey = statusesOf("rules").find((s) => s.fill === "grey");
    assert.ok(grey, `grey status (${JSON.stringify(statusesOf("rules"))})`);
    assert.match(grey.text ?? "", new RegExp(`not configured: .*${VAR}`));
    assert.ok(!statusesOf("rules").some((s) => s.fill === "red"), "never red");
    ingest.receive(reading(9, 0));
    await waitFor(() => caught.length === 1, "the reading at the Catch node");
    assert.match(caught[0].error.message, new RegExp(`box too warm.*raise.*${VAR}`));
    assert.strictEqual(alerts.length, 0);
  });

  it("a raise level from the flow context, read per reading: a change applies at the next one and keeps the open alert", async function () {
    const { alerts, readings, caught, ingest } = await load("storeRaise", "flow");
    const flowContext = helper.getNode("rules").context().flow;
    // not set yet: the reading is not evaluated, a Catch node hears why, the status says which key
    ingest.receive(reading(9, 0));
    await waitFor(() => caught.length === 1, "the reading at the Catch node");
    assert.match(caught[0].error.message, /box too warm.*raise.*flow\.storeRaise/);
    await waitFor(() => statusesOf("rules").some((s) => s.fill === "red" && /limit not set: flow\.storeRaise/.test(s.text ?? "")), "red 'limit not set'");
    assert.strictEqual(readings.length, 0);

    flowContext.set("storeRaise", 10);
    ingest.receive(reading(9, 1));
    await waitFor(() => readings.length === 1, "evaluated against 10");
    assert.strictEqual(alerts.length, 0, "9 is not above 10");
    await waitFor(() => statusesOf("rules").at(-1)?.fill === "green", "green again once a reading is evaluated");

    flowContext.set("storeRaise", "8"); // a number held as text counts
    ingest.receive(reading(9, 2));
    await waitFor(() => alerts.length === 1, "raised against 8");
    const raised = alertOf(alerts[0]);
    assert.deepStrictEqual([raised.state, raised.value], ["raised", 9]);

    // the limit moves again: the alert raised before is the engine's still, and clears under its clear level
    flowContext.set("storeRaise", 12);
    ingest.receive(reading(-2, 3));
    await waitFor(() => alerts.length === 2, "cleared");
    assert.deepStrictEqual([alertOf(alerts[1]).state, alertOf(alerts[1]).alertId], ["cleared", raised.alertId]);
  });
});
