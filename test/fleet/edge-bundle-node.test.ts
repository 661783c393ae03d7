/**
 * edge-bundle in Node-RED (node-red-node-test-helper) wired to a real edge-tflite: a good bundle changes the model
 * that answers; tampered content, another key, another gateway's bundle and a downgrade are refused to the Catch
 * node and as events, and leave the active model answering; a rollback brings the previous model back. (The
 * restart case is in fleet-gateway.test.ts: it needs a real restart with a file context store.)
 */
import * as assert from "assert";
import helper from "node-red-node-test-helper";
import bundleNode from "../../nodes/edge-bundle/edge-bundle";
import tfliteNode from "../../nodes/edge-tflite/edge-tflite";
import { generateSigningKey, signBundle } from "../../lib/fleet/bundle-signing";
import { denseModel } from "../../lib/tflite/model-builder";
import { waitFor } from "../harness/wait";
import { useTestHelper } from "../harness/test-helper-server";

type Received = Array<Record<string, unknown>>;

describe("edge-bundle node", function () {
  this.timeout(30000);
  const key = generateSigningKey();
  const stranger = generateSigningKey();
  /** y = w·x: which model answers is visible in its output */
  const model = (w: number) => Buffer.from(denseModel(1, [{ weights: [[w]], bias: [0] }]));
  const bundle = (version: string, w: number, targets: Record<string, string[]> = { groups: ["canary"] }, signer = key) =>
    JSON.stringify(signBundle({ kind: "model", name: "scaler", version, targets }, model(w), signer.privateKeyPem));

  useTestHelper();

  const flow = [
    { id: "f1", type: "tab" },
    { id: "bundle", z: "f1", type: "edge-bundle", gatewayId: "gw-1", groups: "canary, store-12", deviceClasses: "reefer", maxMB: "4", store: "", reactivate: true, wires: [["tf"], ["events"]] },
    { id: "tf", z: "f1", type: "edge-tflite", output: "tensors", input: "auto", threshold: "0", poolSize: "1", maxQueue: "16", wires: [["scored"], ["scored"]] },
    { id: "scored", z: "f1", type: "helper" },
    { id: "events", z: "f1", type: "helper" },
    // one Catch node (the test helper cannot load two of a core type): errors sorted by the node that raised them
    { id: "catcher", z: "f1", type: "catch", scope: ["bundle", "tf"], wires: [["caught"]] },
    { id: "caught", z: "f1", type: "helper" },
  ];
  const credentials = { bundle: { publicKeys: `# centre key\n${key.publicKeyPem}` } };

  const collect = (id: string, source?: string): Received => {
    const list: Received = [];
    helper.getNode(id).on("input", (msg: Record<string, unknown>) => {
      if (!source || (msg.error as { source?: { id?: string } })?.source?.id === source) list.push(msg);
    });
    return list;
  };
  const collectAll = (): Received[] => [collect("scored"), collect("events"), collect("caught", "bundle"), collect("caught", "tf")];

  /**
   * Waits until the model edge-tflite runs makes `expected` of x = 3. edge-tflite loads a model it is sent
   * asynchronously (the old one, or none, answers meanwhile): asked again until the deadline.
   */
  async function answers(expected: number, scored: Received, tfcaught: Received): Promise<void> {
    await waitFor(async () => (await answer(scored, tfcaught).catch(() => undefined)) === expected, `edge-tflite answering ${expected}`, { intervalMs: 50 });
  }

  /** what the model edge-tflite runs makes of x = 3 */
  async function answer(scored: Received, tfcaught: Received): Promise<number> {
    const before = scored.length;
    const errors = tfcaught.length;
    helper.getNode("tf").receive({ payload: [[3]] });
    await waitFor(() => scored.length > before || tfcaught.length > errors, "an answer from edge-tflite");
    if (tfcaught.length > errors) throw new Error(String((tfcaught[errors].error as { message: string }).message));
    const [out] = scored[scored.length - 1].payload as Array<{ data: Float32Array }>;
    return Math.round(out.data[0] * 1000) / 1000;
  }

  const steps = (events: Received) => events.map((e) => (e.payload as { step: string }).step);

  it("a good bundle activates its model in edge-tflite; refused bundles say why and leave it running; a rollback restores the previous one", async function () {
    await helper.load([bundleNode, tfliteNode], flow, credentials);
    const [scored, events, caught, tfcaught] = collectAll();
    const b = helper.getNode("bundle");

    b.receive({ payload: bundle("1", 2), eventId: "delivery-1" });
    await waitFor(() => steps(events).includes("active"), "version 1 active");
    assert.deepEqual(steps(events), ["received", "verified", "active"]);
    const active = events[2].payload as Record<string, unknown>;
    assert.equal(active.version, "1");
    assert.equal(active.gateway, "gw-1");
    assert.equal(active.keyId, key.keyId);
    assert.equal(events[2].causeEventId, "delivery-1");
    assert.equal(events[2].topic, "fleet/gw-1/bundle/active");
    await answers(6, scored, tfcaught);
    assert.equal((scored[scored.length - 1].inference as { model: string }).model, "scaler@1");

    b.receive({ payload: Buffer.from(bundle("2", 5)) });
    await waitFor(() => steps(events).filter((s) => s === "active").length === 2, "version 2 active");
    await answers(15, scored, tfcaught);

    // each refusal: an error to Catch naming the code, a refused event, and the model still answers 15
    const tampered = JSON.parse(bundle("3", 7));
    const bytes = Buffer.from(tampered.content, "base64");
    bytes[bytes.length - 9] ^= 0x40;
    tampered.content = bytes.toString("base64");
    const refusals: Array<[string, unknown]> = [
      ["content-mismatch", tampered],
      ["no-key", bundle("3", 7, { groups: ["canary"] }, stranger)],
      ["wrong-target", bundle("3", 7, { groups: ["store-99"] })],
      ["wrong-target", bundle("3", 7, { deviceClasses: ["shelf"] })],
      ["downgrade", bundle("1", 2)],
      ["malformed", "certainly not a bundle"],
    ];
    for (const [code, payload] of refusals) {
      const n = caught.length;
      b.receive({ payload });
      await waitFor(() => caught.length === n + 1, `refusal ${code}`);
      assert.match(String((caught[n].error as { message: string }).message), new RegExp(`bundle refused \\(${code}\\)|edge-bundle\\.errors\\.refused`));
      const last = events[events.length - 1].payload as { step: string; code: string; reason: string };
      assert.equal(last.step, "refused");
      assert.equal(last.code, code);
      assert.ok(last.reason.length > 10, last.reason);
    }
    await answers(15, scored, tfcaught);

    // the same bundle again (a retained message on reconnect) is no error
    const n = caught.length;
    b.receive({ payload: bundle("2", 5) });
    await waitFor(() => steps(events).includes("already-active"), "already-active");
    assert.equal(caught.length, n);

    b.receive({ rollback: { name: "scaler", reason: "canary error rate 12 %" } });
    await waitFor(() => steps(events).includes("rolled-back"), "rolled back");
    const rolled = events[events.length - 1].payload as Record<string, unknown>;
    assert.equal(rolled.version, "1");
    assert.equal(rolled.from, "2");
    assert.equal(rolled.reason, "canary error rate 12 %");
    await answers(6, scored, tfcaught);
    // version 2 comes back (compacted topic, retained message): it stays refused
    b.receive({ payload: bundle("2", 5) });
    await waitFor(() => caught.length === n + 1, "rolled-back version refused");
    assert.equal((events[events.length - 1].payload as { code: string }).code, "rolled-back");
    await answers(6, scored, tfcaught);
  });

  it("a version that fails its health window is rolled back on its own; one that passes it is reported healthy", async function () {
    // errors of edge-tflite go back into edge-bundle (a Catch node on the model): two within 1.5 s roll back
    const guarded = [
      { id: "f1", type: "tab" },
      { id: "bundle", z: "f1", type: "edge-bundle", gatewayId: "gw-1", groups: "canary", deviceClasses: "", maxMB: "4", store: "", reactivate: true, probationS: "4", maxErrors: "2", wires: [["tf"], ["events"]] },
      { id: "tf", z: "f1", type: "edge-tflite", output: "tensors", input: "auto", threshold: "0", poolSize: "1", maxQueue: "16", wires: [["scored"], ["scored"]] },
      { id: "scored", z: "f1", type: "helper" },
      { id: "events", z: "f1", type: "helper" },
      { id: "catcher", z: "f1", type: "catch", scope: ["tf"], wires: [["bundle", "caught"]] },
      { id: "caught", z: "f1", type: "helper" },
    ];
    await helper.load([bundleNode, tfliteNode], guarded, credentials);
    const scored = collect("scored");
    const events = collect("events");
    const tfcaught = collect("caught", "tf");
    const b = helper.getNode("bundle");
    const last = (step: string) => [...events].reverse().find((e) => (e.payload as { step: string }).step === step)?.payload as Record<string, unknown> | undefined;

    b.receive({ payload: bundle("1", 2) });
    await waitFor(() => last("healthy")?.version === "1", "version 1 healthy after its window", { timeoutMs: 12000 });
    assert.equal(last("healthy")!.errors, 0);
    await answers(6, scored, tfcaught);

    b.receive({ payload: bundle("2", 5) });
    await waitFor(() => last("active")?.version === "2", "version 2 active");
    assert.ok(typeof last("active")!.probationUntil === "number");
    await answers(15, scored, tfcaught);
    // two bad inputs: edge-tflite refuses them to Catch, which tells edge-bundle
    const errors = tfcaught.length;
    helper.getNode("tf").receive({ payload: [[1, 2]] });
    helper.getNode("tf").receive({ payload: [[1, 2, 3]] });
    await waitFor(() => last("rolled-back") !== undefined, "automatic rollback");
    assert.ok(tfcaught.length >= errors + 2);
    const rolled = last("rolled-back")!;
    assert.equal(rolled.version, "1");
    assert.equal(rolled.from, "2");
    assert.equal(rolled.automatic, true);
    assert.match(String(rolled.reason), /2 errors within the health window|edge-bundle\.events\.automatic/);
    await answers(6, scored, tfcaught);
    assert.equal(events.filter((e) => (e.payload as { step: string }).step === "healthy").length, 1, "version 2 never reported healthy");

    // a rollback opens no health window: errors now change nothing
    helper.getNode("tf").receive({ payload: [[1, 2]] });
    helper.getNode("tf").receive({ payload: [[1, 2]] });
    await waitFor(() => tfcaught.length >= errors + 4, "two more errors");
    await answers(6, scored, tfcaught);
    assert.equal(events.filter((e) => (e.payload as { step: string }).step === "rolled-back").length, 1);
  });

  it("without a public key every bundle is refused", async function () {
    await helper.load([bundleNode, tfliteNode], flow, {});
    const caught = collect("caught", "bundle");
    const events = collect("events");
    helper.getNode("bundle").receive({ payload: bundle("1", 2) });
    await waitFor(() => caught.length === 1, "refusal");
    assert.equal((events[events.length - 1].payload as { code: string }).code, "no-key");
  });
});
