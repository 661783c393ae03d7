/**
 * The TFLite_Detection_PostProcess custom operator of SSD models, as TFLite's kernel
 * (tensorflow/lite/kernels/detection_postprocess.cc) computes it: box encodings (y, x, h, w relative to anchors,
 * divided by the scales) decoded to corners in double then single precision, then non-maximum suppression either
 * per class ("regular") or once over each anchor's best class ("fast"). Inputs: box encodings [1, boxes, ≥4],
 * class scores [1, boxes, classes (+1 background)], anchors [boxes, 4]; float32 or quantized (uint8 as TFLite;
 * int8 too, dequantized the same way). Outputs, float32: boxes [1, n, 4] (ymin, xmin, ymax, xmax), classes
 * [1, n], scores [1, n], count [1], with n = max_detections × max_classes_per_detection.
 *
 * The regular NMS merges classes as TFLite does since it went multi-threaded (std::inplace_merge; single-threaded
 * here, as in tfjs-tflite). Where scores tie, the order is the C++ library's: std::stable_sort's, and libc++'s
 * std::partial_sort (see libcxx-partial-sort.ts), so that quantized scores, which tie often, give TFLite's order.
 */
import { TensorType } from "../schema";
import { fail, input, type KernelContext, type PrepareKernel } from "../kernel";
import { FlexRef } from "../flexbuffer";
import type { Tensor } from "../tensor";
import { libcxxPartialSort } from "./libcxx-partial-sort";

export interface DetectionOptions {
  maxDetections: number;
  maxClassesPerDetection: number;
  detectionsPerClass: number;
  useRegularNms: boolean;
  nmsScoreThreshold: number;
  nmsIouThreshold: number;
  numClasses: number;
  yScale: number;
  xScale: number;
  hScale: number;
  wScale: number;
}

/** The options as TFLite's Init reads them: absent keys read as 0, except the two with defaults. */
export function readDetectionOptions(bytes: Uint8Array): DetectionOptions {
  const m = FlexRef.root(bytes);
  const dpc = m.get("detections_per_class");
  const regular = m.get("use_regular_nms");
  return {
    maxDetections: m.get("max_detections").asInt32(),
    maxClassesPerDetection: m.get("max_classes_per_detection").asInt32(),
    detectionsPerClass: dpc.isNull ? 100 : dpc.asInt32(),
    useRegularNms: regular.isNull ? false : regular.asBool(),
    nmsScoreThreshold: m.get("nms_score_threshold").asFloat(),
    nmsIouThreshold: m.get("nms_iou_threshold").asFloat(),
    numClasses: m.get("num_classes").asInt32(),
    yScale: m.get("y_scale").asFloat(),
    xScale: m.get("x_scale").asFloat(),
    hScale: m.get("h_scale").asFloat(),
    wScale: m.get("w_scale").asFloat(),
  };
}

const QUANTIZED = [TensorType.UINT8, TensorType.INT8];

