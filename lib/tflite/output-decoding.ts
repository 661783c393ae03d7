/**
 * Turns the output tensors of detection and segmentation models into what a flow uses: detections (box, class,
 * label, score) split at a score threshold, or a class per pixel. Knows nothing of Node-RED or of the worker pool.
 */
import { dequantizeValues } from "./tensor-info";

/** An output tensor as the inference worker returns it. */
export interface OutputTensor {
  name: string;
  dtype: string;
  shape: number[];
  data: ArrayLike<number | bigint> & { length: number };
  scale: number;
  zeroPoint: number;
}

export interface Detection {
  label: string;
  class: number;
  score: number;
  /** corners relative to the image (0..1), as SSD models give them */
  box: { ymin: number; xmin: number; ymax: number; xmax: number };
}

const size = (t: OutputTensor) => t.shape.reduce((a, b) => a * b, 1);

/**
 * Which outputs are boxes [1, n, 4], classes [1, n], scores [1, n] and count [1]: TFLite_Detection_PostProcess
 * writes them in that order, but converters reorder graph outputs (TF2 models list scores first), so the boxes
 * and count are found by shape, classes and scores by name, else by which holds whole numbers, else by order.
 */
export function detectionOutputs(outputs: OutputTensor[]): { boxes: number[]; classes: number[]; scores: number[]; count: number } {
  const boxes = outputs.find((t) => t.shape.length >= 2 && t.shape[t.shape.length - 1] === 4);
  if (!boxes || outputs.length < 3) {
    throw new Error(`"detect" needs a detection model's outputs (boxes [1, n, 4], classes and scores [1, n], count), as TFLite_Detection_PostProcess gives; this model has ${outputs.length} output(s): ${outputs.map((t) => `[${t.shape}]`).join(", ")}`);
  }
  const n = size(boxes) / 4;
  const count = outputs.find((t) => t !== boxes && size(t) === 1);
  const rest = outputs.filter((t) => t !== boxes && t !== count && size(t) === n);
  if (rest.length < 2) throw new Error(`"detect" found boxes [${boxes.shape}] but not classes and scores of ${n} values each`);
  let [classes, scores] = rest;
  const named = (word: string) => rest.find((t) => t.name.toLowerCase().includes(word));
  const whole = (t: OutputTensor) => Array.from(t.data, Number).every((v) => Number.isInteger(v));
  if (named("class") && named("score")) [classes, scores] = [named("class")!, named("score")!];
  else if (whole(scores) && !whole(classes)) [classes, scores] = [scores, classes];
  const real = (t: OutputTensor) => dequantizeValues(t, t.data);
  const boxValues = real(boxes);
  return { boxes: boxValues, classes: real(classes), scores: real(scores), count: count ? Math.min(n, Math.max(0, Math.round(real(count)[0]))) : n };
}

/** The model's detections, best first as the model ranks them, split at `threshold` (at or above / below). */
export function decodeDetections(outputs: OutputTensor[], labels: readonly string[], threshold: number): { above: Detection[]; below: Detection[] } {
  const d = detectionOutputs(outputs);
  const above: Detection[] = [];
  const below: Detection[] = [];
  for (let i = 0; i < d.count; i++) {
    const cls = Math.round(d.classes[i]);
    const [ymin, xmin, ymax, xmax] = d.boxes.slice(i * 4, i * 4 + 4);
    const det: Detection = { label: labels[cls] ?? String(cls), class: cls, score: d.scores[i], box: { ymin, xmin, ymax, xmax } };
    (det.score >= threshold ? above : below).push(det);
  }
  return { above, below };
}

export interface Segmentation {
  /** class index per pixel, row by row */
  classes: Uint8Array | Uint16Array;
  /** [height, width] */
  shape: [number, number];
  height: number;
  width: number;
  /** name of each class index up to the largest present (the labels file, else the index) */
  labels: string[];
  /** classes present, most pixels first */
  present: Array<{ class: number; label: string; pixels: number; fraction: number }>;
}

/**
 * Class per pixel from the first output: [1, h, w] (or [1, h, w, 1]) of class indices, as models ending in
 * ARG_MAX give (DeepLab on Coral), or [1, h, w, classes] of scores, whose arg-max per pixel is taken.
 */
export function decodeSegmentation(outputs: OutputTensor[], labels: readonly string[]): Segmentation {
  const t = outputs[0];
  if (!t) throw new Error(`"segment" needs a model with an output`);
  const dims = t.shape[0] === 1 ? t.shape.slice(1) : [...t.shape];
  if (dims.length === 3 && dims[2] === 1) dims.pop();
  if (dims.length !== 2 && dims.length !== 3) throw new Error(`"segment" needs an output [1, height, width] of classes or [1, height, width, classes] of scores, this model gives [${t.shape}]`);
  const [height, width] = dims;
  const depth = dims.length === 3 ? dims[2] : 1;
  const pixels = height * width;
  const index = new Int32Array(pixels);
  const data = t.data;
  if (depth === 1) {
    for (let p = 0; p < pixels; p++) index[p] = Number(data[p]);
  } else {
    // raw elements order as the real values do (a quantization scale is positive)
    for (let p = 0; p < pixels; p++) {
      let best = 0;
      let bestValue = Number(data[p * depth]);
      for (let c = 1; c < depth; c++) {
        const v = Number(data[p * depth + c]);
        if (v > bestValue) [best, bestValue] = [c, v];
      }
      index[p] = best;
    }
  }
  let max = 0;
  for (let p = 0; p < pixels; p++) {
    const c = index[p];
    if (!Number.isInteger(c) || c < 0 || c > 65535) throw new Error(`"segment": pixel ${p} has class ${c}, not an index from 0 to 65535`);
    if (c > max) max = c;
  }
  const classes = max < 256 ? Uint8Array.from(index) : Uint16Array.from(index);
  const counts = new Array<number>(max + 1).fill(0);
  for (let p = 0; p < pixels; p++) counts[index[p]]++;
  const names = counts.map((_, c) => labels[c] ?? String(c));
  const present = counts
    .map((n, c) => ({ class: c, label: names[c], pixels: n, fraction: n / pixels }))
    .filter((c) => c.pixels > 0)
    .sort((a, b) => b.pixels - a.pixels || a.class - b.class);
  return { classes, shape: [height, width], height, width, labels: names, present };
}
