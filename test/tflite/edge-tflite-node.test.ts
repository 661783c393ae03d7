/**
 * edge-tflite in Node-RED (node-red-node-test-helper): raw tensor mode against the interpreter, classify with a
 * labels file, msg.model loading and errors to a Catch node, reload when the model file changes, and the
 * reefer anomaly model on per-device sliding windows of normalised events.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import helper from "node-red-node-test-helper";
import tfliteNode from "../../nodes/edge-tflite/edge-tflite";
import { Interpreter } from "../../lib/tflite/interpreter";
import { waitFor } from "../harness/wait";
import { modelPath, readBytes, skipWithoutShared } from "./shared-models";
import { useTestHelper } from "../harness/test-helper-server";
import { messagesTo } from "../harness/node-events";

const catchNode = () => require("@node-red/nodes/core/common/25-catch.js");

describe("edge-tflite node", function () {
  this.timeout(30000);
  let dir: string;

  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "edge-tflite-"));
  });
  useTestHelper();
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const flow = (props: Record<string, unknown>) =>
    [
      { id: "f1", type: "tab" },
      { id: "tf", type: "edge-tflite", output: "classify", input: "auto", threshold: "0.5", poolSize: "1", maxQueue: "4", ...props, wires: [["above"], ["below"]] },
      { id: "above", type: "helper" },
      { id: "below", type: "helper" },
      { id: "catcher", type: "catch", scope: null, wires: [["caught"]] },
      { id: "caught", type: "helper" },
    ].map((n) => (n.type === "tab" ? n : { z: "f1", ...n }));

  it("drops what reaches it while the flow stops (a deploy), without an error per message", async function () {
    skipWithoutShared(this);
    const file = path.join(dir, "hello.tflite");
    fs.copyFileSync(modelPath("tflm", "hello_world", "hello_world_int8.tflite"), file);
    await helper.load([tfliteNode, catchNode()], flow({ modelPath: file, output: "tensors", maxQueue: "64" }));
    const above = messagesTo("above");
    await waitFor(() => {
      helper.getNode("tf").receive({ payload: [[0]] });
      return above.length > 0;
    }, "model loaded", { intervalMs: 100 });
    const node = helper.getNode("tf") as unknown as { error: (...args: unknown[]) => void; close: (removed: boolean) => Promise<void>; receive: (msg: object) => void };
    const errors: unknown[] = [];
    node.error = (...args: unknown[]) => void errors.push(args[0]);
    // a redeploy closes the node while the rest of the old flow still delivers to it: until its close handler
    // has finished (the inference pool winding down), Node-RED keeps handing it messages
    const closing = node.close(false);
    for (let i = 0; i < 5; i++) node.receive({ payload: [[i]] });
    await closing;
    assert.deepStrictEqual(errors.map(String), [], "errors for messages that reached a closing node");
  });

  it("raw tensor mode returns every output tensor's raw elements, as the interpreter computes them", async function () {
    skipWithoutShared(this);
    const file = path.join(dir, "hello.tflite");
    fs.copyFileSync(modelPath("tflm", "hello_world", "hello_world_int8.tflite"), file);
    await helper.load([tfliteNode, catchNode()], flow({ modelPath: file, output: "tensors", maxQueue: "16" }));
    const above = messagesTo("above");
    const caught = messagesTo("caught");
    const reference = new Interpreter(readBytes("tflm", "hello_world", "hello_world_int8.tflite"));
    // the model loads asynchronously: probe until it answers, then forget the probes' errors
    await waitFor(() => {
      helper.getNode("tf").receive({ payload: [[0]], probe: true });
      return above.length > 0;
    }, "model loaded", { intervalMs: 100 });
    caught.splice(0);
    const inputs = [-128, -60, 0, 40, 127];
    for (const x of inputs) helper.getNode("tf").receive({ payload: [[x]], x });
    await waitFor(() => inputs.every((x) => above.some((m) => m.x === x)), "every inference");
    assert.equal(caught.length, 0, JSON.stringify(caught[0]?.error));
    for (const x of inputs) {
      const msg = above.find((m) => m.x === x)!;
      const [out] = msg.payload as Array<{ name: string; dtype: string; shape: number[]; data: Int8Array }>;
      assert.equal(out.dtype, "int8");
      assert.deepEqual(out.shape, [1, 1]);
      assert.ok(out.data instanceof Int8Array);
      (reference.inputs[0].data as Int8Array)[0] = x;
      reference.invoke();
      assert.equal(out.data[0], (reference.outputs[0].data as Int8Array)[0], `x=${x}`);
      const inference = msg.inference as { model: string; version: number; ms: number };
      assert.equal(inference.model, "hello.tflite");
      assert.equal(inference.version, 1);
      assert.ok(inference.ms >= 0);
    }
  });

  it("runs a model in the arithmetic its settings name: the coral uint8 MobileNet as the interpreter does in each", async function () {
    skipWithoutShared(this);
    this.timeout(120000);
    const bytes = readBytes("coral", "mobilenet_v1_0.75_192_quant.tflite");
    const file = path.join(dir, "mobilenet.tflite");
    fs.writeFileSync(file, bytes);
    // a fixed pseudo-random image, as uint8 values
    const image = Array.from({ length: 192 * 192 * 3 }, (_, i) => (i * 2654435761) >>> 24);
    const expected = (arithmetic: "reference" | "xnnpack") => {
      const it = new Interpreter(bytes, { arithmetic });
      (it.inputs[0].data as Uint8Array).set(image);
      it.invoke();
      return Array.from(it.outputs[0].data as Uint8Array);
    };
    const results: Record<string, number[]> = {};
    for (const arithmetic of ["reference", "xnnpack"] as const) {
      await helper.load([tfliteNode, catchNode()], flow({ modelPath: file, output: "tensors", arithmetic }));
      const above = messagesTo("above");
      await waitFor(() => {
        if (above.length === 0) helper.getNode("tf").receive({ payload: [image] });
        return above.length > 0;
      }, `an inference in ${arithmetic}`, { intervalMs: 500, timeoutMs: 60000 });
      results[arithmetic] = Array.from((above[0].payload as Array<{ data: Uint8Array }>)[0].data);
      assert.deepStrictEqual(results[arithmetic], expected(arithmetic), arithmetic);
      await helper.unload();
    }
    assert.notDeepStrictEqual(results.reference, results.xnnpack, "the two arithmetics round this model differently");
  });

  it("classifies with labels and routes by the confidence threshold; reloads when the model file changes", async function () {
    skipWithoutShared(this);
    const file = path.join(dir, "wand.tflite");
    fs.copyFileSync(modelPath("tflm", "magic_wand", "magic_wand.tflite"), file);
    const labels = path.join(dir, "labels.txt");
    fs.writeFileSync(labels, "wing\nring\nslope\nnegative\n");
    await helper.load([tfliteNode, catchNode()], flow({ modelPath: file, labelsPath: labels, threshold: "0.9" }));
    const above = messagesTo("above");
    const below = messagesTo("below");
    const features = (g: string) => JSON.parse(fs.readFileSync(modelPath("tflm", "magic_wand", `magic_wand_${g}_features_float.json`), "utf8"));
    const send = (g: string) => helper.getNode("tf").receive({ payload: features(g), gesture: g });
    await waitFor(() => {
      if (above.length + below.length === 0) send("slope");
      return above.length + below.length > 0;
    }, "first classification", { intervalMs: 300 });
    send("ring");
    await waitFor(() => below.some((m) => m.gesture === "ring"), "ring below 0.9");
    const slope = above.find((m) => m.gesture === "slope")!;
    const payload = slope.payload as { label: string; confidence: number; scores: Array<{ label: string }> };
    assert.equal(payload.label, "slope");
    assert.ok(payload.confidence > 0.9);
    assert.deepEqual(payload.scores.map((s) => s.label), ["wing", "ring", "slope", "negative"]);
    assert.equal((below.find((m) => m.gesture === "ring")!.payload as { label: string }).label, "ring");

    // a model update: a new file renamed over the old one
    fs.copyFileSync(modelPath("tflm", "magic_wand", "magic_wand.tflite"), path.join(dir, "next.tmp"));
    fs.renameSync(path.join(dir, "next.tmp"), file);
    await waitFor(async () => {
      send("slope");
      await new Promise((r) => setTimeout(r, 100));
      return above.some((m) => (m.inference as { version: number }).version === 2);
    }, "version 2 after the file changed");
  });

  it("loads a model from msg.model and reports bad models and bad input to a Catch node", async function () {
    skipWithoutShared(this);
    await helper.load([tfliteNode, catchNode()], flow({ output: "tensors" }));
    const above = messagesTo("above");
    const caught = messagesTo("caught");
    const tf = helper.getNode("tf");
    tf.receive({ payload: [[1]] });
    await waitFor(() => caught.length === 1, "no-model error");
    assert.match(String((caught[0].error as { message: string }).message), /no model loaded|errors\.no-model/);
    tf.receive({ model: Buffer.from("not a model at all"), payload: [[1]] });
    await waitFor(() => caught.length === 2, "bad model error");
    assert.match(String((caught[1].error as { message: string }).message), /not a TFLite model/);
    tf.receive({ model: Buffer.from(readBytes("tflm", "hello_world", "hello_world_float.tflite")), modelName: "hello", payload: [[1.5]] });
    await waitFor(() => above.length === 1, "inference after msg.model");
    const [out] = above[0].payload as Array<{ data: Float32Array }>;
    assert.ok(Math.abs(out.data[0] - Math.sin(1.5)) < 0.15);
    tf.receive({ payload: [[1, 2]] });
    await waitFor(() => caught.length === 3, "wrong size error");
    assert.match(String((caught[2].error as { message: string }).message), /needs 1 elements/);
  });

  it("scores reefer events per device over a sliding window with the project's anomaly model", async function () {
    const model = path.resolve(__dirname, "../../lib/models/reefer-anomaly.tflite");
    if (!fs.existsSync(model)) this.skip();
    const resources = ["returnAir", "supplyAir", "setpoint", "compressorCurrent", "door", "defrost"];
    await helper.load([tfliteNode, catchNode()], flow({ modelPath: model, output: "anomaly", input: "window", windowResources: resources.join(","), threshold: "0.330195" }));
    const above = messagesTo("above");
    const below = messagesTo("below");
    const caught = messagesTo("caught");
    const event = (device: string, i: number, returnAir: number) => ({
      id: `${device}-${i}`, deviceName: device, profileName: "reefer", sourceName: "sim", origin: 1e12 + i * 60000,
      readings: resources.map((r) => ({ id: r, origin: 1e12, deviceName: device, resourceName: r, profileName: "reefer", valueType: "Float64", value: r === "returnAir" ? returnAir : r === "setpoint" ? -18 : r === "supplyAir" ? -20 : r === "compressorCurrent" ? 8 : 0 })),
    });
    // wait until the model has loaded: the first event is consumed by the window, not an error
    await waitFor(async () => {
      helper.getNode("tf").receive({ payload: event("probe", 0, -18) });
      await new Promise((r) => setTimeout(r, 50));
      return caught.length === 0 || (caught.splice(0), false);
    }, "model loaded", { intervalMs: 200 });
    for (let i = 0; i < 11; i++) helper.getNode("tf").receive({ payload: event("truck-1", i, -18) });
    for (let i = 0; i < 11; i++) helper.getNode("tf").receive({ payload: event("truck-2", i, 15) });
    await new Promise((r) => setImmediate(r));
    assert.equal(above.length + below.length, 0, "no result before a device's window is full");
    helper.getNode("tf").receive({ payload: event("truck-1", 11, -18), device: "truck-1" });
    helper.getNode("tf").receive({ payload: event("truck-2", 11, 15), device: "truck-2" });
    await waitFor(() => above.length + below.length === 2, "one score per device");
    assert.equal(caught.length, 0, JSON.stringify(caught[0]?.error));
    const all = [...above, ...below];
    const score = (d: string) => (all.find((m) => m.device === d)!.payload as { score: number }).score;
    assert.ok(score("truck-2") > score("truck-1"), `warm truck ${score("truck-2")} vs cold ${score("truck-1")}`);
    assert.ok(above.some((m) => m.device === "truck-2"), "the warm truck is above the threshold");
  });
});
