/**
 * lib/durable, the one group-commit journal and atomic file write of the pack, and its two other users (the
 * LoRaWAN frame counters, the embedded broker's persistence) on a real full disk: an 8 MB tmpfs mounted by the
 * test (root only; skipped with the reason otherwise).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { AppendJournal } from "../../lib/durable/append-journal";
import { writeFileAtomic } from "../../lib/durable/atomic-file";
import { SessionStore } from "../../lib/lorawan/session-store";
import { FilePersistence } from "../../lib/mqtt/file-persistence";
import { tempDir } from "../harness/peers";

function ballast(disk: string, leave: number): string {
  const file = path.join(disk, "ballast");
  const fd = fs.openSync(file, "w");
  try {
    for (let i = 0; i < 200; i++) fs.writeSync(fd, Buffer.alloc(64 * 1024));
  } catch {
    /* full */
  } finally {
    fs.closeSync(fd);
  }
  fs.truncateSync(file, Math.max(0, fs.statSync(file).size - leave));
  return file;
}

describe("lib/durable: group commit and atomic writes", function () {
  this.timeout(30000);

  it("settles every waiter of a group with one sync, and those that came during it with the next", async function () {
    const j = AppendJournal.open(path.join(tempDir("journal"), "j.log"), { commit: "tick" });
    const order: string[] = [];
    j.append(Buffer.from("a\n"));
    const first = j.durable().then(() => order.push("a"));
    j.append(Buffer.from("b\n"));
    const second = j.durable().then(() => {
      order.push("b");
      j.append(Buffer.from("c\n"));
      return j.durable().then(() => order.push("c"));
    });
    await Promise.all([first, second]);
    assert.deepStrictEqual(order, ["a", "b", "c"]);
    assert.strictEqual(fs.readFileSync(j.file, "utf8"), "a\nb\nc\n");
    await j.close();
  });

  describe("on a full disk (8 MB tmpfs)", function () {
    let disk: string | undefined;
    before(function () {
      disk = tempDir("store-journal-tmpfs");
      try {
        execFileSync("mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", disk], { stdio: "pipe" });
      } catch (err) {
        console.log(`      (cannot mount a tmpfs: ${(err as Error).message.split("\n")[0]}; run as root)`);
        disk = undefined;
        this.skip();
      }
    });
    after(function () {
      if (disk) execFileSync("umount", [disk]);
    });
    afterEach(function () {
      if (disk) for (const f of fs.readdirSync(disk)) fs.rmSync(path.join(disk, f), { recursive: true, force: true });
    });

    it("rejects exactly the waiters whose bytes did not fit, cuts the partial write off and goes on once space returns", async function () {
      const file = path.join(disk!, "j.log");
      const dropped: number[] = [];
      const j = AppendJournal.open<number>(file, { commit: "tick", onWriteFailure: (f) => dropped.push(...f.dropped.map((d) => d.tag)) });
      j.append(Buffer.alloc(1000, 1), 1);
      await j.durable();
      const weight = ballast(disk!, 64 * 1024);
      j.append(Buffer.alloc(256 * 1024, 2), 2); // larger than what is left: a short write, then ENOSPC
      await assert.rejects(j.durable(), (err: NodeJS.ErrnoException) => err.code === "ENOSPC" && err.message.includes(file));
      assert.deepStrictEqual(dropped, [2]);
      assert.strictEqual(fs.statSync(file).size, 1000, "no partial record left in the file");
      fs.rmSync(weight);
      j.append(Buffer.alloc(10, 3), 3);
      await j.durable();
      assert.strictEqual(fs.statSync(file).size, 1010);
      await j.close();
    });

    it("keeps the old file whole when the atomic write does not fit", function () {
      const file = path.join(disk!, "snapshot.json");
      writeFileAtomic(file, JSON.stringify({ v: 1 }));
      ballast(disk!, 16 * 1024);
      assert.throws(() => writeFileAtomic(file, "x".repeat(1024 * 1024)), (err: NodeJS.ErrnoException) => err.code === "ENOSPC");
      assert.deepStrictEqual(JSON.parse(fs.readFileSync(file, "utf8")), { v: 1 });
      assert.ok(!fs.existsSync(`${file}.tmp`), "the temporary file is removed");
    });

    it("LoRaWAN counters: a counter update that does not fit is refused (a rejected promise), and the journal stays readable", async function () {
      const file = path.join(disk!, "counters.json");
      let store = new SessionStore(file);
      await store.acceptUplink("0011223344556677", 1);
      const weight = ballast(disk!, 0);
      // more lines than the page the journal already has
      const updates: Promise<void>[] = [];
      for (let n = 2; n < 200; n++) updates.push(store.acceptUplink("0011223344556677", n));
      const settled = await Promise.allSettled(updates);
      assert.ok(settled.some((s) => s.status === "rejected" && (s.reason as NodeJS.ErrnoException).code === "ENOSPC"), "refused with ENOSPC");
      fs.rmSync(weight);
      await store.acceptUplink("0011223344556677", 500);
      await store.close();
      store = new SessionStore(file);
      assert.strictEqual(store.get("0011223344556677").fCntUp, 500);
      await store.close();
    });

    it("broker persistence: a retained message that does not fit fails its store, and what follows is loaded after a restart", async function () {
      const dir = path.join(disk!, "broker");
      let p = new FilePersistence({ dir });
      await p.setup({ id: "b1" });
      await p.storeRetained({ cmd: "publish", topic: "site/a", payload: Buffer.from("a"), qos: 1, retain: true });
      const weight = ballast(disk!, 8 * 1024);
      await assert.rejects(p.storeRetained({ cmd: "publish", topic: "site/big", payload: Buffer.alloc(512 * 1024, 1), qos: 1, retain: true }));
      fs.rmSync(weight);
      await p.storeRetained({ cmd: "publish", topic: "site/c", payload: Buffer.from("c"), qos: 1, retain: true });
      await p.destroy();
      p = new FilePersistence({ dir });
      await p.setup({ id: "b1" });
      const topics: string[] = [];
      for await (const packet of (p as unknown as { createRetainedStreamCombi(patterns: string[]): AsyncIterable<{ topic: string }> }).createRetainedStreamCombi(["site/#"])) topics.push(packet.topic);
      assert.deepStrictEqual(topics.sort(), ["site/a", "site/c"]);
      await p.destroy();
    });
  });
});
