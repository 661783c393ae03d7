/** The record on a full disk (an 8 MB tmpfs; needs root): refused entries are not numbered, the chain stays whole. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { RecordLog } from "../../lib/record/record-log";
import { verifyRecord } from "../../lib/record/verify";
import { tempDir } from "../harness/peers";

describe("compliance record on a full disk (8 MB tmpfs)", function () {
  this.timeout(30000);
  let disk: string | undefined;
  let log: RecordLog | undefined;
  before(function () {
    disk = tempDir("record-tmpfs");
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", disk], { stdio: "pipe" });
    } catch (err) {
      console.log(`      (cannot mount a tmpfs: ${(err as Error).message.split("\n")[0]}; run as root)`);
      disk = undefined;
      this.skip();
    }
  });
  after(async function () {
    await log?.close().catch(() => undefined);
    if (disk) execFileSync("umount", [disk]);
  });

  it("rejects a group of appends that does not fit with ENOSPC, numbers none of them, and goes on unbroken once space returns", async function () {
    const dir = path.join(disk!, "record");
    log = RecordLog.open({ dir, commit: "tick" });
    const data = { device: "truck-1", resource: "returnAir", value: 4.5, note: "x".repeat(2000) };
    for (let i = 0; i < 10; i++) await log.append("reading", data);
    // leave about 64 KB free: the next group of 100 entries (≈ 200 KB, one write) cannot fit
    const free = () => fs.statfsSync(disk!).bavail * fs.statfsSync(disk!).bsize;
    fs.writeFileSync(path.join(disk!, "ballast"), Buffer.alloc(Math.max(0, free() - 64 * 1024)));
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => log!.append("reading", data)));
    const codes = new Set(results.map((r) => (r.status === "rejected" ? (r.reason as NodeJS.ErrnoException).code : "ok")));
    assert.deepStrictEqual([...codes], ["ENOSPC"], "the whole group refused, none reported durable");
    assert.strictEqual(log.last.seq, 9, "refused entries take no number");
    fs.rmSync(path.join(disk!, "ballast"));
    const next = await log.append("reading", data);
    assert.strictEqual(next.seq, 10);
    await log.close();
    log = undefined;
    const v = verifyRecord(dir);
    assert.deepStrictEqual([v.ok, v.entries, v.problems], [true, 11, []]);
  });
});
