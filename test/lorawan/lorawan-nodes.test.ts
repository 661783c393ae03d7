import * as assert from "assert";
import helper from "node-red-node-test-helper";
import mqtt from "mqtt";
import lora from "lora-packet";
import keysNode from "../../nodes/edge-lorawan-keys/edge-lorawan-keys";
import uplinkNode from "../../nodes/edge-lorawan-uplink/edge-lorawan-uplink";
import downlinkNode from "../../nodes/edge-lorawan-downlink/edge-lorawan-downlink";
import gatewayNode from "../../nodes/edge-lorawan-gateway/edge-lorawan-gateway";
import { buildUplink, chirpstackUplink, demoKeys, encodeTemperatureHumidityLpp, pushData } from "../../lib/sim/lorawan-tag";
import { startMosquitto, MosquittoPeer, tempDir } from "../harness/peers";
import { freeUdpPort } from "../harness/ports";
import { waitFor } from "../harness/wait";
import { messagesTo } from "../harness/node-events";
import { FakeForwarder } from "./fake-forwarder";
import { useTestHelper } from "../harness/test-helper-server";

const coreMqtt = require("@node-red/nodes/core/network/10-mqtt.js");

type Msg = Record<string, unknown> & { payload: Record<string, unknown> };
const tag = demoKeys(1, "store-001-coldroom-01");
const tagEntry = { name: "coldroom-01", devEui: tag.devEui, devAddr: tag.devAddr, codec: "cayenne-lpp" };
const tagKeys = { keys: JSON.stringify({ [tag.devEui]: { nwkSKey: tag.nwkSKey, appSKey: tag.appSKey } }) };

