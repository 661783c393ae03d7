/**
 * Damaged queue files: a corrupt record costs that record, not the ones after it; recovery says what it skipped
 * and where, and a torn tail is reported too. Damage that appears while the queue is open is skipped by the read
 * path and reported through onError, never thrown.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { DurableQueue } from "../../lib/store/durable-queue";
import { tempDir } from "../harness/peers";

const segmentFiles = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith(".log")).sort().map((f) => path.join(dir, f));

function flip(file: string, at: number, count: number): void {
  const bytes = fs.readFileSync(file);
  for (let i = 0; i < count; i++) bytes[at + i] ^= 0x5a;
  fs.writeFileSync(file, bytes);
}

function drain(q: DurableQueue): number[] {
  const out: number[] = [];
  for (let round = 0; round < 100000; round++) {
    const batch = q.take(100);
    if (batch.length === 0) break;
    for (const r of batch) {
      out.push((r.data as { n: number }).n);
      q.ack(r.id);
    }
  }
  return out;
}

async function fill(dir: string, n: number): Promise<void> {
  const q = await DurableQueue.open({ dir, sync: 20 });
  await Promise.all(Array.from({ length: n }, (_, i) => q.push({ n: i, reading: { celsius: 4 + (i % 10) / 10 } }, 3)));
  await q.close();
}

describe("durable queue: damaged files", function () {
  this.timeout(60000);

  it("loses only the records under 16 flipped bytes mid-segment, and reports the offset", async function () {
    const dir = tempDir("q-corrupt");
    const N = 9000;
    await fill(dir, N);
    const [file] = segmentFiles(dir);
    const at = Math.floor(fs.statSync(file).size / 2);
    flip(file, at, 16);
    const q = await DurableQueue.open({ dir, sync: 20 });
    const back = drain(q);
    assert.ok(back.length >= N - 2 && back.length < N, `${back.length} of ${N} came back`);
    assert.deepStrictEqual(back, [...back].sort((a, b) => a - b), "in order");
    assert.strictEqual(q.recovery.damaged.length, 1, JSON.stringify(q.recovery));
    const [damage] = q.recovery.damaged;
    assert.strictEqual(damage.file, file);
    assert.ok(damage.offset <= at && damage.offset + damage.bytes >= at + 16, `damage ${JSON.stringify(damage)} covers the flipped bytes at ${at}`);
    assert.strictEqual(q.recovery.tornTailBytes, 0);
    await q.close();
  });

  it("reports a torn tail, keeps the records before it and appends after them", async function () {
    const dir = tempDir("q-torn");
    await fill(dir, 100);
    const [file] = segmentFiles(dir);
    const size = fs.statSync(file).size;
    fs.truncateSync(file, size - 10); // the last record cut by a crash
    const q = await DurableQueue.open({ dir, sync: 20 });
    assert.strictEqual(q.recovery.tornTailBytes > 0 && q.recovery.tornTailBytes < 100, true, JSON.stringify(q.recovery));
    assert.deepStrictEqual(q.recovery.damaged, []);
    await q.push({ n: 100 }, 3);
    await q.close();
    const again = await DurableQueue.open({ dir, sync: 20 });
    assert.deepStrictEqual(again.recovery, { damaged: [], tornTailBytes: 0 }, "the repair left a whole file");
    assert.deepStrictEqual(drain(again), [...Array.from({ length: 99 }, (_, i) => i), 100]);
    await again.close();
  });

  it("skips a record damaged while the queue is open, in its window or in its backlog, and says so through onError", async function () {
    const dir = tempDir("q-live");
    const errors: Error[] = [];
    const first = await DurableQueue.open({ dir, sync: 5, memoryWindow: 10 });
    await Promise.all(Array.from({ length: 400 }, (_, i) => first.push({ n: i }, 3)));
    await first.close();
    // reopened: every record is read back from the file (none is still in memory from its push)
    const q = await DurableQueue.open({ dir, sync: 5, memoryWindow: 10, onError: (e) => errors.push(e) });
    const [file] = segmentFiles(dir);
    const size = fs.statSync(file).size;
    flip(file, 60, 4); // the first record: in the window
    flip(file, Math.floor(size * 0.7), 16); // far behind the window: read back by the backlog
    const back = drain(q);
    assert.ok(back.length >= 396 && back.length <= 398, `${back.length} of 400 came back`);
    assert.ok(!back.includes(0), "the damaged first record is dropped");
    assert.ok(errors.some((e) => /record .* is damaged/.test(e.message)), errors.map((e) => e.message).join("; "));
    assert.ok(errors.some((e) => /is damaged at offset \d+/.test(e.message)), errors.map((e) => e.message).join("; "));
    assert.strictEqual(q.pending(), 0);
    await q.close();
  });

  it("delivers a record damaged on disk while its message is still in memory, and recovery finds the damage", async function () {
    const dir = tempDir("q-kept");
    const q = await DurableQueue.open({ dir, sync: 5 });
    await Promise.all(Array.from({ length: 50 }, (_, i) => q.push({ n: i }, 3)));
    const [file] = segmentFiles(dir);
    flip(file, 60, 4);
    const back = drain(q);
    assert.deepStrictEqual(back, Array.from({ length: 50 }, (_, i) => i), "nothing is lost: the pushed messages were still held");
    await q.close();
    const again = await DurableQueue.open({ dir, sync: 5 });
    assert.equal(again.recovery.damaged.length, 1, JSON.stringify(again.recovery));
    await again.close();
  });
});
