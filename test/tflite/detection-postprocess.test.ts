/**
 * TFLite_Detection_PostProcess: one-operator models (and DEQUANTIZE → post-process) written by the model builder,
 * against @tensorflow/tfjs-tflite (whose WebAssembly build registers this custom operator) on seeded random
 * inputs, both NMS variants, float and uint8; int8 (which TFLite's kernel refuses) and hand-worked cases against a
 * plain reference written here from the kernel's description; an SSD-like model end to end; the FlexBuffers
 * options reader.
 */
import { strict as assert } from "assert";
import { Interpreter } from "../../lib/tflite/interpreter";
import { UnsupportedModelError } from "../../lib/tflite/kernel";
import { FlexRef } from "../../lib/tflite/flexbuffer";
import { flexMap } from "../../lib/tflite/flexbuffer-writer";
import { detectionPostProcessModel, ssdLikeModel, type DetectionModelSpec, type DetectionOptionsSpec } from "../../lib/tflite/detection-model";
import { readDetectionOptions } from "../../lib/tflite/kernels/detection-postprocess";
import { BuiltinOperator, TensorType } from "../../lib/tflite/schema";
import { ModelBuilder, elementBytes } from "../../lib/tflite/model-builder";
import { TfliteOracle } from "./oracle/tfjs-tflite-oracle";
import { rng } from "./operator-cases";

interface Detections {
  boxes: number[];
  classes: number[];
  scores: number[];
  count: number;
}

function runOurs(bytes: Uint8Array, inputs: ArrayLike<number>[], options: { arithmetic?: "reference" | "xnnpack"; simd?: boolean } = {}): Detections {
  const it = new Interpreter(bytes, options);
  inputs.forEach((v, i) => (it.inputs[i].data as Float32Array).set(v));
  it.invoke();
  const [b, c, s, n] = it.outputs.map((o) => Array.from(o.data as Float32Array));
  return { boxes: b, classes: c, scores: s, count: n[0] };
}

/**
 * Compares the rows the kernel writes: all of them with regular NMS; with fast NMS the first count anchors'
 * min(max_classes_per_detection, num_classes) rows (TFLite leaves the others as the arena had them).
 */
function assertSameDetections(label: string, ours: Detections, theirs: Detections, o: DetectionOptionsSpec): void {
  assert.equal(ours.count, theirs.count, `${label}: number of detections`);
  const perAnchor = o.maxClassesPerDetection;
  const used = Math.min(o.maxClassesPerDetection, o.numClasses);
  const rows = o.useRegularNms ? o.maxDetections : ours.count * perAnchor;
  for (let r = 0; r < rows; r++) {
    if (!o.useRegularNms && r % perAnchor >= used) continue;
    assert.equal(ours.classes[r], theirs.classes[r], `${label}: class of row ${r}`);
    assert.equal(ours.scores[r], theirs.scores[r], `${label}: score of row ${r}`);
    for (let k = 0; k < 4; k++) assert.equal(ours.boxes[r * 4 + k], theirs.boxes[r * 4 + k], `${label}: box of row ${r}, coordinate ${k}`);
  }
}

// ---- an independent plain reference of the kernel's algorithm (for int8 and hand-worked cases) ----

