/**
 * edge-lorawan-uplink (and -downlink) fed what the field and a hostile flow send: a 10 MB string (hex, base64, JSON), a 2 MiB Buffer,
 * JSON text and an object nested 10,000 deep. Each leaves by the refusal output as malformed-input naming the limit
 * (no "Maximum call stack size exceeded"), and an ordinary uplink after them still passes.
 */
import * as assert from "assert";
import helper from "node-red-node-test-helper";
import keysNode from "../../nodes/edge-lorawan-keys/edge-lorawan-keys";
import uplinkNode from "../../nodes/edge-lorawan-uplink/edge-lorawan-uplink";
import downlinkNode from "../../nodes/edge-lorawan-downlink/edge-lorawan-downlink";
import { chirpstackUplink, demoKeys, encodeTemperatureHumidityLpp } from "../../lib/sim/lorawan-tag";
import { CodecRegistry } from "../../lib/lorawan/codec-registry";
import type { LorawanDevice } from "../../lib/lorawan/device-table";
import { waitFor } from "../harness/wait";
import { events, messagesTo } from "../harness/node-events";
import { useTestHelper } from "../harness/test-helper-server";

type Msg = Record<string, unknown> & { error?: { code: string; message: string } };
const tag = demoKeys(1, "store-001-coldroom-01");

function deepObject(levels: number): unknown {
  let v: unknown = { deviceInfo: { devEui: tag.devEui } };
  for (let i = 0; i < levels; i++) v = { nested: v };
  return v;
}

