/**
 * Output decoding of detection and segmentation models (lib/tflite/output-decoding.ts), on hand-written output
 * tensors: the outputs found in TF2's order too, dequantized, split at the threshold; class per pixel from class
 * indices or from scores, its typed array by the number of classes, and the errors a wrong model gets.
 */
import { strict as assert } from "assert";
import { decodeDetections, decodeSegmentation, type OutputTensor } from "../../lib/tflite/output-decoding";

const tensor = (name: string, shape: number[], data: ArrayLike<number | bigint> & { length: number }, dtype = "float32", scale = 0, zeroPoint = 0): OutputTensor => ({ name, shape, data, dtype, scale, zeroPoint });

describe("tflite output decoding", function () {
  const boxes = tensor("TFLite_Detection_PostProcess", [1, 3, 4], Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.5, 0.9, 0.9, 0, 0, 0, 0]));
  const classes = tensor("TFLite_Detection_PostProcess:1", [1, 3], Float32Array.from([2, 0, 0]));
  const scores = tensor("TFLite_Detection_PostProcess:2", [1, 3], Float32Array.from([0.9, 0.4, 0]));
  const count = tensor("TFLite_Detection_PostProcess:3", [1], Float32Array.from([2]));

  it("detections in the operator's order: count of them, labels by class, split at the threshold", function () {
    const { above, below } = decodeDetections([boxes, classes, scores, count], ["cat", "dog", "bird"], 0.5);
    assert.deepEqual(above, [{ label: "bird", class: 2, score: Math.fround(0.9), box: { ymin: Math.fround(0.1), xmin: Math.fround(0.2), ymax: Math.fround(0.3), xmax: Math.fround(0.4) } }]);
    assert.deepEqual(below, [{ label: "cat", class: 0, score: Math.fround(0.4), box: { ymin: 0.5, xmin: 0.5, ymax: Math.fround(0.9), xmax: Math.fround(0.9) } }]);
  });

  it("detections in TF2's order (scores, boxes, count, classes), found by name; unnamed ones by which holds whole numbers", function () {
    const tf2 = [tensor("StatefulPartitionedCall:1 scores", [1, 3], scores.data), tensor("boxes", [1, 3, 4], boxes.data), tensor("num", [1], count.data), tensor("StatefulPartitionedCall:2 classes", [1, 3], classes.data)];
    assert.deepEqual(decodeDetections(tf2, [], 0.5).above.map((d) => [d.class, d.label]), [[2, "2"]]);
    const unnamed = [tensor("a", [1, 3], scores.data), tensor("b", [1, 3, 4], boxes.data), tensor("c", [1, 3], classes.data), tensor("d", [1], count.data)];
    assert.deepEqual(decodeDetections(unnamed, [], 0.5).above.map((d) => d.class), [2]);
  });

  it("refuses a model whose outputs are no detections", function () {
    assert.throws(() => decodeDetections([tensor("y", [1, 10], new Float32Array(10))], [], 0.5), /"detect" needs a detection model's outputs/);
  });

  it("segmentation from class indices (int64, as ARG_MAX gives) and from scores (quantized, arg-max per pixel)", function () {
    const indices = decodeSegmentation([tensor("ArgMax", [1, 2, 3], BigInt64Array.from([0n, 1n, 1n, 4n, 0n, 1n]), "int64")], ["bg", "a", "b", "c", "d"]);
    assert.ok(indices.classes instanceof Uint8Array);
    assert.deepEqual(Array.from(indices.classes), [0, 1, 1, 4, 0, 1]);
    assert.deepEqual(indices.shape, [2, 3]);
    assert.deepEqual(indices.labels, ["bg", "a", "b", "c", "d"]);
    assert.deepEqual(
      indices.present.map((p) => [p.label, p.pixels]),
      [
        ["a", 3],
        ["bg", 2],
        ["d", 1],
      ],
    );
    // [1, 1, 2, 3] uint8 scores: pixel 0 → class 2, pixel 1 → class 0 (first of the tied maxima)
    const fromScores = decodeSegmentation([tensor("logits", [1, 1, 2, 3], Uint8Array.from([10, 20, 30, 50, 50, 7]), "uint8", 0.1, 3)], []);
    assert.deepEqual(Array.from(fromScores.classes), [2, 0]);
    assert.deepEqual(fromScores.labels, ["0", "1", "2"]);
  });

  it("segmentation past 256 classes is a Uint16Array; a shape or class it cannot use is refused", function () {
    const many = decodeSegmentation([tensor("ArgMax", [1, 1, 2], Int32Array.from([300, 2]), "int32")], []);
    assert.ok(many.classes instanceof Uint16Array);
    assert.deepEqual(Array.from(many.classes), [300, 2]);
    assert.throws(() => decodeSegmentation([tensor("y", [1, 10], new Float32Array(10))], []), /"segment" needs an output \[1, height, width\]/);
    assert.throws(() => decodeSegmentation([tensor("ArgMax", [1, 1, 2], Int32Array.from([-1, 2]), "int32")], []), /pixel 0 has class -1/);
  });
});
