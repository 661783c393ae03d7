/**
 * examples/11-modbus-cold-room.json deployed as shipped (port moved, time sped up): edge-sim's controllers polled by
 * edge-modbus into edge-ingest and the room rules; the injects' setpoint and defrost written over Modbus; the
 * refused setpoint seen by the Catch node.
 */
import * as assert from "assert";
import helper from "node-red-node-test-helper";
import { freeTcpPort } from "../harness/ports";
import { waitFor } from "../harness/wait";
import { coreNodes, readExample } from "../harness/example-flow";
import { messagesTo } from "../harness/node-events";
import { useTestHelper } from "../harness/test-helper-server";
import simNode from "../../nodes/edge-sim/edge-sim";
import modbusNode from "../../nodes/edge-modbus/edge-modbus";
import linkNode from "../../nodes/edge-modbus-link/edge-modbus-link";
import profileNode from "../../nodes/edge-device-profile/edge-device-profile";
import ingestNode from "../../nodes/edge-ingest/edge-ingest";
import rulesNode from "../../nodes/edge-rules/edge-rules";

const core = coreNodes("common/20-inject.js", "common/21-debug.js", "common/90-comment.js", "common/25-catch.js");

type Msg = { payload: Record<string, unknown>; error?: { message: string } };
type Event = { deviceName: string; readings: Array<{ resourceName: string; value: unknown }> };

describe("example 11: cold-room controllers on Modbus", function () {
  this.timeout(60000);
  useTestHelper();

  it("polls both controllers into events and alerts, writes the injects' setpoint and defrost, and catches the refused setpoint", async function () {
    const flow = readExample("11-modbus-cold-room.json");
    const port = String(await freeTcpPort());
    for (const n of flow) {
      if (n.type === "edge-sim") {
        // the door stays open 1500 simulated s, 1.25 s here: too close to the 1 s hold below once polls run late
        const faults = (JSON.parse(n.faults as string) as Array<Record<string, unknown>>).map((f) => (f.fault === "door-open" ? { ...f, durationS: 6000 } : f));
        Object.assign(n, { modbusPort: port, intervalMs: "50", faults: JSON.stringify(faults) });
      }
      if (n.type === "edge-modbus-link") n.port = port;
      if (n.type === "edge-modbus") n.intervalS = "0.2";
      // the rules' hold times are real seconds (the poll's clock); the simulation runs 20 times faster here
      if (n.type === "edge-rules") n.rules = (n.rules as Array<Record<string, unknown>>).map((r) => ("forS" in r ? { ...r, forS: "1" } : r));
    }
    await helper.load([simNode, modbusNode, linkNode, profileNode, ingestNode, rulesNode, ...core], flow);
    const got = (id: string) => messagesTo<Msg>(id);
    const roomEvents = got("ex11-events");
    const rejected = got("ex11-rejected");
    const alerts = got("ex11-alerts");
    const written = got("ex11-written");
    const errors = got("ex11-errors");
    const value = (m: Msg, name: string) => (m.payload as unknown as Event).readings.find((r) => r.resourceName === name)?.value;
    const of = (device: string) => roomEvents.filter((m) => (m.payload as unknown as Event).deviceName === device);

    await waitFor(() => of("store-001-modbus-room-01").length && of("store-001-modbus-room-02").length, "events of both rooms", { timeoutMs: 20000 });
    const first = of("store-001-modbus-room-01")[0];
    assert.strictEqual(value(first, "setpoint"), 3);
    const air = value(first, "airTemp") as number;
    assert.ok(air > 1 && air < 5, `room 1 air ${air} °C`);

    helper.getNode("ex11-set1").receive({});
    helper.getNode("ex11-defrost2").receive({});
    await waitFor(() => written.length === 2, "both writes done");
    await waitFor(() => of("store-001-modbus-room-01").some((m) => value(m, "setpoint") === 2), "room 1 at setpoint 2 °C");
    await waitFor(() => of("store-001-modbus-room-02").some((m) => value(m, "defrost") === true), "room 2 defrosting");

    helper.getNode("ex11-bad").receive({});
    const refused = await waitFor(() => errors.find((m) => /setpoint: 20 is above the maximum 12/.test(m.error?.message ?? "")), "the refused setpoint caught");
    assert.ok(refused);

    await waitFor(() => alerts.find((m) => m.payload.rule === "door open" && m.payload.deviceName === "store-001-modbus-room-01" && m.payload.state === "raised"), "room 1's door alert", { timeoutMs: 30000, intervalMs: 100 });
    await waitFor(() => alerts.find((m) => m.payload.rule === "cold room too warm" && m.payload.deviceName === "store-001-modbus-room-02" && m.payload.state === "raised"), "room 2 too warm after its compressor failed", { timeoutMs: 30000, intervalMs: 100 });
    assert.strictEqual(rejected.length, 0, `rejected: ${JSON.stringify(rejected[0]?.error)}`);
  });
});
