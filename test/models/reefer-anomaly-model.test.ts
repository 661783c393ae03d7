import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Interpreter } from "../../lib/tflite/interpreter";
import { writeAnomalyModel } from "../../lib/anomaly/anomaly-model-writer";
import { INPUT_SIZE } from "../../lib/anomaly/reefer-features";
import { TfliteOracle } from "../tflite/oracle/tfjs-tflite-oracle";

const modelPath = path.resolve(__dirname, "../../lib/models/reefer-anomaly.tflite");
const samples = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures/reefer-anomaly.samples.json"), "utf8")) as Array<{ input: number[]; score: number; anomalous: boolean }>;
const report = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../lib/models/reefer-anomaly.report.json"), "utf8")) as { threshold: number };

function score(it: Interpreter, input: number[]): number {
  (it.inputs[0].data as Float32Array).set(input);
  it.invoke();
  return (it.outputs[0].data as Float32Array)[0];
}

describe("the showcase's reefer anomaly model", function () {
  this.timeout(60000);

  it("is a .tflite our interpreter runs: one [1,72] window in, one score out", function () {
    const it = new Interpreter(fs.readFileSync(modelPath));
    assert.deepStrictEqual(it.inputs[0].shape, [1, INPUT_SIZE]);
    assert.deepStrictEqual(it.outputs[0].shape, [1, 1]);
  });

  it("scores the held-out windows as the training script computed, and flags the faults above the threshold", function () {
    const it = new Interpreter(fs.readFileSync(modelPath));
    for (const s of samples) {
      const got = score(it, s.input);
      assert.ok(Math.abs(got - s.score) <= 1e-4 * Math.max(1, s.score), `score ${got} vs ${s.score}`);
    }
    const normal = samples.filter((s) => !s.anomalous).map((s) => score(it, s.input));
    for (const v of normal) assert.ok(v < report.threshold, `normal window scores ${v} below ${report.threshold}`);
  });

  it("computes what TFLite computes (tfjs-tflite oracle) for the same file", async function () {
    const oracle = new TfliteOracle();
    try {
      const bytes = fs.readFileSync(modelPath);
      await oracle.load(bytes);
      const it = new Interpreter(bytes);
      for (const s of samples) {
        const { outputs } = await oracle.run([Float32Array.from(s.input)]);
        const theirs = Number(outputs[0].data[0]);
        const ours = score(it, s.input);
        assert.ok(Math.abs(ours - theirs) <= 1e-5 * Math.max(1, Math.abs(theirs)), `ours ${ours} vs TFLite ${theirs}`);
      }
    } finally {
      await oracle.close();
    }
  });

  it("writes a model whose score is the mean squared error of the normalised window (a hand-made two-feature case)", function () {
    // identity autoencoder (no bottleneck) → reconstruction equals input → score 0; a zero decoder → score = mean(x_n²)
    const zero = writeAnomalyModel({ mean: [1, 2], scale: [0.5, 2], layers: [{ weights: [[0, 0], [0, 0]], bias: [0, 0], relu: false }] });
    const it = new Interpreter(zero);
    const x = [3, 1]; // normalised: [(3-1)*0.5, (1-2)*2] = [1, -2] → mean of squares 2.5
    assert.ok(Math.abs(score(it, x) - 2.5) < 1e-6);
    const identity = writeAnomalyModel({ mean: [1, 2], scale: [0.5, 2], layers: [{ weights: [[1, 0], [0, 1]], bias: [0, 0], relu: false }] });
    assert.ok(Math.abs(score(new Interpreter(identity), x)) < 1e-6);
  });
});
