/**
 * edge-buffer's segment damaged on disk while Node-RED is stopped: 16 bytes flipped in the middle of a segment, or
 * the segment cut short. After the restart every confirmed message is delivered except the damaged record(s), and
 * the buffer says what it skipped (in the log or its status). Reconciled by eventId: confirmed (the buffer's
 * Complete node) against delivered (the downstream's file).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { startNodeRed, NodeRedProcess } from "../harness/node-red-process";
import { ensureBuilt, linkPack } from "../harness/build";
import { tempDir } from "../harness/peers";
import { waitFor } from "../harness/wait";
import { bufferFiles, bufferFlow, bufferFlowSettings, pushRange, readLines, routesAnswer } from "./buffer-flow";
import { record } from "./tally";

const MESSAGES = 2000;
/** each record is ~250 bytes: 16 flipped bytes touch at most two, a cut tail at most one */
const DAMAGE = [
  { name: "16 bytes flipped mid-segment", allowedLoss: 2, damage: flipMiddle },
  { name: "segment truncated inside its last record", allowedLoss: 1, damage: truncateTail },
];
const DAMAGE_WORDS = /damag|corrupt|skipp|checksum|crc|torn|truncat|resync|invalid|lost/i;

/** the queue's data files, largest first (whatever the layout, the segment holding the records is the largest) */
function segments(dir: string): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.isFile()) files.push(path.join(d, e.name));
    }
  };
  walk(dir);
  return files.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
}

/** where the written data ends: a segment may be preallocated, zeros past its data */
function dataEnd(file: string): number {
  const buf = fs.readFileSync(file);
  let end = buf.length;
  while (end > 0 && buf[end - 1] === 0) end--;
  return end;
}

function flipMiddle(file: string): string {
  const fd = fs.openSync(file, "r+");
  try {
    const size = dataEnd(file);
    const at = Math.floor(size / 2);
    const bytes = Buffer.alloc(16);
    fs.readSync(fd, bytes, 0, 16, at);
    for (let i = 0; i < 16; i++) bytes[i] ^= 0xff;
    fs.writeSync(fd, bytes, 0, 16, at);
    return `flipped bytes ${at}..${at + 15} of ${path.basename(file)} (${size} bytes)`;
  } finally {
    fs.closeSync(fd);
  }
}

function truncateTail(file: string): string {
  const size = dataEnd(file);
  fs.truncateSync(file, size - 100);
  return `cut ${path.basename(file)} from ${size} to ${size - 100} bytes`;
}

describe("fault suite: a damaged edge-buffer segment, found at restart", function () {
  this.timeout(180000);
  const running: NodeRedProcess[] = [];
  after(async function () {
    for (const r of running) await r.stop().catch(() => undefined);
  });

  for (const { name, allowedLoss, damage } of DAMAGE) {
    it(`${name}: every confirmed message but the damaged record(s) is delivered, and the damage is reported`, async function () {
      ensureBuilt();
      const userDir = tempDir("fault-segment");
      linkPack(userDir);
      const files = bufferFiles(userDir);
      const bufferDir = path.join(userDir, "buffer");
      // downstream down while filling: everything stays on disk
      let red = await startNodeRed({ userDir, flows: bufferFlow(bufferDir, files), settings: bufferFlowSettings });
      running.push(red);
      await waitFor(() => routesAnswer(red.url), "the flow's routes", { timeoutMs: 30000, intervalMs: 100 });
      for (let from = 0; from < MESSAGES; from += 500) await pushRange(red.url, from, from + 500);
      await waitFor(() => readLines(files.accepted).length >= MESSAGES, `${MESSAGES} pushes confirmed`, { timeoutMs: 30000, intervalMs: 100 });
      await red.stop();
      const confirmed = new Set(readLines(files.accepted));
      const [segment] = segments(bufferDir);
      assert.ok(segment, `no segment file under ${bufferDir}`);
      const what = damage(segment);

      red = await startNodeRed({ userDir, port: red.port, settings: bufferFlowSettings, env: { FAULT_DOWNSTREAM: "up" } });
      running.push(red);
      const r = red;
      const delivered = () => new Set(readLines(files.delivered));
      await waitFor(() => {
        const d = delivered();
        return [...confirmed].filter((id) => !d.has(id)).length <= allowedLoss;
      }, `the confirmed messages delivered after the restart (${what})`, { timeoutMs: 30000, intervalMs: 200 }).catch(() => undefined);
      // the buffer reports what it skipped once it has read its backlog back
      await waitFor(() => bufferReports(r.output(), files.statuses), "the buffer to report the damage", { timeoutMs: 5000, intervalMs: 100 }).catch(() => undefined);
      const d = delivered();
      const lost = [...confirmed].filter((id) => !d.has(id));
      record({ messagesConfirmed: confirmed.size, confirmedButLost: Math.max(0, lost.length - allowedLoss) });
      assert.strictEqual(confirmed.size, MESSAGES, "every push was confirmed before the damage");
      assert.ok(lost.length <= allowedLoss, `${what}: ${lost.length} confirmed messages lost (at most ${allowedLoss} damaged records allowed): ${lost.slice(0, 20).join(", ")}${lost.length > 20 ? ", …" : ""}`);
      assert.ok(bufferReports(r.output(), files.statuses), `${what}: the buffer reported nothing about the damage (no log line from edge-buffer, no status, naming it)\n${r.output().slice(-2000)}`);
      await r.stop();
    });
  }
});

/** a log line from the edge-buffer node, or one of its statuses, that speaks of the damage */
function bufferReports(log: string, statusesFile: string): boolean {
  const fromLog = log.split("\n").some((line) => /\[(warn|error)\] \[edge-buffer:/.test(line) && DAMAGE_WORDS.test(line));
  const fromStatus = readLines(statusesFile).some((line) => DAMAGE_WORDS.test(line));
  return fromLog || fromStatus;
}
