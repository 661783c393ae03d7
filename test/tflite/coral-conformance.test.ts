/**
 * The uint8 models of ../shared/models/coral (classic asymmetric quantization: uint8 activations and weights) against
 * @tensorflow/tfjs-tflite, which runs their convolutions, ADD, RESIZE_BILINEAR and requantizing QUANTIZE through
 * XNNPACK, with our interpreter in its `xnnpack` arithmetic (WebAssembly kernels on, as by default): every layer's
 * output equal, each layer run alone on tfjs-tflite's own inputs to it (so a difference is that layer's, not
 * inherited), and the whole model's output equal. Inputs: a seeded random image and a smooth synthetic one. Skips,
 * saying so, when ../shared/models/coral is absent.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import { Interpreter } from "../../lib/tflite/interpreter";
import { readModel } from "../../lib/tflite/model-reader";
import { TensorType } from "../../lib/tflite/schema";
import { TfliteOracle } from "./oracle/tfjs-tflite-oracle";
import { withOutputs } from "./expose-tensors";
import { rng } from "./operator-cases";
import { modelPath } from "./shared-models";

type Elements = { [i: number]: number; length: number; set(values: ArrayLike<number>): void };

function images(size: number): Array<[string, Uint8Array]> {
  const next = rng(size);
  const random = Uint8Array.from({ length: size }, () => Math.floor(next() * 256));
  // three channels of slow gradients and a ripple: the kind of smooth regions real images have
  const side = Math.round(Math.sqrt(size / 3));
  const smooth = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const p = Math.floor(i / 3);
    const [r, c, ch] = [Math.floor(p / side), p % side, i % 3];
    smooth[i] = Math.max(0, Math.min(255, Math.round(128 + 100 * Math.sin((r * (ch + 1)) / 17 + c / 23) + (c - side / 2) / 4)));
  }
  return [["random image", random], ["smooth image", smooth]];
}

/** argmax along the last axis, the first of equal maxima (as TFLite's ARG_MAX) */
function argMaxLast(values: ArrayLike<number>, depth: number): number[] {
  const out: number[] = [];
  for (let o = 0; o < values.length; o += depth) {
    let best = 0;
    for (let j = 1; j < depth; j++) if (values[o + j] > values[o + best]) best = j;
    out.push(best);
  }
  return out;
}

function maxDiff(a: ArrayLike<number | bigint>, b: ArrayLike<number>): { max: number; count: number } {
  let max = 0;
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(Number(a[i]) - Number(b[i]));
    if (d > 0) count++;
    if (d > max) max = d;
  }
  return { max, count };
}

const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];

describe("tflite coral uint8 models against tfjs-tflite, layer by layer (xnnpack arithmetic)", function () {
  this.timeout(240000);
  let oracle: TfliteOracle | undefined;

  before(function () {
    if (!fs.existsSync(modelPath("coral"))) {
      console.log(`      (skipped: the coral models are not at ${modelPath("coral")})`);
      this.skip();
    }
    oracle = new TfliteOracle();
  });

  after(async function () {
    await oracle?.close();
  });

  for (const file of ["mobilenet_v1_0.75_192_quant.tflite", "deeplabv3_mnv2_pascal_quant.tflite"]) {
    it(`${file}: every layer and the output equal tfjs-tflite's`, async function () {
      const bytes = new Uint8Array(fs.readFileSync(modelPath("coral", file)));
      const graph = readModel(bytes).subgraphs[0];
      // tfjs-tflite does not hand out int64 tensors (DeepLab's ARG_MAX output): those are checked from their input
      const exposed = graph.operators.map((op, index) => ({ op, index })).filter(({ op }) => graph.tensors[op.outputs[0]].type !== TensorType.INT64);
      const layered = withOutputs(bytes, exposed.map(({ op }) => op.outputs[0]));
      const layers = new Interpreter(layered, { arithmetic: "xnnpack" });
      const whole = new Interpreter(bytes, { arithmetic: "xnnpack" });
      await oracle!.load(layered);
      const report: string[] = [];
      const timing: string[] = [];
      for (const [label, image] of images(whole.inputs[0].size)) {
        const { outputs } = await oracle!.run([image]);
        const theirs = new Map<number, ArrayLike<number>>();
        exposed.forEach(({ op }, k) => theirs.set(op.outputs[0], outputs[k].data));
        theirs.set(graph.inputs[0], image);
        for (const { op, index } of exposed) {
          for (const i of op.inputs) if (i >= 0 && theirs.has(i)) (layers.tensors[i].data as Elements).set(theirs.get(i)!);
          layers.invokeOperator(index);
          const { max, count } = maxDiff(layers.tensors[op.outputs[0]].data as ArrayLike<number>, theirs.get(op.outputs[0])!);
          if (max > 0) report.push(`${label}: layer ${index} ${op.opName} max diff ${max} on ${count} of ${layers.tensors[op.outputs[0]].size}`);
        }
        (whole.inputs[0].data as Uint8Array).set(image);
        const times: number[] = [];
        for (let r = 0; r < 3; r++) {
          const t0 = process.hrtime.bigint();
          whole.invoke();
          times.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
        const out = whole.outputs[0];
        const last = graph.operators[graph.operators.length - 1];
        const expected = out.type === TensorType.INT64 ? argMaxLast(theirs.get(last.inputs[0])!, graph.tensors[last.inputs[0]].shape.at(-1)!) : theirs.get(graph.outputs[0])!;
        const { max, count } = maxDiff(out.data as ArrayLike<number | bigint>, expected);
        if (max > 0) report.push(`${label}: model output max diff ${max} on ${count} of ${out.size}`);
        timing.push(`${label}: ours ${median(times).toFixed(1)} ms per inference (median of 3)`);
      }
      // tfjs-tflite's time on the model as it is (exposing every layer makes it keep each one)
      await oracle!.load(bytes);
      const tfjsMs = (await oracle!.run([images(whole.inputs[0].size)[0][1]], 3)).ms;
      console.log(`      ${file}: ${timing.join("; ")}; tfjs-tflite ${tfjsMs.toFixed(1)} ms (mean of 3)`);
      assert.deepEqual(report, [], report.join("\n"));
    });
  }
});
