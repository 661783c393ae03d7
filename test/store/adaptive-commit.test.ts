/**
 * The durable queue's adaptive group commit (sync: "adaptive"): no timer, the pushes of one turn of the event loop
 * synced together and the next group as soon as the running fsync returns. A resolved push is on disk (a reopen
 * holds it), and a push does not wait for a commit interval.
 */
import * as assert from "assert";
import { DurableQueue } from "../../lib/store/durable-queue";
import { tempDir } from "../harness/peers";

describe("durable queue: adaptive group commit", function () {
  this.timeout(30000);

  it("resolves every push of a burst and of pushes arriving while an fsync runs, each durable across a reopen", async function () {
    const dir = tempDir("adaptive");
    const q = await DurableQueue.open({ dir, sync: "adaptive" });
    // one burst in one turn, then pushes spread over the next turns, while the burst's fsync may still be running
    const pushes: Array<Promise<string>> = [];
    for (let i = 0; i < 500; i++) pushes.push(q.push({ i }, 3, `burst-${i}`));
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setImmediate(r));
      pushes.push(q.push({ i }, 3, `later-${i}`));
    }
    const ids = await Promise.all(pushes);
    assert.strictEqual(new Set(ids).size, 550);
    // what a crash would leave: the files as they are now, read by a second queue (the first is not closed yet)
    const again = await DurableQueue.open({ dir, sync: "adaptive" });
    try {
      assert.strictEqual(again.pending(), 550, "every resolved push is on disk");
    } finally {
      await again.close();
      await q.close();
    }
  });

  it("does not wait for a commit interval: a lone push resolves long before a 2 s group commit would", async function () {
    const timed = async (sync: "adaptive" | number) => {
      const q = await DurableQueue.open({ dir: tempDir("adaptive-lone"), sync });
      try {
        await q.push({ warm: true }); // the file exists and has been synced once
        const t0 = Date.now();
        await q.push({ lone: true });
        return Date.now() - t0;
      } finally {
        await q.close();
      }
    };
    const adaptive = await timed("adaptive");
    const interval = await timed(2000);
    assert.ok(interval >= 1900, `the 2 s group commit waited its interval (${interval} ms)`);
    assert.ok(adaptive < interval / 2, `adaptive: ${adaptive} ms, interval: ${interval} ms`);
  });
});
