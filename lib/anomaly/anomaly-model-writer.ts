/**
 * Writes the reefer anomaly model as a TFLite model: normalise the raw window (MUL, ADD), an autoencoder of
 * FULLY_CONNECTED layers, then the mean squared reconstruction error (SUB, MUL, MEAN), so the model's one
 * output is the anomaly score and a flow feeds it raw readings.
 */
import type { Builder } from "flatbuffers";
import { ModelBuilder, float32Bytes } from "../tflite/model-builder";
import { Activation, BuiltinOperator, BuiltinOptionsType, F, TensorType } from "../tflite/schema";

export interface DenseLayer {
  /** [out][in] */
  weights: number[][];
  bias: number[];
  relu: boolean;
}

export interface AnomalyModel {
  /** per input element: x_norm = (x - mean) * scale */
  mean: number[];
  scale: number[];
  layers: DenseLayer[];
}

/** An options table holding one fused activation (Add/Sub/Mul/FullyConnected options all start with it). */
const fused = (slot: number, activation: number) => (b: Builder) => {
  b.startObject(slot + 1);
  b.addFieldInt8(slot, activation, 0);
  return b.endObject();
};

export function writeAnomalyModel(model: AnomalyModel): Buffer {
  const n = model.mean.length;
  const m = new ModelBuilder();
  const f32 = (name: string, shape: number[], values?: number[]) => m.addTensor({ name, shape, type: TensorType.FLOAT32, data: values ? float32Bytes(values) : undefined });
  const binary = (builtin: number, optionsType: number, slot: number, a: number, b: number, name: string) => {
    const out = f32(name, [1, n]);
    m.addOperator({ builtin, inputs: [a, b], outputs: [out], optionsType, options: fused(slot, Activation.NONE) });
    return out;
  };

  const input = f32("window", [1, n]);
  const scale = f32("norm/scale", [1, n], model.scale);
  const shift = f32("norm/shift", [1, n], model.mean.map((v, i) => -v * model.scale[i]));
  const scaled = binary(BuiltinOperator.MUL, BuiltinOptionsType.MulOptions, F.MulOptions.fused_activation_function, input, scale, "norm/scaled");
  const normalised = binary(BuiltinOperator.ADD, BuiltinOptionsType.AddOptions, F.AddOptions.fused_activation_function, scaled, shift, "norm/out");

  let h = normalised;
  model.layers.forEach((layer, i) => {
    const units = layer.bias.length;
    const w = f32(`dense${i}/weights`, [units, layer.weights[0].length], layer.weights.flat());
    const bias = f32(`dense${i}/bias`, [units], layer.bias);
    const y = f32(`dense${i}/out`, [1, units]);
    const activation = layer.relu ? Activation.RELU : Activation.NONE;
    m.addOperator({ builtin: BuiltinOperator.FULLY_CONNECTED, inputs: [h, w, bias], outputs: [y], optionsType: BuiltinOptionsType.FullyConnectedOptions, options: fused(F.FullyConnectedOptions.fused_activation_function, activation) });
    h = y;
  });

  const diff = binary(BuiltinOperator.SUB, BuiltinOptionsType.SubOptions, F.SubOptions.fused_activation_function, h, normalised, "error/diff");
  const squared = binary(BuiltinOperator.MUL, BuiltinOptionsType.MulOptions, F.MulOptions.fused_activation_function, diff, diff, "error/squared");
  const axis = m.addTensor({ name: "error/axis", shape: [1], type: TensorType.INT32, data: new Uint8Array(Int32Array.of(1).buffer) });
  const score = f32("anomaly_score", [1, 1]);
  m.addOperator({
    builtin: BuiltinOperator.MEAN,
    inputs: [squared, axis],
    outputs: [score],
    optionsType: BuiltinOptionsType.ReducerOptions,
    options: (b) => {
      b.startObject(1);
      b.addFieldInt8(F.ReducerOptions.keep_dims, 1, 0);
      return b.endObject();
    },
  });
  return Buffer.from(m.finish([input], [score], "edge-ai reefer anomaly autoencoder (scripts/train-anomaly-model.ts)"));
}
