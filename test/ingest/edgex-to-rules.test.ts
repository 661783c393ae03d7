/**
 * Issue 15: edge-ingest set to emit EdgeX v3 DTOs handed edge-rules nanosecond origins that it read as
 * milliseconds (a 900 s rule fired after 1 s, durationS 1,000,000). Through Node-RED: edge-ingest (output:
 * edgex) → edge-rules; and a DTO that cannot be read reaches a Catch node with what is wrong.
 */
import * as assert from "assert";
import helper from "node-red-node-test-helper";
import profileNode from "../../nodes/edge-device-profile/edge-device-profile";
import ingestNode from "../../nodes/edge-ingest/edge-ingest";
import rulesNode from "../../nodes/edge-rules/edge-rules";
import aggregateNode from "../../nodes/edge-aggregate/edge-aggregate";
import { waitFor } from "../harness/wait";
import { messagesTo } from "../harness/node-events";
import { useTestHelper } from "../harness/test-helper-server";

const PROFILE = `name: probe
deviceResources:
  - name: temp
    attributes: { path: t }
    properties: { valueType: Float32, readWrite: R, units: degC }
  - name: door
    attributes: { path: door }
    properties: { valueType: Bool, readWrite: R }
`;

type Out = { payload: Record<string, unknown>; error?: { message: string } };

describe("edge-ingest (EdgeX DTOs) → edge-rules", function () {
  this.timeout(20000);
  useTestHelper();

  it("reads the DTO's nanosecond origins and string values: a 900 s rule waits 900 s of the readings' time", async function () {
    await helper.load([profileNode, ingestNode, rulesNode, require("@node-red/nodes/core/common/25-catch.js")], <never>[
      { id: "t", type: "tab" },
      { id: "p", z: "t", type: "edge-device-profile", source: "text", profile: PROFILE },
      { id: "in", z: "t", type: "edge-ingest", profile: "p", deviceNameFrom: "fixed", deviceName: "truck-1", outOfRange: "flag", output: "edgex", originPath: "ts", wires: [["rules", "dtos"], []] },
      { id: "dtos", z: "t", type: "helper" },
      { id: "rules", z: "t", type: "edge-rules", tickS: "60", rules: [{ name: "warm", type: "threshold", severity: "major", resource: "temp", direction: "above", raise: "8", clear: "7.5", forS: "900" }, { name: "open", type: "threshold", severity: "minor", resource: "door", direction: "above", raise: "0.5", forS: "0" }], wires: [["alerts"], ["readings"]] },
      { id: "alerts", z: "t", type: "helper" },
      { id: "readings", z: "t", type: "helper" },
      { id: "catcher", z: "t", type: "catch", scope: ["rules"], uncaught: false, wires: [["caught"]] },
      { id: "caught", z: "t", type: "helper" },
    ]);
    const dtos = messagesTo<Out>("dtos");
    const alerts = messagesTo<Out>("alerts");
    const readings = messagesTo<Out>("readings");
    const caught = messagesTo<Out>("caught");
    const T0 = Date.UTC(2026, 5, 1, 8, 0, 0);
    const ingest = helper.getNode("in");

    ingest.receive({ payload: { t: 9, door: false, ts: T0 } });
    ingest.receive({ payload: { t: 9.5, door: false, ts: T0 + 1000 } });
    await waitFor(() => readings.length === 2, "two annotated readings");
    const dto = dtos[0].payload as { apiVersion: string; origin: number; readings: Array<{ value: unknown }> };
    assert.strictEqual(dto.apiVersion, "v3", "edge-ingest emits the DTO");
    assert.strictEqual(dto.origin, T0 * 1e6, "in nanoseconds");
    assert.ok(dto.readings.every((r) => typeof r.value === "string"), "with string values");
    assert.strictEqual(alerts.length, 0, `no alert one second into a 900 s rule, got ${JSON.stringify(alerts)}`);
    const event = readings[1].payload as { origin: number; readings: Array<{ origin: number; value: unknown; resourceName: string }> };
    assert.strictEqual(event.origin, T0 + 1000, "edge-rules reads the origin as epoch ms");
    assert.deepStrictEqual(event.readings.map((r) => [r.resourceName, r.origin, r.value]), [["temp", T0 + 1000, 9.5], ["door", T0 + 1000, false]], "and the values typed");

    ingest.receive({ payload: { t: 10, door: false, ts: T0 + 600_000 } });
    ingest.receive({ payload: { t: 10, door: true, ts: T0 + 901_000 } });
    await waitFor(() => readings.length === 4, "four annotated readings");
    await waitFor(() => alerts.length === 2, "the warm alert after 901 s of the readings' time, and the door alert");
    const warm = alerts.find((a) => a.payload.rule === "warm")!.payload;
    assert.deepStrictEqual([warm.state, warm.start, warm.durationS], ["raised", T0, 901]);
    const open = alerts.find((a) => a.payload.rule === "open")!.payload;
    assert.strictEqual(open.state, "raised", "a Bool sent as \"true\" is true");
    assert.strictEqual(caught.length, 0, JSON.stringify(caught));

    // a DTO that cannot be read is refused, with the reading and the field named
    const bad = { ...dto, readings: [{ ...dto.readings[0], value: "warm" }] };
    helper.getNode("rules").receive({ payload: bad });
    await waitFor(() => caught.length === 1, "the bad DTO at the Catch node");
    assert.match(caught[0].error!.message, /reading 1 \(temp\): "warm" is not a Float32/);
  });

  it("edge-aggregate summarises the DTO's readings by their own time (string values typed, origins in ms)", async function () {
    await helper.load([profileNode, ingestNode, aggregateNode], <never>[
      { id: "t", type: "tab" },
      { id: "p", z: "t", type: "edge-device-profile", source: "text", profile: PROFILE },
      { id: "in", z: "t", type: "edge-ingest", profile: "p", deviceNameFrom: "fixed", deviceName: "truck-1", outOfRange: "flag", output: "edgex", originPath: "ts", wires: [["agg"], []] },
      { id: "agg", z: "t", type: "edge-aggregate", kind: "tumbling", by: "time", size: "60", latenessS: "0", resources: "temp", percentiles: "50", wires: [["out"]] },
      { id: "out", z: "t", type: "helper" },
    ]);
    const out = messagesTo<Out>("out");
    const T0 = Date.UTC(2026, 5, 1, 8, 0, 0);
    const ingest = helper.getNode("in");
    [4, 5, 6].forEach((t, i) => ingest.receive({ payload: { t, door: false, ts: T0 + i * 10_000 } }));
    // a reading in the next minute closes the first window
    ingest.receive({ payload: { t: 7, door: false, ts: T0 + 61_000 } });
    await waitFor(() => out.length === 1, "the first minute's summary");
    const summary = out[0].payload;
    assert.deepStrictEqual([summary.count, summary.mean, summary.start, summary.end], [3, 5, T0, T0 + 60_000]);
  });
});
