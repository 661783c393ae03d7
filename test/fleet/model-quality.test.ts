/**
 * Model quality without Node-RED: PSI and Kolmogorov–Smirnov against values worked out by hand, drift raised and
 * cleared per device class, precision and recall per model version from ground truth.
 */
import * as assert from "assert";
import { binProportions, kolmogorovQ, ks, psi, quantileEdges } from "../../lib/fleet/drift";
import { ScoreMonitor } from "../../lib/fleet/score-monitor";
import { PrecisionRecall } from "../../lib/fleet/precision-recall";
import { predictionOf } from "../../lib/fleet/prediction";

const close = (actual: number, expected: number, tolerance = 1e-6) => assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} ≠ ${expected}`);

describe("model quality", function () {
  it("PSI: quantile bins of the reference, (cur − ref)·ln(cur/ref) summed, an empty bin as 0.0001", function () {
    const reference = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    // two bins: the median cut is the value at index 5 (6): [1..5] | [6..10]
    assert.deepEqual(quantileEdges(reference, 2), [6]);
    assert.deepEqual(binProportions(reference, [6]), [0.5, 0.5]);
    // current: 8 of 10 below 6 → 0.3·ln(0.8/0.5) + (−0.3)·ln(0.2/0.5) = 0.141001 + 0.274887
    close(psi(reference, [1, 1, 1, 1, 1, 1, 1, 1, 7, 8], 2), 0.4158883);
    // all below 6: 0.5·ln 2 + (0.0001 − 0.5)·ln(0.0001/0.5)
    close(psi(reference, [1, 2, 3, 4, 5, 1, 2, 3, 4, 5], 2), 4.6043185);
    close(psi(reference, reference, 10), 0);
    // ties in the reference merge bins instead of making empty ones
    assert.deepEqual(quantileEdges([1, 1, 1, 1, 2, 2, 2, 2], 4), [2]);
  });

  it("Kolmogorov–Smirnov: the largest gap between the empirical CDFs and its p-value", function () {
    // ECDFs of {1,2,3,4} and {3,4,5,6}: at 2: 0.5 vs 0; at 3: 0.75 vs 0.25; at 4: 1 vs 0.5 → D = 0.5
    const r = ks([1, 2, 3, 4], [3, 4, 5, 6]);
    close(r.d, 0.5);
    // λ = (√2 + 0.12 + 0.11/√2)·0.5 = 0.805998; Q = 2(e^(−2λ²) − e^(−8λ²) + …) = 0.534416
    close(r.p, 0.5344157, 1e-6);
    assert.deepEqual(ks([1, 2, 3], [1, 2, 3]), { d: 0, p: 1 });
    // 0 … 99 against 30 … 129: D = 0.3, λ = (√50 + 0.12 + 0.11/√50)·0.3 = 2.161987, p = 1.7421e-4
    const a = Array.from({ length: 100 }, (_, i) => i);
    const shifted = ks(a, a.map((v) => v + 30));
    close(shifted.d, 0.3);
    close(shifted.p, 1.7421e-4, 1e-8);
    close(kolmogorovQ(0), 1);
  });

  it("drift per device class: raised when the scores move away from the reference, cleared when they come back", function () {
    const m = new ScoreMonitor({ windowSize: 40, referenceSize: 40, bins: 10, psiLimit: 0.25, ksAlpha: 0.001, checkEvery: 40 });
    const normal = (i: number) => 0.8 + 0.15 * ((i * 7) % 40) / 40; // 0.8 … 0.95, evenly
    const low = (i: number) => 0.45 + 0.15 * ((i * 7) % 40) / 40;
    const checks = [];
    for (let i = 0; i < 40; i++) assert.equal(m.add("reefer", "anomaly@1", normal(i), "ok"), undefined);
    for (let i = 0; i < 40; i++) m.add("cold-room", "anomaly@1", normal(i), "ok");
    for (let i = 0; i < 40; i++) checks.push(m.add("reefer", "anomaly@1", normal(i + 3), "ok"));
    const steady = checks.filter((c) => c)[0]!;
    assert.equal(steady.drifted, false);
    assert.ok(steady.psi < 0.1, String(steady.psi));
    // a new version, lower scores: compared with version 1's last window
    let raised;
    for (let i = 0; i < 40; i++) raised = m.add("reefer", "anomaly@2", low(i), i % 2 ? "ok" : "bad") ?? raised;
    assert.equal(raised!.transition, "raised");
    assert.equal(raised!.modelVersion, "anomaly@2");
    assert.equal(raised!.ks.d, 1);
    assert.ok(raised!.psi > 0.25 && raised!.reasons.length === 2, JSON.stringify(raised));
    let cleared;
    for (let i = 0; i < 40; i++) cleared = m.add("reefer", "anomaly@2", normal(i), "ok") ?? cleared;
    assert.equal(cleared!.transition, "cleared");
    const reefer = m.summaries().find((s) => s.deviceClass === "reefer")!;
    assert.equal(reefer.model, "anomaly");
    assert.deepEqual(reefer.modelVersions, ["anomaly@1", "anomaly@2"]);
    assert.equal(reefer.total, 160);
    assert.deepEqual(reefer.window.labels, { ok: 40 });
    assert.equal(m.summaries().find((s) => s.deviceClass === "cold-room")!.window.n, 0);
  });

  it("a new version is compared with the version before it, a version rolled back to with its own last window", function () {
    const m = new ScoreMonitor({ windowSize: 40, referenceSize: 40, bins: 10, psiLimit: 0.25, ksAlpha: 0, checkEvery: 40 });
    const high = (i: number) => 0.8 + 0.15 * ((i * 7) % 40) / 40;
    const low = (i: number) => 0.45 + 0.15 * ((i * 7) % 40) / 40;
    const run = (model: string, score: (i: number) => number) => {
      const checks = [];
      for (let i = 0; i < 40; i++) checks.push(m.add("reefer", model, score(i), "ok"));
      return checks.filter((c) => c);
    };
    run("score@1", high);
    run("score@1", high);
    // version 2 scores lower than version 1: drift, judged on version 2's own scores only
    const v2 = run("score@2", low);
    assert.equal(v2.length, 1);
    assert.equal(v2[0]!.transition, "raised");
    assert.equal(v2[0]!.ks.d, 1);
    // version 3 scores like version 2: steady against version 2 (against version 1 it would be drift)
    const v3 = run("score@3", low);
    assert.equal(v3[0]!.drifted, false);
    assert.equal(v3[0]!.transition, "cleared");
    assert.equal(v3[0]!.modelVersion, "score@3");
    // version 4 drifts from version 3; going back to version 3 compares it with its own last window: steady
    assert.equal(run("score@4", high)[0]!.transition, "raised");
    const back = run("score@3", low);
    assert.equal(back[0]!.drifted, false);
    assert.ok(back[0]!.psi < 0.01, String(back[0]!.psi));
  });

  it("precision and recall per label and model version, counted by hand", function () {
    const pr = new PrecisionRecall(100);
    const cases: Array<[string, string, string]> = [
      // id, predicted, true
      ["e1", "anomaly", "anomaly"], // anomaly TP
      ["e2", "anomaly", "normal"], // anomaly FP, normal FN
      ["e3", "normal", "anomaly"], // normal FP, anomaly FN
      ["e4", "normal", "normal"], // normal TP
      ["e5", "anomaly", "anomaly"], // anomaly TP
      ["e6", "normal", "normal"], // normal TP
      ["e7", "anomaly", "normal"], // anomaly FP, normal FN
    ];
    for (const [id, label] of cases) pr.predicted([id, `cause-${id}`], { label, modelVersion: "m@1", deviceClass: "reefer", at: Date.now() });
    pr.predicted(["x1"], { label: "anomaly", modelVersion: "m@2", deviceClass: "reefer", at: Date.now() });
    assert.equal(pr.waiting, 8);
    // truth may name the prediction or its cause; the other id is forgotten with it
    cases.forEach(([id, , actual], i) => assert.ok(pr.truth(i % 2 ? id : `cause-${id}`, actual)));
    assert.equal(pr.truth("e1", "anomaly"), undefined);
    assert.equal(pr.truth("unknown", "anomaly"), undefined);
    const q = pr.quality("m@1")!;
    assert.equal(q.confirmed, 7);
    assert.equal(q.correct, 4);
    close(q.accuracy!, 4 / 7);
    // anomaly: TP 2, FP 2, FN 1 → precision 0.5, recall 2/3; normal: TP 2, FP 1, FN 2 → 2/3, 0.5
    assert.deepEqual(q.labels.map((l) => [l.label, l.tp, l.fp, l.fn]), [["anomaly", 2, 2, 1], ["normal", 2, 1, 2]]);
    close(q.labels[0].precision!, 0.5);
    close(q.labels[0].recall!, 2 / 3);
    close(q.labels[1].precision!, 2 / 3);
    close(q.labels[1].recall!, 0.5);
    assert.equal(pr.quality("m@2"), undefined);
    assert.equal(pr.waiting, 1);
  });

  it("remembers at most maxPending predictions, the oldest forgotten first", function () {
    const pr = new PrecisionRecall(3);
    for (let i = 0; i < 5; i++) pr.predicted([`p${i}`, `c${i}`], { label: "a", modelVersion: "m", deviceClass: "all", at: Date.now() });
    assert.equal(pr.waiting, 3);
    assert.equal(pr.truth("p0", "a"), undefined);
    assert.ok(pr.truth("c4", "a"));
  });

  it("reads edge-tflite's classify and anomaly outputs as predictions", function () {
    assert.deepEqual(predictionOf({ label: "ripe", index: 1, confidence: 0.7, scores: [] }), { score: 0.7, confidence: 0.7, label: "ripe" });
    assert.deepEqual(predictionOf({ score: 0.4, threshold: 0.33, anomaly: true }), { score: 0.4, label: "anomaly" });
    assert.equal(predictionOf([1, 2]), undefined);
    assert.equal(predictionOf({ score: "high" }), undefined);
  });
});
