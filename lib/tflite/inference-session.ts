/**
 * Everything edge-tflite does with a model, without Node-RED: hold the loaded model (a worker pool), turn a
 * message payload into input tensors, run, and shape the result (raw tensors, labels with scores and an
 * arg-max, or an autoencoder's anomaly score).
 */
import { InferencePool, type RawOutput } from "./worker-pool";
import { describeModel, dequantizeValues, quantizeValues, type TensorInfo } from "./tensor-info";
import { decodeImage, detectImage, imageToValues, type Normalisation } from "./image-input";
import { SlidingWindows, isEdgeEvent } from "./sliding-window";
import { decodeDetections, decodeSegmentation } from "./output-decoding";
import { TensorType } from "./schema";

export type OutputMode = "tensors" | "classify" | "anomaly" | "detect" | "segment";
export type InputMode = "auto" | "window";

export interface SessionOptions {
  output: OutputMode;
  input: InputMode;
  normalise: Normalisation;
  labels: string[];
  threshold: number;
  windowResources: string[];
  poolSize: number;
  maxQueue: number;
  /** whose integer rounding to reproduce: TFLite's reference kernels, or its XNNPACK delegate (see docs/TFLITE-ARITHMETICS.md) */
  arithmetic?: "reference" | "xnnpack";
}

export interface Inference {
  /** undefined while a sliding window is still filling */
  payload?: unknown;
  /** true when the result is at or above the threshold (classify: confidence; anomaly: score; detect: some detection) */
  aboveThreshold: boolean;
  /** detect: the detections below the threshold (for the second output) */
  below?: unknown;
  ms: number;
}

export class TfliteSession {
  private pool?: InferencePool;
  private info?: { inputs: TensorInfo[]; outputs: TensorInfo[] };
  private windows?: SlidingWindows;
  version = 0;

  constructor(readonly options: SessionOptions) {}

  get loaded(): boolean {
    return this.pool !== undefined;
  }

  get waiting(): number {
    return this.pool?.waiting ?? 0;
  }

  /** Loads (or replaces) the model; the previous one keeps serving until the new one is ready. */
  async load(bytes: Uint8Array): Promise<void> {
    const info = describeModel(bytes);
    const pool = new InferencePool(this.options.poolSize, this.options.maxQueue);
    try {
      await pool.load(bytes, false, this.options.arithmetic)
    } catch (err) {
      await pool.close();
      throw err;
    }
    const old = this.pool;
    this.pool = pool;
    this.info = info;
    this.version++;
    if (this.options.input === "window") {
      const first = info.inputs[0];
      const rows = first.size / Math.max(1, this.options.windowResources.length);
      if (!Number.isInteger(rows) || this.options.windowResources.length === 0) {
        throw new Error(`input [${first.shape}] is not a whole number of rows of ${this.options.windowResources.length} resource(s)`);
      }
      this.windows = new SlidingWindows(rows, this.options.windowResources);
    }
    if (old) void old.close();
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
  }

  async infer(payload: unknown): Promise<Inference> {
    if (!this.pool || !this.info) throw new Error("no model loaded");
    const info = this.info;
    let inputs: ArrayLike<number>[];
    let realInput: number[] | undefined;
    if (this.options.output === "tensors") {
      inputs = rawInputs(payload, info.inputs);
    } else {
      let values: ArrayLike<number>;
      if (this.options.input === "window") {
        if (!isEdgeEvent(payload)) throw new Error("window input needs a normalised event (deviceName, readings) in msg.payload");
        const w = this.windows!.push(payload);
        if (!w) return { payload: undefined, aboveThreshold: false, ms: 0 };
        values = w;
      } else {
        values = realValues(payload, info.inputs[0], this.options.normalise);
      }
      if (values.length !== info.inputs[0].size) throw new Error(`the model's input [${info.inputs[0].shape}] needs ${info.inputs[0].size} values, got ${values.length}`);
      if (this.options.output === "anomaly") realInput = Array.from(values);
      inputs = [quantizeValues(info.inputs[0], values)];
    }
    // the inputs travel to the worker as typed arrays of their tensors' types, moved rather than copied
    const result = await this.pool.run(inputs.map((values, i) => packed(info.inputs[i], values)), { transfer: true });
    return this.shape(result.outputs, realInput, result.ms);
  }

