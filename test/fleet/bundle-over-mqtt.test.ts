/**
 * Bundles from the centre as retained MQTT messages through a real Mosquitto into a gateway (Node-RED as a child
 * process): a bundle published before the gateway subscribes reaches it on subscribe and its model runs; a bundle
 * for another group is refused and the model keeps running; the steps come back to the centre over MQTT.
 */
import * as assert from "assert";
import * as fs from "fs";
import mqtt from "mqtt";
import { startNodeRed, NodeRedProcess } from "../harness/node-red-process";
import { ensureBuilt, linkPack } from "../harness/build";
import { httpRequest, startMosquitto, tempDir, MosquittoPeer } from "../harness/peers";
import { waitFor } from "../harness/wait";
import { generateSigningKey, signBundle } from "../../lib/fleet/bundle-signing";
import { denseModel } from "../../lib/tflite/model-builder";

const z = "bm-tab";
const key = generateSigningKey();
const bundle = (version: string, w: number, groups: string[]) =>
  JSON.stringify(signBundle({ kind: "model", name: "scaler", version, targets: { groups } }, Buffer.from(denseModel(1, [{ weights: [[w]], bias: [0] }])), key.privateKeyPem));

function flows(brokerPort: number): unknown[] {
  return [
    { id: z, type: "tab", label: "bundles over MQTT" },
    { id: "bm-broker", type: "mqtt-broker", name: "centre", broker: "127.0.0.1", port: String(brokerPort), clientid: "gw-1", autoConnect: true, usetls: false, protocolVersion: "4", keepalive: "60", cleansession: true },
    { id: "bm-in", z, type: "mqtt in", topic: "fleet/bundles/#", qos: "1", datatype: "utf8", broker: "bm-broker", nl: false, rap: true, rh: 0, inputs: 0, wires: [["bm-bundle"]] },
    { id: "bm-bundle", z, type: "edge-bundle", gatewayId: "gw-1", groups: "canary", deviceClasses: "", maxMB: "4", store: "", reactivate: true, probationS: "0", maxErrors: "3", credentials: { publicKeys: key.publicKeyPem }, wires: [["bm-scaler"], ["bm-out"]] },
    { id: "bm-out", z, type: "mqtt out", topic: "", qos: "1", retain: "false", broker: "bm-broker", wires: [] },
    { id: "bm-scaler", z, type: "edge-tflite", modelPath: "", labelsPath: "", output: "tensors", input: "auto", normalise: "0..1", threshold: "0", windowResources: "", poolSize: "1", maxQueue: "16", wires: [["bm-scaled"], ["bm-scaled"]] },
    { id: "bm-scale-in", z, type: "http in", url: "/t/scale", method: "post", upload: false, wires: [["bm-scaler"]] },
    { id: "bm-scaled", z, type: "function", func: "msg.payload = { y: Array.from(msg.payload[0].data), model: msg.inference.model }; return msg;", outputs: 1, wires: [["bm-scaled-out"]] },
    { id: "bm-scaled-out", z, type: "http response", statusCode: "200", wires: [] },
    { id: "bm-err", z, type: "catch", scope: ["bm-scaler"], uncaught: false, wires: [["bm-err-out"]] },
    { id: "bm-err-out", z, type: "http response", statusCode: "503", wires: [] },
  ];
}

describe("bundles over retained MQTT (Mosquitto, Node-RED process)", function () {
  this.timeout(120000);
  let broker: MosquittoPeer | undefined;
  let red: NodeRedProcess | undefined;
  let centre: mqtt.MqttClient | undefined;
  let dir: string;

  before(async function () {
    ensureBuilt();
    broker = await startMosquitto();
    dir = tempDir("bundle-mqtt");
    linkPack(dir);
  });
  after(async function () {
    await centre?.endAsync().catch(() => undefined);
    await red?.stop();
    await broker?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const scale = async (x: number) => {
    const res = await httpRequest("POST", `${red!.url}/t/scale`, JSON.stringify([[x]]), { "Content-Type": "application/json" });
    return res.status === 200 ? (JSON.parse(res.body) as { y: number[]; model: string }) : undefined;
  };

  it("a retained bundle reaches a gateway that subscribes later; a bundle for another group is refused; the steps come back", async function () {
    centre = await mqtt.connectAsync(broker!.url, { clientId: "centre" });
    const events: Array<{ topic: string; payload: Record<string, unknown> }> = [];
    centre.on("message", (topic, payload) => events.push({ topic, payload: JSON.parse(payload.toString()) as Record<string, unknown> }));
    await centre.subscribeAsync("fleet/gw-1/bundle/#", { qos: 1 });
    await centre.publishAsync("fleet/bundles/scaler", bundle("1", 2, ["canary"]), { qos: 1, retain: true });

    red = await startNodeRed({ userDir: dir });
    await red.deploy(flows(broker!.port));
    const first = await waitFor(() => scale(4), "the retained bundle's model answering", { timeoutMs: 30000, intervalMs: 200 });
    assert.deepEqual(first, { y: [8], model: "scaler@1" });
    await waitFor(() => events.some((e) => e.topic === "fleet/gw-1/bundle/active"), "the active event at the centre");
    assert.equal(events.find((e) => e.topic === "fleet/gw-1/bundle/active")!.payload.version, "1");

    await centre.publishAsync("fleet/bundles/scaler", bundle("2", 3, ["store-99"]), { qos: 1, retain: true });
    await waitFor(() => events.some((e) => e.topic === "fleet/gw-1/bundle/refused"), "the refused event at the centre");
    const refused = events.find((e) => e.topic === "fleet/gw-1/bundle/refused")!.payload;
    assert.equal(refused.code, "wrong-target");
    assert.equal(refused.version, "2");
    assert.deepEqual(await scale(4), { y: [8], model: "scaler@1" });

    await centre.publishAsync("fleet/bundles/scaler", bundle("2", 3, ["canary"]), { qos: 1, retain: true });
    await waitFor(async () => (await scale(4))?.y[0] === 12, "version 2 answering", { timeoutMs: 20000, intervalMs: 100 });
    assert.deepEqual(events.map((e) => e.topic.split("/").pop()), ["received", "verified", "active", "received", "verified", "refused", "received", "verified", "active"]);
  });
});
