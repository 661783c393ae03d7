/**
 * lib/store/forwarder against the real durable queue: what happens to a window of records that fail.
 */
import * as assert from "assert";
import { DurableQueue } from "../../lib/store/durable-queue";
import { Forwarder } from "../../lib/store/forwarder";
import type { QueuedRecord } from "../../lib/store/types";
import { tempDir } from "../harness/peers";
import { waitFor } from "../harness/wait";

describe("forwarder", function () {
  it("puts a failed window back in the order it was taken, so a retry keeps each lane in order", async function () {
    const queue = await DurableQueue.open({ dir: tempDir("forwarder-order"), sync: 5 });
    for (let i = 0; i < 4; i++) await queue.push({ n: i }, 3, `bulk-${i}`);
    await queue.push({ n: 0 }, 0, "alert-0");
    const delivered: string[] = [];
    const waiting: Array<{ id: string; resolve: () => void; reject: (err: Error) => void }> = [];
    let failing = true;
    const forwarder = new Forwarder(
      queue,
      (record: QueuedRecord) =>
        new Promise<void>((resolve, reject) => {
          if (!failing) {
            delivered.push(record.id);
            return resolve();
          }
          waiting.push({ id: record.id, resolve, reject });
        }),
      { window: 5, ackTimeoutMs: 60000, backoff: { initialMs: 10, maxMs: 10, jitter: 0 }, breaker: { failures: 100 } },
    );
    forwarder.start();
    await waitFor(() => waiting.length === 5, "the window handed out");
    assert.deepStrictEqual(
      waiting.map((w) => w.id),
      ["alert-0", "bulk-0", "bulk-1", "bulk-2", "bulk-3"],
    );
    // the receiver fails them one after the other, in the order it got them, on separate turns
    for (const w of waiting) {
      w.reject(new Error("link down"));
      await new Promise((resolve) => setImmediate(resolve));
    }
    failing = false;
    await waitFor(() => delivered.length === 5, "the retry");
    assert.deepStrictEqual(delivered, ["alert-0", "bulk-0", "bulk-1", "bulk-2", "bulk-3"]);
    await forwarder.stop();
    await queue.close();
  });

  it("a delivery that never settles holds the failed records back no longer than the backoff", async function () {
    const queue = await DurableQueue.open({ dir: tempDir("forwarder-hold"), sync: 5 });
    await queue.push({ n: 0 }, 3, "a");
    await queue.push({ n: 1 }, 3, "b");
    await queue.push({ n: 2 }, 3, "c");
    const handedOut: string[] = [];
    const waiting = new Map<string, { resolve: () => void; reject: (err: Error) => void }>();
    const forwarder = new Forwarder(
      queue,
      (record: QueuedRecord) =>
        new Promise<void>((resolve, reject) => {
          handedOut.push(record.id);
          waiting.set(record.id, { resolve, reject });
        }),
      { window: 3, ackTimeoutMs: 60000, backoff: { initialMs: 50, maxMs: 50, jitter: 0 }, breaker: { failures: 100 } },
    );
    forwarder.start();
    await waitFor(() => handedOut.length === 3, "the window handed out");
    // a settles never (until its ack timeout); b and c fail
    waiting.get("b")!.reject(new Error("failed"));
    waiting.get("c")!.reject(new Error("failed"));
    await waitFor(() => handedOut.length === 5, "b and c again after the backoff", { timeoutMs: 2000 });
    assert.deepStrictEqual(handedOut, ["a", "b", "c", "b", "c"]);
    for (const id of ["a", "b", "c"]) waiting.get(id)!.resolve();
    await forwarder.stop();
    await queue.close();
  });
});
