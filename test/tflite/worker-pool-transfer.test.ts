/**
 * Inputs and outputs move between the main thread and the inference worker instead of being copied: an input
 * sent with `transfer: true` is detached on this side (its memory now belongs to the worker), and the result is
 * the same as with the input copied; outputs come back as typed arrays of their tensor's type.
 */
import { strict as assert } from "assert";
import { InferencePool } from "../../lib/tflite/worker-pool";
import { Interpreter } from "../../lib/tflite/interpreter";
import { readBytes, skipWithoutShared } from "./shared-models";

describe("tflite inference pool: transferred inputs and outputs", function () {
  this.timeout(20000);
  let pool: InferencePool | undefined;
  afterEach(async function () {
    await pool?.close();
    pool = undefined;
  });

  it("moves a typed input to the worker and returns person_detect's int8 output as the interpreter computes it", async function () {
    skipWithoutShared(this);
    const bytes = readBytes("tflm", "person_detection", "person_detect.tflite");
    const image = new Int8Array(96 * 96).map((_, i) => (i * 37) % 256);
    const local = new Interpreter(bytes);
    (local.inputs[0].data as Int8Array).set(image);
    local.invoke();
    pool = new InferencePool(1, 2);
    await pool.load(bytes);
    const sent = image.slice();
    const moved = await pool.run([sent], { transfer: true });
    assert.equal(sent.byteLength, 0, "the transferred input is detached here");
    const copied = await pool.run([image]);
    assert.equal(image.byteLength, 96 * 96, "an input sent without transfer stays usable");
    assert.ok(moved.outputs[0].data instanceof Int8Array, `output arrives as ${moved.outputs[0].data.constructor.name}`);
    assert.deepEqual(Array.from(moved.outputs[0].data as Int8Array), Array.from(local.outputs[0].data as Int8Array));
    assert.deepEqual(Array.from(copied.outputs[0].data as Int8Array), Array.from(local.outputs[0].data as Int8Array));
  });
});