function referenceDetect(encodings: number[][], scores: number[][], anchors: number[][], o: DetectionOptionsSpec): Detections {
  const f = Math.fround;
  const boxes = encodings.map(([y, x, h, w], i) => {
    const [ay, ax, ah, aw] = anchors[i];
    const yc = f((y / f(o.yScale)) * ah + ay);
    const xc = f((x / f(o.xScale)) * aw + ax);
    const hh = f(0.5 * Math.exp(h / f(o.hScale)) * ah);
    const hw = f(0.5 * Math.exp(w / f(o.wScale)) * aw);
    return [f(yc - hh), f(xc - hw), f(yc + hh), f(xc + hw)];
  });
  const iou = (a: number[], b: number[]) => {
    const areaA = f(f(a[2] - a[0]) * f(a[3] - a[1]));
    const areaB = f(f(b[2] - b[0]) * f(b[3] - b[1]));
    if (areaA <= 0 || areaB <= 0) return 0;
    const ih = Math.max(0, f(Math.min(a[2], b[2]) - Math.max(a[0], b[0])));
    const iw = Math.max(0, f(Math.min(a[3], b[3]) - Math.max(a[1], b[1])));
    const inter = f(ih * iw);
    return f(inter / f(f(areaA + areaB) - inter));
  };
  const offset = scores[0].length - o.numClasses;
  const nms = (s: number[], max: number): number[] => {
    const order = s
      .map((v, i) => ({ v, i }))
      .filter((c) => c.v >= f(o.nmsScoreThreshold))
      .sort((a, b) => b.v - a.v || a.i - b.i)
      .map((c) => c.i);
    const kept: number[] = [];
    for (const i of order) {
      if (kept.length >= max) break;
      if (kept.every((k) => !(iou(boxes[k], boxes[i]) > f(o.nmsIouThreshold)))) kept.push(i);
    }
    return kept;
  };
  const n = o.maxDetections * o.maxClassesPerDetection;
  const out: Detections = { boxes: new Array<number>(n * 4).fill(0), classes: new Array<number>(n).fill(0), scores: new Array<number>(n).fill(0), count: 0 };
  const put = (row: number, box: number, cls: number, score: number) => {
    out.boxes.splice(row * 4, 4, ...boxes[box]);
    out.classes[row] = cls;
    out.scores[row] = score;
  };
  if (o.useRegularNms) {
    const all: Array<{ box: number; cls: number; score: number; order: number }> = [];
    for (let c = 0; c < o.numClasses; c++) {
      const s = scores.map((row) => row[c + offset]);
      for (const b of nms(s, o.detectionsPerClass ?? 100)) all.push({ box: b, cls: c, score: s[b], order: all.length });
    }
    // on equal scores a later class comes first (TFLite merges each class in with inplace_merge and >=)
    all.sort((a, b) => b.score - a.score || b.cls - a.cls || a.order - b.order);
    const best = all.slice(0, o.maxDetections);
    best.forEach((d, r) => put(r, d.box, d.cls, d.score));
    out.count = best.length;
  } else {
    const per = Math.min(o.maxClassesPerDetection, o.numClasses);
    const ranked = scores.map((row) =>
      row
        .slice(offset)
        .map((v, c) => ({ v, c }))
        .sort((a, b) => b.v - a.v || a.c - b.c)
        .slice(0, per),
    );
    const kept = nms(
      ranked.map((r) => r[0].v),
      o.maxDetections,
    );
    kept.forEach((b, k) => ranked[b].forEach(({ v, c }, j) => put(k * o.maxClassesPerDetection + j, b, c, v)));
    out.count = kept.length;
  }
  return out;
}

// ---- random cases ----

interface RandomCase {
  label: string;
  spec: DetectionModelSpec;
  /** raw input values (quantized integers for quantized inputs) */
  encodings: number[];
  scores: number[];
  /** the same inputs as real numbers, for the reference */
  real: { encodings: number[][]; scores: number[][]; anchors: number[][] };
}

