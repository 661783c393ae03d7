/** examples/07-alarm-handling.json deployed as shipped (time sped up): sim → ingest → rules → alarms, door suppression, operators' injects. */
import * as assert from "assert";
import helper from "node-red-node-test-helper";
import { waitFor } from "../harness/wait";
import { coreNodes, readExample } from "../harness/example-flow";
import { messagesTo } from "../harness/node-events";
import { useTestHelper } from "../harness/test-helper-server";
import simNode from "../../nodes/edge-sim/edge-sim";
import profileNode from "../../nodes/edge-device-profile/edge-device-profile";
import ingestNode from "../../nodes/edge-ingest/edge-ingest";
import rulesNode from "../../nodes/edge-rules/edge-rules";
import alarmsNode from "../../nodes/edge-alarms/edge-alarms";

const core = coreNodes("common/20-inject.js", "common/21-debug.js", "common/90-comment.js", "common/25-catch.js", "function/10-function.js", "function/10-switch.js", "function/15-change.js", "network/21-httpin.js");

type View = { alarmId: string; deviceName: string; rule: string; state: string; alertState?: string; transition?: string; suppressed: string[]; acknowledged: { by: string } | null };
type Msg = { topic?: string; payload: View };

describe("example 7: alarm handling", function () {
  this.timeout(90000);
  useTestHelper();

  it("holds truck-01's door-open excursion back (in the record, not annunciated), annunciates a real one, and acknowledges it from the inject", async function () {
    const flow = readExample("07-alarm-handling.json");
    for (const n of flow) {
      if (n.type === "edge-sim") n.intervalMs = "50"; // 20 simulated minutes per wall-clock second
      // the alarms' minutes are the gateway's clock: scaled with the simulator, so they mean the same simulated time
      if (n.type === "edge-alarms") {
        const scaled = (m: unknown) => String(Number(m) / 20);
        const sources = n.sources as Array<Record<string, string>>;
        Object.assign(n, { startupMin: "0", reminderMin: scaled(n.reminderMin), escalation: String(n.escalation).replace(/\d+(\.\d+)?(?=:)/g, scaled), sources: sources.map((s) => ({ ...s, graceMin: scaled(s.graceMin), maxMin: scaled(s.maxMin) })) });
      }
    }
    await helper.load([simNode, profileNode, ingestNode, rulesNode, alarmsNode, ...core], flow);
    const got = (id: string) => messagesTo<Msg>(id);
    const alarms = got("ex7-alarm-out");
    const record = got("ex7-record-out");
    const refused = got("ex7-refusal-out");

    const doorExcursion = await waitFor(() => record.find((m) => m.payload.deviceName === "truck-01" && m.payload.alertState === undefined && (m.payload as unknown as { state: string }).state === "raised"), "truck-01's excursion in the record", { timeoutMs: 40000 });
    assert.deepStrictEqual(doorExcursion.payload.suppressed, ["door open"], "held back while the door is open");
    const id = doorExcursion.payload.alarmId;
    await waitFor(() => record.find((m) => m.payload.alarmId === id && (m.payload as unknown as { state: string }).state === "cleared"), "the excursion's clear in the record", { timeoutMs: 40000 });
    assert.deepStrictEqual(alarms.filter((m) => m.payload.alarmId === id), [], "the door-open excursion, cleared within the grace period, never annunciated");

    const real = await waitFor(() => alarms.find((m) => m.payload.transition === "raised"), "an annunciated alarm", { timeoutMs: 60000 });
    assert.notStrictEqual(real.payload.deviceName, "truck-03", "no false alarm for the frozen truck");
    helper.getNode("ex7-ack").receive({});
    const acked = await waitFor(() => alarms.find((m) => m.payload.transition === "acknowledged" && m.payload.alarmId === real.payload.alarmId), "its acknowledgement from the inject");
    assert.strictEqual(acked.payload.acknowledged?.by, "operator");
    assert.deepStrictEqual(refused, []);
  });
});
