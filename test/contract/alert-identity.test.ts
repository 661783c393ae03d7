/**
 * Issue 15: an alert that carried the eventId of the reading that raised it vanished in edge-buffer (which
 * de-duplicates on msg.eventId) while that reading was still queued. Through Node-RED: a reading goes into an
 * edge-buffer whose downstream is down, and so do the alerts it raises — edge-rules' and the model alert of
 * example 1 (edge-tflite → its "anomaly → alert" change node); once the downstream is back, all are delivered.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import helper from "node-red-node-test-helper";
import bufferNode from "../../nodes/edge-buffer/edge-buffer";
import rulesNode from "../../nodes/edge-rules/edge-rules";
import tfliteNode from "../../nodes/edge-tflite/edge-tflite";
import { denseModel } from "../../lib/tflite/model-builder";
import { tempDir } from "../harness/peers";
import { waitFor } from "../harness/wait";
import { events, messagesTo } from "../harness/node-events";
import { useTestHelper } from "../harness/test-helper-server";

const core = [
  require("@node-red/nodes/core/function/10-function.js"),
  require("@node-red/nodes/core/function/15-change.js"),
  require("@node-red/nodes/core/common/24-complete.js"),
  require("@node-red/nodes/core/common/25-catch.js"),
];

type Delivered = { eventId?: string; topic?: string; priority?: number; payload: Record<string, unknown> };

const T0 = Date.UTC(2026, 0, 1);
const readingMsg = (eventId: string, value: number, minute: number) => ({
  topic: "edge/reefer/truck-1",
  eventId,
  payload: { id: eventId, deviceName: "truck-1", profileName: "reefer", sourceName: "returnAir", origin: T0 + minute * 60000, readings: [{ id: `r-${eventId}`, origin: T0 + minute * 60000, deviceName: "truck-1", resourceName: "returnAir", profileName: "reefer", valueType: "Float32", value }] },
});

function exampleNode(id: string): Record<string, unknown> {
  const flow = JSON.parse(fs.readFileSync(path.join(__dirname, "../../examples/01-reefer-truck-gateway.json"), "utf8")) as Array<Record<string, unknown>>;
  return flow.find((n) => n.id === id)!;
}

describe("contract: an alert is a message of its own", function () {
  this.timeout(30000);
  useTestHelper();

  it("a reading and the alerts it raises all pass an edge-buffer whose downstream was down", async function () {
    const dir = tempDir("alert-identity");
    // score = the reading itself: a reading of 9 is an anomaly above the threshold 0.5
    const model = path.join(dir, "identity.tflite");
    fs.writeFileSync(model, denseModel(1, [{ weights: [[1]], bias: [0] }]));
    const modelAlert = exampleNode("ex1-model-alert");
    await helper.load([bufferNode, rulesNode, tfliteNode, ...core], <never>[
      { id: "t", type: "tab" },
      { id: "fan", z: "t", type: "change", rules: [{ t: "set", p: "fanned", pt: "msg", to: "true", tot: "bool" }], wires: [["buf", "rules", "model"]] },
      { id: "rules", z: "t", type: "edge-rules", tickS: "60", rules: [{ name: "warm", type: "threshold", severity: "critical", resource: "returnAir", direction: "above", raise: "8", clear: "7.5", forS: "0" }], wires: [["buf"], []] },
      { id: "model", z: "t", type: "edge-tflite", modelPath: model, output: "anomaly", input: "window", normalise: "0..1", threshold: "0.5", windowResources: "returnAir", poolSize: "1", maxQueue: "16", wires: [["ex1-model-alert"], ["below"]] },
      { id: "below", z: "t", type: "helper" },
      { ...modelAlert, z: "t", wires: [["buf"]] },
      { id: "buf", z: "t", type: "edge-buffer", dir: path.join(dir, "q"), lanes: "4", sync: "group", groupCommitMs: "5", window: "16", ratePerSec: "0", ackTimeoutS: "30", backoffMaxS: "0.2", breakerFailures: "1000", probeAfterS: "0.2", metricsIntervalS: "0", wires: [["deliver"], []] },
      { id: "deliver", z: "t", type: "function", func: "if (!global.get('linkUp')) { throw new Error('link down'); }\nreturn msg;", outputs: 1, wires: [["out"]] },
      { id: "out", z: "t", type: "helper" },
      { id: "done-back", z: "t", type: "complete", scope: ["deliver"], uncaught: false, wires: [["buf"]] },
      { id: "fail-back", z: "t", type: "catch", scope: ["deliver"], uncaught: false, wires: [["buf", "refused"]] },
      { id: "refused", z: "t", type: "helper" },

    ]);
    const delivered = messagesTo<Delivered>("out");
    let refusals = 0;
    events(helper.getNode("refused")).on("input", () => refusals++);

    // the model loads asynchronously: a result below the threshold tells it is ready
    let below = 0;
    events(helper.getNode("below")).on("input", () => below++);
    await waitFor(() => {
      helper.getNode("model").receive(readingMsg("probe", 0.1, 0));
      return below > 0;
    }, "the model loaded", { intervalMs: 100 });
    const ids = () => new Set(delivered.map((m) => m.eventId));
    const before = refusals;

    helper.getNode("fan").receive(readingMsg("E1", 9, 1));
    // the reading is queued and its delivery fails while the alerts arrive
    await waitFor(() => refusals > before + 2, "deliveries refused while the link is down");
    helper.getNode("deliver").context().global.set("linkUp", true);
    await waitFor(() => ids().has("E1") && delivered.filter((m) => (m.payload as { state?: string }).state === "raised").length === 2, "the reading and both alerts delivered", { timeoutMs: 15000 });

    const reading = delivered.find((m) => m.eventId === "E1")!;
    assert.ok(Array.isArray(reading.payload.readings));
    const ruleAlert = delivered.find((m) => m.payload.rule === "warm")!;
    assert.notStrictEqual(ruleAlert.eventId, "E1", "the rules' alert has an id of its own");
    assert.strictEqual(typeof ruleAlert.eventId, "string");
    assert.strictEqual(ruleAlert.payload.causeEventId, "E1", "and names the reading that raised it");
    assert.strictEqual(typeof ruleAlert.payload.alertId, "string");
    assert.strictEqual(ruleAlert.priority, 0, "a critical rule's alert is priority 0");
    const anomaly = delivered.find((m) => m.payload.rule === "anomaly model")!;
    assert.notStrictEqual(anomaly.eventId, "E1", "the model's alert has an id of its own");
    assert.strictEqual(anomaly.payload.causeEventId, "E1");
    assert.strictEqual(anomaly.payload.alertId, anomaly.eventId);

    // the alert clears: the same alertId, a new eventId
    helper.getNode("fan").receive(readingMsg("E2", 5, 2));
    await waitFor(() => delivered.some((m) => (m.payload as { state?: string }).state === "cleared") && ids().has("E2"), "the clearing reading and the cleared alert");
    const cleared = delivered.find((m) => (m.payload as { state?: string }).state === "cleared")!;
    assert.strictEqual(cleared.payload.alertId, ruleAlert.payload.alertId, "one alertId over the alert's life");
    assert.strictEqual(cleared.payload.causeEventId, "E2");
    assert.ok(![ruleAlert.eventId, "E2"].includes(cleared.eventId), "each transition has its own eventId");
  });
});