function randomCase(seed: number, kind: "float" | "uint8" | "int8", regular: boolean, dequantizeFirst = false): RandomCase {
  const next = rng(seed);
  const numBoxes = 4 + Math.floor(next() * 40);
  const numClasses = 1 + Math.floor(next() * 4);
  const background = next() < 0.5 ? 1 : 0;
  const scoreClasses = numClasses + background;
  const encodingLength = next() < 0.3 ? 6 : 4;
  const options: DetectionOptionsSpec = {
    maxDetections: 1 + Math.floor(next() * 8),
    maxClassesPerDetection: regular ? 1 : 1 + Math.floor(next() * 3),
    detectionsPerClass: regular ? 1 + Math.floor(next() * 6) : undefined,
    useRegularNms: regular ? true : next() < 0.5 ? false : undefined,
    nmsScoreThreshold: Math.fround(next() * 0.5),
    nmsIouThreshold: Math.fround(0.2 + next() * 0.7),
    numClasses,
    yScale: 10,
    xScale: 10,
    hScale: 5,
    wScale: 5,
  };
  const anchorsReal: number[][] = Array.from({ length: numBoxes }, () => [next(), next(), 0.1 + next() * 0.4, 0.1 + next() * 0.4].map(Math.fround));
  const q = kind !== "float";
  const lo = kind === "int8" ? -128 : 0;
  const type = kind === "float" ? TensorType.FLOAT32 : kind === "uint8" ? TensorType.UINT8 : TensorType.INT8;
  // quantized scores: distinct values, so that no tie leaves the order to std::partial_sort
  const scoreCount = numBoxes * scoreClasses;
  const levels = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 255; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [levels[i], levels[j]] = [levels[j], levels[i]];
  }
  const boxQuant = { scale: [Math.fround(0.02 + next() * 0.05)], zeroPoint: [lo + 100 + Math.floor(next() * 56)] };
  const scoreQuant = { scale: [Math.fround(1 / 256)], zeroPoint: [lo] };
  const anchorQuant = { scale: [Math.fround(1 / 128)], zeroPoint: [lo + 10] };
  const encodings = Array.from({ length: numBoxes * encodingLength }, () => (q ? lo + Math.floor(next() * 256) : Math.fround((next() - 0.5) * 6)));
  const scores = Array.from({ length: scoreCount }, (_, i) => (q ? lo + levels[i % 256] : Math.fround(next())));
  const anchors = q && !dequantizeFirst ? anchorsReal.flat().map((v) => Math.max(lo, Math.min(lo + 255, Math.round(v / anchorQuant.scale[0]) + anchorQuant.zeroPoint[0]))) : anchorsReal.flat();
  const deq = (v: number, qp: { scale: number[]; zeroPoint: number[] }) => (q ? Math.fround((v - qp.zeroPoint[0]) * qp.scale[0]) : v);
  const rows = <T>(flat: T[], width: number): T[][] => Array.from({ length: flat.length / width }, (_, i) => flat.slice(i * width, (i + 1) * width));
  return {
    label: `${kind} ${regular ? "regular" : "fast"} NMS${dequantizeFirst ? " after DEQUANTIZE" : ""}: ${numBoxes} boxes, ${numClasses} classes${background ? " + background" : ""}, encodings of ${encodingLength}, ${JSON.stringify(options)}`,
    spec: {
      numBoxes,
      scoreClasses,
      encodingLength,
      boxType: type,
      boxQuant: q ? boxQuant : undefined,
      scoreType: type,
      scoreQuant: q ? scoreQuant : undefined,
      anchors,
      anchorType: q && !dequantizeFirst ? type : TensorType.FLOAT32,
      anchorQuant: q && !dequantizeFirst ? anchorQuant : undefined,
      dequantizeFirst,
      options,
    },
    encodings,
    scores,
    real: {
      encodings: rows(
        encodings.map((v) => deq(v, boxQuant)),
        encodingLength,
      ),
      scores: rows(
        scores.map((v) => deq(v, scoreQuant)),
        scoreClasses,
      ),
      anchors: q && !dequantizeFirst ? rows(anchors.map((v) => deq(v, anchorQuant)), 4) : anchorsReal,
    },
  };
}

