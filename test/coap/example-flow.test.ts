/** examples/coap-senml-to-mqtt.json deployed as shipped (ports moved): SenML over CoAP comes out of the embedded MQTT broker. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import helper from "node-red-node-test-helper";
import mqtt from "mqtt";
import { freeTcpPort, freeUdpPort } from "../harness/ports";
import { waitFor } from "../harness/wait";
import { coapNodes, asFlow, FlowNode } from "./flows";
import { libcoap } from "./libcoap";
import ingestNode from "../../nodes/edge-ingest/edge-ingest";
import profileNode from "../../nodes/edge-device-profile/edge-device-profile";
import brokerNode from "../../nodes/edge-broker/edge-broker";
import { useTestHelper } from "../harness/test-helper-server";

const core = ["common/20-inject.js", "common/21-debug.js", "common/90-comment.js", "function/15-change.js", "network/10-mqtt.js"].map((f) => require(`@node-red/nodes/core/${f}`));

describe("example: CoAP sensors → SenML ingest → MQTT", function () {
  this.timeout(30000);
  let client: mqtt.MqttClient | undefined;
  const scratch = fs.mkdtempSync("/tmp/edge-ai-coap-example-");
  after(function () {
    fs.rmSync(scratch, { recursive: true, force: true });
  });
  afterEach(async function () {
    await client?.endAsync();
  });
  useTestHelper();

  it("publishes the test sensor's SenML CBOR and a libcoap sensor's SenML JSON as events on edge/senml-climate-sensor/<device>", async function () {
    const flow = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "examples", "coap-senml-to-mqtt.json"), "utf8")) as FlowNode[];
    const coapPort = await freeUdpPort();
    const mqttPort = await freeTcpPort();
    for (const n of flow) {
      if (n.type === "edge-coap-server") Object.assign(n, { port: String(coapPort), address: "127.0.0.1" });
      if (n.type === "edge-coap-request") n.url = `coap://127.0.0.1:${coapPort}/senml`;
      if (n.type === "mqtt-broker" || n.type === "edge-broker") n.port = String(mqttPort);
      if (n.type === "edge-broker") n.dataDir = path.join(scratch, "broker");
      if (n.type === "inject") n.onceDelay = "0.5";
    }
    await helper.load([...coapNodes, ingestNode, profileNode, brokerNode, ...core], asFlow(flow));
    const events: Array<{ topic: string; event: { deviceName: string; readings: Array<{ resourceName: string; value: string }> } }> = [];
    await waitFor(async () => {
      try {
        client = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { reconnectPeriod: 0, connectTimeout: 1000 });
        return true;
      } catch {
        return false;
      }
    }, "the embedded broker", { timeoutMs: 10000, intervalMs: 100 });
    client!.on("message", (topic, payload) => events.push({ topic, event: JSON.parse(payload.toString()) }));
    await client!.subscribeAsync("edge/#", { qos: 1 });

    await waitFor(() => events.find((e) => e.event.deviceName === "case-07"), "the test sensor's event", { timeoutMs: 15000, intervalMs: 100 });
    // from a file: libcoap's -e reads percent-encoding, which "%RH" is not
    const pack = path.join(scratch, "pack.json");
    fs.writeFileSync(pack, JSON.stringify([{ bn: "urn:dev:ow:case-12:", n: "temperature", u: "Cel", v: 3.9 }, { n: "humidity", u: "%RH", v: 71 }]));
    const sent = await libcoap(["-m", "post", "-t", "110", "-f", pack, `coap://127.0.0.1:${coapPort}/senml`]);
    assert.ok(sent.status === 0 && !/[45]\.\d\d/.test(sent.output), sent.output);
    const e = await waitFor(() => events.find((x) => x.event.deviceName === "case-12"), "the libcoap sensor's event", { timeoutMs: 10000 });
    assert.strictEqual(e.topic, "edge/senml-climate-sensor/case-12");
    const temperature = e.event.readings.find((r) => r.resourceName === "temperature");
    assert.ok(temperature && Number(temperature.value) === 3.9, JSON.stringify(e.event.readings));
  });
});
