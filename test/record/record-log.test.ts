import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { RecordLog } from "../../lib/record/record-log";
import { verifyRecord, Verification } from "../../lib/record/verify";
import { entryHash, parseEntryLine, sealEntry, entryLine } from "../../lib/record/entry";
import { DAY_MS, listSegments } from "../../lib/record/segments";
import { tempDir } from "../harness/peers";

const T0 = Date.UTC(2026, 0, 1, 8);

async function writeLog(dir: string, n: number, clock = { t: T0 }): Promise<void> {
  const log = RecordLog.open({ dir, now: () => clock.t });
  for (let i = 0; i < n; i++) {
    clock.t += 60000;
    await log.append("reading", { device: "truck-1", resource: "returnAir", value: 4 + i / 10, units: "°C", origin: clock.t });
  }
  await log.close();
}

function segmentFile(dir: string): string {
  const s = listSegments(dir);
  assert.strictEqual(s.length, 1);
  return s[0].file;
}
const lines = (file: string) => fs.readFileSync(file, "utf8").split("\n").slice(0, -1);
const writeLines = (file: string, l: string[]) => fs.writeFileSync(file, l.map((x) => `${x}\n`).join(""));
const kinds = (v: Verification) => v.problems.map((p) => [p.kind, p.line, p.seq]);