describe("TFLite_Detection_PostProcess", function () {
  this.timeout(120000);
  let oracle: TfliteOracle | undefined;

  before(function () {
    oracle = new TfliteOracle();
  });

  after(async function () {
    await oracle?.close();
  });

  const CASES = 12;
  for (const kind of ["float", "uint8"] as const) {
    for (const regular of [false, true]) {
      for (const dequantizeFirst of kind === "uint8" ? [false, true] : [false]) {
        it(`equals tfjs-tflite: ${kind} inputs, ${regular ? "regular" : "fast"} NMS${dequantizeFirst ? ", DEQUANTIZE first" : ""} (${CASES} random models)`, async function () {
          for (let k = 0; k < CASES; k++) {
            const c = randomCase(1000 * k + (regular ? 7 : 3) + (kind === "uint8" ? 50 : 0) + (dequantizeFirst ? 500 : 0), kind, regular, dequantizeFirst);
            const bytes = detectionPostProcessModel(c.spec);
            await oracle!.load(bytes);
            const raw = [c.encodings, c.scores];
            const { outputs } = await oracle!.run(raw.map((v) => (kind === "float" ? Float32Array.from(v) : v)));
            const theirs: Detections = { boxes: Array.from(outputs[0].data), classes: Array.from(outputs[1].data), scores: Array.from(outputs[2].data), count: outputs[3].data[0] };
            for (const options of [{ arithmetic: "reference" as const }, { arithmetic: "xnnpack" as const }, { simd: false }]) {
              assertSameDetections(`${c.label} ${JSON.stringify(options)}`, runOurs(bytes, raw, options), theirs, c.spec.options);
            }
            assertSameDetections(`${c.label}: the plain reference`, referenceDetect(c.real.encodings, c.real.scores, c.real.anchors, c.spec.options), theirs, c.spec.options);
          }
        });
      }
    }
  }

  it("tied scores (uint8 scores of four levels) come in TFLite's order: libc++'s partial_sort, inplace_merge of classes", async function () {
    for (let k = 0; k < 40; k++) {
      const next = rng(9000 + k);
      const numBoxes = 5 + Math.floor(next() * 30);
      const numClasses = 2 + Math.floor(next() * 5);
      const regular = k % 2 === 0;
      const options: DetectionOptionsSpec = { maxDetections: 2 + Math.floor(next() * 10), maxClassesPerDetection: regular ? 1 : 2 + Math.floor(next() * 4), detectionsPerClass: 1 + Math.floor(next() * 8), useRegularNms: regular, nmsScoreThreshold: 0.1, nmsIouThreshold: 0.5, numClasses, yScale: 10, xScale: 10, hScale: 5, wScale: 5 };
      const anchors = Array.from({ length: numBoxes * 4 }, (_, i) => (i % 4 < 2 ? next() : 0.05 + next() * 0.1));
      const bytes = detectionPostProcessModel({ numBoxes, scoreClasses: numClasses + 1, boxType: TensorType.UINT8, boxQuant: { scale: [0.05], zeroPoint: [128] }, scoreType: TensorType.UINT8, scoreQuant: { scale: [1 / 256], zeroPoint: [0] }, anchors, anchorType: TensorType.FLOAT32, dequantizeFirst: true, options });
      const boxes = Array.from({ length: numBoxes * 4 }, () => Math.floor(next() * 256));
      const scores = Array.from({ length: numBoxes * (numClasses + 1) }, () => [40, 100, 200, 250][Math.floor(next() * 4)]);
      await oracle!.load(bytes);
      const { outputs } = await oracle!.run([boxes, scores]);
      const theirs: Detections = { boxes: Array.from(outputs[0].data), classes: Array.from(outputs[1].data), scores: Array.from(outputs[2].data), count: outputs[3].data[0] };
      assertSameDetections(`ties case ${k} ${JSON.stringify(options)}`, runOurs(bytes, [boxes, scores]), theirs, options);
    }
  });

  it("int8 inputs (TFLite's kernel takes uint8 only; tfjs-tflite fails to invoke): dequantized the same way, equal to the plain reference", function () {
    for (let k = 0; k < 12; k++) {
      const c = randomCase(77 + k, "int8", k % 2 === 0);
      const ours = runOurs(detectionPostProcessModel(c.spec), [c.encodings, c.scores]);
      assertSameDetections(c.label, ours, referenceDetect(c.real.encodings, c.real.scores, c.real.anchors, c.spec.options), c.spec.options);
    }
  });

  const handOptions: DetectionOptionsSpec = { maxDetections: 3, maxClassesPerDetection: 1, nmsScoreThreshold: 0.3, nmsIouThreshold: 0.5, numClasses: 2, yScale: 1, xScale: 1, hScale: 1, wScale: 1 };
  // three anchors of 0.2 × 0.2: A at (0.5, 0.5), B shifted by 0.02 (IoU 0.82 with A), C far away at (0.1, 0.1)
  const handAnchors = [0.5, 0.5, 0.2, 0.2, 0.5, 0.52, 0.2, 0.2, 0.1, 0.1, 0.2, 0.2];
  const handModel = (o: DetectionOptionsSpec) =>
    detectionPostProcessModel({ numBoxes: 3, scoreClasses: 3, boxType: TensorType.FLOAT32, scoreType: TensorType.FLOAT32, anchors: handAnchors, anchorType: TensorType.FLOAT32, options: o });
  // zero encodings decode to the anchors themselves; scores per box: background, class 0, class 1
  const handScores = [0, 0.9, 0.1, 0, 0.8, 0.7, 0, 0.2, 0.6];

  it("hand-worked, fast NMS: B overlaps A and is suppressed, C is kept for its class 1", function () {
    const d = runOurs(handModel(handOptions), [new Array<number>(12).fill(0), handScores]);
    assert.equal(d.count, 2);
    assert.deepEqual(d.classes.slice(0, 2), [0, 1]);
    assert.deepEqual(d.scores.slice(0, 2), [0.9, 0.6].map(Math.fround));
    assert.deepEqual(d.boxes.slice(0, 8), [0.4, 0.4, 0.6, 0.6, 0, 0, 0.2, 0.2].map(Math.fround));
    assert.deepEqual(d.boxes.slice(8), [0, 0, 0, 0], "the unused row is zero");
  });

  it("hand-worked, regular NMS: per class, so B comes back for class 1 (A's class 1 score is under the threshold)", function () {
    const d = runOurs(handModel({ ...handOptions, useRegularNms: true, detectionsPerClass: 2 }), [new Array<number>(12).fill(0), handScores]);
    assert.equal(d.count, 3);
    assert.deepEqual(d.classes, [0, 1, 1]);
    assert.deepEqual(d.scores, [0.9, 0.7, 0.6].map(Math.fround));
    assert.deepEqual(d.boxes.slice(4, 8), [0.4, 0.42, 0.6, 0.62].map(Math.fround), "box B for class 1");
  });

  it("decodes centre and size against the anchor and the scales", function () {
    // y, x moved by 1 anchor height/width (times y_scale 10), h doubled (log 2 × h_scale 5)
    const d = runOurs(handModel({ ...handOptions, maxDetections: 1, yScale: 10, xScale: 10, hScale: 5, wScale: 5 }), [[10, -10, 5 * Math.LN2, 0, 0, 0, 0, 0, 0, 0, 0, 0], handScores]);
    const f = Math.fround;
    assert.deepEqual(d.boxes, [f(f(0.5 + 0.2) - f(0.2)), f(f(0.5 - 0.2) - f(0.1)), f(f(0.5 + 0.2) + f(0.2)), f(f(0.5 - 0.2) + f(0.1))]);
  });

  it("an SSD-like model (conv heads → reshape → concat → logistic → post-process) equals tfjs-tflite end to end", async function () {
    const next = rng(5);
    const weights = (n: number) => Array.from({ length: n }, () => [next() - 0.5, next() - 0.5, next() - 0.5].map((v) => Math.fround(v * 2)));
    const options: DetectionOptionsSpec = { maxDetections: 10, maxClassesPerDetection: 1, nmsScoreThreshold: 0.3, nmsIouThreshold: 0.6, numClasses: 3, yScale: 10, xScale: 10, hScale: 5, wScale: 5 };
    for (const regular of [false, true]) {
      const o = { ...options, useRegularNms: regular, detectionsPerClass: 5 };
      const bytes = ssdLikeModel({ height: 6, width: 8, boxWeights: weights(4), classWeights: weights(4), anchorSize: 0.15, options: o });
      await oracle!.load(bytes);
      const image = Float32Array.from({ length: 6 * 8 * 3 }, () => Math.fround(next() * 2 - 1));
      const { outputs } = await oracle!.run([image]);
      const theirs: Detections = { boxes: Array.from(outputs[0].data), classes: Array.from(outputs[1].data), scores: Array.from(outputs[2].data), count: outputs[3].data[0] };
      assert.ok(theirs.count > 0, "the model detects something");
      // the conv and logistic are float: XNNPACK's sums and exp may differ in the last bit, so compare within 1e-5
      const ours = runOurs(bytes, [image]);
      assert.equal(ours.count, theirs.count, `${regular ? "regular" : "fast"}: count`);
      assert.deepEqual(ours.classes.slice(0, ours.count), theirs.classes.slice(0, theirs.count));
      for (let i = 0; i < ours.count * 4; i++) assert.ok(Math.abs(ours.boxes[i] - theirs.boxes[i]) <= 1e-5, `box value ${i}: ${ours.boxes[i]} vs ${theirs.boxes[i]}`);
      for (let i = 0; i < ours.count; i++) assert.ok(Math.abs(ours.scores[i] - theirs.scores[i]) <= 1e-5, `score ${i}`);
    }
  });

  it("a uint8 SSD-like model (as Coral's: uint8 conv heads, logistic, anchors, post-process) equals tfjs-tflite bit for bit with the xnnpack arithmetic", async function () {
    const next = rng(8);
    const weights = (n: number) => Array.from({ length: n }, () => [next() - 0.5, next() - 0.5, next() - 0.5].map((v) => Math.fround(v * 4)));
    for (const regular of [false, true]) {
      const o: DetectionOptionsSpec = { maxDetections: 10, maxClassesPerDetection: regular ? 1 : 2, detectionsPerClass: 4, useRegularNms: regular, nmsScoreThreshold: 0.3, nmsIouThreshold: 0.5, numClasses: 3, yScale: 10, xScale: 10, hScale: 5, wScale: 5 };
      const bytes = ssdLikeModel({ height: 6, width: 8, boxWeights: weights(4), classWeights: weights(4), anchorSize: 0.15, options: o, uint8: true });
      await oracle!.load(bytes);
      let detected = 0;
      for (let trial = 0; trial < 4; trial++) {
        const image = Array.from({ length: 6 * 8 * 3 }, () => Math.floor(next() * 256));
        const { outputs } = await oracle!.run([image]);
        const theirs: Detections = { boxes: Array.from(outputs[0].data), classes: Array.from(outputs[1].data), scores: Array.from(outputs[2].data), count: outputs[3].data[0] };
        detected += theirs.count;
        assertSameDetections(`uint8 SSD-like, ${regular ? "regular" : "fast"} NMS, trial ${trial}`, runOurs(bytes, [image], { arithmetic: "xnnpack" }), theirs, o);
      }
      assert.ok(detected > 0, "the model detects something");
    }
  });

  it("refuses, at load and naming the operator, options it cannot run", function () {
    const refuse = (o: Partial<DetectionOptionsSpec>, pattern: RegExp) =>
      assert.throws(
        () => new Interpreter(handModel({ ...handOptions, ...o })),
        (err: Error) => err instanceof UnsupportedModelError && /CUSTOM:TFLite_Detection_PostProcess \(operator 0\)/.test(err.message) && pattern.test(err.message),
      );
    refuse({ nmsIouThreshold: 0 }, /nms_iou_threshold 0 is outside/);
    refuse({ numClasses: 5 }, /num_classes 5 does not fit scores of 3 classes/);
    refuse({ maxClassesPerDetection: 0 }, /max_classes_per_detection 0 must be positive/);
  });

  it("refuses an unknown custom operator, and one without options, naming it", function () {
    const m = new ModelBuilder();
    const x = m.addTensor({ name: "x", shape: [1, 4], type: TensorType.FLOAT32 });
    const y = m.addTensor({ name: "y", shape: [1, 4], type: TensorType.FLOAT32 });
    m.addOperator({ builtin: BuiltinOperator.CUSTOM, custom: "Mfcc", inputs: [x], outputs: [y] });
    assert.throws(() => new Interpreter(m.finish([x], [y])), (err: Error) => err instanceof UnsupportedModelError && /CUSTOM:Mfcc \(operator 0\): unsupported custom operator "Mfcc" \(supported: TFLite_Detection_PostProcess\)/.test(err.message));
    const bare = new ModelBuilder();
    const ins = [0, 1, 2].map((i) => bare.addTensor({ name: `in${i}`, shape: i === 2 ? [2, 4] : [1, 2, 4], type: TensorType.FLOAT32, data: i === 2 ? elementBytes(TensorType.FLOAT32, new Array<number>(8).fill(0.5)) : undefined }));
    const outs = [[1, 1, 4], [1, 1], [1, 1], [1]].map((shape, i) => bare.addTensor({ name: `out${i}`, shape, type: TensorType.FLOAT32 }));
    bare.addOperator({ builtin: BuiltinOperator.CUSTOM, custom: "TFLite_Detection_PostProcess", inputs: ins, outputs: outs });
    assert.throws(() => new Interpreter(bare.finish([0, 1], outs)), /TFLite_Detection_PostProcess \(operator 0\): the operator has no custom options/);
  });

  it("a decoded box with its minimum above its maximum fails the inference with an error", function () {
    // h_scale negative would be refused by nothing in TFLite either: exp stays positive, so use a negative anchor height
    const bytes = detectionPostProcessModel({ numBoxes: 3, scoreClasses: 3, boxType: TensorType.FLOAT32, scoreType: TensorType.FLOAT32, anchors: handAnchors.map((v, i) => (i === 2 ? -0.2 : v)), anchorType: TensorType.FLOAT32, options: handOptions });
    assert.throws(() => runOurs(bytes, [new Array<number>(12).fill(0), handScores]), /decoded box 0 has its minimum above its maximum/);
  });
});

