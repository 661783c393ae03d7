/**
 * The durable queue on a real full disk: an 8 MB tmpfs mounted by the test (root only; skipped with the reason
 * otherwise). A ballast file takes the space a user's other files would. What a user must see: pushes refused with
 * ENOSPC while the disk is full, every confirmed push delivered (now and after a reopen), no partial record left in
 * the file, no uncaught exception from the queue's background writes, pushes accepted again once space returns,
 * and the size limit bounding the bytes on disk.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { DurableQueue } from "../../lib/store/durable-queue";
import { tempDir } from "../harness/peers";
import { waitFor } from "../harness/wait";

const MESSAGE = { payload: Buffer.alloc(32 * 1024, 7), topic: "cold-room/1" };

function mountTmpfs(): string | undefined {
  const dir = tempDir("store-tmpfs");
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", dir], { stdio: "pipe" });
    return dir;
  } catch (err) {
    console.log(`      (cannot mount a tmpfs: ${(err as Error).message.split("\n")[0]}; run as root)`);
    return undefined;
  }
}

/** fills the disk but for about `leave` bytes; returns the ballast file */
function ballast(disk: string, leave: number): string {
  const file = path.join(disk, "ballast");
  const fd = fs.openSync(file, "w");
  const block = Buffer.alloc(64 * 1024);
  try {
    for (let i = 0; i < 200; i++) fs.writeSync(fd, block);
  } catch {
    /* full */
  } finally {
    fs.closeSync(fd);
  }
  fs.truncateSync(file, Math.max(0, fs.statSync(file).size - leave));
  return file;
}

function diskUsage(dir: string): number {
  return fs.readdirSync(dir).reduce((s, f) => s + fs.statSync(path.join(dir, f)).size, 0);
}

/** drains the queue: take, ack; returns the payload topics' ids in order */
function drain(q: DurableQueue): string[] {
  const ids: string[] = [];
  for (let round = 0; round < 10000; round++) {
    const batch = q.take(50);
    if (batch.length === 0) break;
    for (const r of batch) {
      ids.push(r.id);
      q.ack(r.id);
    }
  }
  return ids;
}

