/**
 * edge-model-watch in Node-RED behind a real edge-tflite classifier (a softmax over two inputs, so the inputs set
 * the confidence): unsure predictions escalated, a shift in the inputs raised as drift, ground truth by event id
 * turned into precision and recall, what is not a prediction reported to Catch.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import helper from "node-red-node-test-helper";
import watchNode from "../../nodes/edge-model-watch/edge-model-watch";
import tfliteNode from "../../nodes/edge-tflite/edge-tflite";
import { denseModel } from "../../lib/tflite/model-builder";
import { waitFor } from "../harness/wait";
import { useTestHelper } from "../harness/test-helper-server";
import { messagesTo } from "../harness/node-events";

describe("edge-model-watch node", function () {
  this.timeout(30000);
  let dir: string;

  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "edge-model-watch-"));
  });
  useTestHelper();
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("escalates unsure predictions, raises drift when the scores shift, and counts precision and recall from ground truth", async function () {
    // softmax(identity · [a, b]): confidence of "ok" = e^a / (e^a + e^b)
    const modelFile = path.join(dir, "classifier.tflite");
    fs.writeFileSync(modelFile, denseModel(2, [{ weights: [[1, 0], [0, 1]], bias: [0, 0], softmax: true }]));
    fs.writeFileSync(path.join(dir, "labels.txt"), "ok\nfault\n");
    const flow = [
        { id: "f1", type: "tab" },
        { id: "tf", z: "f1", type: "edge-tflite", modelPath: modelFile, labelsPath: path.join(dir, "labels.txt"), output: "classify", input: "auto", threshold: "0", poolSize: "1", maxQueue: "64", wires: [["watch"], ["watch"]] },
        { id: "watch", z: "f1", type: "edge-model-watch", classProperty: "deviceClass", confidenceBelow: "0.6", severity: "major", windowSize: "20", referenceSize: "20", checkEvery: "20", bins: "5", psiLimit: "0.25", ksAlpha: "0.001", reportS: "0", maxPending: "1000", wires: [["alerts"], ["reports"]] },
        { id: "alerts", z: "f1", type: "helper" },
        { id: "reports", z: "f1", type: "helper" },
        { id: "catcher", z: "f1", type: "catch", scope: ["watch"], wires: [["caught"]] },
        { id: "caught", z: "f1", type: "helper" },
    ];
    await helper.load([tfliteNode, watchNode], flow);
    const [alerts, reports, caught] = ["alerts", "reports", "caught"].map((id) => messagesTo(id));
    const tf = helper.getNode("tf");
    const watch = helper.getNode("watch");
    let sent = 0;
    /** one reading through the model; `a` sets how sure it is of "ok" */
    const classify = (a: number, b = 0) => tf.receive({ payload: [a, b], eventId: `r-${sent++}`, deviceClass: "reefer" });

    // sure predictions (a from 2 to 3: confidence 0.88 … 0.95): no escalation; the reference fills
    for (let i = 0; i < 40; i++) classify(2 + (i % 10) / 10);
    await waitFor(() => reports.some((r) => r.topic === "model-quality/drift"), "the first drift check");
    assert.equal(alerts.length, 0);
    const steady = reports.find((r) => r.topic === "model-quality/drift")!.payload as { drifted: boolean; psi: number; deviceClass: string };
    assert.equal(steady.drifted, false);
    assert.equal(steady.deviceClass, "reefer");
    assert.ok(steady.psi < 0.1, String(steady.psi));

    // unsure: a = 0.2 → confidence 0.55 < 0.6, escalated; twenty of them shift the distribution: drift
    for (let i = 0; i < 20; i++) classify(0.2 + (i % 4) / 100);
    await waitFor(() => alerts.some((a) => (a.payload as { kind: string }).kind === "model-drift"), "drift raised");
    const escalations = alerts.filter((a) => (a.payload as { kind: string }).kind === "low-confidence");
    assert.equal(escalations.length, 20);
    const e = escalations[0];
    const ep = e.payload as { state: string; label: string; confidence: number; threshold: number; causeEventId: string; deviceClass: string; model: string };
    assert.equal(ep.state, "raised");
    assert.equal(ep.label, "ok");
    assert.ok(ep.confidence > 0.54 && ep.confidence < 0.6, String(ep.confidence));
    assert.equal(ep.threshold, 0.6);
    assert.equal(ep.deviceClass, "reefer");
    assert.equal(ep.model, "classifier.tflite");
    assert.equal(e.priority, 1);
    assert.ok(typeof e.eventId === "string" && e.eventId !== ep.causeEventId);
    const drift = alerts.find((a) => (a.payload as { kind: string }).kind === "model-drift")!.payload as { state: string; ks: { d: number; p: number }; psi: number; reasons: string[] };
    assert.equal(drift.state, "raised");
    assert.equal(drift.ks.d, 1);
    assert.ok(drift.psi > 0.25);

    // ground truth: r-40 (predicted ok, an escalation) was a fault; r-0 and r-1 were ok → ok: TP 2, FP 1
    watch.receive({ groundTruth: { eventId: "r-40", label: "fault" } });
    watch.receive({ groundTruth: { eventId: "r-0", label: "ok" } });
    watch.receive({ groundTruth: { eventId: "r-1", label: "ok" } });
    await waitFor(() => reports.filter((r) => r.topic === "model-quality/truth").length === 3, "three truths counted");
    const q = reports.filter((r) => r.topic === "model-quality/truth")[2].payload as { quality: { modelVersion: string; confirmed: number; correct: number; labels: Array<{ label: string; tp: number; fp: number; fn: number; precision?: number; recall?: number }> } };
    assert.equal(q.quality.modelVersion, "classifier.tflite");
    assert.equal(q.quality.confirmed, 3);
    assert.equal(q.quality.correct, 2);
    const ok = q.quality.labels.find((l) => l.label === "ok")!;
    const fault = q.quality.labels.find((l) => l.label === "fault")!;
    assert.deepEqual([ok.tp, ok.fp, ok.fn], [2, 1, 0]);
    assert.ok(Math.abs(ok.precision! - 2 / 3) < 1e-12);
    assert.equal(ok.recall, 1);
    assert.deepEqual([fault.tp, fault.fp, fault.fn, fault.precision, fault.recall], [0, 0, 1, undefined, 0]);

    // errors a Catch node sees: a truth about an unknown event, a malformed truth, something that is not a prediction
    watch.receive({ groundTruth: { eventId: "never-seen", label: "ok" } });
    watch.receive({ groundTruth: "fault" });
    watch.receive({ payload: "hello" });
    await waitFor(() => caught.length === 3, "three errors");
  });
});
