import * as assert from "assert";
import helper from "node-red-node-test-helper";
import tfliteNode from "../../nodes/edge-tflite/edge-tflite";
import { SeededRandom } from "../../lib/sim/random";
import { produceImage, PRODUCE_QUALITIES } from "../../lib/sim/produce-camera";
import { ColdChainSimulator } from "../../lib/sim/simulator";
import { waitFor } from "../harness/wait";
import { events } from "../harness/node-events";
import { useTestHelper } from "../harness/test-helper-server";

describe("the showcase's produce-quality image model in edge-tflite", function () {
  this.timeout(60000);
  useTestHelper();

  it("classifies simulated camera images of each quality, loaded as builtin: files", async function () {
    await helper.load(tfliteNode, <never>[
      { id: "tf", type: "edge-tflite", modelPath: "builtin:produce-quality.tflite", labelsPath: "builtin:produce-quality.labels.txt", output: "classify", input: "auto", normalise: "0..1", threshold: "0.6", poolSize: "1", maxQueue: "64", wires: [["out"], ["out"]] },
      { id: "out", type: "helper" },
    ]);
    const got: Array<{ expected: string; label: string }> = [];
    events(helper.getNode("out")).on("input", (msg: { expected: string; payload: { label: string } }) => got.push({ expected: msg.expected, label: msg.payload.label }));
    const rnd = new SeededRandom(777); // images the model never saw (it was trained on seed 1)
    const tf = helper.getNode("tf");
    await waitFor(() => (tf as unknown as { status?: unknown }) !== undefined, "node");
    for (const quality of PRODUCE_QUALITIES) for (let i = 0; i < 10; i++) tf.receive({ payload: produceImage(rnd, quality), expected: quality });
    await waitFor(() => got.length === 30, "30 classifications", { timeoutMs: 30000 });
    const correct = got.filter((g) => g.label === g.expected).length;
    assert.ok(correct >= 28, `${correct}/30 correct: ${JSON.stringify(got)}`);
  });

  it("sees a crate go from fresh to spoiled as the simulator's produce ages", function () {
    const sim = new ColdChainSimulator({ seed: 3, fleet: { trucks: 0, coldRooms: 0, freezers: 0, shelves: 0, coapSensors: 0, cameras: 1 }, startTime: 0 });
    const seen = new Set<string>();
    for (let h = 0; h < 60; h++) {
      const [m] = sim.tick(3600).messages;
      assert.ok(Buffer.isBuffer(m.payload) && m.payload.subarray(1, 4).toString() === "PNG", "a PNG image");
      seen.add(m.topic);
    }
    assert.deepStrictEqual([...seen], ["store/camera/store-001-camera-01/image"]);
  });
});
