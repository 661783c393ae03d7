/**
 * edge-lorawan-downlink's Device and FPort as typed inputs, in Node-RED: the node's device from an environment
 * variable and its FPort from the flow context, read for each message; a message naming its device wins over the
 * node's, and one naming an unknown device is refused rather than sent to the node's.
 */
import * as assert from "assert";
import helper from "node-red-node-test-helper";
import keysNode from "../../nodes/edge-lorawan-keys/edge-lorawan-keys";
import downlinkNode from "../../nodes/edge-lorawan-downlink/edge-lorawan-downlink";
import { demoKeys } from "../../lib/sim/lorawan-tag";
import { waitFor } from "../harness/wait";
import { events } from "../harness/node-events";

helper.init(require.resolve("node-red"));

describe("edge-lorawan-downlink: typed Device and FPort", function () {
  this.timeout(30000);
  const a = demoKeys(7, "store-001-coldroom-01");
  const b = demoKeys(7, "store-001-coldroom-02");
  const devices = [
    { name: "coldroom-01", devEui: a.devEui, devAddr: a.devAddr, codec: "none" },
    { name: "coldroom-02", devEui: b.devEui, devAddr: b.devAddr, codec: "none" },
  ];

  afterEach(async function () {
    delete process.env.EDGE_TEST_DOWNLINK_DEVICE;
    await helper.unload();
  });

  it("sends to the device the environment names, at the FPort the flow context holds, and lets the message's device win", async function () {
    process.env.EDGE_TEST_DOWNLINK_DEVICE = "coldroom-02";
    const flow = [
      { id: "f1", type: "tab" },
      { id: "keys1", type: "edge-lorawan-keys", version: 1, source: "table", devices: JSON.stringify(devices), counterFile: "none" },
      { id: "dl", type: "edge-lorawan-downlink", version: 1, z: "f1", keys: "keys1", format: "chirpstack", applicationId: "cold-chain", device: "EDGE_TEST_DOWNLINK_DEVICE", deviceType: "env", fPort: "buzzerPort", fPortType: "flow", wires: [["out"]] },
      { id: "out", type: "helper", z: "f1" },
    ];
    await helper.load([keysNode, downlinkNode], flow, { keys1: { keyEdits: JSON.stringify({ [a.devEui]: { nwkSKey: a.nwkSKey, appSKey: a.appSKey }, [b.devEui]: { nwkSKey: b.nwkSKey, appSKey: b.appSKey } }) } });
    type Sent = { topic: string; payload: { devEui: string; fPort: number } };
    const sent: Sent[] = [];
    const refused: string[] = [];
    events(helper.getNode("out")).on("input", (m: Sent) => void sent.push(m));
    const dl = helper.getNode("dl");
    // done(err): what a Catch node gets
    events(dl).on("call:error", (call: { args: unknown[] }) => refused.push(String(call.args[0])));
    (dl as unknown as { context(): { flow: { set(k: string, v: unknown): void } } }).context().flow.set("buzzerPort", 12);

    dl.receive({ payload: [1] } as never);
    await waitFor(() => sent.length === 1, "the downlink to the environment's device");
    assert.deepStrictEqual([sent[0].payload.devEui, sent[0].payload.fPort], [b.devEui.toLowerCase(), 12]);

    // read per message: the context's new FPort; the message's device wins over the node's
    (dl as unknown as { context(): { flow: { set(k: string, v: unknown): void } } }).context().flow.set("buzzerPort", 20);
    dl.receive({ payload: [1], deviceName: "coldroom-01" } as never);
    await waitFor(() => sent.length === 2, "the downlink to the message's device");
    assert.deepStrictEqual([sent[1].payload.devEui, sent[1].payload.fPort], [a.devEui.toLowerCase(), 20]);

    dl.receive({ payload: [1], deviceName: "coldroom-99" } as never);
    await waitFor(() => refused.length === 1, "the unknown device refused to the Catch node");
    assert.match(refused[0], /unknown-device/, "refused as an unknown device");
    assert.strictEqual(sent.length, 2, "not sent to the node's device instead");
  });
});