describe("compliance record: the hash-chained log", function () {
  let dir = "";
  beforeEach(() => {
    dir = tempDir("record-log");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("chains every entry to the one before it (SHA-256 over the previous hash and the canonical entry), across a restart", async function () {
    await writeLog(dir, 3);
    const clock = { t: T0 + 10 * 60000 };
    const log = RecordLog.open({ dir, now: () => clock.t });
    assert.deepStrictEqual(log.recoveries, []);
    const e = await log.append("alert", { device: "truck-1", rule: "warm", state: "raised" });
    await log.close();
    assert.strictEqual(e.seq, 3, "numbering goes on after the restart");
    const all = lines(segmentFile(dir)).map((l) => parseEntryLine(l)!);
    assert.deepStrictEqual(all.map((x) => x.seq), [0, 1, 2, 3]);
    assert.strictEqual(all[0].prev, "0".repeat(64));
    for (let i = 1; i < all.length; i++) assert.strictEqual(all[i].prev, all[i - 1].hash);
    for (const x of all) assert.strictEqual(x.hash, entryHash(x.prev, x));
    const v = verifyRecord(dir);
    assert.deepStrictEqual(v.problems, []);
    assert.strictEqual(v.ok, true);
    assert.strictEqual(v.entries, 4);
  });

  it("detects an edited entry and names its line and entry", async function () {
    await writeLog(dir, 6);
    const file = segmentFile(dir);
    const l = lines(file);
    l[2] = l[2].replace('"value":4.2', '"value":3.2');
    writeLines(file, l);
    assert.deepStrictEqual(kinds(verifyRecord(dir)), [["edited", 3, 2]]);
  });

  it("detects a removed entry", async function () {
    await writeLog(dir, 6);
    const file = segmentFile(dir);
    const l = lines(file);
    l.splice(3, 1);
    writeLines(file, l);
    const v = verifyRecord(dir);
    assert.deepStrictEqual(kinds(v), [["removed", 4, 3]]);
    assert.match(v.problems[0].message, /entries 3 are missing/);
  });

  it("detects reordered entries", async function () {
    await writeLog(dir, 6);
    const file = segmentFile(dir);
    const l = lines(file);
    [l[2], l[3]] = [l[3], l[2]];
    writeLines(file, l);
    const v = verifyRecord(dir);
    assert.deepStrictEqual(kinds(v), [["reordered", 3, 2], ["reordered", 4, 2]]);
    assert.ok(v.problems.every((p) => /reordered/.test(p.message)), v.problems.map((p) => p.message).join("\n"));
  });

  it("detects an inserted entry, even one with a valid hash of its own", async function () {
    await writeLog(dir, 6);
    const file = segmentFile(dir);
    const l = lines(file);
    const before = parseEntryLine(l[2])!;
    // a forger who knows the scheme: a well-formed entry chained to entry 2, numbered 3
    const forged = sealEntry(before.hash, { seq: 3, at: before.at + 1, kind: "reading", data: { device: "truck-1", resource: "returnAir", value: 5, units: "°C" } });
    l.splice(3, 0, entryLine(forged).trim());
    writeLines(file, l);
    const v = verifyRecord(dir);
    assert.deepStrictEqual(kinds(v), [["inserted", 4, 3]], "the forged line, told apart from the genuine entry 3 by the entry after both");
    assert.match(v.problems[0].message, /line 4 \(entry 3\): inserted/);
  });

  it("detects entries removed from the end through the head file", async function () {
    await writeLog(dir, 6);
    const file = segmentFile(dir);
    writeLines(file, lines(file).slice(0, 4));
    const v = verifyRecord(dir);
    assert.deepStrictEqual(kinds(v), [["truncated", undefined, 5]]);
    // and the log itself says so after a restart, so a new head does not hide it
    const log = RecordLog.open({ dir });
    assert.deepStrictEqual(log.recoveries.map((r) => [r.reason, r.fromSeq, r.toSeq]), [["entries-missing", 4, 5]]);
    await log.close();
  });

  it("after a crash cuts the last line short: the torn tail is cut off and reported, not fatal, and the chain goes on", async function () {
    await writeLog(dir, 3);
    const file = segmentFile(dir);
    fs.appendFileSync(file, '{"at":1767254400000,"data":{"dev');
    assert.deepStrictEqual(kinds(verifyRecord(dir)), [["torn", 4, undefined]]);
    const clock = { t: T0 + 3600000 };
    const log = RecordLog.open({ dir, now: () => clock.t });
    assert.deepStrictEqual(log.recoveries, [{ reason: "torn-tail", segment: path.basename(file), bytes: 32 }]);
    const e = await log.append("recovery", { ...log.recoveries[0] });
    assert.strictEqual(e.seq, 3);
    await log.close();
    const v = verifyRecord(dir);
    assert.deepStrictEqual(v.problems, []);
    assert.deepStrictEqual(v.notes.map((n) => n.kind), ["recovery"]);
  });

  it("drops segments past the retention whole, anchored by a checkpoint; removing more is still detected", async function () {
    const clock = { t: T0 };
    const log = RecordLog.open({ dir, retentionDays: 730, now: () => clock.t });
    await log.append("reading", { device: "truck-1", resource: "returnAir", value: 4, origin: clock.t });
    clock.t += DAY_MS;
    await log.append("reading", { device: "truck-1", resource: "returnAir", value: 5, origin: clock.t });
    clock.t += DAY_MS;
    await log.append("reading", { device: "truck-1", resource: "returnAir", value: 6, origin: clock.t });
    assert.deepStrictEqual(await log.applyRetention(), [], "nothing expired yet");
    clock.t = T0 + 732 * DAY_MS;
    assert.deepStrictEqual(await log.applyRetention(), ["2026-01-01", "2026-01-02"]);
    await log.close();
    assert.deepStrictEqual(listSegments(dir).map((s) => s.day), ["2026-01-03", "2028-01-03"]);
    const v = verifyRecord(dir);
    assert.deepStrictEqual(v.problems, []);
    assert.strictEqual(v.firstSeq, 2);
    const checkpoint = v.notes.find((n) => n.kind === "checkpoint")!;
    assert.deepStrictEqual((checkpoint.data.anchor as { seq: number }).seq, 1);
    // someone removes the oldest kept day as well: the start is no longer anchored
    fs.rmSync(listSegments(dir)[0].file);
    assert.deepStrictEqual(verifyRecord(dir).problems.map((p) => p.kind), ["unanchored"]);
  });
});
