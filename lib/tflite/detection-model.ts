/**
 * Writes TFLite_Detection_PostProcess operators with the model builder: the options as a FlexBuffers map, the
 * four float outputs sized from them. `detectionPostProcessModel` is the one-operator model (or with DEQUANTIZE
 * in front) for conformance tests; `ssdLikeModel` a small SSD head (conv → reshape → concat → logistic →
 * post-process) to run end to end.
 */
import { ModelBuilder, elementBytes, float32Bytes, optionsTable, type TensorSpec } from "./model-builder";
import { flexMap } from "./flexbuffer-writer";
import { BuiltinOperator, BuiltinOptionsType, F, Padding, TensorType } from "./schema";

export interface DetectionOptionsSpec {
  maxDetections: number;
  maxClassesPerDetection: number;
  /** absent: TFLite's default 100 */
  detectionsPerClass?: number;
  /** absent: false (fast NMS) */
  useRegularNms?: boolean;
  nmsScoreThreshold: number;
  nmsIouThreshold: number;
  numClasses: number;
  yScale: number;
  xScale: number;
  hScale: number;
  wScale: number;
}

export function detectionOptionsBytes(o: DetectionOptionsSpec): Uint8Array {
  return flexMap({
    max_detections: { int: o.maxDetections },
    max_classes_per_detection: { int: o.maxClassesPerDetection },
    ...(o.detectionsPerClass === undefined ? {} : { detections_per_class: { int: o.detectionsPerClass } }),
    ...(o.useRegularNms === undefined ? {} : { use_regular_nms: { bool: o.useRegularNms } }),
    nms_score_threshold: { float: o.nmsScoreThreshold },
    nms_iou_threshold: { float: o.nmsIouThreshold },
    num_classes: { int: o.numClasses },
    y_scale: { float: o.yScale },
    x_scale: { float: o.xScale },
    h_scale: { float: o.hScale },
    w_scale: { float: o.wScale },
  });
}

/** Adds the operator on tensors `boxes`, `scores`, `anchors`; returns its four output tensors. */
export function addDetectionPostProcess(m: ModelBuilder, inputs: [number, number, number], o: DetectionOptionsSpec): number[] {
  const n = o.maxDetections * o.maxClassesPerDetection;
  const outs = [
    m.addTensor({ name: "detection_boxes", shape: [1, n, 4], type: TensorType.FLOAT32 }),
    m.addTensor({ name: "detection_classes", shape: [1, n], type: TensorType.FLOAT32 }),
    m.addTensor({ name: "detection_scores", shape: [1, n], type: TensorType.FLOAT32 }),
    m.addTensor({ name: "num_detections", shape: [1], type: TensorType.FLOAT32 }),
  ];
  m.addOperator({ builtin: BuiltinOperator.CUSTOM, custom: "TFLite_Detection_PostProcess", inputs, outputs: outs, customOptions: detectionOptionsBytes(o) });
  return outs;
}

type Quant = TensorSpec["quantization"];

export interface DetectionModelSpec {
  numBoxes: number;
  /** classes in the scores tensor (num_classes, or num_classes + 1 with a background class first) */
  scoreClasses: number;
  /** values per box encoding (≥ 4; keypoint models have more) */
  encodingLength?: number;
  boxType: TensorType;
  boxQuant?: Quant;
  scoreType: TensorType;
  scoreQuant?: Quant;
  /** constant anchors: float values, or raw quantized values with anchorQuant */
  anchors: number[];
  anchorType: TensorType;
  anchorQuant?: Quant;
  /** put DEQUANTIZE before the operator for quantized boxes and scores (how some converters write it) */
  dequantizeFirst?: boolean;
  options: DetectionOptionsSpec;
}

/** Inputs: box encodings [1, boxes, length] and scores [1, boxes, classes]; outputs: the operator's four. */
export function detectionPostProcessModel(spec: DetectionModelSpec): Uint8Array {
  const m = new ModelBuilder();
  const length = spec.encodingLength ?? 4;
  const boxes = m.addTensor({ name: "box_encodings", shape: [1, spec.numBoxes, length], type: spec.boxType, quantization: spec.boxQuant });
  const scores = m.addTensor({ name: "class_scores", shape: [1, spec.numBoxes, spec.scoreClasses], type: spec.scoreType, quantization: spec.scoreQuant });
  const anchors = m.addTensor({ name: "anchors", shape: [spec.numBoxes, 4], type: spec.anchorType, quantization: spec.anchorQuant, data: elementBytes(spec.anchorType, spec.anchors) });
  let [b, s] = [boxes, scores];
  if (spec.dequantizeFirst) {
    const bf = m.addTensor({ name: "box_encodings_float", shape: [1, spec.numBoxes, length], type: TensorType.FLOAT32 });
    const sf = m.addTensor({ name: "class_scores_float", shape: [1, spec.numBoxes, spec.scoreClasses], type: TensorType.FLOAT32 });
    m.addOperator({ builtin: BuiltinOperator.DEQUANTIZE, inputs: [boxes], outputs: [bf] });
    m.addOperator({ builtin: BuiltinOperator.DEQUANTIZE, inputs: [scores], outputs: [sf] });
    [b, s] = [bf, sf];
  }
  const outs = addDetectionPostProcess(m, [b, s, anchors], spec.options);
  return m.finish([boxes, scores], outs);
}

