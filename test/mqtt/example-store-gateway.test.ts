/**
 * examples/05-store-gateway-summaries.json deployed as shipped (ports moved, time sped up, a compressor failure and
 * a door left open scheduled): only alerts and summary batches reach the regional broker, every alert the rules
 * raise or clear arrives, and the centre decodes the deflated batches back into each device's summaries.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import helper from "node-red-node-test-helper";
import mqtt from "mqtt";
import { startMosquitto, MosquittoPeer, tempDir } from "../harness/peers";
import { freeTcpPort } from "../harness/ports";
import { waitFor } from "../harness/wait";
import { events, messagesTo } from "../harness/node-events";
import simNode from "../../nodes/edge-sim/edge-sim";
import ingestNode from "../../nodes/edge-ingest/edge-ingest";
import profileNode from "../../nodes/edge-device-profile/edge-device-profile";
import rulesNode from "../../nodes/edge-rules/edge-rules";
import aggregateNode from "../../nodes/edge-aggregate/edge-aggregate";
import { decodeSummaries } from "../../lib/aggregate/summary-codec";
import type { NamedSummary } from "../../lib/aggregate/summary-batch";
import brokerNode from "../../nodes/edge-broker/edge-broker";
import bridgeNode from "../../nodes/edge-mqtt-bridge/edge-mqtt-bridge";
import { useTestHelper } from "../harness/test-helper-server";

const core = ["common/20-inject.js", "common/21-debug.js", "common/90-comment.js", "function/10-function.js", "function/10-switch.js", "function/15-change.js", "network/10-mqtt.js"].map((f) => require(`@node-red/nodes/core/${f}`));

type FlowNode = Record<string, unknown> & { id: string; type: string };

describe("example 5: store gateway forwarding summaries and alerts upstream", function () {
  this.timeout(90000);
  let regional: MosquittoPeer;
  let client: mqtt.MqttClient | undefined;
  before(async function () {
    regional = await startMosquitto();
    await regional.start();
  });
  after(async function () {
    await regional?.stop();
  });
  afterEach(async function () {
    await client?.endAsync();
  });
  useTestHelper();

  it("bridges every alert and one compressed batch of summaries per window to the regional broker, a small fraction of the bytes ingested", async function () {
    const flow = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "examples", "05-store-gateway-summaries.json"), "utf8")) as FlowNode[];
    const localPort = await freeTcpPort();
    for (const n of flow) {
      if (n.type === "edge-broker") Object.assign(n, { port: String(localPort), host: "127.0.0.1", dataDir: tempDir("ex5-broker") });
      if (n.id === "ex5-local") n.port = String(localPort);
      if (n.id === "ex5-regional") n.port = String(regional.port);
      if (n.type === "edge-mqtt-bridge") n.bufferDir = tempDir("ex5-bridge");
      if (n.type === "edge-sim") {
        n.intervalMs = "20";
        n.faults = JSON.stringify([
          { fault: "compressor-failure", device: "truck-01", atS: 1800, durationS: 7200 },
          { fault: "door-open", device: "store-001-case-02", atS: 3600, durationS: 3600 },
        ]);
      }
      if (n.type === "inject") n.repeat = "1";
    }
    // MQTT 5, to see the properties the example sets on the gateway broker arrive upstream
    client = await mqtt.connectAsync(regional.url, { protocolVersion: 5 });
    const upstream: Array<{ topic: string; payload: Buffer; properties?: { contentType?: string; messageExpiryInterval?: number; userProperties?: Record<string, string | string[]> } }> = [];
    client.on("message", (topic, payload, packet) => upstream.push({ topic, payload, properties: packet.properties }));
    await client.subscribeAsync("#", { qos: 1 });
    await helper.load([simNode, ingestNode, profileNode, rulesNode, aggregateNode, brokerNode, bridgeNode, ...core], flow);
    const reports = messagesTo<{ bandwidth?: { bytesIn: number; bytesOut: number; ratio: number | null } }>("ex5-bandwidth");
    // what edge-rules sends: each alert raised or cleared must arrive upstream
    const raised = new Set<string>();
    events(helper.getNode("ex5-alert-topic")).on("input", (m: { payload: { alertId: string; state: string } }) => {
      if (m.payload.state === "raised" || m.payload.state === "cleared") raised.add(`${m.payload.alertId}/${m.payload.state}`);
    });
    const arrivedAlerts = () => new Set(upstream.filter((m) => m.topic.startsWith("stores/store-001/alerts/")).map((m) => JSON.parse(m.payload.toString()) as { alertId: string; state: string }).map((a) => `${a.alertId}/${a.state}`));
    const summaries = (): NamedSummary[] => upstream.filter((m) => m.topic === "stores/store-001/summaries").flatMap((m) => decodeSummaries(m.payload, m.properties?.userProperties));

    // the truck's alert raised and cleared (the failure ends after 2 simulated hours, 2.4 s here), then summaries of every device
    await waitFor(() => [...raised].some((a) => a.endsWith("/cleared")) && [...raised].every((a) => arrivedAlerts().has(a)), "an alert raised and cleared, every alert arrived upstream", { timeoutMs: 40000, intervalMs: 200 });
    const devices = ["truck-01", "truck-02", "store-001-case-01", "store-001-case-02"];
    await waitFor(() => devices.every((d) => summaries().some((s) => s.deviceName === d)), "a summary of each device, decoded", { timeoutMs: 20000, intervalMs: 200 });

    const batch = upstream.find((m) => m.topic === "stores/store-001/summaries")!;
    assert.strictEqual(batch.properties?.contentType, "application/json");
    assert.deepStrictEqual({ ...batch.properties?.userProperties }, { "content-encoding": "deflate" }, "the compression is announced to the consumer");
    const expiry = Number(batch.properties?.messageExpiryInterval);
    assert.ok(expiry > 86000 && expiry <= 86400, `the batch's expiry upstream: ${expiry}`);
    const alert = upstream.find((m) => m.topic.startsWith("stores/store-001/alerts/"))!;
    assert.match(alert.topic, /^stores\/store-001\/alerts\/[\w-]+$/);
    assert.strictEqual(alert.properties?.contentType, "application/json");
    // the compressor failure warmed truck-01 past the chilled range: a summary reports its time out of range
    const warm = summaries().find((s) => s.deviceName === "truck-01" && s.resourceName === "returnAir" && s.max > 8);
    assert.ok(warm && warm.timeInRange! < 1 && warm.units === "degC" && warm.count > 0, `truck-01's warm window: ${JSON.stringify(warm)}`);
    assert.ok(upstream.every((m) => /^stores\/store-001\/(summaries$|alerts\/)/.test(m.topic)), `only summaries and alerts upstream: ${upstream.map((m) => m.topic).find((t) => !/summaries|alerts/.test(t))}`);
    // alerts dominate the first hours (the failure's updates): measured over a third of a simulated day (the bench: a whole one)
    const report = await waitFor(() => reports.find((r) => r.bandwidth && r.bandwidth.bytesIn > 500 * 1024), "a bandwidth report over 500 KB ingested", { timeoutMs: 30000, intervalMs: 200 });
    const bridge = helper.getNode("ex5-bridge") as unknown as { error: { callCount: number } };
    assert.strictEqual(bridge.error.callCount, 0, "the bridge is configured without error");
    assert.ok(report.bandwidth!.ratio! < 0.1, `upstream ÷ ingested = ${report.bandwidth!.ratio}`);
  });
});
