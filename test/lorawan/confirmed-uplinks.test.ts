/**
 * LoRaWAN as networks run it, through real UDP (edge-lorawan-gateway's packet-forwarder server and a forwarder's
 * socket) and Mosquitto: confirmed uplinks acknowledged in RX1 or RX2, retransmissions answered with the same
 * frame and no second event, Class C, US915 channels, ABP counters far into their count. Every frame is built and
 * checked with lora-packet, so MICs and flags do not depend on our own code.
 */
import * as assert from "assert";
import helper from "node-red-node-test-helper";
import mqtt from "mqtt";
import lora from "lora-packet";
import keysNode from "../../nodes/edge-lorawan-keys/edge-lorawan-keys";
import uplinkNode from "../../nodes/edge-lorawan-uplink/edge-lorawan-uplink";
import downlinkNode from "../../nodes/edge-lorawan-downlink/edge-lorawan-downlink";
import gatewayNode from "../../nodes/edge-lorawan-gateway/edge-lorawan-gateway";
import { buildUplink, demoKeys, encodeTemperatureHumidityLpp, pushData, RadioConditions } from "../../lib/sim/lorawan-tag";
import { startMosquitto, MosquittoPeer } from "../harness/peers";
import { freeUdpPort } from "../harness/ports";
import { waitFor } from "../harness/wait";
import { messagesTo } from "../harness/node-events";
import { FakeForwarder } from "./fake-forwarder";
import type { LorawanKeysNode } from "../../nodes/_shared/lorawan-keys";
import { useTestHelper } from "../harness/test-helper-server";

const coreMqtt = require("@node-red/nodes/core/network/10-mqtt.js");
const catchNode = require("@node-red/nodes/core/common/25-catch.js");
const completeNode = require("@node-red/nodes/core/common/24-complete.js");

type Msg = Record<string, unknown> & { payload: Record<string, unknown> };
type Event = { deviceName: string; readings: Array<{ resourceName: string; value: unknown }>; metadata: { lorawan: Record<string, unknown> } };
const tag = demoKeys(1, "store-001-coldroom-01");
const nwk = Buffer.from(tag.nwkSKey, "hex");
const app = Buffer.from(tag.appSKey, "hex");
const ts = Date.parse("2026-11-30T02:00:00Z");
const tmstOf = (at: number) => (at * 1000) >>> 0;