describe("LoRaWAN nodes", function () {
  this.timeout(30000);
  useTestHelper();

  describe("network servers (ChirpStack, TTN) through Mosquitto", function () {
    let broker: MosquittoPeer;
    before(async function () {
      broker = await startMosquitto();
      await broker.start();
    });
    after(async function () {
      await broker?.stop();
    });
    /** the Mosquitto connection and the device table both tests use */
    const brokerAndKeys = () => [
      { id: "mb", type: "mqtt-broker", broker: "127.0.0.1", port: String(broker.port), clientid: "", usetls: false, protocolVersion: "4", keepalive: "30", cleansession: true },
      { id: "keys1", type: "edge-lorawan-keys", source: "table", devices: JSON.stringify([tagEntry]), codecs: "[]", counterFile: "none" },
    ];

    it("decodes ChirpStack v4 and TTN v3 uplinks published through mqtt in into normalised events with radio metadata", async function () {
      const flow = [
        { id: "f1", type: "tab" },
        ...brokerAndKeys(),
        { id: "in-cs", type: "mqtt in", z: "f1", broker: "mb", topic: "application/+/device/+/event/up", qos: "1", datatype: "json", wires: [["up"]] },
        { id: "in-ttn", type: "mqtt in", z: "f1", broker: "mb", topic: "v3/+/devices/+/up", qos: "1", datatype: "json", wires: [["up"]] },
        { id: "up", type: "edge-lorawan-uplink", z: "f1", keys: "keys1", wires: [["events"], ["errors"]] },
        { id: "events", type: "helper", z: "f1" },
        { id: "errors", type: "helper", z: "f1" },
      ];
      await helper.load([coreMqtt, keysNode, uplinkNode], flow, { keys1: tagKeys });
      const got = messagesTo<Msg>("events");
      const errors = messagesTo<Msg>("errors");
      await waitFor(() => (helper.getNode("in-cs") as unknown as { brokerConn?: { connected?: boolean } }).brokerConn?.connected, "mqtt in connected");
      const client = mqtt.connect(broker.url);
      await new Promise((resolve) => client.once("connect", resolve));
      try {
        const radio = { gatewayEui: "B827EBFFFE000001", rssi: -101, snr: 4.5, sf: 10, frequencyHz: 868500000, ts: Date.parse("2026-11-30T02:00:00Z") };
        const cs = chirpstackUplink("coldroom-01", tag, 3, 1, encodeTemperatureHumidityLpp(2.5, 71), radio, "cold-chain");
        client.publish(cs.topic, JSON.stringify(cs.event), { qos: 1 });
        const ttn = {
          end_device_ids: { device_id: "coldroom-01", application_ids: { application_id: "cold-chain" }, dev_eui: tag.devEui, dev_addr: tag.devAddr },
          received_at: "2026-11-30T02:01:00Z",
          uplink_message: {
            f_port: 1,
            f_cnt: 4,
            frm_payload: encodeTemperatureHumidityLpp(-1.5, 60).toString("base64"),
            rx_metadata: [{ gateway_ids: { gateway_id: "store-001-gw" }, rssi: -88, snr: 9.25 }],
            settings: { data_rate: { lora: { bandwidth: 125000, spreading_factor: 7 } }, frequency: "868100000" },
          },
        };
        client.publish("v3/cold-chain@retail/devices/coldroom-01/up", JSON.stringify(ttn), { qos: 1 });
        client.publish("v3/cold-chain@retail/devices/coldroom-01/up", "{ not json", { qos: 1 });
        await waitFor(() => got.length === 2, "two events");
        const bySource = (s: string) => got.find((m) => (m.lorawan as { source: string }).source === s)!;
        const csEvent = bySource("chirpstack").payload as { deviceName: string; origin: number; readings: Array<{ resourceName: string; value: unknown; units?: string }>; metadata: { lorawan: Record<string, unknown> } };
        assert.strictEqual(csEvent.deviceName, "coldroom-01");
        assert.strictEqual(csEvent.origin, radio.ts);
        assert.deepStrictEqual(csEvent.readings.map((r) => [r.resourceName, r.value, r.units]), [["temperature_1", 2.5, "degC"], ["relativeHumidity_2", 71, "%"]]);
        assert.strictEqual(csEvent.metadata.lorawan.spreadingFactor, 10);
        assert.strictEqual(csEvent.metadata.lorawan.frequency, 868500000);
        assert.strictEqual(csEvent.metadata.lorawan.rssi, -101);
        const ttnEvent = bySource("ttn").payload as typeof csEvent;
        assert.strictEqual(ttnEvent.readings[0].value, -1.5);
        assert.strictEqual(ttnEvent.metadata.lorawan.snr, 9.25);
        assert.strictEqual(ttnEvent.metadata.lorawan.frequency, 868100000);
        assert.strictEqual(bySource("ttn").topic, "edge/lorawan/coldroom-01");
      } finally {
        client.end(true);
      }
      // mqtt in with datatype json sends unparseable JSON to its own error path, not to us: nothing refused here
      assert.strictEqual(errors.length, 0);
    });

    it("publishes a ChirpStack command/down and a TTN down/push, the payload encoded by the device's codec", async function () {
      const flow = [
        { id: "f1", type: "tab" },
        ...brokerAndKeys(),
        { id: "down-cs", type: "edge-lorawan-downlink", z: "f1", keys: "keys1", format: "chirpstack", applicationId: "cold-chain", fPort: "10", wires: [["out"]] },
        // ids unlike any property value: Node-RED takes a value equal to a node id for a reference to it
        { id: "down-ttn", type: "edge-lorawan-downlink", z: "f1", keys: "keys1", format: "ttn", applicationId: "cold-chain", tenantId: "retail", fPort: "11", confirmed: true, wires: [["out"]] },
        { id: "out", type: "mqtt out", z: "f1", broker: "mb", topic: "", qos: "1", retain: "false", wires: [] },
      ];
      const client = mqtt.connect(broker.url);
      await new Promise((resolve) => client.once("connect", resolve));
      const got: Array<{ topic: string; body: Record<string, unknown> }> = [];
      client.on("message", (topic, payload) => got.push({ topic, body: JSON.parse(payload.toString()) }));
      await client.subscribeAsync("#", { qos: 1 });
      try {
        await helper.load([coreMqtt, keysNode, downlinkNode], flow, { keys1: tagKeys });
        await waitFor(() => (helper.getNode("out") as unknown as { brokerConn?: { connected?: boolean } }).brokerConn?.connected, "mqtt out connected");
        helper.getNode("down-cs").receive({ payload: { digitalOutput_3: 1 }, deviceName: "coldroom-01" } as never);
        helper.getNode("down-ttn").receive({ payload: [0x0a, 0x0b], lorawan: { devEui: tag.devEui } } as never);
        await waitFor(() => got.length === 2, "both downlinks on the broker");
        const cs = got.find((m) => m.topic.startsWith("application/"))!;
        assert.strictEqual(cs.topic, `application/cold-chain/device/${tag.devEui.toLowerCase()}/command/down`);
        assert.deepStrictEqual(cs.body, { devEui: tag.devEui.toLowerCase(), confirmed: false, fPort: 10, data: Buffer.from([3, 1, 1]).toString("base64") });
        const ttn = got.find((m) => m.topic.startsWith("v3/"))!;
        assert.strictEqual(ttn.topic, "v3/cold-chain@retail/devices/coldroom-01/down/push");
        assert.deepStrictEqual(ttn.body, { downlinks: [{ f_port: 11, frm_payload: Buffer.from([0x0a, 0x0b]).toString("base64"), priority: "NORMAL", confirmed: true }] });
      } finally {
        client.end(true);
      }
    });
  });

  it("runs a TS013 script codec in its sandbox, and a codec that never returns goes to the error output within its limit while the next uplink passes", async function () {
    const other = demoKeys(1, "store-001-freezer-01");
    const codecs = [
      { name: "acme-th", script: "function s16(b, i) { var v = (b[i] << 8) | b[i + 1]; return v > 32767 ? v - 65536 : v; }\nfunction decodeUplink(input) { return { data: { temperature: s16(input.bytes, 2) / 10, port: input.fPort } }; }" },
      { name: "stuck", script: "function decodeUplink(input) { while (true) {} }" },
    ];
    const devices = [
      { name: "freezer-acme", devEui: tag.devEui, codec: "acme-th" },
      { name: "freezer-stuck", devEui: other.devEui, codec: "stuck" },
    ];
    const flow = [
      { id: "f1", type: "tab" },
      { id: "keys1", type: "edge-lorawan-keys", source: "table", devices: JSON.stringify(devices), codecs: JSON.stringify(codecs), codecTimeoutMs: "100", counterFile: "none" },
      { id: "up", type: "edge-lorawan-uplink", z: "f1", keys: "keys1", wires: [["events"], ["errors"]] },
      { id: "events", type: "helper", z: "f1" },
      { id: "errors", type: "helper", z: "f1" },
    ];
    await helper.load([keysNode, uplinkNode], flow);
    const got = messagesTo<Msg>("events");
    const errors = messagesTo<Msg>("errors");
    const radio = { gatewayEui: "B827EBFFFE000001", rssi: -101, snr: 4.5, sf: 10, frequencyHz: 868500000, ts: Date.now() };
    const stuck = chirpstackUplink("freezer-stuck", other, 1, 1, encodeTemperatureHumidityLpp(-18, 50), radio, "cold-chain");
    const fine = chirpstackUplink("freezer-acme", tag, 1, 2, encodeTemperatureHumidityLpp(-18.7, 50), radio, "cold-chain");
    const t0 = Date.now();
    helper.getNode("up").receive({ payload: stuck.event } as never);
    helper.getNode("up").receive({ payload: fine.event } as never);
    await waitFor(() => errors.length === 1 && got.length === 1, "one refusal, one event");
    assert.ok(Date.now() - t0 < 3000, "the stuck codec was stopped within its limit");
    assert.strictEqual((errors[0].error as { code: string }).code, "codec");
    const event = got[0].payload as { deviceName: string; profileName: string; readings: Array<{ resourceName: string; value: unknown }> };
    assert.strictEqual(event.deviceName, "freezer-acme");
    assert.strictEqual(event.profileName, "acme-th");
    assert.deepStrictEqual(event.readings.map((r) => [r.resourceName, r.value]), [["temperature", -18.7], ["port", 2]]);
  });

  describe("a store's LoRa gateway over the packet-forwarder protocol", function () {
    const ts = Date.parse("2026-11-30T02:00:00Z");
    const radio = (gatewayEui: string, rssi: number, snr: number, at = ts) => ({ gatewayEui, rssi, snr, sf: 9, frequencyHz: 868100000, ts: at });
    let forwarders: FakeForwarder[] = [];
    afterEach(async function () {
      await Promise.all(forwarders.map((f) => f.close()));
      forwarders = [];
    });
    async function forwarder(eui: string, port: number): Promise<FakeForwarder> {
      const f = new FakeForwarder(eui, port);
      await f.open();
      forwarders.push(f);
      return f;
    }

    it("acknowledges, passes one frame heard by two gateways once with both receptions, reports stat, refuses an older counter (a replay) and survives garbage", async function () {
      const port = await freeUdpPort();
      const flow = [
        { id: "f1", type: "tab" },
        { id: "keys1", type: "edge-lorawan-keys", source: "table", devices: JSON.stringify([tagEntry]), codecs: "[]", counterFile: "none" },
        { id: "gw", type: "edge-lorawan-gateway", z: "f1", port: String(port), address: "127.0.0.1", dedupWindowMs: "150", wires: [["up"], ["stats"]] },
        { id: "up", type: "edge-lorawan-uplink", z: "f1", keys: "keys1", wires: [["events"], ["errors"]] },
        { id: "events", type: "helper", z: "f1" },
        { id: "errors", type: "helper", z: "f1" },
        { id: "stats", type: "helper", z: "f1" },
      ];
      await helper.load([keysNode, uplinkNode, gatewayNode], flow, { keys1: tagKeys });
      const got = messagesTo<Msg>("events");
      const errors = messagesTo<Msg>("errors");
      const stats = messagesTo<Msg>("stats");
      const a = await forwarder("B827EBFFFE000001", port);
      const b = await forwarder("B827EBFFFE000002", port);
      a.pullData(0x1111);
      await waitFor(() => a.received.some((m) => m[3] === 0x04 && m.readUInt16BE(1) === 0x1111), "PULL_ACK");
      const phy = buildUplink(tag, 41, 1, encodeTemperatureHumidityLpp(4.2, 55));
      a.send(pushData(phy, radio(a.eui, -110, -2), 0x2222));
      b.send(pushData(phy, radio(b.eui, -90, 8), 0x3333));
      a.send(Buffer.concat([Buffer.from([2, 0x44, 0x44, 0x00]), Buffer.from(a.eui, "hex"), Buffer.from(JSON.stringify({ stat: { time: "2026-11-30 02:00:00 GMT", rxnb: 2, rxok: 2, rxfw: 2, ackr: 100, dwnb: 0, txnb: 0 } }))]));
      await waitFor(() => a.received.some((m) => m[3] === 0x01 && m.readUInt16BE(1) === 0x2222) && b.received.some((m) => m[3] === 0x01 && m.readUInt16BE(1) === 0x3333), "PUSH_ACKs");
      await waitFor(() => got.length === 1 && stats.length === 1, "one event, one stat");
      const event = got[0].payload as { readings: Array<{ value: unknown }>; metadata: { lorawan: { gateways: Array<{ gatewayId: string }>; snr: number; fCnt: number } } };
      assert.strictEqual(event.readings[0].value, 4.2);
      assert.strictEqual(event.metadata.lorawan.fCnt, 41);
      assert.strictEqual(event.metadata.lorawan.snr, 8, "the best reception's SNR");
      assert.deepStrictEqual(event.metadata.lorawan.gateways.map((g) => g.gatewayId).sort(), [a.eui, b.eui]);
      assert.strictEqual(got[0].gatewayEui, b.eui);
      assert.strictEqual(stats[0].payload.rxnb, 2);

      a.send(Buffer.from("garbage"));
      a.send(Buffer.from([2, 0, 1, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 0x7b]));
      a.send(pushData(buildUplink(tag, 40, 1, encodeTemperatureHumidityLpp(4.2, 55)), radio(a.eui, -100, 1, ts + 5000), 0x5555));
      await waitFor(() => errors.length === 1, "the replay refused");
      assert.strictEqual((errors[0].error as { code: string }).code, "replay");
      a.send(pushData(buildUplink(tag, 42, 1, encodeTemperatureHumidityLpp(4.4, 55)), radio(a.eui, -100, 1, ts + 60000), 0x6666));
      await waitFor(() => got.length === 2, "the next frame after garbage");
      assert.strictEqual((got[1].payload as typeof event).readings[0].value, 4.4);
    });

    it("serves an OTAA join: Join-accept in JOIN_ACCEPT_DELAY1 through the gateway, the session's uplinks decoded, kept across a restart", async function () {
      const port = await freeUdpPort();
      const appKey = "2B7E151628AED2A6ABF7158809CF4F3C";
      const otaa = { name: "freezer-otaa", devEui: "70B3D57ED0051234", joinEui: "70B3D57ED0000000", codec: "cayenne-lpp" };
      const counterFile = `${tempDir("lw-otaa")}/c.json`;
      const flow = [
        { id: "f1", type: "tab" },
        { id: "keys1", type: "edge-lorawan-keys", source: "table", devices: JSON.stringify([otaa]), codecs: "[]", counterFile },
        { id: "gw", type: "edge-lorawan-gateway", z: "f1", port: String(port), address: "127.0.0.1", dedupWindowMs: "0", txAckTimeoutMs: "3000", wires: [["up"], []] },
        { id: "up", type: "edge-lorawan-uplink", z: "f1", keys: "keys1", wires: [["events"], ["errors"], ["gw"]] },
        { id: "events", type: "helper", z: "f1" },
        { id: "errors", type: "helper", z: "f1" },
      ];
      const creds = { keys1: { keys: JSON.stringify({ [otaa.devEui]: { appKey } }) } };
      await helper.load([keysNode, uplinkNode, gatewayNode], flow, creds);
      let got = messagesTo<Msg>("events");
      let errors = messagesTo<Msg>("errors");
      const a = await forwarder("B827EBFFFE000001", port);
      a.pullData(1);
      await waitFor(() => a.received.some((m) => m[3] === 0x04), "PULL_ACK");
      const joinRequest = lora.fromFields({ MType: "Join Request", AppEUI: Buffer.from(otaa.joinEui, "hex"), DevEUI: Buffer.from(otaa.devEui, "hex"), DevNonce: Buffer.from("00a7", "hex") }, undefined, undefined, Buffer.from(appKey, "hex")).getPHYPayload() as Buffer;
      a.send(pushData(joinRequest, radio(a.eui, -100, 3), 2));
      const resp = await waitFor(() => a.received.find((m) => m[3] === 0x03), "the Join-accept as PULL_RESP");
      const txpk = (JSON.parse(resp.subarray(4).toString()) as { txpk: Record<string, unknown> }).txpk;
      assert.strictEqual(txpk.tmst, (((ts * 1000) >>> 0) + 5_000_000) >>> 0, "JOIN_ACCEPT_DELAY1 after the request");
      // the gateway cannot make RX1: the Join-accept again in RX2, JOIN_ACCEPT_DELAY2 after the request, at the region's RX2 defaults
      a.send(Buffer.concat([Buffer.from([2, resp[1], resp[2], 0x05]), Buffer.from(a.eui, "hex"), Buffer.from(JSON.stringify({ txpk_ack: { error: "TOO_LATE" } }))]));
      const resp2 = await waitFor(() => a.received.filter((m) => m[3] === 0x03)[1], "the Join-accept in RX2");
      const txpk2 = (JSON.parse(resp2.subarray(4).toString()) as { txpk: Record<string, unknown> }).txpk;
      assert.deepStrictEqual([txpk2.tmst, txpk2.freq, txpk2.datr, txpk2.data], [(((ts * 1000) >>> 0) + 6_000_000) >>> 0, 869.525, "SF12BW125", txpk.data]);
      const accept = lora.fromWire(lora.decryptJoinAccept(lora.fromWire(Buffer.from(txpk.data as string, "base64")), Buffer.from(appKey, "hex")));
      assert.ok(lora.verifyMIC(accept, undefined, Buffer.from(appKey, "hex")), "the Join-accept's MIC under the AppKey");
      const f = accept.getBuffers();
      const session = lora.generateSessionKeys(Buffer.from(appKey, "hex"), f.NetID!, f.AppNonce!, Buffer.from("00a7", "hex"));
      const keys = { devEui: otaa.devEui, devAddr: f.DevAddr!.toString("hex").toUpperCase(), nwkSKey: session.NwkSKey.toString("hex"), appSKey: session.AppSKey.toString("hex") };
      a.send(pushData(buildUplink(keys, 1, 1, encodeTemperatureHumidityLpp(-19.5, 40)), radio(a.eui, -100, 3, ts + 60000), 3));
      await waitFor(() => got.length === 1, "the joined device's first uplink");
      assert.strictEqual((got[0].payload as { deviceName: string }).deviceName, "freezer-otaa");
      a.send(pushData(joinRequest, radio(a.eui, -100, 3, ts + 70000), 4));
      await waitFor(() => errors.length === 1, "the replayed Join-request refused");
      assert.strictEqual((errors[0].error as { code: string }).code, "replay");

      await helper.unload();
      await helper.load([keysNode, uplinkNode, gatewayNode], flow, creds);
      got = messagesTo<Msg>("events");
      errors = messagesTo<Msg>("errors");
      a.pullData(5);
      a.send(pushData(buildUplink(keys, 2, 1, encodeTemperatureHumidityLpp(-19.4, 40)), radio(a.eui, -100, 3, ts + 120000), 6));
      await waitFor(() => got.length === 1 || errors.length > 0, "an uplink after the restart");
      assert.strictEqual(errors.length, 0, JSON.stringify(errors[0]?.error));
      assert.strictEqual(((got[0].payload as { readings: Array<{ value: unknown }> }).readings[0].value), -19.4);
    });

    it("answers in RX1 when the flow is quick, holds a late downlink for the device's next uplink, and completes on TX_ACK", async function () {
      const port = await freeUdpPort();
      const flow = [
        { id: "f1", type: "tab" },
        { id: "keys1", type: "edge-lorawan-keys", source: "table", devices: JSON.stringify([tagEntry]), codecs: "[]", counterFile: `${tempDir("lw-counters")}/c.json` },
        { id: "gw", type: "edge-lorawan-gateway", z: "f1", port: String(port), address: "127.0.0.1", dedupWindowMs: "0", txAckTimeoutMs: "3000", wires: [["up"], []] },
        { id: "up", type: "edge-lorawan-uplink", z: "f1", keys: "keys1", wires: [["events"], []] },
        { id: "now", type: "edge-lorawan-downlink", z: "f1", keys: "keys1", format: "raw", fPort: "10", rx1BudgetMs: "60000", wires: [["gw"]] },
        { id: "later", type: "edge-lorawan-downlink", z: "f1", keys: "keys1", format: "raw", fPort: "11", rx1BudgetMs: "0", wires: [["gw"]] },
        { id: "cmp", type: "complete", z: "f1", scope: ["gw"], uncaught: false, wires: [["completed"]] },
        { id: "cat", type: "catch", z: "f1", scope: ["gw", "now", "later"], uncaught: false, wires: [["caught"]] },
        { id: "events", type: "helper", z: "f1" },
        { id: "completed", type: "helper", z: "f1" },
        { id: "caught", type: "helper", z: "f1" },
      ];
      const complete = require("@node-red/nodes/core/common/24-complete.js");
      const catchNode = require("@node-red/nodes/core/common/25-catch.js");
      await helper.load([keysNode, uplinkNode, downlinkNode, gatewayNode, complete, catchNode], flow, { keys1: tagKeys });
      const got = messagesTo<Msg>("events");
      const completed = messagesTo<Msg>("completed");
      const caught = messagesTo<Msg>("caught");
      const a = await forwarder("B827EBFFFE000001", port);
      a.pullData(1);
      await waitFor(() => a.received.some((m) => m[3] === 0x04), "PULL_ACK");
      const pullResps = () => a.received.filter((m) => m[3] === 0x03);
      const txpkOf = (m: Buffer) => (JSON.parse(m.subarray(4).toString()) as { txpk: Record<string, unknown> }).txpk;
      const txAck = (m: Buffer, error?: string) => a.send(Buffer.concat([Buffer.from([2, m[1], m[2], 0x05]), Buffer.from(a.eui, "hex"), Buffer.from(error ? JSON.stringify({ txpk_ack: { error } }) : "")]));

      a.send(pushData(buildUplink(tag, 7, 1, encodeTemperatureHumidityLpp(3, 50)), radio(a.eui, -95, 6), 2));
      await waitFor(() => got.length === 1, "the uplink");
      const uplinkTmst = (ts * 1000) >>> 0;
      helper.getNode("now").receive({ payload: [1, 2, 3], devEui: tag.devEui } as never);
      helper.getNode("later").receive({ payload: "0a0b", deviceName: "coldroom-01" } as never);
      const first = await waitFor(() => pullResps()[0], "PULL_RESP for the RX1 answer");
      const txpk = txpkOf(first);
      assert.strictEqual(txpk.tmst, (uplinkTmst + 1_000_000) >>> 0);
      assert.strictEqual(txpk.freq, 868.1);
      assert.strictEqual(txpk.datr, "SF9BW125");
      assert.strictEqual(txpk.ipol, true);
      const packet = lora.fromWire(Buffer.from(txpk.data as string, "base64"));
      const nwk = Buffer.from(tag.nwkSKey, "hex");
      const app = Buffer.from(tag.appSKey, "hex");
      assert.ok(lora.verifyMIC(packet, nwk, app));
      assert.deepStrictEqual(lora.decrypt(packet, app, nwk), Buffer.from([1, 2, 3]));
      assert.strictEqual(packet.getFCnt(), 0);
      assert.strictEqual(completed.length, 0, "not complete before the TX_ACK");
      txAck(first);
      await waitFor(() => completed.length === 1, "complete on TX_ACK");
      assert.strictEqual(pullResps().length, 1, "the late downlink waits for the next uplink");

      a.send(pushData(buildUplink(tag, 8, 1, encodeTemperatureHumidityLpp(3, 50)), radio(a.eui, -95, 6, ts + 60000), 3));
      const second = await waitFor(() => pullResps()[1], "PULL_RESP after the next uplink");
      const late = lora.fromWire(Buffer.from(txpkOf(second).data as string, "base64"));
      assert.strictEqual(late.getFPort(), 11);
      assert.strictEqual(late.getFCnt(), 1, "FCntDown advances");
      assert.deepStrictEqual(lora.decrypt(late, app, nwk), Buffer.from([0x0a, 0x0b]));
      assert.strictEqual(txpkOf(second).tmst, ((((ts + 60000) * 1000) >>> 0) + 1_000_000) >>> 0);
      txAck(second, "TOO_LATE");
      // the gateway could not make RX1: the same frame in RX2, and when that is refused too, the refusal caught
      const third = await waitFor(() => pullResps()[2], "the same frame in RX2");
      assert.strictEqual(txpkOf(third).data, txpkOf(second).data);
      assert.strictEqual(txpkOf(third).tmst, ((((ts + 60000) * 1000) >>> 0) + 2_000_000) >>> 0);
      txAck(third, "TOO_LATE");
      await waitFor(() => caught.length === 1, "the gateway's refusal caught");
      assert.match(String((caught[0].error as { message: string }).message), /TOO_LATE/);

      helper.getNode("now").receive({ payload: [1], devEui: "0000000000000000" } as never);
      await waitFor(() => caught.length === 2, "unknown device caught");
      assert.match(String((caught[1].error as { message: string }).message), /no device|unknown-device/);
    });
  });
});