  private shape(outputs: RawOutput[], realInput: number[] | undefined, ms: number): Inference {
    const o = this.options;
    if (o.output === "tensors") {
      return { payload: outputs.map(({ name, dtype, shape, data }) => ({ name, dtype, shape, data })), aboveThreshold: true, ms };
    }
    if (o.output === "detect") {
      const { above, below } = decodeDetections(outputs, o.labels, o.threshold);
      return { payload: { detections: above, threshold: o.threshold }, below: { detections: below, threshold: o.threshold }, aboveThreshold: above.length > 0, ms };
    }
    if (o.output === "segment") return { payload: decodeSegmentation(outputs, o.labels), aboveThreshold: true, ms };
    const first = outputs[0];
    const values = dequantizeValues(first, first.data);
    if (o.output === "anomaly") {
      // an autoencoder reconstructs its input: the score is the mean squared error; a model that outputs a
      // single value (the score computed in the model) is taken as is
      let score: number;
      if (values.length === 1) score = values[0];
      else if (realInput && values.length === realInput.length) score = values.reduce((s, v, i) => s + (v - realInput[i]) ** 2, 0) / values.length;
      else throw new Error(`anomaly output needs a reconstruction of the input (${realInput?.length} values) or one score, the model gives ${values.length}`);
      return { payload: { score, threshold: o.threshold, anomaly: score >= o.threshold }, aboveThreshold: score >= o.threshold, ms };
    }
    let best = 0;
    values.forEach((v, i) => {
      if (v > values[best]) best = i;
    });
    const label = o.labels[best] ?? String(best);
    const scores = values.map((score, i) => ({ label: o.labels[i] ?? String(i), score }));
    return { payload: { label, index: best, confidence: values[best], scores }, aboveThreshold: values[best] >= o.threshold, ms };
  }
}

/** Elements in a fresh typed array of the tensor's element type (what the worker writes into the tensor). */
function packed(t: TensorInfo, values: ArrayLike<number>): ArrayLike<number> {
  switch (t.type) {
    case TensorType.INT8:
      return Int8Array.from(values);
    case TensorType.UINT8:
      return Uint8Array.from(values);
    case TensorType.INT16:
      return Int16Array.from(values);
    case TensorType.INT32:
      return Int32Array.from(values);
    case TensorType.FLOAT32:
      return Float32Array.from(values);
    default:
      // int64 and the rest: every value as it is
      return Float64Array.from(values);
  }
}

function flatten(v: unknown, out: number[]): void {
  if (typeof v === "number") out.push(v);
  else if (typeof v === "boolean") out.push(v ? 1 : 0);
  else if (ArrayBuffer.isView(v) && !(v instanceof DataView)) for (const x of v as unknown as Iterable<number | bigint>) out.push(Number(x));
  else if (Array.isArray(v)) for (const x of v) flatten(x, out);
  else throw new Error(`input must be numbers, (nested) arrays or typed arrays; found ${v === null ? "null" : typeof v}`);
}

function realValues(payload: unknown, t: TensorInfo, norm: Normalisation): ArrayLike<number> {
  if (Buffer.isBuffer(payload)) {
    if (!detectImage(payload)) throw new Error("a Buffer payload must be a PNG, JPEG or BMP image");
    const img = decodeImage(payload);
    const [, h, w, c] = t.shape.length === 4 ? t.shape : [1, t.shape[1], t.shape[2], 1];
    return imageToValues(img, w, h, c ?? 1, norm);
  }
  const out: number[] = [];
  flatten(payload, out);
  if (out.some((x) => !Number.isFinite(x))) throw new Error("input contains a value that is not a finite number");
  return out;
}

/** Raw tensor mode: one flat array per input tensor, elements as they are (no quantization). */
function rawInputs(payload: unknown, inputs: TensorInfo[]): number[][] {
  if (!Array.isArray(payload)) throw new Error("output \"tensors\" needs msg.payload = [input tensor 0, input tensor 1, …]");
  if (payload.length !== inputs.length) throw new Error(`the model has ${inputs.length} input tensor(s), msg.payload has ${payload.length}`);
  return payload.map((entry, i) => {
    const out: number[] = [];
    flatten(entry, out);
    if (out.length !== inputs[i].size) throw new Error(`input ${i} ("${inputs[i].name}") needs ${inputs[i].size} elements [${inputs[i].shape}], got ${out.length}`);
    if (inputs[i].dtype !== "float32" && out.some((x) => !Number.isInteger(x))) throw new Error(`input ${i} is ${inputs[i].dtype}: elements must be integers`);
    return out;
  });
}
