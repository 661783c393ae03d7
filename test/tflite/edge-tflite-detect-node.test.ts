/**
 * edge-tflite's detection and segmentation outputs in Node-RED (node-red-node-test-helper): an SSD-like model
 * written by the model builder (ending in TFLite_Detection_PostProcess) split at the threshold over the two
 * outputs with labels, and the Coral DeepLab v3 (uint8, ARG_MAX output) on an image from ../shared, its class per
 * pixel as the interpreter computes it.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import helper from "node-red-node-test-helper";
import tfliteNode from "../../nodes/edge-tflite/edge-tflite";
import { Interpreter } from "../../lib/tflite/interpreter";
import { ssdLikeModel, type DetectionOptionsSpec } from "../../lib/tflite/detection-model";
import { decodeImage, imageToValues } from "../../lib/tflite/image-input";
import { describeModel, quantizeValues } from "../../lib/tflite/tensor-info";
import { denseModel } from "../../lib/tflite/model-builder";
import { waitFor } from "../harness/wait";
import { rng } from "./operator-cases";
import { modelPath, readBytes, skipWithoutShared } from "./shared-models";
import { useTestHelper } from "../harness/test-helper-server";
import { messagesTo } from "../harness/node-events";

const catchNode = () => require("@node-red/nodes/core/common/25-catch.js");

interface Detection {
  label: string;
  class: number;
  score: number;
  box: { ymin: number; xmin: number; ymax: number; xmax: number };
}

const PASCAL = "background aeroplane bicycle bird boat bottle bus car cat chair cow diningtable dog horse motorbike person pottedplant sheep sofa train tvmonitor".split(" ");

describe("edge-tflite node: detect and segment", function () {
  this.timeout(60000);
  let dir: string;

  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "edge-tflite-detect-"));
  });
  useTestHelper();
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const flow = (props: Record<string, unknown>) =>
    [
      { id: "f1", type: "tab" },
      { id: "tf", type: "edge-tflite", version: 1, input: "auto", normalise: "0..1", poolSize: "1", maxQueue: "4", ...props, wires: [["above"], ["below"]] },
      { id: "above", type: "helper" },
      { id: "below", type: "helper" },
      { id: "catcher", type: "catch", scope: null, wires: [["caught"]] },
      { id: "caught", type: "helper" },
    ].map((n) => (n.type === "tab" ? n : { z: "f1", ...n }));

  // an SSD-like detector on a 6×8 image, 3 classes + background; the class head favours class 1 on bright red
  const options: DetectionOptionsSpec = { maxDetections: 8, maxClassesPerDetection: 1, nmsScoreThreshold: 0.2, nmsIouThreshold: 0.5, numClasses: 3, yScale: 10, xScale: 10, hScale: 5, wScale: 5 };
  const next = rng(11);
  const boxWeights = Array.from({ length: 4 }, () => [next() - 0.5, next() - 0.5, next() - 0.5]);
  const classWeights = [
    [-1, -1, -1],
    [3, -2, -2],
    [-2, 3, -2],
    [-2, -2, 3],
  ];
  const model = ssdLikeModel({ height: 6, width: 8, boxWeights, classWeights, anchorSize: 0.2, options });
  const image = Array.from({ length: 6 * 8 * 3 }, () => Math.fround(next()));

  function expectedDetections(labels?: string[]): Detection[] {
    const it = new Interpreter(model);
    (it.inputs[0].data as Float32Array).set(image);
    it.invoke();
    const [b, c, s, n] = it.outputs.map((o) => Array.from(o.data as Float32Array));
    return Array.from({ length: n[0] }, (_, i) => ({ label: labels ? labels[c[i]] : String(c[i]), class: c[i], score: s[i], box: { ymin: b[i * 4], xmin: b[i * 4 + 1], ymax: b[i * 4 + 2], xmax: b[i * 4 + 3] } }));
  }

  it("detect: detections at or above the threshold on output 1, the rest on output 2, with labels and boxes", async function () {
    const expected = expectedDetections(["red", "green", "blue"]);
    assert.ok(expected.length >= 3, `the model finds several boxes (${expected.length})`);
    // a threshold between the model's scores, so that both outputs get detections
    const threshold = (expected[0].score + expected[expected.length - 1].score) / 2;
    const labels = path.join(dir, "labels.txt");
    fs.writeFileSync(labels, "red\ngreen\nblue\n");
    await helper.load([tfliteNode, catchNode()], flow({ output: "detect", labelsPath: labels, threshold: String(threshold) }));
    const above = messagesTo("above");
    const below = messagesTo("below");
    const caught = messagesTo("caught");
    helper.getNode("tf").receive({ model: Buffer.from(model), modelName: "ssd-like", payload: image, eventId: "frame-1" });
    await waitFor(() => above.length === 1 && below.length === 1, "one message on each output", { timeoutMs: 20000 });
    assert.equal(caught.length, 0, JSON.stringify(caught[0]?.error));
    const a = above[0].payload as { detections: Detection[]; threshold: number };
    const b = below[0].payload as { detections: Detection[]; threshold: number };
    assert.deepEqual(a.detections, expected.filter((d) => d.score >= threshold));
    assert.deepEqual(b.detections, expected.filter((d) => d.score < threshold));
    assert.ok(a.detections.length > 0 && b.detections.length > 0);
    assert.equal(a.threshold, threshold);
    assert.ok(a.detections.every((d) => d.label === ["red", "green", "blue"][d.class]));
    // two results of one frame: each its own identity, both caused by the frame
    assert.equal(above[0].causeEventId, "frame-1");
    assert.equal(below[0].causeEventId, "frame-1");
    assert.notEqual(above[0].eventId, below[0].eventId);
    assert.deepEqual((above[0].inference as { model: string }).model, "ssd-like");
  });

  it("detect: a frame with nothing above the threshold goes to output 2 only; a model without detection outputs fails to the Catch node", async function () {
    await helper.load([tfliteNode, catchNode()], flow({ output: "detect", threshold: "1.01" }));
    const above = messagesTo("above");
    const below = messagesTo("below");
    const caught = messagesTo("caught");
    const tf = helper.getNode("tf");
    tf.receive({ model: Buffer.from(model), modelName: "ssd-like", payload: image });
    await waitFor(() => below.length === 1, "the frame on output 2", { timeoutMs: 20000 });
    assert.equal(above.length, 0);
    const b = below[0].payload as { detections: Detection[] };
    assert.deepEqual(b.detections, expectedDetections(), "every detection is below 1.01; labels fall back to the class index");
    assert.equal(b.detections[0].label, String(b.detections[0].class));
    tf.receive({ model: Buffer.from(denseModel(2, [{ weights: [[1, 1]], bias: [0] }])), modelName: "dense", payload: [1, 2] });
    await waitFor(() => caught.length === 1, "error for a model that does not detect");
    assert.match(String((caught[0].error as { message: string }).message), /"detect" needs a detection model's outputs/);
  });

  it("segment: the Coral DeepLab v3 gives a class per pixel (Uint8Array, its shape, label names) as the interpreter computes it", async function () {
    skipWithoutShared(this);
    this.timeout(120000);
    const bytes = readBytes("coral", "deeplabv3_mnv2_pascal_quant.tflite");
    const labels = path.join(dir, "pascal.txt");
    fs.writeFileSync(labels, PASCAL.join("\n"));
    await helper.load([tfliteNode, catchNode()], flow({ output: "segment", labelsPath: labels, normalise: "-1..1", modelPath: modelPath("coral", "deeplabv3_mnv2_pascal_quant.tflite") }));
    const above = messagesTo("above");
    const caught = messagesTo("caught");
    const picture = fs.readFileSync(modelPath("tflm", "person_detection", "person.bmp"));
    helper.getNode("tf").receive({ payload: picture });
    await waitFor(() => above.length === 1 || caught.length > 0, "segmentation", { timeoutMs: 100000 });
    assert.equal(caught.length, 0, JSON.stringify(caught[0]?.error));
    const seg = above[0].payload as { classes: Uint8Array; shape: number[]; width: number; height: number; labels: string[]; present: Array<{ class: number; label: string; pixels: number; fraction: number }> };
    assert.ok(seg.classes instanceof Uint8Array);
    assert.deepEqual(seg.shape, [513, 513]);
    assert.equal(seg.classes.length, 513 * 513);

    const it = new Interpreter(bytes);
    const input = describeModel(bytes).inputs[0];
    (it.inputs[0].data as Uint8Array).set(quantizeValues(input, imageToValues(decodeImage(picture), 513, 513, 3, "-1..1")));
    it.invoke();
    const reference = Array.from(it.outputs[0].data as BigInt64Array, Number);
    assert.deepEqual(Array.from(seg.classes), reference);
    const max = reference.reduce((m, c) => Math.max(m, c), 0);
    assert.deepEqual(seg.labels, PASCAL.slice(0, max + 1));
    assert.equal(seg.present.reduce((s, p) => s + p.pixels, 0), 513 * 513);
    for (const p of seg.present) assert.equal(p.pixels, reference.filter((c) => c === p.class).length);
    assert.ok(seg.present.every((p) => p.label === PASCAL[p.class]));
    console.log(`      DeepLab on person.bmp: ${seg.present.map((p) => `${p.label} ${(100 * p.fraction).toFixed(1)} %`).join(", ")}`);
  });
});