describe("FlexBuffers reader", function () {
  it("reads back a map the writer wrote: ints, floats, bools, absent keys as null", function () {
    const bytes = flexMap({ b: { int: -7 }, a: { float: 0.25 }, c: { bool: true }, zz: { int: 2147483647 } });
    const root = FlexRef.root(bytes);
    assert.deepEqual(root.keys(), ["a", "b", "c", "zz"]);
    assert.deepEqual(root.toValue(), { a: 0.25, b: -7, c: true, zz: 2147483647 });
    assert.equal(root.get("missing").isNull, true);
    assert.equal(root.get("missing").asInt32(), 0);
    assert.equal(root.get("a").asInt32(), 0, "AsInt32 of a float truncates");
    assert.equal(root.get("b").asFloat(), -7);
  });

  it("reads a hand-encoded map of 8-bit width, as the C++ builder writes small ones", function () {
    // keys "x\0" "y\0"; keys vector (size 2, offsets); map (keys offset, key width 1, size 2, values 5 and float?)
    // bytes: 0:'x' 1:0 2:'y' 3:0 | 4: size 2 | 5: 5-0=5 | 6: 6-2=4 | 7: keys offset 7-5=2 | 8: key width 1 | 9: size 2 | 10: 5 | 11: 1 (bool) | 12: type INT/8 | 13: type BOOL/8 | 14: root offset 14-10=4 | 15: MAP/8 | 16: width 1
    const bytes = Uint8Array.from([0x78, 0, 0x79, 0, 2, 5, 4, 2, 1, 2, 5, 1, 1 << 2, 26 << 2, 4, 9 << 2, 1]);
    const root = FlexRef.root(bytes);
    assert.equal(root.get("x").asInt32(), 5);
    assert.equal(root.get("y").asBool(), true);
    assert.equal(root.get("z").isNull, true);
  });

  it("reads the detection options with TFLite's defaults, and fails clearly on garbage", function () {
    const o = readDetectionOptions(flexMap({ max_detections: { int: 10 }, max_classes_per_detection: { int: 1 }, nms_score_threshold: { float: 0.3 }, nms_iou_threshold: { float: 0.6 }, num_classes: { int: 90 }, y_scale: { float: 10 }, x_scale: { float: 10 }, h_scale: { float: 5 }, w_scale: { float: 5 } }));
    assert.equal(o.detectionsPerClass, 100);
    assert.equal(o.useRegularNms, false);
    assert.equal(o.nmsScoreThreshold, Math.fround(0.3));
    assert.throws(() => readDetectionOptions(Uint8Array.from([200, 3, 77])), /flexbuffer/);
    // hostile maps: a size past the end of the buffer, a key width of 0 (whose key loop would never leave the buffer)
    const valid = [0x78, 0, 0x79, 0, 2, 5, 4, 2, 1, 2, 5, 1, 1 << 2, 26 << 2, 4, 9 << 2, 1];
    assert.throws(() => FlexRef.root(Uint8Array.from(valid.map((v, i) => (i === 9 ? 250 : v)))).get("x"), /flexbuffer read outside the buffer/);
    assert.throws(() => FlexRef.root(Uint8Array.from(valid.map((v, i) => (i === 8 ? 0 : v)))).get("x"), /flexbuffer key width 0 is invalid/);
  });
});
