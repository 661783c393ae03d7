/**
 * edge-buffer on a full disk (an 8 MB tmpfs, topped up by a filler file), its downstream down: pushes the disk
 * cannot take are refused to the Catch node, every push has an outcome, Node-RED stays up and keeps answering.
 * When space returns (the filler deleted) the buffer takes pushes again; then Node-RED is killed with SIGKILL and
 * restarted with the downstream up, so what comes back is what was on disk: every confirmed push is delivered.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { startNodeRed, NodeRedProcess } from "../harness/node-red-process";
import { ensureBuilt, linkPack } from "../harness/build";
import { tempDir } from "../harness/peers";
import { waitFor } from "../harness/wait";
import { bufferFiles, bufferFlow, bufferFlowSettings, pushRange, readLines, routesAnswer } from "./buffer-flow";
import { nodeRedAnswers } from "./recorder";
import { record } from "./tally";

const BATCH = 50;
const PAYLOAD_BYTES = 2048;
/** bounded: a 1 MB headroom holds ~500 such pushes; the loop stops well past it */
const MAX_PUSHES = 3000;
const REFUSALS_WANTED = 100;

function mountTmpfs(dir: string): string | undefined {
  if (process.getuid?.() !== 0) return "not root: mounting a tmpfs needs root";
  const run = spawnSync("mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", dir], { encoding: "utf8" });
  return run.status === 0 ? undefined : `mount -t tmpfs failed: ${run.stderr.trim() || run.error?.message}`;
}

const idsOf = (lines: string[]) => new Set(lines.map((l) => l.split("\t")[0]));

describe("fault suite: edge-buffer on a full disk (8 MB tmpfs), downstream down", function () {
  this.timeout(180000);
  let red: NodeRedProcess | undefined;
  let disk = "";
  let mounted = false;

  after(async function () {
    await red?.stop().catch(() => undefined);
    if (mounted) spawnSync("umount", ["-l", disk]);
  });

  it("refuses to Catch what the disk cannot take, stays up, takes pushes when space returns, and delivers every confirmed push after a kill -9", async function () {
    ensureBuilt();
    const userDir = tempDir("fault-disk");
    linkPack(userDir);
    disk = path.join(userDir, "disk");
    fs.mkdirSync(disk);
    const why = mountTmpfs(disk);
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    mounted = true;
    const files = bufferFiles(userDir);
    red = await startNodeRed({ userDir, flows: bufferFlow(path.join(disk, "buffer"), files), settings: bufferFlowSettings });
    await waitFor(() => routesAnswer(red!.url), "the flow's routes", { timeoutMs: 30000, intervalMs: 100 });

    // leave about 1 MB free
    const filler = path.join(disk, "filler");
    const stat = fs.statfsSync(disk);
    fs.writeFileSync(filler, Buffer.alloc(Math.max(0, stat.bavail * stat.bsize - 1024 * 1024)));

    const problems: string[] = [];
    const outcomeOf = () => ({ accepted: idsOf(readLines(files.accepted)), refused: idsOf(readLines(files.refused)) });
    let sent = 0;
    const pushAndSettle = async (count: number) => {
      const from = sent;
      sent += count;
      await pushRange(red!.url, from, sent, PAYLOAD_BYTES);
      const ids = Array.from({ length: count }, (_, i) => `m${from + i}`);
      await waitFor(() => {
        const { accepted, refused } = outcomeOf();
        return ids.every((id) => accepted.has(id) || refused.has(id));
      }, `an outcome (confirmed or refused) for pushes m${from}..m${sent - 1}`, { timeoutMs: 15000, intervalMs: 50 }).catch(() => undefined);
      if (!(await nodeRedAnswers(red!.url))) {
        const ended = /Uncaught Exception/.test(red!.output()) ? "ended (uncaught exception)" : "hung or ended";
        throw new Error(`Node-RED stopped answering its admin API after pushes up to m${sent - 1} (${ended}):\n${red!.output().slice(-3000)}`);
      }
    };

    let crashed = false;
    try {
      while (sent < MAX_PUSHES && outcomeOf().refused.size < REFUSALS_WANTED) await pushAndSettle(BATCH);
      const refusals = readLines(files.refused);
      assert.ok(refusals.length >= REFUSALS_WANTED, `only ${refusals.length} pushes refused after ${sent} pushes on a full disk`);
      const unclear = refusals.filter((l) => !/ENOSPC|no space|disk|full/i.test(l));
      if (unclear.length) problems.push(`refusals that do not say the disk is full: ${unclear.slice(0, 3).join(" | ")}`);

      // space returns
      fs.rmSync(filler);
      const before = sent;
      await pushAndSettle(BATCH);
      const { accepted } = outcomeOf();
      const retaken = Array.from({ length: BATCH }, (_, i) => `m${before + i}`).filter((id) => accepted.has(id));
      if (retaken.length < BATCH) problems.push(`after space returned only ${retaken.length} of ${BATCH} pushes were confirmed`);
    } catch (err) {
      crashed = !(await nodeRedAnswers(red.url));
      if (!crashed) throw err;
      problems.push((err as Error).message);
    }

    // what is on disk is what comes back: kill -9, restart with the downstream up
    const confirmed = outcomeOf().accepted;
    const { refused } = outcomeOf();
    const noOutcome = Array.from({ length: sent }, (_, n) => `m${n}`).filter((id) => !confirmed.has(id) && !refused.has(id));
    await red.kill9();
    red = await startNodeRed({ userDir, port: red.port, settings: bufferFlowSettings, env: { FAULT_DOWNSTREAM: "up" } });
    await waitFor(() => routesAnswer(red!.url), "the flow's routes after the restart", { timeoutMs: 30000, intervalMs: 100 });
    const delivered = () => new Set(readLines(files.delivered));
    await waitFor(() => [...confirmed].every((id) => delivered().has(id)), "every confirmed push delivered", { timeoutMs: 60000, intervalMs: 200 }).catch(() => undefined);
    const d = delivered();
    const lost = [...confirmed].filter((id) => !d.has(id));
    record({
      inputsTried: sent,
      errorsReported: refused.size,
      crashes: crashed ? 1 : 0,
      silentDrops: crashed ? 0 : noOutcome.length,
      messagesConfirmed: confirmed.size,
      confirmedButLost: lost.length,
    });
    if (noOutcome.length && !crashed) problems.push(`${noOutcome.length} pushes with no outcome (neither confirmed nor refused): ${noOutcome.slice(0, 10).join(", ")}`);
    if (lost.length) problems.push(`${lost.length} of ${confirmed.size} confirmed pushes never delivered: ${lost.slice(0, 10).join(", ")}`);
    assert.deepStrictEqual(problems, [], problems.join("\n"));
  });
});