export const prepareDetectionPostProcess: PrepareKernel = (ctx) => {
  if (!ctx.op.customOptions || ctx.op.customOptions.length === 0) fail(ctx, "the operator has no custom options (max_detections, num_classes, …)");
  let o: DetectionOptions;
  try {
    o = readDetectionOptions(ctx.op.customOptions);
  } catch (err) {
    fail(ctx, `its custom options are not a readable FlexBuffers map: ${(err as Error).message}`);
  }
  if (ctx.inputs.length !== 3) fail(ctx, `expects 3 inputs (box encodings, class scores, anchors), the model gives ${ctx.inputs.length}`);
  if (ctx.outputs.length !== 4) fail(ctx, `expects 4 outputs (boxes, classes, scores, count), the model gives ${ctx.outputs.length}`);
  const boxes = input(ctx, 0);
  const scores = input(ctx, 1);
  const anchors = input(ctx, 2);
  if (boxes.shape.length !== 3 || scores.shape.length !== 3 || anchors.shape.length !== 2) fail(ctx, `box encodings and scores must be 3-D and anchors 2-D, got [${boxes.shape}], [${scores.shape}], [${anchors.shape}]`);
  if (boxes.dim(0) !== 1 || scores.dim(0) !== 1) fail(ctx, "only a batch of 1 is supported (as in TFLite)");
  const numBoxes = boxes.dim(1);
  const encodingLength = boxes.dim(2);
  if (encodingLength < 4) fail(ctx, `box encodings need at least 4 values per box, got ${encodingLength}`);
  if (scores.dim(1) !== numBoxes) fail(ctx, `scores are for ${scores.dim(1)} boxes, the encodings for ${numBoxes}`);
  if (anchors.dim(0) < numBoxes || anchors.dim(1) !== 4) fail(ctx, `anchors must be [${numBoxes}, 4], got [${anchors.shape}]`);
  const withBackground = scores.dim(2);
  const labelOffset = withBackground - o.numClasses;
  if (o.numClasses <= 0 || labelOffset < 0 || labelOffset > 1) fail(ctx, `num_classes ${o.numClasses} does not fit scores of ${withBackground} classes (it may leave out one background class)`);
  for (const [t, what] of [
    [boxes, "box encodings"],
    [scores, "class scores"],
  ] as const) {
    if (t.type !== TensorType.FLOAT32 && !QUANTIZED.includes(t.type)) fail(ctx, `${what} of type ${t.typeName} are not supported (float32, uint8, int8)`);
  }
  if (anchors.type !== TensorType.FLOAT32 && !QUANTIZED.includes(anchors.type)) fail(ctx, `anchors of type ${anchors.typeName} are not supported`);
  if (boxes.type === TensorType.FLOAT32 && anchors.type !== TensorType.FLOAT32) fail(ctx, "float box encodings need float anchors (as in TFLite)");
  if (o.maxDetections < 0) fail(ctx, `max_detections ${o.maxDetections} is negative`);
  if (!(o.nmsIouThreshold > 0 && o.nmsIouThreshold <= 1)) fail(ctx, `nms_iou_threshold ${o.nmsIouThreshold} is outside (0, 1]`);
  if (o.useRegularNms && o.detectionsPerClass <= 0) fail(ctx, `detections_per_class ${o.detectionsPerClass} must be positive`);
  if (!o.useRegularNms && o.maxClassesPerDetection <= 0) fail(ctx, `max_classes_per_detection ${o.maxClassesPerDetection} must be positive`);
  const detected = o.maxDetections * o.maxClassesPerDetection;
  const [outBoxes, outClasses, outScores, outCount] = ctx.outputs;
  for (const [t, count, what] of [
    [outBoxes, detected * 4, "boxes"],
    [outClasses, detected, "classes"],
    [outScores, detected, "scores"],
    [outCount, 1, "count"],
  ] as const) {
    if (t.type !== TensorType.FLOAT32) fail(ctx, `output ${what} must be float32, the model says ${t.typeName}`);
    if (t.size !== count) fail(ctx, `output ${what} has ${t.size} elements, expected ${count} (max_detections ${o.maxDetections} × max_classes_per_detection ${o.maxClassesPerDetection})`);
  }

  const decoded = new Float32Array(numBoxes * 4);
  const floatScores = scores.type === TensorType.FLOAT32 ? undefined : new Float32Array(numBoxes * withBackground);
  const shape = { numBoxes, withBackground, labelOffset };
  return () => {
    decodeBoxes(boxes, anchors, encodingLength, numBoxes, o, decoded);
    const s = floatScores ? dequantizeInto(scores, floatScores) : (scores.data as Float32Array);
    const out = { boxes: outBoxes.data as Float32Array, classes: outClasses.data as Float32Array, scores: outScores.data as Float32Array };
    // TFLite leaves unused rows of the fast path as they were; zeros make every result the same
    out.boxes.fill(0);
    out.classes.fill(0);
    out.scores.fill(0);
    const count = o.useRegularNms ? regularNms(ctx, decoded, s, o, shape, out) : fastNms(ctx, decoded, s, o, shape, out);
    (outCount.data as Float32Array)[0] = count;
  };
};

/** (q − zero point) × scale in single precision, as TFLite's Dequantizer of box encodings and anchors. */
function dequantizer(t: Tensor): (q: number) => number {
  if (t.type === TensorType.FLOAT32) return (v) => v;
  const zero = t.zeroPoint;
  const scale = Math.fround(t.scale);
  return (q) => Math.fround((q - zero) * scale);
}

