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

  it("with the breaker open, probes a dead downstream once per probeAfterMs however fast records arrive", async function () {
    this.timeout(10000);
    const queue = await DurableQueue.open({ dir: tempDir("forwarder-probe"), sync: 5 });
    const attempts: number[] = [];
    const states: string[] = [];
    const probeAfterMs = 400;
    const forwarder = new Forwarder(
      queue,
      () => {
        attempts.push(Date.now());
        return Promise.reject(new Error("downstream dead"));
      },
      { window: 4, ackTimeoutMs: 60000, backoff: { initialMs: 10, maxMs: 10, jitter: 0 }, breaker: { failures: 3, probeAfterMs } },
    );
    forwarder.on("state", (s: string) => states.push(s));
    forwarder.start();
    // a steady input: a record every 20 ms, each followed by a kick, as edge-buffer does per message
    let n = 0;
    const pushOne = async () => {
      await queue.push({ n }, 3, `m-${n++}`);
      forwarder.kick();
    };
    await pushOne();
    await waitFor(() => forwarder.currentState === "offline", "the breaker open");
    const openedAt = Date.now();
    const before = attempts.length;
    const windowMs = 2000;
    while (Date.now() - openedAt < windowMs) {
      await pushOne();
      await new Promise((resolve) => setTimeout(resolve, 20)); // the input's pace, not a synchronisation
    }
    const probes = attempts.length - before;
    const bound = Math.ceil(windowMs / probeAfterMs) + 1;
    assert.ok(n > 3 * bound, `the input kept coming (${n} records), far more often than the breaker may probe`);
    assert.ok(probes >= 1, "the breaker probes at all");
    assert.ok(probes <= bound, `${probes} probes in ${windowMs} ms with probeAfterMs ${probeAfterMs} (at most ${bound}); states: ${states.join(",")}`);
    // between probes the status stays put: one offline → probing → offline cycle per probe, not per message
    assert.ok(states.filter((s) => s === "probing").length <= bound, `states flapped: ${states.join(",")}`);
    await forwarder.stop();
    await queue.close();
  });

  it("retryNow() (the link is known to be back) probes at once instead of waiting out the breaker", async function () {
    const queue = await DurableQueue.open({ dir: tempDir("forwarder-retry-now"), sync: 5 });
    await queue.push({ n: 0 }, 3, "a");
    let up = false;
    const delivered: string[] = [];
    const forwarder = new Forwarder(
      queue,
      (record: QueuedRecord) => {
        if (!up) return Promise.reject(new Error("down"));
        delivered.push(record.id);
        return Promise.resolve();
      },
      { window: 1, ackTimeoutMs: 60000, backoff: { initialMs: 10, maxMs: 10, jitter: 0 }, breaker: { failures: 1, probeAfterMs: 60000 } },
    );
    forwarder.start();
    await waitFor(() => forwarder.currentState === "offline", "the breaker open");
    up = true;
    forwarder.kick();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepStrictEqual(delivered, [], "a kick does not bring the probe forward");
    forwarder.retryNow();
    await waitFor(() => delivered.length === 1, "the probe after retryNow", { timeoutMs: 2000 });
    assert.strictEqual(forwarder.currentState, "online");
    await forwarder.stop();
    await queue.close();
  });

  it("counts how long records wait with no acknowledgement, and resets on an ack", async function () {
    const queue = await DurableQueue.open({ dir: tempDir("forwarder-unacked"), sync: 5 });
    const waiting: Array<() => void> = [];
    const forwarder = new Forwarder(queue, () => new Promise<void>((resolve) => waiting.push(resolve)), { window: 2, ackTimeoutMs: 60000 });
    forwarder.start();
    assert.strictEqual(forwarder.unacknowledgedForMs(), 0, "idle");
    await queue.push({ n: 0 }, 3, "a");
    forwarder.kick();
    await waitFor(() => forwarder.unacknowledgedForMs() >= 200, "the wait counted while no ack comes", { timeoutMs: 3000 });
    assert.strictEqual(forwarder.currentState, "online", "the breaker alone cannot tell");
    waiting[0]();
    await waitFor(() => forwarder.unacknowledgedForMs() === 0, "reset once acknowledged and idle");
    await forwarder.stop();
    await queue.close();
  });
});
