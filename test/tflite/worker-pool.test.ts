/** The inference pool runs off the event loop and applies its overflow policy: reject new work when full. */
import { strict as assert } from "assert";
import { InferencePool, QueueFullError } from "../../lib/tflite/worker-pool";
import { readBytes, skipWithoutShared } from "./shared-models";

describe("tflite inference pool", function () {
  this.timeout(20000);
  let pool: InferencePool | undefined;
  afterEach(async function () {
    await pool?.close();
    pool = undefined;
  });

  it("queues up to maxQueue requests and rejects the next at once with QueueFullError", async function () {
    skipWithoutShared(this);
    pool = new InferencePool(1, 2);
    await pool.load(readBytes("tflm", "hello_world", "hello_world_float.tflite"));
    const results = [0.5, 1, 1.5, 2].map((x) => pool!.run([[x]]).then((r) => Number(r.outputs[0].data[0]), (e: Error) => e));
    const settled = await Promise.all(results);
    assert.ok(settled[3] instanceof QueueFullError, `4th request: ${String(settled[3])}`);
    [0.5, 1, 1.5].forEach((x, i) => assert.ok(Math.abs((settled[i] as number) - Math.sin(x)) < 0.15, `x=${x}: ${String(settled[i])}`));
  });

  it("runs an int8 CNN (person_detect) in a worker thread", async function () {
    skipWithoutShared(this);
    pool = new InferencePool(1, 1);
    await pool.load(readBytes("tflm", "person_detection", "person_detect.tflite"));
    const r = await pool.run([new Array(96 * 96).fill(0)]);
    assert.deepEqual(r.outputs[0].shape, [1, 2]);
  });
});
