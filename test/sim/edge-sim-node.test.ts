import * as assert from "assert";
import helper from "node-red-node-test-helper";
import simNode from "../../nodes/edge-sim/edge-sim";
import { waitFor } from "../harness/wait";
import { messagesTo } from "../harness/node-events";
import { useTestHelper } from "../harness/test-helper-server";

describe("edge-sim node", function () {
  useTestHelper();

  const flow = (extra: Record<string, unknown> = {}) => [
    { id: "f1", type: "tab" },
    { id: "sim", type: "edge-sim", seed: "11", trucks: "2", coldRooms: "1", freezers: "0", shelves: "1", coapSensors: "1", intervalMs: "1000", stepS: "60", autostart: false, wires: [["devices"], ["faults"]], ...extra },
    { id: "devices", type: "helper" },
    { id: "faults", type: "helper" },
    { id: "catcher", type: "catch", scope: null, wires: [["caught"]] },
    { id: "caught", type: "helper" },
  ].map((n) => (n.type === "tab" ? n : { z: "f1", ...n }));

  it("advances on {tick: N} and sends every device's payload on output 1", async function () {
    await helper.load([simNode, require("@node-red/nodes/core/common/25-catch.js")], flow());
    const devices = messagesTo<Record<string, unknown>>("devices");
    helper.getNode("sim").receive({ payload: { tick: 3 } });
    await waitFor(() => devices.length === 15, "15 device messages (5 devices × 3 ticks)");
    const trucks = devices.filter((m) => (m.device as { kind: string }).kind === "reefer");
    assert.strictEqual(trucks.length, 6);
    assert.strictEqual(trucks[0].topic, "fleet/reefer/truck-01/telemetry");
  });

  it("injects a fault by message and reports it on output 2", async function () {
    await helper.load([simNode, require("@node-red/nodes/core/common/25-catch.js")], flow());
    const faults = messagesTo<Record<string, unknown>>("faults");
    const sim = helper.getNode("sim");
    sim.receive({ payload: { fault: "door-open", device: "truck-02", durationS: 90 } });
    sim.receive({ payload: { tick: 3 } });
    await waitFor(() => faults.length === 2, "the fault's start and end");
    assert.deepStrictEqual(faults.map((m) => [(m.payload as { fault: string }).fault, (m.payload as { active: boolean }).active]), [["door-open", true], ["door-open", false]]);
  });

  it("runs by itself on a timer when started", async function () {
    await helper.load([simNode, require("@node-red/nodes/core/common/25-catch.js")], flow({ intervalMs: "20" }));
    const devices = messagesTo<Record<string, unknown>>("devices");
    helper.getNode("sim").receive({ payload: "start" });
    await waitFor(() => devices.length >= 10, "two timer ticks");
  });

  it("hands bad commands to a Catch node with the reason", async function () {
    await helper.load([simNode, require("@node-red/nodes/core/common/25-catch.js")], flow());
    const caught = messagesTo<Record<string, unknown>>("caught");
    const sim = helper.getNode("sim");
    sim.receive({ payload: { fault: "meteor" } });
    sim.receive({ payload: { fault: "door-open", device: "truck-99" } });
    sim.receive({ payload: { tick: -1 } });
    sim.receive({ payload: 42 });
    await waitFor(() => caught.length === 4, "four errors caught");
    for (const m of caught) assert.ok((m.error as { message: string }).message.length > 0);
  });
});
