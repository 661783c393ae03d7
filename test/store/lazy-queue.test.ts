/**
 * lib/store/lazy-queue against the real durable queue: no files until a message has to wait; a backlog from an
 * earlier run is opened at once, so it drains without waiting for a new message.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { DurableQueue } from "../../lib/store/durable-queue";
import { LazyQueue } from "../../lib/store/lazy-queue";
import { tempDir } from "../harness/peers";

describe("lazy queue", function () {
  it("creates nothing on disk until the first push, then keeps what is pushed", async function () {
    const dir = path.join(tempDir("lazy-queue"), "q");
    const queue = new LazyQueue({ dir, sync: 5 });
    await queue.openIfBacklog();
    assert.strictEqual(queue.isOpen, false);
    assert.ok(!fs.existsSync(dir), "a folder was created with nothing to keep");
    assert.deepStrictEqual(queue.take(1), []);
    await queue.push({ n: 1 }, 0, "a");
    assert.strictEqual(queue.isOpen, true);
    assert.strictEqual(queue.pending(), 1);
    assert.deepStrictEqual(queue.take(1).map((r) => r.id), ["a"]);
    await queue.close();
  });

  it("opens a backlog left by an earlier run at once", async function () {
    const dir = tempDir("lazy-queue-backlog");
    const earlier = await DurableQueue.open({ dir, sync: "always" });
    for (let i = 0; i < 5; i++) await earlier.push({ n: i }, 3, `m${i}`);
    await earlier.close();
    const queue = new LazyQueue({ dir, sync: 5 });
    await queue.openIfBacklog();
    assert.strictEqual(queue.isOpen, true);
    assert.strictEqual(queue.pending(), 5);
    assert.deepStrictEqual(queue.take(5).map((r) => r.id), ["m0", "m1", "m2", "m3", "m4"]);
    await queue.close();
  });

  it("counts a push waiting for the queue to open as pending, so nothing overtakes it", async function () {
    const queue = new LazyQueue({ dir: path.join(tempDir("lazy-queue-pending"), "q"), sync: 5 });
    const pushed = queue.push({ n: 0 }, 3, "first");
    assert.strictEqual(queue.pending(), 1);
    await pushed;
    assert.strictEqual(queue.pending(), 1);
    await queue.close();
  });
});
