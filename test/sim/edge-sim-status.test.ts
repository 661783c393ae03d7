import * as assert from "assert";
import helper from "node-red-node-test-helper";
import simNode from "../../nodes/edge-sim/edge-sim";
import { waitFor } from "../harness/wait";
import { useTestHelper } from "../harness/test-helper-server";

type Status = { fill?: string; shape?: string; text?: string };

describe("edge-sim status", function () {
  useTestHelper();

  it("stays red with its reason while the fault schedule does not parse, also once the simulator runs", async function () {
    const flow = [
      { id: "f1", type: "tab" },
      { id: "sim", z: "f1", type: "edge-sim", seed: "1", trucks: "1", coldRooms: "0", freezers: "0", shelves: "0", coapSensors: "0", intervalMs: "20", stepS: "60", autostart: true, faults: "this is not a schedule", wires: [[], []] },
    ];
    await helper.load(simNode, flow);
    const sim = helper.getNode("sim");
    const statuses: Status[] = [];
    const original = sim.status.bind(sim);
    sim.status = (s) => {
      statuses.push(s as Status);
      return original(s);
    };
    // the running simulator refreshes its status every 10 ticks
    await waitFor(() => statuses.length >= 2, "status refreshes while running", { timeoutMs: 5000 });
    sim.receive({ payload: "stop" });
    sim.receive({ payload: "start" });
    await waitFor(() => statuses.length >= 4, "status after stop and start", { timeoutMs: 5000 });
    // the test helper has no message catalogue: the text is the key, translated by Node-RED when run from the pack
    for (const s of statuses) {
      assert.deepStrictEqual([s.fill, s.shape], ["red", "ring"], `status ${JSON.stringify(s)}`);
      assert.match(String(s.text), /edge-sim\.status\.bad-faults|bad fault schedule/);
    }
  });
});
