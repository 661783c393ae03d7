/**
 * Node-RED killed with SIGKILL while edge-buffer is delivering (the long run is test/store/edge-buffer-kill9.test.ts;
 * this is the fault suite's short one): after each restart every push the buffer confirmed is delivered,
 * reconciled by eventId.
 */
import * as assert from "assert";
import * as path from "path";
import { startNodeRed, NodeRedProcess } from "../harness/node-red-process";
import { ensureBuilt, linkPack } from "../harness/build";
import { tempDir } from "../harness/peers";
import { waitFor } from "../harness/wait";
import { bufferFiles, bufferFlow, bufferFlowSettings, pushNumbers, pushRange, readLines, routesAnswer } from "./buffer-flow";
import { record } from "./tally";

const MESSAGES = 3000;
const BATCH = 250;
const KILLS = 2;

describe("fault suite: kill -9 of Node-RED while edge-buffer delivers", function () {
  this.timeout(180000);
  let red: NodeRedProcess | undefined;
  after(async function () {
    await red?.stop().catch(() => undefined);
  });

  it(`delivers every confirmed push after ${KILLS} kills mid-delivery (${MESSAGES} pushes)`, async function () {
    ensureBuilt();
    const userDir = tempDir("fault-kill9");
    linkPack(userDir);
    const files = bufferFiles(userDir);
    const env = { FAULT_DOWNSTREAM: "up" };
    // a slow downstream keeps deliveries in flight when the kill comes
    red = await startNodeRed({ userDir, flows: bufferFlow(path.join(userDir, "buffer"), files, { ratePerSec: "2000" }), settings: bufferFlowSettings, env });
    await waitFor(() => routesAnswer(red!.url), "the flow's routes", { timeoutMs: 30000, intervalMs: 100 });
    let sent = 0;
    for (let kill = 0; kill <= KILLS; kill++) {
      const until = kill < KILLS ? Math.round((MESSAGES * (kill + 1)) / (KILLS + 1)) : MESSAGES;
      while (sent < until) {
        await pushRange(red.url, sent, Math.min(sent + BATCH, until));
        sent = Math.min(sent + BATCH, until);
      }
      if (kill === KILLS) break;
      // mid-delivery: some of what was pushed is out, some still queued
      await waitFor(() => readLines(files.delivered).length > 0, "deliveries under way", { timeoutMs: 15000, intervalMs: 20 });
      await red.kill9();
      red = await startNodeRed({ userDir, port: red.port, settings: bufferFlowSettings, env });
      await waitFor(() => routesAnswer(red!.url), "the flow's routes after the restart", { timeoutMs: 30000, intervalMs: 100 });
      // the sender resends what it has no confirmation for, as a client would (the buffer keeps one copy per eventId)
      const confirmed = new Set(readLines(files.accepted));
      const unconfirmed = Array.from({ length: sent }, (_, n) => n).filter((n) => !confirmed.has(`m${n}`));
      for (let i = 0; i < unconfirmed.length; i += BATCH) await pushNumbers(red.url, unconfirmed.slice(i, i + BATCH));
    }
    await waitFor(() => new Set(readLines(files.accepted)).size >= MESSAGES, "every push confirmed", { timeoutMs: 30000, intervalMs: 100 }).catch(() => undefined);
    const confirmed = new Set(readLines(files.accepted));
    await waitFor(() => {
      const d = new Set(readLines(files.delivered));
      return [...confirmed].every((id) => d.has(id));
    }, "every confirmed push delivered", { timeoutMs: 60000, intervalMs: 200 }).catch(() => undefined);
    const delivered = new Set(readLines(files.delivered));
    const lost = [...confirmed].filter((id) => !delivered.has(id));
    record({ messagesConfirmed: confirmed.size, confirmedButLost: lost.length });
    assert.strictEqual(confirmed.size, MESSAGES, `every push confirmed in the end (${confirmed.size} of ${MESSAGES})`);
    assert.deepStrictEqual(lost, [], `${lost.length} confirmed pushes never delivered after ${KILLS} kills: ${lost.slice(0, 20).join(", ")}`);
  });
});
