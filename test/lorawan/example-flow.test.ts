/** examples/02-lorawan-cold-rooms.json deployed as shipped (ports moved, time sped up): tags → gateway → uplink → rules → buzzer downlink on air. */
import * as assert from "assert";
import helper from "node-red-node-test-helper";
import { freeUdpPort } from "../harness/ports";
import { waitFor } from "../harness/wait";
import { coreNodes, readExample } from "../harness/example-flow";
import { messagesTo } from "../harness/node-events";
import { useTestHelper } from "../harness/test-helper-server";
import lora from "lora-packet";
import { demoKeys } from "../../lib/sim/lorawan-tag";
import keysNode from "../../nodes/edge-lorawan-keys/edge-lorawan-keys";
import uplinkNode from "../../nodes/edge-lorawan-uplink/edge-lorawan-uplink";
import downlinkNode from "../../nodes/edge-lorawan-downlink/edge-lorawan-downlink";
import gatewayNode from "../../nodes/edge-lorawan-gateway/edge-lorawan-gateway";
import simNode from "../../nodes/edge-sim/edge-sim";
import rulesNode from "../../nodes/edge-rules/edge-rules";

const core = coreNodes("common/20-inject.js", "common/21-debug.js", "common/90-comment.js", "common/25-catch.js", "function/10-function.js", "function/10-switch.js", "function/15-change.js", "network/32-udp.js");

type Msg = { payload: Record<string, unknown>; error?: unknown };

describe("example 2: cold rooms and freezers on LoRaWAN", function () {
  this.timeout(60000);
  useTestHelper();

  it("decodes every tag, raises the door-open excursion of cold room 1, and puts the buzzer command on air in the tag's RX1 window", async function () {
    const flow = readExample("02-lorawan-cold-rooms.json");
    const gatewayPort = await freeUdpPort();
    const radioPort = await freeUdpPort();
    for (const n of flow) {
      if (n.type === "edge-lorawan-gateway") n.port = String(gatewayPort);
      if (n.type === "edge-sim") Object.assign(n, { forwarderPort: String(gatewayPort), intervalMs: "50" });
      if (n.type === "udp out") n.outport = String(radioPort);
      if (n.type === "udp in") n.port = String(radioPort);
      if (n.type === "function") n.func = String(n.func).replace(/port: 1700/g, `port: ${gatewayPort}`);
      if (n.type === "edge-lorawan-keys") n.counterFile = "none";
    }
    await helper.load([keysNode, uplinkNode, downlinkNode, gatewayNode, simNode, rulesNode, ...core], flow);
    const got = (id: string) => messagesTo<Msg>(id);
    const tagEvents = got("ex2-events");
    const refused = got("ex2-refused");
    const alerts = got("ex2-alerts");
    const onAir = got("ex2-transmitted");
    const downlinkErrors = got("ex2-down-errors");

    await waitFor(() => new Set(tagEvents.map((m) => m.payload.deviceName)).size === 4, "events from all four tags", { timeoutMs: 20000 });
    const freezer = tagEvents.find((m) => m.payload.deviceName === "store-001-freezer-01")!.payload as { readings: Array<{ resourceName: string; value: number }> };
    const t = freezer.readings.find((r) => r.resourceName === "temperature_1")!.value;
    assert.ok(t < -10 && t > -30, `a freezer reads ${t} °C`);
    const raised = await waitFor(() => alerts.find((m) => m.payload.rule === "cold room 1 too warm" && m.payload.state === "raised"), "the cold room 1 excursion", { timeoutMs: 40000, intervalMs: 100 });
    assert.strictEqual(raised.payload.deviceName, "store-001-coldroom-01");
    const keys = demoKeys(1, "store-001-coldroom-01");
    const frameOf = (m: Msg) => lora.fromWire(Buffer.from(m.payload.data as string, "base64"));
    const forTag = await waitFor(() => onAir.find((m) => frameOf(m).getBuffers().DevAddr?.toString("hex").toUpperCase() === keys.devAddr), "the buzzer downlink on air", { timeoutMs: 10000 });
    const frame = frameOf(forTag);
    const lpp = lora.decrypt(frame, Buffer.from(keys.appSKey, "hex"), Buffer.from(keys.nwkSKey, "hex"));
    assert.deepStrictEqual([...lpp], [3, 1, 1], "LPP digital output 3 = 1");
    assert.strictEqual(refused.length, 0, `refused: ${JSON.stringify(refused[0]?.error)}`);
    assert.strictEqual(downlinkErrors.length, 0, `downlink errors: ${JSON.stringify(downlinkErrors[0]?.error)}`);
  });
});