describe("LoRaWAN as networks run it", function () {
  this.timeout(30000);
  let forwarders: FakeForwarder[] = [];
  useTestHelper();
  afterEach(async function () {
    await Promise.all(forwarders.map((f) => f.close()));
    forwarders = [];
  });

  /** a gateway node, an uplink node whose third output goes to it, a raw downlink node; the device settings as given */
  async function deploy(device: Record<string, unknown>, keysSettings: Record<string, unknown> = {}, dedupWindowMs = "0") {
    const port = await freeUdpPort();
    const entry = { name: "coldroom-01", devEui: tag.devEui, devAddr: tag.devAddr, codec: "cayenne-lpp", ...device };
    const flow = [
      { id: "f1", type: "tab" },
      { id: "keys1", type: "edge-lorawan-keys", source: "table", devices: JSON.stringify([entry]), codecs: "[]", counterFile: "none", ...keysSettings },
      { id: "gw", type: "edge-lorawan-gateway", z: "f1", port: String(port), address: "127.0.0.1", dedupWindowMs, txAckTimeoutMs: "3000", wires: [["up"], []] },
      { id: "up", type: "edge-lorawan-uplink", z: "f1", keys: "keys1", wires: [["events"], ["errors"], ["gw", "acks"]] },
      { id: "down", type: "edge-lorawan-downlink", z: "f1", keys: "keys1", format: "raw", fPort: "10", rx1BudgetMs: "0", wires: [["gw", "sent"]] },
      { id: "cat", type: "catch", z: "f1", scope: ["gw", "down", "up"], uncaught: false, wires: [["caught"]] },
      { id: "cmp", type: "complete", z: "f1", scope: ["gw"], uncaught: false, wires: [["completed"]] },
      { id: "completed", type: "helper", z: "f1" },
      { id: "events", type: "helper", z: "f1" },
      { id: "errors", type: "helper", z: "f1" },
      { id: "acks", type: "helper", z: "f1" },
      { id: "sent", type: "helper", z: "f1" },
      { id: "caught", type: "helper", z: "f1" },
    ];
    await helper.load([keysNode, uplinkNode, downlinkNode, gatewayNode, catchNode, completeNode], flow, { keys1: { keys: JSON.stringify({ [tag.devEui]: { nwkSKey: tag.nwkSKey, appSKey: tag.appSKey } }) } });
    const got = { events: messagesTo<Msg>("events"), errors: messagesTo<Msg>("errors"), acks: messagesTo<Msg>("acks"), sent: messagesTo<Msg>("sent"), caught: messagesTo<Msg>("caught"), completed: messagesTo<Msg>("completed") };
    const fwd = new FakeForwarder("B827EBFFFE000001", port);
    fwd.autoTxAck = true;
    await fwd.open();
    forwarders.push(fwd);
    fwd.pullData(1);
    await waitFor(() => fwd.received.some((m) => m[3] === 0x04), "PULL_ACK");
    return { fwd, got };
  }
  const radio = (at: number, over: Partial<RadioConditions> = {}): RadioConditions => ({ gatewayEui: "B827EBFFFE000001", rssi: -95, snr: 6, sf: 9, frequencyHz: 868100000, ts: at, ...over });
  const frameOf = (txpk: Record<string, unknown>) => lora.fromWire(Buffer.from(txpk.data as string, "base64"));
  const reading = (m: Msg) => (m.payload as unknown as Event).readings[0].value;

  it("acknowledges a confirmed uplink in RX1 (FCtrl.ACK, empty frame), answers its retransmission with the same frame and no second event, and carries a waiting downlink in the next ACK", async function () {
    const { fwd, got } = await deploy({});
    const phy = buildUplink(tag, 12, 1, encodeTemperatureHumidityLpp(3.5, 60), { confirmed: true });
    fwd.send(pushData(phy, radio(ts), 2));
    const ack = await waitFor(() => fwd.txpks()[0], "the ACK as PULL_RESP");
    assert.strictEqual(got.events.length, 1);
    const lw = (got.events[0].payload as unknown as Event).metadata.lorawan;
    assert.strictEqual(lw.confirmed, true);
    assert.strictEqual(lw.mType, "ConfirmedDataUp");
    assert.strictEqual(ack.tmst, (tmstOf(ts) + 1_000_000) >>> 0, "RX1: RECEIVE_DELAY1 after the uplink");
    assert.strictEqual(ack.freq, 868.1, "EU868 RX1: the uplink's channel");
    assert.strictEqual(ack.datr, "SF9BW125", "RX1DROffset 0: the uplink's data rate");
    assert.strictEqual(ack.imme, false);
    const frame = frameOf(ack);
    assert.strictEqual(frame.getMType(), "Unconfirmed Data Down");
    assert.strictEqual(frame.getFCtrlACK(), true);
    assert.strictEqual(frame.getFPort(), null, "an empty ACK has no FPort");
    assert.strictEqual(frame.getBuffers().DevAddr!.toString("hex").toUpperCase(), tag.devAddr);
    assert.ok(lora.verifyMIC(frame, nwk), "MIC under the NwkSKey");

    // the device missed the ACK: the same frame again, 3 s later on another channel
    fwd.send(pushData(phy, radio(ts + 3000, { frequencyHz: 868300000 }), 3));
    const again = await waitFor(() => fwd.txpks()[1], "the ACK for the retransmission");
    assert.strictEqual(again.data, ack.data, "the same frame (same FCntDown)");
    assert.strictEqual(again.tmst, (tmstOf(ts + 3000) + 1_000_000) >>> 0);
    assert.strictEqual(again.freq, 868.3);
    await waitFor(() => got.acks.length === 2, "both ACKs on the uplink node's third output");
    assert.deepStrictEqual([got.acks[0].lorawan, got.acks[1].lorawan].map((l) => (l as Record<string, unknown>).retransmission), [false, true]);
    assert.strictEqual(got.events.length, 1, "no second event for the retransmission");
    assert.strictEqual(got.errors.length, 0, "not refused as a replay");

    // the windows of that uplink carried its ACK: a downlink now waits, then leaves in the next confirmed uplink's ACK
    helper.getNode("down").receive({ payload: [3, 1, 1], devEui: tag.devEui } as never);
    await waitFor(() => (helper.getNode("keys1") as unknown as LorawanKeysNode).downlinks?.queued() === 1, "the downlink waiting");
    fwd.send(pushData(buildUplink(tag, 13, 1, encodeTemperatureHumidityLpp(3.6, 60), { confirmed: true }), radio(ts + 60000), 4));
    const carried = await waitFor(() => fwd.txpks()[2], "the ACK carrying the downlink");
    await waitFor(() => got.sent.length === 1 && got.events.length === 2, "sent by the downlink node, the uplink an event");
    const withData = frameOf(carried);
    assert.strictEqual(withData.getFCtrlACK(), true);
    assert.strictEqual(withData.getFPort(), 10);
    assert.strictEqual(withData.getFCnt(), 1, "FCntDown after the first ACK's 0");
    assert.ok(lora.verifyMIC(withData, nwk));
    assert.deepStrictEqual([...lora.decrypt(withData, app, nwk)], [3, 1, 1]);
    assert.strictEqual(fwd.txpks().length, 3, "one frame for that uplink, not an ACK and a downlink");
    assert.strictEqual(got.caught.length, 0, JSON.stringify(got.caught[0]?.error));
  });

  it("sends the ACK through the gateway that heard the uplink best (highest SNR)", async function () {
    const { fwd, got } = await deploy({}, {}, "150");
    const other = new FakeForwarder("B827EBFFFE000002", fwd.serverPort);
    other.autoTxAck = true;
    await other.open();
    forwarders.push(other);
    other.pullData(1);
    await waitFor(() => other.received.some((m) => m[3] === 0x04), "PULL_ACK of the second gateway");
    const phy = buildUplink(tag, 1, 1, encodeTemperatureHumidityLpp(2, 50), { confirmed: true });
    fwd.send(pushData(phy, radio(ts, { snr: -3 }), 2));
    other.send(pushData(phy, radio(ts + 1, { gatewayEui: other.eui, snr: 9 }), 2));
    const ack = await waitFor(() => other.txpks()[0], "the ACK through the better gateway");
    assert.strictEqual(ack.tmst, (tmstOf(ts + 1) + 1_000_000) >>> 0, "timed on that gateway's own clock");
    assert.strictEqual(fwd.txpks().length, 0);
    assert.strictEqual(got.events.length, 1);
  });

  it("answers in RX2 when the device is set to, at the data rate it was given (TTN's SF9 RX2 in EU868)", async function () {
    const { fwd, got } = await deploy({ rxWindow: "rx2", rx2DataRate: 3 });
    fwd.send(pushData(buildUplink(tag, 1, 1, encodeTemperatureHumidityLpp(2, 50), { confirmed: true }), radio(ts, { sf: 7 }), 2));
    const ack = await waitFor(() => fwd.txpks()[0], "the ACK");
    assert.strictEqual(ack.tmst, (tmstOf(ts) + 2_000_000) >>> 0, "RX2: one second after RX1");
    assert.strictEqual(ack.freq, 869.525);
    assert.strictEqual(ack.datr, "SF9BW125");
    assert.strictEqual(frameOf(ack).getFCtrlACK(), true);
    assert.strictEqual(got.events.length, 1);
  });

  it("sends the same frame in RX2 when the gateway answers RX1 with TX_ACK TOO_LATE, and completes then", async function () {
    const { fwd, got } = await deploy({});
    fwd.txAckError = (_txpk, index) => (index === 0 ? "TOO_LATE" : undefined);
    fwd.send(pushData(buildUplink(tag, 1, 1, encodeTemperatureHumidityLpp(2, 50), { confirmed: true }), radio(ts, { sf: 10 }), 2));
    const rx2 = await waitFor(() => fwd.txpks()[1], "the ACK again, in RX2");
    const rx1 = fwd.txpks()[0];
    assert.strictEqual(rx2.data, rx1.data, "the same frame");
    assert.strictEqual(rx1.tmst, (tmstOf(ts) + 1_000_000) >>> 0);
    assert.strictEqual(rx2.tmst, (tmstOf(ts) + 2_000_000) >>> 0);
    assert.deepStrictEqual([rx2.freq, rx2.datr], [869.525, "SF12BW125"]);
    await waitFor(() => got.completed.length === 1, "the gateway node completes on RX2's TX_ACK");
    assert.strictEqual(got.caught.length, 0, JSON.stringify(got.caught[0]?.error));
    fwd.txAckError = () => "TOO_LATE";
    fwd.send(pushData(buildUplink(tag, 2, 1, encodeTemperatureHumidityLpp(2, 50), { confirmed: true }), radio(ts + 60000), 3));
    await waitFor(() => got.caught.length === 1, "RX2 refused too: caught");
    assert.strictEqual(fwd.txpks().length, 4, "RX1 and RX2 tried, nothing more");
    assert.match(String((got.caught[0].error as { message: string }).message), /TOO_LATE/);
  });

  it("puts a downlink in RX2 when the flow missed RX1 (RX1 budget 0) but makes RX2, RX2 at the region's default", async function () {
    const { fwd, got } = await deploy({});
    fwd.send(pushData(buildUplink(tag, 1, 1, encodeTemperatureHumidityLpp(2, 50)), radio(ts, { sf: 8 }), 2));
    await waitFor(() => got.events.length === 1, "the uplink");
    helper.getNode("down").receive({ payload: [3, 1, 1], devEui: tag.devEui } as never);
    const txpk = await waitFor(() => fwd.txpks()[0], "the downlink");
    assert.strictEqual(txpk.tmst, (tmstOf(ts) + 2_000_000) >>> 0);
    assert.deepStrictEqual([txpk.freq, txpk.datr], [869.525, "SF12BW125"]);
    assert.strictEqual(frameOf(txpk).getFCtrlACK(), false, "an unconfirmed uplink is not acknowledged");
    await waitFor(() => got.sent.length === 1, "the downlink node sent it");
    assert.strictEqual((got.sent[0].lorawan as { window: string }).window, "rx2");
  });

  it("sends to a Class C device at once on RX2 parameters (imme), and refuses one no gateway has heard", async function () {
    const { fwd, got } = await deploy({ class: "C" });
    helper.getNode("down").receive({ payload: [1], devEui: tag.devEui } as never);
    await waitFor(() => got.caught.length === 1, "no gateway for the Class C device yet");
    assert.match(String((got.caught[0].error as { message: string }).message), /Class C.*not been heard/);
    fwd.send(pushData(buildUplink(tag, 1, 1, encodeTemperatureHumidityLpp(2, 50)), radio(ts), 2));
    await waitFor(() => got.events.length === 1, "the uplink");
    assert.strictEqual(fwd.txpks().length, 0, "an unconfirmed uplink with nothing waiting gets no frame");
    helper.getNode("down").receive({ payload: [3, 1, 0], devEui: tag.devEui } as never);
    const txpk = await waitFor(() => fwd.txpks()[0], "the Class C downlink");
    assert.strictEqual(txpk.imme, true);
    assert.strictEqual(txpk.tmst, undefined);
    assert.strictEqual(txpk.freq, 869.525);
    assert.strictEqual(txpk.datr, "SF12BW125", "EU868 RX2 default DR0");
    const frame = frameOf(txpk);
    assert.ok(lora.verifyMIC(frame, nwk));
    assert.deepStrictEqual([...lora.decrypt(frame, app, nwk)], [3, 1, 0]);
    await waitFor(() => got.sent.length === 1, "the downlink node sent it");
    assert.strictEqual((got.sent[0].lorawan as { window: string }).window, "immediate");
  });

  it("US915: the ACK of an uplink on channel 10 (904.3 MHz, DR0) leaves on downlink channel 2 (924.5 MHz) at DR10, DR9 with RX1DROffset 1", async function () {
    const { fwd } = await deploy({ region: "US915", rx1DrOffset: 1 });
    fwd.send(pushData(buildUplink(tag, 1, 1, encodeTemperatureHumidityLpp(2, 50), { confirmed: true }), radio(ts, { sf: 10, frequencyHz: 904300000 }), 2));
    const ack = await waitFor(() => fwd.txpks()[0], "the ACK");
    assert.strictEqual(ack.freq, 924.5);
    assert.strictEqual(ack.datr, "SF11BW500", "DR0 with RX1DROffset 1 is DR9");
    assert.strictEqual(ack.tmst, (tmstOf(ts) + 1_000_000) >>> 0);
    assert.strictEqual(frameOf(ack).getFCtrlACK(), true);
  });

  it("US915 as the table's region: RX1 at DR10 on 923.3 MHz for channel 8, Class C on 923.3 MHz at DR8", async function () {
    const { fwd, got } = await deploy({ class: "C" }, { region: "US915" });
    fwd.send(pushData(buildUplink(tag, 1, 1, encodeTemperatureHumidityLpp(2, 50), { confirmed: true }), radio(ts, { sf: 10, frequencyHz: 903900000 }), 2));
    const ack = await waitFor(() => fwd.txpks()[0], "the ACK");
    assert.deepStrictEqual([ack.freq, ack.datr], [923.3, "SF10BW500"]);
    helper.getNode("down").receive({ payload: [1], devEui: tag.devEui } as never);
    const c = await waitFor(() => fwd.txpks()[1], "the Class C downlink");
    assert.deepStrictEqual([c.imme, c.freq, c.datr], [true, 923.3, "SF12BW500"]);
    assert.strictEqual(got.caught.length, 0, JSON.stringify(got.caught[0]?.error));
  });

  it("accepts an ABP device first heard at FCnt 70000 with its starting counter, refuses a jump beyond MAX_FCNT_GAP as fcnt-gap and a counter below the start as a replay", async function () {
    const { fwd, got } = await deploy({ fCntStart: 70000 });
    fwd.send(pushData(buildUplink(tag, 69990, 1, encodeTemperatureHumidityLpp(1, 50)), radio(ts), 2));
    await waitFor(() => got.errors.length === 1, "a counter below the starting counter refused");
    assert.strictEqual((got.errors[0].error as { code: string }).code, "replay");
    fwd.send(pushData(buildUplink(tag, 70000, 1, encodeTemperatureHumidityLpp(1.5, 50)), radio(ts + 60000), 3));
    await waitFor(() => got.events.length === 1, "the frame at 70000");
    assert.strictEqual((got.events[0].payload as unknown as Event).metadata.lorawan.fCnt, 70000);
    assert.strictEqual(reading(got.events[0]), 1.5);
    fwd.send(pushData(buildUplink(tag, 70000 + 20000, 1, encodeTemperatureHumidityLpp(9, 50)), radio(ts + 120000), 4));
    await waitFor(() => got.errors.length === 2, "the jump refused");
    const gap = got.errors[1].error as { code: string; message: string };
    assert.strictEqual(gap.code, "fcnt-gap");
    assert.match(gap.message, /90000.*MAX_FCNT_GAP/);
    fwd.send(pushData(buildUplink(tag, 70001, 1, encodeTemperatureHumidityLpp(1.6, 50)), radio(ts + 180000), 5));
    await waitFor(() => got.events.length === 2, "the next frame in order");
    assert.strictEqual((got.events[1].payload as unknown as Event).metadata.lorawan.fCnt, 70001);
  });

  it("finds a device running before it was added (FCnt 131077, no starting counter) by trying the next epochs", async function () {
    const { fwd, got } = await deploy({});
    fwd.send(pushData(buildUplink(tag, 131077, 1, encodeTemperatureHumidityLpp(1, 50)), radio(ts), 2));
    await waitFor(() => got.events.length === 1 || got.errors.length === 1, "the frame");
    assert.strictEqual(got.errors.length, 0, JSON.stringify(got.errors[0]?.error));
    assert.strictEqual((got.events[0].payload as unknown as Event).metadata.lorawan.fCnt, 131077);
  });

  describe("network-server events through Mosquitto", function () {
    let broker: MosquittoPeer;
    before(async function () {
      broker = await startMosquitto();
      await broker.start();
    });
    after(async function () {
      await broker?.stop();
    });

    it("a ChirpStack event without fCnt (proto3 leaves out zero) is FCnt 0 and says it was confirmed; TTN's settings.coding_rate is read", async function () {
      const entry = { name: "coldroom-01", devEui: tag.devEui, codec: "cayenne-lpp" };
      const flow = [
        { id: "f1", type: "tab" },
        { id: "mb", type: "mqtt-broker", broker: "127.0.0.1", port: String(broker.port), clientid: "", usetls: false, protocolVersion: "4", keepalive: "30", cleansession: true },
        { id: "keys1", type: "edge-lorawan-keys", source: "table", devices: JSON.stringify([entry]), codecs: "[]", counterFile: "none" },
        { id: "in-cs", type: "mqtt in", z: "f1", broker: "mb", topic: "application/+/device/+/event/up", qos: "1", datatype: "json", wires: [["up"]] },
        { id: "in-ttn", type: "mqtt in", z: "f1", broker: "mb", topic: "v3/+/devices/+/up", qos: "1", datatype: "json", wires: [["up"]] },
        { id: "up", type: "edge-lorawan-uplink", z: "f1", keys: "keys1", wires: [["events"], ["errors"]] },
        { id: "events", type: "helper", z: "f1" },
        { id: "errors", type: "helper", z: "f1" },
      ];
      await helper.load([coreMqtt, keysNode, uplinkNode], flow);
      const got = messagesTo<Msg>("events");
      await waitFor(() => (helper.getNode("in-cs") as unknown as { brokerConn?: { connected?: boolean } }).brokerConn?.connected, "mqtt in connected");
      const client = mqtt.connect(broker.url);
      await new Promise((resolve) => client.once("connect", resolve));
      try {
        // as ChirpStack v4 publishes the first frame of a device: fCnt 0 is left out of the JSON
        const cs = {
          deduplicationId: "3c6d9e2e-2d49-4c43-a0a0-0a1b2c3d4e5f",
          time: "2026-11-30T02:00:00Z",
          deviceInfo: { tenantId: "t", applicationId: "cold-chain", deviceName: "coldroom-01", devEui: tag.devEui.toLowerCase() },
          devAddr: tag.devAddr.toLowerCase(),
          dr: 3,
          fPort: 1,
          confirmed: true,
          data: encodeTemperatureHumidityLpp(2.5, 70).toString("base64"),
          rxInfo: [{ gatewayId: "b827ebfffe000001", rssi: -90, snr: 7 }],
          txInfo: { frequency: 868100000, modulation: { lora: { bandwidth: 125000, spreadingFactor: 9, codeRate: "CR_4_5" } } },
        };
        client.publish(`application/cold-chain/device/${tag.devEui.toLowerCase()}/event/up`, JSON.stringify(cs), { qos: 1 });
        const ttn = {
          end_device_ids: { device_id: "coldroom-01", dev_eui: tag.devEui },
          received_at: "2026-11-30T02:01:00Z",
          uplink_message: {
            f_port: 1,
            f_cnt: 1,
            frm_payload: encodeTemperatureHumidityLpp(2.6, 70).toString("base64"),
            rx_metadata: [{ gateway_ids: { gateway_id: "store-gw" }, rssi: -80, snr: 9 }],
            settings: { data_rate: { lora: { bandwidth: 125000, spreading_factor: 7 } }, coding_rate: "4/5", frequency: "868300000" },
          },
        };
        client.publish("v3/cold-chain@retail/devices/coldroom-01/up", JSON.stringify(ttn), { qos: 1 });
        await waitFor(() => got.length === 2, "two events");
      } finally {
        client.end(true);
      }
      const bySource = (s: string) => (got.find((m) => (m.lorawan as { source: string }).source === s)!.payload as unknown as Event).metadata.lorawan;
      assert.strictEqual(bySource("chirpstack").fCnt, 0);
      assert.strictEqual(bySource("chirpstack").confirmed, true);
      assert.strictEqual(bySource("ttn").codingRate, "4/5");
      assert.strictEqual(bySource("ttn").confirmed, false);
    });
  });
});