describe("durable queue on a full disk (8 MB tmpfs)", function () {
  this.timeout(60000);
  let disk: string | undefined;

  before(function () {
    disk = mountTmpfs();
    if (!disk) this.skip();
  });

  const open: DurableQueue[] = [];
  const openQueue = async (options: Parameters<typeof DurableQueue.open>[0]) => {
    const q = await DurableQueue.open(options);
    open.push(q);
    return q;
  };

  after(function () {
    if (disk) execFileSync("umount", [disk]);
  });

  afterEach(async function () {
    for (const q of open.splice(0)) await q.close();
    if (disk) for (const f of fs.readdirSync(disk)) fs.rmSync(path.join(disk, f), { recursive: true, force: true });
  });

  for (const sync of ["always", 10] as const) {
    it(`refuses pushes with ENOSPC, keeps every confirmed one, and takes pushes again when space returns (sync ${sync})`, async function () {
      const weight = ballast(disk!, 1024 * 1024);
      const dir = path.join(disk!, "q");
      const errors: Error[] = [];
      const q = await openQueue({ dir, sync, maxBytes: 64 * 1024 * 1024, onError: (e) => errors.push(e) });
      const confirmed: string[] = [];
      const refused: Error[] = [];
      for (let round = 0; round < 20 && refused.length === 0; round++) {
        // many pushes in flight at once, as a flow has: several share one write and one sync
        const batch = Array.from({ length: 10 }, (_, i) => q.push(MESSAGE, 3, `r${round}-${i}`));
        const settled = await Promise.allSettled(batch);
        for (const s of settled) {
          if (s.status === "fulfilled") confirmed.push(s.value);
          else refused.push(s.reason as Error);
        }
      }
      assert.ok(refused.length > 0, "the disk filled up");
      assert.ok(confirmed.length > 0, "some pushes fit");
      assert.strictEqual((refused[0] as NodeJS.ErrnoException).code, "ENOSPC");
      assert.match(refused[0].message, /no space left on device/i);
      assert.strictEqual(q.pending(), confirmed.length, "a refused push is not queued");
      // the file holds whole records only: no partial record cut by the full disk
      await q.close();
      let again = await openQueue({ dir, sync });
      assert.deepStrictEqual(again.recovery, { damaged: [], tornTailBytes: 0 });
      assert.strictEqual(again.pending(), confirmed.length);
      // space returns: the same queue takes pushes again, and delivers every confirmed one
      fs.rmSync(weight);
      assert.strictEqual(await again.push(MESSAGE, 3, "after"), "after");
      const delivered = drain(again);
      assert.deepStrictEqual(delivered, [...confirmed, "after"]);
      await again.close();
      again = await openQueue({ dir, sync });
      assert.strictEqual(again.pending(), 0, "the acks were written once space returned");
      await again.close();
    });
  }

  it("reports a failed ack write through onError, not as an uncaught exception, and writes it once space returns", async function () {
    const dir = path.join(disk!, "q");
    const errors: Error[] = [];
    const q = await openQueue({ dir, sync: "always", maxBytes: 64 * 1024 * 1024, onError: (e) => errors.push(e) });
    await Promise.all(Array.from({ length: 300 }, (_, i) => q.push({ n: i }, 3)));
    const weight = ballast(disk!, 0);
    // a full disk: the acks of this batch (more than the page the file already has) are refused by the OS at the
    // end of this turn of the event loop
    for (const r of q.take(200)) q.ack(r.id);
    await waitFor(() => errors.length > 0, "the failed ack write reported");
    assert.strictEqual((errors[0] as NodeJS.ErrnoException).code, "ENOSPC");
    assert.strictEqual(q.stats().delivered, 200);
    fs.rmSync(weight);
    // retried in the background: once on disk, a reopen does not redeliver them
    await waitFor(async () => {
      await q.flush();
      const copy = tempDir("q-copy");
      for (const f of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, f), path.join(copy, f));
      const probe = await DurableQueue.open({ dir: copy, sync: "always" });
      const n = probe.pending();
      await probe.close();
      return n === 100;
    }, "the acks written after space returned", { timeoutMs: 10000, intervalMs: 200 });
    await q.close();
  });

  it("bounds the bytes on disk when critical records hold old segments (rewritten with their live records), and delivers them all", async function () {
    const dir = path.join(disk!, "q");
    const maxBytes = 2 * 1024 * 1024;
    let q = await openQueue({ dir, sync: 10, maxBytes });
    let peak = 0;
    const critical: string[] = [];
    // one critical record in eight, never evicted: without compaction each one keeps a whole segment on disk
    for (let round = 0; round < 40; round++) {
      const ids = await Promise.all(Array.from({ length: 8 }, (_, i) => q.push(MESSAGE, i === 0 ? 0 : 3, `${round}-${i}`)));
      critical.push(ids[0]);
      if (round === 20) for (const r of q.take(3)) q.ack(r.id); // a few delivered: their acks must survive the rewrite
      peak = Math.max(peak, q.stats().bytesOnDisk, diskUsage(dir));
    }
    const segment = maxBytes / 8;
    assert.ok(peak <= maxBytes + segment, `peak ${peak} bytes on disk, limit ${maxBytes} + one ${segment}-byte segment`);
    await q.close();
    q = await openQueue({ dir, sync: 10, maxBytes });
    assert.deepStrictEqual(q.recovery, { damaged: [], tornTailBytes: 0 });
    const back = drain(q);
    assert.deepStrictEqual(back.filter((id) => id.endsWith("-0")), critical.slice(3), "every critical record not delivered before, in order");
    assert.strictEqual(new Set(back).size, back.length, "no record twice");
  });

  it("bounds the bytes on disk by maxBytes plus one segment, deleting segments as they drain (maxBytes 2 MB)", async function () {
    const dir = path.join(disk!, "q");
    const maxBytes = 2 * 1024 * 1024;
    const q = await openQueue({ dir, sync: 10, maxBytes });
    let peak = 0;
    // 12 MB pushed into a 2 MB buffer on an 8 MB disk: the oldest are evicted, the disk never fills
    for (let round = 0; round < 40; round++) {
      await Promise.all(Array.from({ length: 10 }, () => q.push(MESSAGE, 3)));
      peak = Math.max(peak, q.stats().bytesOnDisk, diskUsage(dir));
      if (round % 4 === 3) for (const r of q.take(5)) q.ack(r.id); // a slow consumer
    }
    const segment = maxBytes / 8;
    assert.ok(q.stats().evicted > 0, "the limit was reached");
    assert.ok(peak <= maxBytes + segment, `peak ${peak} bytes on disk, limit ${maxBytes} + one ${segment}-byte segment`);
    // drained: every segment goes, the active one too
    drain(q);
    await waitFor(() => diskUsage(dir) < segment / 4, "the consumed segments deleted");
    await q.close();
  });
});
