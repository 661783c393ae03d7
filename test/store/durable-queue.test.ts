import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { DurableQueue, QueueFullError } from "../../lib/store/durable-queue";
import { tempDir } from "../harness/peers";

const segmentFiles = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith(".log")).sort();

describe("durable queue", function () {
  it("hands out the highest-priority lane first, FIFO within a lane", async function () {
    const q = await DurableQueue.open({ dir: tempDir("q"), lanes: 4, sync: "always" });
    await q.push("bulk-1", 3);
    await q.push("minor-1", 2);
    await q.push("bulk-2", 3);
    await q.push("critical-1", 0);
    await q.push("critical-2", 0);
    assert.deepStrictEqual(q.take(10).map((r) => r.data), ["critical-1", "critical-2", "minor-1", "bulk-1", "bulk-2"]);
    await q.close();
  });

  it("hands out a message as pushed, and a redelivery as stored even when the first delivery was changed", async function () {
    const q = await DurableQueue.open({ dir: tempDir("q"), sync: 5 });
    const pushed = { payload: { readings: [{ value: 4.5 }] }, topic: "t" };
    await q.push(pushed, 3);
    const [first] = q.take(1);
    assert.deepStrictEqual(first.data, pushed);
    // a node downstream changes what it was given, then the delivery fails
    (first.data as typeof pushed).payload.readings[0].value = 99;
    q.nack(first.id);
    const [again] = q.take(1);
    assert.deepStrictEqual(again.data, { payload: { readings: [{ value: 4.5 }] }, topic: "t" });
    assert.strictEqual(again.attempts, 1);
    await q.close();
  });

  it("recovers exactly the unacknowledged records after a reopen, with the same ids", async function () {
    const dir = tempDir("q");
    const q = await DurableQueue.open({ dir, sync: "always" });
    const ids = [];
    for (let i = 0; i < 100; i++) ids.push(await q.push({ n: i }, i % 4));
    for (const r of q.take(30)) q.ack(r.id);
    const inFlight = q.take(5); // taken, never acked: must come back
    await q.close();
    const again = await DurableQueue.open({ dir, sync: "always" });
    const rest = again.take(1000);
    assert.strictEqual(rest.length, 70);
    for (const r of inFlight) assert.ok(rest.some((x) => x.id === r.id && JSON.stringify(x.data) === JSON.stringify(r.data)), `in-flight ${r.id} comes back`);
    assert.strictEqual(new Set(rest.map((r) => r.id)).size, 70);
    await again.close();
  });

  it("drops a torn last record and a corrupted one, keeping everything before them", async function () {
    const dir = tempDir("q");
    const q = await DurableQueue.open({ dir, sync: "always" });
    for (let i = 0; i < 10; i++) await q.push(`m${i}`, 3);
    await q.close();
    const file = path.join(dir, segmentFiles(dir)[0]);
    const size = fs.statSync(file).size;
    fs.truncateSync(file, size - 3); // a torn write of the last record
    let again = await DurableQueue.open({ dir, sync: "always" });
    assert.deepStrictEqual(again.take(100).map((r) => r.data), ["m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8"]);
    await again.close();
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 2] ^= 0xff; // flip a byte inside the (now) last record
    fs.writeFileSync(file, bytes);
    again = await DurableQueue.open({ dir, sync: "always" });
    assert.deepStrictEqual(again.take(100).map((r) => r.data), ["m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7"]);
    // and it keeps working after the repair
    await again.push("after", 3);
    assert.deepStrictEqual(again.take(100).map((r) => r.data), ["after"]);
    await again.close();
  });

  it("evicts the oldest of the lowest priority when full, never critical, and counts it", async function () {
    const q = await DurableQueue.open({ dir: tempDir("q"), lanes: 4, sync: 5, maxMessages: 5 });
    await q.push("c1", 0);
    await q.push("b1", 3);
    await q.push("m1", 2);
    await q.push("b2", 3);
    await q.push("c2", 0);
    await q.push("c3", 0); // evicts b1
    await q.push("m2", 2); // evicts b2
    await q.push("c4", 0); // evicts m1
    assert.strictEqual(q.stats().evicted, 3);
    await q.push("c5", 0); // evicts m2
    await assert.rejects(q.push("c6", 0), QueueFullError); // only critical left
    await assert.rejects(q.push("b3", 3), QueueFullError); // bulk never pushes out critical
    assert.deepStrictEqual(q.take(10).map((r) => r.data), ["c1", "c2", "c3", "c4", "c5"]);
    await q.close();
  });

  it("bounds bytes and drops records older than max age when it hands them out", async function () {
    const q = await DurableQueue.open({ dir: tempDir("q"), sync: 5, maxBytes: 2000 });
    for (let i = 0; i < 40; i++) await q.push("x".repeat(100), 3);
    assert.ok(q.stats().queued < 40 && q.stats().evicted > 0, JSON.stringify(q.stats()));
    await q.close();
    const aged = await DurableQueue.open({ dir: tempDir("q"), sync: 5, maxAgeMs: 1 });
    await aged.push("old", 3);
    const until = Date.now() + 20;
    while (Date.now() < until); // age the record past 1 ms (busy wait of a few ms: the clock is the input here)
    assert.deepStrictEqual(aged.take(10), []);
    assert.strictEqual(aged.stats().evicted, 1);
    await aged.close();
  });

  it("deletes consumed segments so the disk does not grow without bound", async function () {
    const dir = tempDir("q");
    const q = await DurableQueue.open({ dir, sync: 5 });
    const big = "y".repeat(64 * 1024);
    for (let i = 0; i < 600; i++) await q.push(big, 3); // ~38 MB: three segments
    assert.ok(segmentFiles(dir).length >= 3);
    let batch;
    while ((batch = q.take(50)).length) for (const r of batch) q.ack(r.id);
    assert.strictEqual(segmentFiles(dir).length, 1, "only the active segment is left");
    assert.ok(q.stats().bytesOnDisk < 17 * 1024 * 1024);
    await q.close();
  });
});