function dequantizeInto(t: Tensor, out: Float32Array): Float32Array {
  const d = t.data as Uint8Array | Int8Array;
  const zero = t.zeroPoint;
  const scale = Math.fround(t.scale);
  for (let i = 0; i < out.length; i++) out[i] = (d[i] - zero) * scale;
  return out;
}

function decodeBoxes(boxes: Tensor, anchors: Tensor, length: number, n: number, o: DetectionOptions, out: Float32Array): void {
  const b = boxes.data as Float32Array | Uint8Array | Int8Array;
  const a = anchors.data as Float32Array | Uint8Array | Int8Array;
  const db = dequantizer(boxes);
  const da = dequantizer(anchors);
  for (let i = 0; i < n; i++) {
    const at = i * length;
    const y = db(b[at]);
    const x = db(b[at + 1]);
    const h = db(b[at + 2]);
    const w = db(b[at + 3]);
    const ay = da(a[i * 4]);
    const ax = da(a[i * 4 + 1]);
    const ah = da(a[i * 4 + 2]);
    const aw = da(a[i * 4 + 3]);
    // double precision, rounded to single once per value, as TFLite's kernel
    const yCenter = Math.fround((y / o.yScale) * ah + ay);
    const xCenter = Math.fround((x / o.xScale) * aw + ax);
    const halfH = Math.fround(0.5 * Math.exp(h / o.hScale) * ah);
    const halfW = Math.fround(0.5 * Math.exp(w / o.wScale) * aw);
    out[i * 4] = yCenter - halfH;
    out[i * 4 + 1] = xCenter - halfW;
    out[i * 4 + 2] = yCenter + halfH;
    out[i * 4 + 3] = xCenter + halfW;
  }
}

/** Intersection over union of decoded boxes i and j, in single precision; 0 where either has no area. */
export function intersectionOverUnion(d: Float32Array, i: number, j: number): number {
  const f = Math.fround;
  const [iy0, ix0, iy1, ix1] = [d[i * 4], d[i * 4 + 1], d[i * 4 + 2], d[i * 4 + 3]];
  const [jy0, jx0, jy1, jx1] = [d[j * 4], d[j * 4 + 1], d[j * 4 + 2], d[j * 4 + 3]];
  const areaI = f(f(iy1 - iy0) * f(ix1 - ix0));
  const areaJ = f(f(jy1 - jy0) * f(jx1 - jx0));
  if (areaI <= 0 || areaJ <= 0) return 0;
  const h = Math.max(f(Math.min(iy1, jy1) - Math.max(iy0, jy0)), 0);
  const w = Math.max(f(Math.min(ix1, jx1) - Math.max(ix0, jx0)), 0);
  const intersection = f(h * w);
  return f(intersection / f(f(areaI + areaJ) - intersection));
}

/** Indices of `values` by decreasing value, ties in index order (std::stable_sort as TFLite's DecreasingArgSort). */
function decreasingOrder(values: ArrayLike<number>, count: number): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  return order.sort((p, q) => values[q] - values[p] || p - q);
}

/**
 * The first `k` indices by decreasing value, as TFLite's DecreasingPartialArgSort: k = 1 is the first maximum
 * (ArgMaxVector), else std::partial_sort, whose order of ties is libc++'s.
 */
function topIndices(values: ArrayLike<number>, offset: number, count: number, k: number): number[] {
  if (k === 1) {
    let best = 0;
    for (let i = 1; i < count; i++) if (values[offset + i] > values[offset + best]) best = i;
    return [best];
  }
  const order = Array.from({ length: count }, (_, i) => i);
  libcxxPartialSort(order, k, (p, q) => values[offset + p] > values[offset + q]);
  return order.slice(0, k);
}

