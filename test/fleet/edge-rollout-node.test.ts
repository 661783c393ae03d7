/**
 * edge-rollout in Node-RED (node-red-node-test-helper): a signed bundle goes out on the canary topic; the canary's
 * edge-bundle events, heartbeats and drift checks (as MQTT delivers them: JSON text, the gateway in the topic)
 * lead to promotion on the fleet topic when its health window ends, or to a rollback order naming the version and
 * the good bundle back on the canary topic; a bundle signed by another key and input it cannot place go to Catch.
 */
import * as assert from "assert";
import helper from "node-red-node-test-helper";
import rolloutNode from "../../nodes/edge-rollout/edge-rollout";
import { generateSigningKey, signBundle } from "../../lib/fleet/bundle-signing";
import { denseModel } from "../../lib/tflite/model-builder";
import { waitFor } from "../harness/wait";
import { useTestHelper } from "../harness/test-helper-server";
import { messagesTo } from "../harness/node-events";

describe("edge-rollout node", function () {
  this.timeout(30000);
  const key = generateSigningKey();
  const stranger = generateSigningKey();
  const bundle = (version: string, w: number, signer = key) => signBundle({ kind: "model", name: "scaler", version }, denseModel(1, [{ weights: [[w]], bias: [0] }]), signer.privateKeyPem);
  const flow: Array<Record<string, unknown> & { id: string; type: string }> = [
    { id: "f1", type: "tab" },
    { id: "rollout", z: "f1", type: "edge-rollout", canaries: "gw-1", healthWindowS: "1", activationTimeoutS: "20", maxErrorRate: "0.1", maxLatencyMs: "0", maxPsi: "0.25", ksAlpha: "0", minMessages: "10", canaryTopic: "", fleetTopic: "", commandTopic: "", maxMB: "4", store: "", wires: [["publish"], ["events"]] },
    { id: "publish", z: "f1", type: "helper" },
    { id: "events", z: "f1", type: "helper" },
    { id: "catcher", z: "f1", type: "catch", scope: ["rollout"], wires: [["caught"]] },
    { id: "caught", z: "f1", type: "helper" },
  ];

  useTestHelper();
  /** as an mqtt in node delivers a gateway's report: text, with the gateway in the topic or the payload */
  const fromGateway = (topic: string, payload: unknown) => ({ topic, payload: JSON.stringify(payload) });
  const step = (step: string, version: string, extra: Record<string, unknown> = {}) => fromGateway(`fleet/gw-1/bundle/${step}`, { step, gateway: "gw-1", kind: "model", name: "scaler", version, ...extra });
  const beat = (uptimeS: number, n: number, rejected: number) =>
    fromGateway("fleet/gw-1/heartbeat", { gateway: "gw-1", uptimeS, traffic: [{ node: "m", type: "edge-tflite", in: n, out: n - rejected, rejected }], inference: [{ node: "m", count: n - rejected, sumS: n * 0.001 }] });

  it("publishes to the canaries, promotes after a healthy window, and rolls a drifting version back with the good one restored", async function () {
    await helper.load([rolloutNode], flow, { rollout: { publicKeys: key.publicKeyPem } });
    const [publish, events, caught] = ["publish", "events", "caught"].map((id) => messagesTo(id));
    const rollout = helper.getNode("rollout");
    const v1 = bundle("1", 1);

    rollout.receive({ payload: JSON.stringify(v1) });
    await waitFor(() => publish.length === 1, "the canary publication");
    assert.deepEqual({ ...publish[0], _msgid: undefined, eventId: undefined }, { topic: "fleet/bundles/canary/scaler", key: "scaler", retain: true, qos: 1, payload: v1, _msgid: undefined, eventId: undefined });
    rollout.receive(step("active", "1"));
    rollout.receive(beat(100, 500, 3));
    rollout.receive(beat(110, 600, 4));
    const promoted = await waitFor(() => publish.find((m) => m.topic === "fleet/bundles/all/scaler"), "promotion after the health window");
    assert.deepEqual(promoted.payload, v1);
    assert.deepEqual(events.map((e) => (e.payload as { step: string }).step), ["started", "canary-step", "canaries-active", "health", "promoted"]);
    assert.equal(events[4].topic, "fleet/rollout/scaler/promoted");
    assert.match((events[4].payload as { evidence: string }).evidence, /gw-1: error rate 0\.010 over 100 messages/);

    // version 2's scores drift on the canary: it is ordered back, and the canary topic gets version 1 again
    rollout.receive({ payload: bundle("2", 3) });
    rollout.receive(step("active", "2"));
    rollout.receive(fromGateway("fleet/gw-1/model-quality/drift", { deviceClass: "reefer", model: "scaler", modelVersion: "scaler@2", psi: 2.1, ks: { d: 0.8, p: 1e-9 }, drifted: true }));
    const order = await waitFor(() => publish.find((m) => m.topic === "fleet/gw-1/rollback"), "the rollback order");
    assert.deepEqual(order.payload, { kind: "model", name: "scaler", version: "2", reason: "edge-rollout: gw-1 (reefer): the scores drifted, PSI 2.100 ≥ 0.25" });
    assert.equal(order.retain, false);
    const restored = publish[publish.length - 1];
    assert.equal(restored.topic, "fleet/bundles/canary/scaler");
    assert.deepEqual(restored.payload, v1);
    const back = events.find((e) => (e.payload as { step: string }).step === "rolled-back")!.payload as { gateways: string[]; phase: string };
    assert.deepEqual(back.gateways, ["gw-1"]);
    assert.equal(back.phase, "rolled-back");
    assert.ok(!publish.some((m) => m.topic === "fleet/bundles/all/scaler" && (m.payload as { manifest: { version: string } }).manifest.version === "2"), "version 2 never reached the fleet");
    assert.equal(caught.length, 0);

    // the failed version again, a bundle from another key, and something that is none of the inputs: errors to Catch
    rollout.receive({ payload: bundle("2", 3) });
    rollout.receive({ payload: bundle("3", 1, stranger) });
    rollout.receive({ topic: "elsewhere", payload: { hello: 1 } });
    await waitFor(() => caught.length === 3, "three errors");
    // (the test helper's RED._ gives the message's key; the reasons are lib/fleet/rollout's, tested in rollout.test.ts)
    assert.deepEqual(caught.map((c) => (c.error as { message: string }).message.replace(/^Error: /, "")), ["edge-rollout.errors.refused", "edge-rollout.errors.refused", "edge-rollout.errors.unknown-input"]);
    assert.equal(publish.filter((m) => m.topic === "fleet/bundles/canary/scaler").length, 3, "nothing refused was published");
  });

  it("a canary that never reports the bundle active fails the rollout at the deadline", async function () {
    await helper.load([rolloutNode], [flow[0], { ...flow[1], activationTimeoutS: "1" }, ...flow.slice(2)], { rollout: { publicKeys: key.publicKeyPem } });
    const [publish, events] = ["publish", "events"].map((id) => messagesTo(id));
    helper.getNode("rollout").receive({ payload: bundle("1", 1) });
    const back = await waitFor(() => events.find((e) => (e.payload as { step: string }).step === "rolled-back"), "the rollout failing");
    assert.equal((back.payload as { reason: string }).reason, "gw-1 did not report it active within 1 s");
    assert.deepEqual(publish.map((m) => m.topic), ["fleet/bundles/canary/scaler", "fleet/gw-1/rollback"]);
  });

  it("msg.rollback at the centre orders the canaries back with its reason", async function () {
    await helper.load([rolloutNode], flow, { rollout: { publicKeys: key.publicKeyPem } });
    const [publish, events, caught] = ["publish", "events", "caught"].map((id) => messagesTo(id));
    const rollout = helper.getNode("rollout");
    rollout.receive({ payload: bundle("1", 1) });
    rollout.receive(step("active", "1"));
    rollout.receive({ rollback: { reason: "a customer complaint" } });
    const order = await waitFor(() => publish.find((m) => m.topic === "fleet/gw-1/rollback"), "the rollback order");
    assert.deepEqual(order.payload, { kind: "model", name: "scaler", version: "1", reason: "edge-rollout: a customer complaint" });
    assert.equal((events[events.length - 1].payload as { step: string }).step, "rolled-back");
    // nothing left to roll back
    rollout.receive({ rollback: true });
    await waitFor(() => caught.length === 1, "the error");
  });

  it("without a canary the node says so and refuses every message", async function () {
    await helper.load([rolloutNode], [flow[0], { ...flow[1], canaries: " " }, ...flow.slice(2)]);
    const caught = messagesTo("caught");
    helper.getNode("rollout").receive({ payload: bundle("1", 1) });
    await waitFor(() => caught.length === 1, "the error");
    assert.equal((caught[0].error as { message: string }).message.replace(/^Error: /, ""), "edge-rollout.errors.no-canaries");
  });
});