describe("edge-lorawan-uplink and -downlink: oversized and deeply nested input", function () {
  this.timeout(60000);
  useTestHelper();

  it("refuses each as malformed-input naming the limit, then decodes the next uplink", async function () {
    const devices = [{ name: "coldroom-01", devEui: tag.devEui, devAddr: tag.devAddr, codec: "cayenne-lpp" }];
    const flow = [
      { id: "f1", type: "tab" },
      { id: "keys1", type: "edge-lorawan-keys", source: "table", devices: JSON.stringify(devices), counterFile: "none" },
      { id: "up", type: "edge-lorawan-uplink", z: "f1", keys: "keys1", wires: [["events"], ["errors"]] },
      { id: "events", type: "helper", z: "f1" },
      { id: "errors", type: "helper", z: "f1" },
    ];
    await helper.load([keysNode, uplinkNode], flow, { keys1: { keys: JSON.stringify({ [tag.devEui]: { nwkSKey: tag.nwkSKey, appSKey: tag.appSKey } }) } });
    const got = messagesTo<Msg>("events");
    const refused = messagesTo<Msg>("errors");
    const caught: Error[] = [];
    const up = helper.getNode("up") as unknown as { receive(m: object): void };
    // done(err) would mean the input reached no refusal output
    events(helper.getNode("up")).on("call:error", (call: { args: unknown[] }) => caught.push(call.args[0] as Error));

    const tenMB = 10 * 1024 * 1024;
    const inputs: Array<[string, unknown, RegExp]> = [
      ["a 10 MB hex string", "ab".repeat(tenMB / 2), /^uplink payload is over the 1 MiB size limit \(at least 10485760 bytes; maxBytes 1048576\)$/],
      ["a 10 MB base64 string", "A".repeat(tenMB), /1 MiB size limit/],
      ["a 10 MB JSON string", `{"deviceInfo":{"devEui":"${tag.devEui}"},"x":"${"y".repeat(tenMB)}"}`, /1 MiB size limit/],
      ["a 2 MiB Buffer", Buffer.alloc(2 * 1024 * 1024), /1 MiB size limit/],
      ["JSON text 10,000 deep", `{"a":${"[".repeat(10_000)}${"]".repeat(10_000)}}`, /^uplink payload is nested deeper than the 64-level depth limit \(maxDepth 64\)$/],
      ["an object 10,000 deep", deepObject(10_000), /64-level depth limit/],
    ];
    for (const [, payload] of inputs) up.receive({ payload });
    await waitFor(() => refused.length === inputs.length, "every hostile input refused", { timeoutMs: 30000 });
    refused.forEach((m, i) => {
      assert.strictEqual(m.error?.code, "malformed-input", inputs[i][0]);
      assert.match(m.error?.message ?? "", inputs[i][2], inputs[i][0]);
    });
    assert.deepStrictEqual(caught, []);

    const radio = { gatewayEui: "B827EBFFFE000001", rssi: -101, snr: 4.5, sf: 10, frequencyHz: 868500000, ts: Date.now() };
    up.receive({ payload: chirpstackUplink("coldroom-01", tag, 1, 1, encodeTemperatureHumidityLpp(3.5, 80), radio, "cold-chain").event });
    await waitFor(() => got.length === 1, "the ordinary uplink after them");
  });

  it("edge-lorawan-downlink refuses a 10 MB hex string and a 10,000-deep object naming the limit, then encodes the next", async function () {
    const devices = [{ name: "coldroom-01", devEui: tag.devEui, devAddr: tag.devAddr, codec: "cayenne-lpp" }];
    const flow = [
      { id: "f1", type: "tab" },
      { id: "keys1", type: "edge-lorawan-keys", source: "table", devices: JSON.stringify(devices), counterFile: "none" },
      { id: "down", type: "edge-lorawan-downlink", z: "f1", keys: "keys1", format: "chirpstack", applicationId: "cold-chain", fPort: "10", wires: [["out"]] },
      { id: "out", type: "helper", z: "f1" },
    ];
    await helper.load([keysNode, downlinkNode], flow, { keys1: { keys: JSON.stringify({ [tag.devEui]: { nwkSKey: tag.nwkSKey, appSKey: tag.appSKey } }) } });
    const out = messagesTo<Msg>("out");
    const errors: Error[] = [];
    events(helper.getNode("down")).on("call:error", (call: { args: unknown[] }) => errors.push(call.args[0] as Error));
    const down = helper.getNode("down") as unknown as { receive(m: object): void };
    down.receive({ devEui: tag.devEui, payload: "ab".repeat(5 * 1024 * 1024) });
    down.receive({ devEui: tag.devEui, payload: deepObject(10_000) });
    await waitFor(() => errors.length === 2, "both refused");
    // the catalogue is not loaded for nodes loaded from source: the key names the message, the reason is checked below
    for (const err of errors) assert.strictEqual(String(err), "Error: edge-lorawan-downlink.errors.codec");
    const registry = new CodecRegistry([]);
    const device = { name: "coldroom-01", devEui: tag.devEui, codec: { kind: "cayenne-lpp" } } as unknown as LorawanDevice;
    await assert.rejects(registry.encode(device, "ab".repeat(5 * 1024 * 1024)), /^PayloadLimitError: msg\.payload is over the 1 MiB size limit/);
    await assert.rejects(registry.encode(device, deepObject(10_000)), /^PayloadLimitError: msg\.payload is nested deeper than the 64-level depth limit/);
    down.receive({ devEui: tag.devEui, payload: "0164" });
    await waitFor(() => out.length === 1, "the next downlink");
  });

  it("edge-lorawan-uplink reports a message Node-RED cannot copy for a second wire as its error, not an unhandled rejection", async function () {
    const devices = [{ name: "coldroom-01", devEui: tag.devEui, devAddr: tag.devAddr, codec: "cayenne-lpp" }];
    const flow = [
      { id: "f1", type: "tab" },
      { id: "keys1", type: "edge-lorawan-keys", source: "table", devices: JSON.stringify(devices), counterFile: "none" },
      { id: "up", type: "edge-lorawan-uplink", z: "f1", keys: "keys1", wires: [["events", "events2"], ["errors"]] },
      { id: "events", type: "helper", z: "f1" },
      { id: "events2", type: "helper", z: "f1" },
      { id: "errors", type: "helper", z: "f1" },
    ];
    await helper.load([keysNode, uplinkNode], flow, { keys1: { keys: JSON.stringify({ [tag.devEui]: { nwkSKey: tag.nwkSKey, appSKey: tag.appSKey } }) } });
    const got: Msg[] = [];
    const errors: Error[] = [];
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.prependListener("unhandledRejection", onRejection);
    try {
      events(helper.getNode("events2")).on("input", (m: Msg) => got.push(m));
      events(helper.getNode("up")).on("call:error", (call: { args: unknown[] }) => errors.push(call.args[0] as Error));
      const up = helper.getNode("up") as unknown as { receive(m: object): void };
      const radio = { gatewayEui: "B827EBFFFE000001", rssi: -101, snr: 4.5, sf: 10, frequencyHz: 868500000, ts: Date.now() };
      const uplinkAt = (fCnt: number) => chirpstackUplink("coldroom-01", tag, 1, fCnt, encodeTemperatureHumidityLpp(3.5, 80), radio, "cold-chain").event;
      up.receive({ payload: uplinkAt(1), context: deepObject(10_000) });
      await waitFor(() => errors.length === 1, "the error on the node");
      assert.match(String(errors[0]), /Maximum call stack size exceeded/);
      up.receive({ payload: uplinkAt(2) });
      await waitFor(() => got.length === 1, "the next uplink on both wires");
      assert.deepStrictEqual(rejections, []);
    } finally {
      process.off("unhandledRejection", onRejection);
    }
  });
});
