/** examples/05-store-gateway-summaries.json deployed as shipped (ports moved, time sped up): only summaries and alerts reach the regional broker. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import helper from "node-red-node-test-helper";
import mqtt from "mqtt";
import { startMosquitto, MosquittoPeer, tempDir } from "../harness/peers";
import { freeTcpPort } from "../harness/ports";
import { waitFor } from "../harness/wait";
import { events } from "../harness/node-events";
import simNode from "../../nodes/edge-sim/edge-sim";
import ingestNode from "../../nodes/edge-ingest/edge-ingest";
import profileNode from "../../nodes/edge-device-profile/edge-device-profile";
import rulesNode from "../../nodes/edge-rules/edge-rules";
import aggregateNode from "../../nodes/edge-aggregate/edge-aggregate";
import brokerNode from "../../nodes/edge-broker/edge-broker";
import bridgeNode from "../../nodes/edge-mqtt-bridge/edge-mqtt-bridge";

helper.init(require.resolve("node-red"));
const core = ["common/20-inject.js", "common/21-debug.js", "common/90-comment.js", "function/10-function.js", "function/10-switch.js", "function/15-change.js", "network/10-mqtt.js"].map((f) => require(`@node-red/nodes/core/${f}`));

type FlowNode = Record<string, unknown> & { id: string; type: string };

describe("example 5: store gateway forwarding summaries and alerts upstream", function () {
  this.timeout(60000);
  let regional: MosquittoPeer;
  let client: mqtt.MqttClient | undefined;
  before(async function () {
    regional = await startMosquitto();
    await regional.start();
  });
  after(async function () {
    await regional?.stop();
  });
  beforeEach(function (done) {
    helper.startServer(done);
  });
  afterEach(async function () {
    await client?.endAsync();
    await helper.unload();
    await new Promise<void>((r) => helper.stopServer(() => r()));
  });

  it("bridges the 15-minute summaries to stores/<site>/summaries/<device> on the regional broker, sending a small fraction of the bytes ingested", async function () {
    const flow = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "examples", "05-store-gateway-summaries.json"), "utf8")) as FlowNode[];
    const localPort = await freeTcpPort();
    for (const n of flow) {
      if (n.type === "edge-broker") Object.assign(n, { port: String(localPort), host: "127.0.0.1", dataDir: tempDir("ex5-broker") });
      if (n.id === "ex5-local") n.port = String(localPort);
      if (n.id === "ex5-regional") n.port = String(regional.port);
      if (n.type === "edge-mqtt-bridge") n.bufferDir = tempDir("ex5-bridge");
      if (n.type === "edge-sim") n.intervalMs = "20";
      if (n.type === "inject") n.repeat = "1";
    }
    // MQTT 5, to see the properties the example sets on the gateway broker arrive upstream
    client = await mqtt.connectAsync(regional.url, { protocolVersion: 5 });
    const upstream: Array<{ topic: string; body: Record<string, unknown>; properties?: Record<string, unknown> }> = [];
    client.on("message", (topic, payload, packet) => upstream.push({ topic, body: JSON.parse(payload.toString()), properties: packet.properties as Record<string, unknown> | undefined }));
    await client.subscribeAsync("#", { qos: 1 });
    await helper.load([simNode, ingestNode, profileNode, rulesNode, aggregateNode, brokerNode, bridgeNode, ...core], flow);
    const reports: Array<{ bandwidth?: { bytesIn: number; bytesOut: number; ratio: number | null } }> = [];
    events(helper.getNode("ex5-bandwidth")).on("input", (m: (typeof reports)[number]) => reports.push(m));

    const summary = await waitFor(() => upstream.find((m) => m.topic.startsWith("stores/store-001/summaries/")), "a summary on the regional broker", { timeoutMs: 40000, intervalMs: 100 });
    const alertOrSummary = upstream.find((m) => m.topic.includes("/alerts/"));
    if (alertOrSummary) assert.match(alertOrSummary.topic, /^stores\/store-001\/alerts\/[\w-]+$/);
    assert.match(summary.topic, /^stores\/store-001\/summaries\/[\w-]+$/);
    // the mqtt out node's MQTT 5 content type and a day's expiry went through edge-broker and the bridge
    assert.strictEqual(summary.properties?.contentType, "application/json");
    const expiry = Number(summary.properties?.messageExpiryInterval);
    assert.ok(expiry > 86000 && expiry <= 86400, `the summary's expiry upstream: ${expiry}`);
    assert.ok(upstream.every((m) => /^stores\/store-001\/(summaries|alerts)\//.test(m.topic)), `only summaries and alerts upstream: ${upstream.map((m) => m.topic).find((t) => !/summaries|alerts/.test(t))}`);
    const report = await waitFor(() => reports.find((r) => r.bandwidth && r.bandwidth.bytesOut > 0), "a bandwidth report");
    const bridge = helper.getNode("ex5-bridge") as unknown as { error: { callCount: number } };
    assert.strictEqual(bridge.error.callCount, 0, "the bridge is configured without error");
    assert.ok(report.bandwidth!.ratio! < 0.5, `upstream ÷ ingested = ${report.bandwidth!.ratio}`);
  });
});
