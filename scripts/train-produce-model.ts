/**
 * Trains the showcase's produce-quality image model (fresh / ripe / spoiled) on the simulator's camera images
 * and writes it as .tflite with the pack's model builder: RESHAPE of a 16×16 RGB image (0..1) into a vector,
 * two FULLY_CONNECTED layers, SOFTMAX.
 *   npx tsx scripts/train-produce-model.ts
 */
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { SeededRandom } from "../lib/sim/random";
import { produceImage, PRODUCE_QUALITIES } from "../lib/sim/produce-camera";
import { decodeImage, imageToValues } from "../lib/tflite/image-input";
import { ModelBuilder, float32Bytes } from "../lib/tflite/model-builder";
import { Activation, BuiltinOperator, BuiltinOptionsType, F, TensorType } from "../lib/tflite/schema";

const SIDE = 16;
const OUT_DIR = path.resolve(__dirname, "../lib/models");

function dataset(seed: number, perClass: number): { x: number[][]; y: number[] } {
  const rnd = new SeededRandom(seed);
  const x: number[][] = [];
  const y: number[] = [];
  PRODUCE_QUALITIES.forEach((q, label) => {
    for (let i = 0; i < perClass; i++) {
      x.push(Array.from(imageToValues(decodeImage(produceImage(rnd, q)), SIDE, SIDE, 3, "0..1")));
      y.push(label);
    }
  });
  return { x, y };
}

function writeModel(layers: Array<{ weights: number[][]; bias: number[]; relu: boolean }>): Uint8Array {
  const m = new ModelBuilder();
  const n = SIDE * SIDE * 3;
  const image = m.addTensor({ name: "image", shape: [1, SIDE, SIDE, 3], type: TensorType.FLOAT32 });
  const newShape = m.addTensor({ name: "flatten/shape", shape: [2], type: TensorType.INT32, data: new Uint8Array(Int32Array.of(1, n).buffer) });
  let x = m.addTensor({ name: "flatten/out", shape: [1, n], type: TensorType.FLOAT32 });
  m.addOperator({
    builtin: BuiltinOperator.RESHAPE,
    inputs: [image, newShape],
    outputs: [x],
    optionsType: BuiltinOptionsType.ReshapeOptions,
    options: (b) => {
      b.startVector(4, 2, 4);
      b.addInt32(n);
      b.addInt32(1);
      const shape = b.endVector();
      b.startObject(1);
      b.addFieldOffset(F.ReshapeOptions.new_shape, shape, 0);
      return b.endObject();
    },
  });
  layers.forEach((layer, i) => {
    const units = layer.bias.length;
    const w = m.addTensor({ name: `dense${i}/weights`, shape: [units, layer.weights[0].length], type: TensorType.FLOAT32, data: float32Bytes(layer.weights.flat()) });
    const bias = m.addTensor({ name: `dense${i}/bias`, shape: [units], type: TensorType.FLOAT32, data: float32Bytes(layer.bias) });
    const y = m.addTensor({ name: `dense${i}/out`, shape: [1, units], type: TensorType.FLOAT32 });
    m.addOperator({
      builtin: BuiltinOperator.FULLY_CONNECTED,
      inputs: [x, w, bias],
      outputs: [y],
      optionsType: BuiltinOptionsType.FullyConnectedOptions,
      options: (b) => {
        b.startObject(1);
        b.addFieldInt8(F.FullyConnectedOptions.fused_activation_function, layer.relu ? Activation.RELU : Activation.NONE, 0);
        return b.endObject();
      },
    });
    x = y;
  });
  const probs = m.addTensor({ name: "quality", shape: [1, PRODUCE_QUALITIES.length], type: TensorType.FLOAT32 });
  m.addOperator({
    builtin: BuiltinOperator.SOFTMAX,
    inputs: [x],
    outputs: [probs],
    optionsType: BuiltinOptionsType.SoftmaxOptions,
    options: (b) => {
      b.startObject(1);
      b.addFieldFloat32(F.SoftmaxOptions.beta, 1, 0);
      return b.endObject();
    },
  });
  return m.finish([image], [probs], "edge-ai produce quality classifier (scripts/train-produce-model.ts)");
}

async function main(): Promise<void> {
  await tf.setBackend("cpu");
  const train = dataset(1, 600);
  const test = dataset(2, 200);
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [SIDE * SIDE * 3], units: 32, activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
  model.add(tf.layers.dense({ units: PRODUCE_QUALITIES.length, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  model.compile({ optimizer: tf.train.adam(0.003), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  await model.fit(tf.tensor2d(train.x), tf.tensor1d(train.y, "float32"), { epochs: 30, batchSize: 64, shuffle: true, verbose: 0 });
  const predicted = (model.predict(tf.tensor2d(test.x)) as tf.Tensor).argMax(1).arraySync() as number[];
  const confusion = PRODUCE_QUALITIES.map(() => PRODUCE_QUALITIES.map(() => 0));
  predicted.forEach((p, i) => confusion[test.y[i]][p]++);
  const accuracy = predicted.filter((p, i) => p === test.y[i]).length / predicted.length;
  const layers = model.layers.map((layer, i) => {
    const [kernel, bias] = layer.getWeights();
    const k = kernel.arraySync() as number[][];
    return { weights: k[0].map((_, o) => k.map((row) => row[o])), bias: bias.arraySync() as number[], relu: i < model.layers.length - 1 };
  });
  fs.writeFileSync(path.join(OUT_DIR, "produce-quality.tflite"), writeModel(layers));
  fs.writeFileSync(path.join(OUT_DIR, "produce-quality.labels.txt"), PRODUCE_QUALITIES.join("\n") + "\n");
  const report = {
    model: "produce-quality.tflite",
    input: `a camera image, resized to ${SIDE}×${SIDE} RGB, values 0..1: shape [1, ${SIDE}, ${SIDE}, 3]`,
    output: `probabilities of ${PRODUCE_QUALITIES.join(", ")}`,
    trainedOn: `${train.x.length} simulated crate images`,
    heldOut: { images: test.x.length, accuracy: Number(accuracy.toFixed(4)), confusion: { rows: "true class", columns: "predicted", labels: PRODUCE_QUALITIES, matrix: confusion } },
  };
  fs.writeFileSync(path.join(OUT_DIR, "produce-quality.report.json"), JSON.stringify(report, null, 2) + "\n");
  console.log(JSON.stringify(report, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
