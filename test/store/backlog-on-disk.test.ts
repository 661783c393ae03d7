/**
 * The queue's memory window: with only a few index entries per lane in memory, the backlog behind them stays on
 * disk and is read back as the lane drains. Checked against a plain in-memory model of the queue over random
 * pushes, takes, acks, nacks and reopens (a reopen returns every unacknowledged record to its place in the log).
 */
import * as assert from "assert";
import { DurableQueue } from "../../lib/store/durable-queue";
import { SeededRandom } from "../../lib/sim/random";
import { tempDir } from "../harness/peers";

interface ModelRecord {
  seq: number;
  lane: number;
}

describe("durable queue: backlog beyond the memory window", function () {
  this.timeout(120000);

  it("skips, after a restart, the records acked before it that lie behind the new window", async function () {
    const dir = tempDir("q-window");
    const a = await DurableQueue.open({ dir, sync: 5, memoryWindow: 50 });
    for (let i = 0; i < 100; i++) await a.push({ i }, 3);
    const taken = a.take(30);
    for (const r of taken.slice(10)) a.ack(r.id); // #10–#29 delivered, #0–#9 still in flight
    await a.close();
    const b = await DurableQueue.open({ dir, sync: 5, memoryWindow: 8 });
    const rest: number[] = [];
    for (let batch = b.take(7); batch.length; batch = b.take(7)) {
      for (const r of batch) {
        rest.push((r.data as { i: number }).i);
        b.ack(r.id);
      }
    }
    assert.deepStrictEqual(rest, [...Array.from({ length: 10 }, (_, i) => i), ...Array.from({ length: 70 }, (_, i) => 30 + i)]);
    await b.close();
  });

  it("reads the backlog on from where the window filled, when it filled with the last record of a read (records 240 KB, two segments)", async function () {
    const q = await DurableQueue.open({ dir: tempDir("q-chunk"), sync: 5, memoryWindow: 8 });
    // four 240 KB records fill one 1 MB read, exactly what the window of 8, drained to 4, takes: the next record is
    // in the same segment, not in the next one (21 MB: two segments)
    const body = "c".repeat(240 * 1024 - 100);
    for (let i = 0; i < 90; i++) await q.push({ i, body }, 3);
    const order: number[] = [];
    for (let batch = q.take(1); batch.length; batch = q.take(1)) {
      order.push((batch[0].data as { i: number }).i);
      q.ack(batch[0].id);
    }
    assert.deepStrictEqual(order, Array.from({ length: 90 }, (_, i) => i));
    await q.close();
  });

  it("keeps one copy of a record pushed again under the same id while the first is still queued or in flight", async function () {
    const dir = tempDir("q-dup");
    const q = await DurableQueue.open({ dir, sync: 2, memoryWindow: 4 });
    for (let i = 0; i < 10; i++) await q.push({ i }, 3, `m${i}`);
    await q.push({ i: 1, again: true }, 3, "m1"); // in the window
    await q.push({ i: 8, again: true }, 3, "m8"); // behind it, on disk only: dropped when read back
    const first = q.take(2); // m0, m1 in flight
    await q.push({ i: 0, again: true }, 3, "m0"); // in flight
    for (const r of first) q.ack(r.id);
    const rest: string[] = [];
    for (let batch = q.take(3); batch.length; batch = q.take(3)) {
      for (const r of batch) {
        rest.push(r.id);
        q.ack(r.id);
      }
    }
    assert.deepStrictEqual(rest, ["m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9"]);
    assert.strictEqual(q.pending(), 0);
    assert.deepStrictEqual(q.stats().queuedPerLane, [0, 0, 0, 0]);
    await q.close();
    const again = await DurableQueue.open({ dir, sync: 2, memoryWindow: 4 });
    assert.strictEqual(again.pending(), 0, "nothing comes back after a reopen");
    await again.close();
  });

  it("behaves like the in-memory model over random pushes, takes, acks, nacks and reopens with small windows", async function () {
    for (let run = 0; run < 12; run++) {
      const rnd = new SeededRandom(500 + run);
      const dir = tempDir("q-model");
      const lanes = 1 + rnd.int(0, 3);
      let window = 1 + rnd.int(0, 12);
      let q = await DurableQueue.open({ dir, sync: 2, lanes, memoryWindow: window });
      const queued: ModelRecord[][] = Array.from({ length: lanes }, () => []);
      const inFlight = new Map<string, ModelRecord>();
      const idOf = new Map<number, string>();
      let seq = 0;
      for (let op = 0; op < 400; op++) {
        const dice = rnd.next();
        if (dice < 0.5) {
          const lane = rnd.int(0, lanes - 1);
          const s = seq++;
          idOf.set(s, await q.push({ s }, lane));
          queued[lane].push({ seq: s, lane });
        } else if (dice < 0.8) {
          const n = 1 + rnd.int(0, 6);
          const expected: ModelRecord[] = [];
          for (const lane of queued) while (expected.length < n && lane.length) expected.push(lane.shift()!);
          const got = q.take(n);
          assert.deepStrictEqual(got.map((r) => (r.data as { s: number }).s), expected.map((r) => r.seq), `run ${run} op ${op}: take(${n})`);
          for (const r of expected) inFlight.set(idOf.get(r.seq)!, r);
        } else if (dice < 0.93) {
          for (const [id, r] of [...inFlight]) {
            if (rnd.chance(0.7)) {
              q.ack(id);
              inFlight.delete(id);
            } else if (rnd.chance(0.3)) {
              q.nack(id);
              inFlight.delete(id);
              queued[r.lane].unshift(r);
            }
          }
        } else {
          await q.close();
          window = 1 + rnd.int(0, 12);
          q = await DurableQueue.open({ dir, sync: 2, lanes, memoryWindow: window });
          for (const r of inFlight.values()) queued[r.lane].push(r);
          inFlight.clear();
          for (const lane of queued) lane.sort((x, y) => x.seq - y.seq);
        }
        const stats = q.stats();
        assert.deepStrictEqual(stats.queuedPerLane, queued.map((l) => l.length), `run ${run} op ${op}: per lane`);
        assert.strictEqual(q.pending(), queued.reduce((n, l) => n + l.length, 0) + inFlight.size);
      }
      await q.close();
    }
  });

  it("behaves like the in-memory model when old segments are rewritten to bound the disk (small maxBytes, small windows)", async function () {
    const body = "r".repeat(4000);
    for (let run = 0; run < 6; run++) {
      const rnd = new SeededRandom(900 + run);
      const dir = tempDir("q-compact");
      const lanes = 2;
      const maxBytes = 512 * 1024; // 64 KB segments; the model keeps the queue below maxBytes, so nothing is evicted
      let window = 1 + rnd.int(0, 8);
      let q = await DurableQueue.open({ dir, sync: 2, lanes, memoryWindow: window, maxBytes });
      const queued: ModelRecord[][] = Array.from({ length: lanes }, () => []);
      const inFlight = new Map<string, ModelRecord>();
      const idOf = new Map<number, string>();
      let seq = 0;
      let peak = 0;
      for (let op = 0; op < 1500; op++) {
        const dice = rnd.next();
        const held = queued.reduce((n, l) => n + l.length, 0) + inFlight.size;
        if (dice < 0.5 && held < 100) {
          // lane 0 rarely drains: its records keep old segments on disk
          const lane = rnd.chance(0.15) ? 0 : 1;
          const s = seq++;
          idOf.set(s, await q.push({ s, body }, lane));
          queued[lane].push({ seq: s, lane });
        } else if (dice < 0.8) {
          const n = 1 + rnd.int(0, 6);
          const expected: ModelRecord[] = [];
          for (const lane of queued) while (expected.length < n && lane.length) expected.push(lane.shift()!);
          const got = q.take(n);
          assert.deepStrictEqual(got.map((r) => (r.data as { s: number }).s), expected.map((r) => r.seq), `run ${run} op ${op}: take(${n})`);
          for (const r of expected) inFlight.set(idOf.get(r.seq)!, r);
        } else if (dice < 0.97) {
          for (const [id, r] of [...inFlight]) {
            // lane 0 is acked seldom: nacked back, it stays
            if (r.lane === 1 ? rnd.chance(0.9) : rnd.chance(0.05)) {
              q.ack(id);
              inFlight.delete(id);
            } else {
              q.nack(id);
              inFlight.delete(id);
              queued[r.lane].unshift(r);
            }
          }
        } else {
          await q.close();
          window = 1 + rnd.int(0, 8);
          q = await DurableQueue.open({ dir, sync: 2, lanes, memoryWindow: window, maxBytes });
          for (const r of inFlight.values()) queued[r.lane].push(r);
          inFlight.clear();
          for (const lane of queued) lane.sort((x, y) => x.seq - y.seq);
        }
        peak = Math.max(peak, q.stats().bytesOnDisk);
        assert.deepStrictEqual(q.stats().queuedPerLane, queued.map((l) => l.length), `run ${run} op ${op}: per lane`);
        assert.strictEqual(q.stats().evicted, 0);
      }
      assert.ok(peak <= maxBytes + 64 * 1024 + 4100, `run ${run}: peak ${peak} bytes on disk`);
      await q.close();
    }
  });
});