/**
 * An SSD-like detector: image [1, h, w, 3] → a 1×1 CONV_2D box head (4 per anchor) and class head (classes +
 * background per anchor), one anchor per pixel → RESHAPE to [1, h·w, …] → CONCATENATION (of the single feature map
 * with itself as a second anchor layer) → LOGISTIC on the class logits → TFLite_Detection_PostProcess. Anchors are
 * centred on the pixels, of size `anchorSize` (twice that in the second layer). `uint8`: quantized throughout as the
 * Coral SSD models are (image 0..255, uint8 weights, int32 biases, uint8 activations, anchors and post-process
 * inputs).
 */
export function ssdLikeModel(spec: { height: number; width: number; boxWeights: number[][]; classWeights: number[][]; anchorSize: number; options: DetectionOptionsSpec; uint8?: boolean }): Uint8Array {
  const { height: h, width: w } = spec;
  const q = spec.uint8 === true;
  const classes = spec.classWeights.length;
  const m = new ModelBuilder();
  const act = q ? TensorType.UINT8 : TensorType.FLOAT32;
  const imageQuant = q ? { scale: [1 / 255], zeroPoint: [0] } : undefined;
  // heads' outputs in ±6.4 (box encodings and logits)
  const headQuant = q ? { scale: [0.05], zeroPoint: [128] } : undefined;
  const image = m.addTensor({ name: "image", shape: [1, h, w, 3], type: act, quantization: imageQuant });
  const conv = (name: string, weights: number[][]) => {
    const out = weights.length;
    const flat = weights.flat();
    const filterScale = Math.max(1e-6, ...flat.map(Math.abs)) / 127;
    const filter = q
      ? m.addTensor({ name: `${name}/filter`, shape: [out, 1, 1, 3], type: TensorType.UINT8, quantization: { scale: [filterScale], zeroPoint: [128] }, data: elementBytes(TensorType.UINT8, flat.map((v) => Math.round(v / filterScale) + 128)) })
      : m.addTensor({ name: `${name}/filter`, shape: [out, 1, 1, 3], type: TensorType.FLOAT32, data: float32Bytes(flat) });
    const bias = q
      ? m.addTensor({ name: `${name}/bias`, shape: [out], type: TensorType.INT32, quantization: { scale: [filterScale / 255], zeroPoint: [0] }, data: elementBytes(TensorType.INT32, new Array<number>(out).fill(0)) })
      : m.addTensor({ name: `${name}/bias`, shape: [out], type: TensorType.FLOAT32, data: float32Bytes(new Array<number>(out).fill(0)) });
    const y = m.addTensor({ name, shape: [1, h, w, out], type: act, quantization: headQuant });
    m.addOperator({
      builtin: BuiltinOperator.CONV_2D,
      inputs: [image, filter, bias],
      outputs: [y],
      optionsType: BuiltinOptionsType.Conv2DOptions,
      options: optionsTable([
        { slot: F.Conv2DOptions.padding, kind: "int8", value: Padding.SAME },
        { slot: F.Conv2DOptions.stride_w, kind: "int32", value: 1 },
        { slot: F.Conv2DOptions.stride_h, kind: "int32", value: 1 },
      ]),
    });
    const shape = m.addTensor({ name: `${name}/shape`, shape: [3], type: TensorType.INT32, data: elementBytes(TensorType.INT32, [1, h * w, out]) });
    const r = m.addTensor({ name: `${name}/reshaped`, shape: [1, h * w, out], type: act, quantization: headQuant });
    m.addOperator({ builtin: BuiltinOperator.RESHAPE, inputs: [y, shape], outputs: [r] });
    const c = m.addTensor({ name: `${name}/concat`, shape: [1, 2 * h * w, out], type: act, quantization: headQuant });
    m.addOperator({
      builtin: BuiltinOperator.CONCATENATION,
      inputs: [r, r],
      outputs: [c],
      optionsType: BuiltinOptionsType.ConcatenationOptions,
      options: optionsTable([{ slot: F.ConcatenationOptions.axis, kind: "int32", value: 1 }]),
    });
    return c;
  };
  const boxes = conv("box_head", spec.boxWeights);
  const logits = conv("class_head", spec.classWeights);
  // TFLite's uint8 LOGISTIC needs an output scale of 1/256 and zero point 0
  const scores = m.addTensor({ name: "class_scores", shape: [1, 2 * h * w, classes], type: act, quantization: q ? { scale: [1 / 256], zeroPoint: [0] } : undefined });
  m.addOperator({ builtin: BuiltinOperator.LOGISTIC, inputs: [logits], outputs: [scores] });
  const anchors: number[] = [];
  for (let layer = 0; layer < 2; layer++) {
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) anchors.push((y + 0.5) / h, (x + 0.5) / w, spec.anchorSize * (layer + 1), spec.anchorSize * (layer + 1));
  }
  const anchorScale = 1 / 255;
  const anchorTensor = q
    ? m.addTensor({ name: "anchors", shape: [2 * h * w, 4], type: TensorType.UINT8, quantization: { scale: [anchorScale], zeroPoint: [0] }, data: elementBytes(TensorType.UINT8, anchors.map((v) => Math.min(255, Math.round(v / anchorScale)))) })
    : m.addTensor({ name: "anchors", shape: [2 * h * w, 4], type: TensorType.FLOAT32, data: float32Bytes(anchors) });
  const outs = addDetectionPostProcess(m, [boxes, scores, anchorTensor], spec.options);
  return m.finish([image], outs);
}