/** Greedy NMS of one score per box: the box indices kept, best first, at most `max`. */
function singleClassNms(ctx: KernelContext, decoded: Float32Array, scores: ArrayLike<number>, numBoxes: number, o: DetectionOptions, max: number): number[] {
  for (let i = 0; i < numBoxes; i++) {
    if (decoded[i * 4] > decoded[i * 4 + 2] || decoded[i * 4 + 1] > decoded[i * 4 + 3]) throw new RangeError(`${ctx.op.opName} (operator ${ctx.op.index}): decoded box ${i} has its minimum above its maximum`);
  }
  const keep: number[] = [];
  const keepScores: number[] = [];
  for (let i = 0; i < numBoxes; i++) {
    if (scores[i] >= o.nmsScoreThreshold) {
      keep.push(i);
      keepScores.push(scores[i]);
    }
  }
  const sorted = decreasingOrder(keepScores, keep.length);
  const outputSize = Math.min(keep.length, max);
  const active = new Uint8Array(keep.length).fill(1);
  let numActive = keep.length;
  const selected: number[] = [];
  for (let i = 0; i < keep.length; i++) {
    if (numActive === 0 || selected.length >= outputSize) break;
    if (active[i] !== 1) continue;
    selected.push(keep[sorted[i]]);
    active[i] = 0;
    numActive--;
    for (let j = i + 1; j < keep.length; j++) {
      if (active[j] === 1 && intersectionOverUnion(decoded, keep[sorted[i]], keep[sorted[j]]) > o.nmsIouThreshold) {
        active[j] = 0;
        numActive--;
      }
    }
  }
  return selected;
}

interface ScoreShape {
  numBoxes: number;
  withBackground: number;
  labelOffset: number;
}
interface Outputs {
  boxes: Float32Array;
  classes: Float32Array;
  scores: Float32Array;
}

function writeDetection(out: Outputs, at: number, decoded: Float32Array, box: number, cls: number, score: number): void {
  out.boxes.set(decoded.subarray(box * 4, box * 4 + 4), at * 4);
  out.classes[at] = cls;
  out.scores[at] = score;
}

/**
 * NMS per class over all anchors, keeping the best max_detections across classes: each class's selection (best
 * first) is merged into the kept list as TFLite's std::inplace_merge with `a.score >= b.score` does, which puts a
 * later class before an earlier one on equal scores.
 */
function regularNms(ctx: KernelContext, decoded: Float32Array, scores: Float32Array, o: DetectionOptions, s: ScoreShape, out: Outputs): number {
  const classScores = new Float32Array(s.numBoxes);
  const perClass = Math.min(o.detectionsPerClass, o.maxDetections);
  // kept candidates as flat score indices (anchor × classes with background + class), with their scores
  let kept: Array<{ index: number; score: number }> = [];
  for (let c = 0; c < o.numClasses; c++) {
    for (let r = 0; r < s.numBoxes; r++) classScores[r] = scores[r * s.withBackground + c + s.labelOffset];
    const selected = singleClassNms(ctx, decoded, classScores, s.numBoxes, o, perClass).map((b) => ({ index: b * s.withBackground + c + s.labelOffset, score: classScores[b] }));
    if (selected.length === 0) continue;
    const merged: Array<{ index: number; score: number }> = [];
    let i = 0;
    let j = 0;
    while (i < kept.length || j < selected.length) {
      if (j < selected.length && (i >= kept.length || selected[j].score >= kept[i].score)) merged.push(selected[j++]);
      else merged.push(kept[i++]);
    }
    kept = merged.slice(0, o.maxDetections);
  }
  kept.forEach(({ index, score }, at) => {
    const anchor = Math.floor(index / s.withBackground);
    writeDetection(out, at, decoded, anchor, index - anchor * s.withBackground - s.labelOffset, score);
  });
  return kept.length;
}

/** NMS once over each anchor's best class score; each kept anchor reports its top max_classes_per_detection classes. */
function fastNms(ctx: KernelContext, decoded: Float32Array, scores: Float32Array, o: DetectionOptions, s: ScoreShape, out: Outputs): number {
  const perAnchor = Math.min(o.maxClassesPerDetection, o.numClasses);
  const maxScores = new Float32Array(s.numBoxes);
  const topClasses: number[][] = [];
  for (let r = 0; r < s.numBoxes; r++) {
    const offset = r * s.withBackground + s.labelOffset;
    const top = topIndices(scores, offset, o.numClasses, perAnchor);
    topClasses.push(top);
    maxScores[r] = scores[offset + top[0]];
  }
  const selected = singleClassNms(ctx, decoded, maxScores, s.numBoxes, o, o.maxDetections);
  selected.forEach((box, n) => {
    const offset = box * s.withBackground + s.labelOffset;
    for (let c = 0; c < perAnchor; c++) {
      const cls = topClasses[box][c];
      writeDetection(out, o.maxClassesPerDetection * n + c, decoded, box, cls, scores[offset + cls]);
    }
  });
  return selected.length;
}
