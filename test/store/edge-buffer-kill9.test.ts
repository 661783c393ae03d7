/**
 * edge-buffer in a real Node-RED process, killed with SIGKILL at random points of a 100,000-message run, 10 times:
 * after each restart every message the buffer accepted is delivered; duplicates come only from the in-flight window
 * and carry the same id. Messages arrive over HTTP; a Complete node on the buffer logs what it accepted (its input
 * completed: on disk); the delivering function appends each message to a file before it completes, which acks it.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { startNodeRed, NodeRedProcess } from "../harness/node-red-process";
import { ensureBuilt, linkPack } from "../harness/build";
import { httpRequest, tempDir } from "../harness/peers";
import { waitFor } from "../harness/wait";
import { SeededRandom } from "../../lib/sim/random";

const MESSAGES = Number(process.env.STORE_CRASH_MESSAGES ?? 100000);
const KILLS = Number(process.env.STORE_CRASH_KILLS ?? 10);
const BATCH = 500;
const WINDOW = 128;

function flows(dir: string, acceptedFile: string, deliveredFile: string): unknown[] {
  const z = "k9";
  const fsLib = [{ var: "fs", module: "fs" }];
  return [
    { id: z, type: "tab", label: "kill -9" },
    { id: "k9-in", z, type: "http in", url: "/push", method: "post", upload: false, wires: [["k9-split"]] },
    { id: "k9-split", z, type: "function", outputs: 2, func: "for (const n of msg.payload) node.send([{ payload: { n }, priority: n % 4, eventId: 'm' + n }, null]);\nreturn [null, msg];", wires: [["k9-buffer"], ["k9-ok"]] },
    { id: "k9-ok", z, type: "http response", statusCode: "204", wires: [] },
    { id: "k9-buffer", z, type: "edge-buffer", dir, lanes: "4", sync: "group", groupCommitMs: "10", window: String(WINDOW), ackTimeoutS: "30", backoffMaxS: "1", breakerFailures: "5", probeAfterS: "1", metricsIntervalS: "0", wires: [["k9-deliver"], []] },
    { id: "k9-deliver", z, type: "function", libs: fsLib, func: `fs.appendFileSync(${JSON.stringify(deliveredFile)}, msg.payload.n + ' ' + msg._buffer.id + '\\n');\nreturn msg;`, outputs: 1, wires: [[]] },
    { id: "k9-ack", z, type: "complete", scope: ["k9-deliver"], uncaught: false, wires: [["k9-buffer"]] },
    { id: "k9-accepted", z, type: "complete", scope: ["k9-buffer"], uncaught: false, wires: [["k9-log"]] },
    { id: "k9-log", z, type: "function", libs: fsLib, func: `if (!msg._buffer) fs.appendFileSync(${JSON.stringify(acceptedFile)}, msg.payload.n + '\\n');\nreturn null;`, outputs: 1, wires: [] },
  ];
}

const readNumbers = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean) : []);

describe("edge-buffer in Node-RED under kill -9", function () {
  this.timeout(1500000);
  let red: NodeRedProcess | undefined;
  after(async function () {
    await red?.stop().catch(() => undefined);
  });

  it(`delivers every accepted message after ${KILLS} kills of Node-RED at random points (${MESSAGES} messages); duplicates only from the in-flight window, with the same id`, async function () {
    ensureBuilt();
    const userDir = tempDir("k9-red");
    linkPack(userDir);
    const acceptedFile = path.join(userDir, "accepted.txt");
    const deliveredFile = path.join(userDir, "delivered.txt");
    const settings = { functionExternalModules: true, logging: { console: { level: "warn" } } };
    const rnd = new SeededRandom(9);
    let next = 0;
    let kills = 0;
    /** the admin API answers before the flows have started: wait for the route */
    const flowsStarted = (r: NodeRedProcess) => waitFor(async () => (await httpRequest("POST", `${r.url}/push`, "[]", { "content-type": "application/json" })).status === 204, "the flow's HTTP route", { timeoutMs: 30000, intervalMs: 100 });
    red = await startNodeRed({ userDir, flows: flows(path.join(userDir, "buffer"), acceptedFile, deliveredFile), settings });
    await flowsStarted(red);
    for (;;) {
      const killAt = kills < KILLS ? next + Math.max(BATCH, Math.round(rnd.between(0.03, 0.12) * MESSAGES)) : Infinity;
      let sent = next;
      while (sent < MESSAGES && sent < killAt) {
        const ids = Array.from({ length: Math.min(BATCH, MESSAGES - sent) }, (_, i) => sent + i);
        const res = await httpRequest("POST", `${red.url}/push`, JSON.stringify(ids), { "content-type": "application/json" });
        assert.strictEqual(res.status, 204, res.body);
        sent += ids.length;
      }
      if (kills >= KILLS) break;
      await red.kill9(); // mid-stream: pushes waiting for their group commit, deliveries in flight
      kills++;
      red = await startNodeRed({ userDir, port: red.port, settings });
      await flowsStarted(red);
      // the sender resends from after the last message the buffer confirmed
      next = readNumbers(acceptedFile).reduce((max, n) => Math.max(max, Number(n) + 1), 0);
    }
    const accepted = new Set(readNumbers(acceptedFile).map(Number));
    const deliveredLines = () => readNumbers(deliveredFile).map((l) => l.split(" "));
    await waitFor(() => {
      const delivered = new Set(deliveredLines().map(([n]) => Number(n)));
      return [...accepted].every((n) => delivered.has(n));
    }, "every accepted message delivered", { timeoutMs: 600000, intervalMs: 500 });
    const idsByMessage = new Map<string, Set<string>>();
    let deliveries = 0;
    for (const [n, id] of deliveredLines()) {
      deliveries++;
      idsByMessage.set(n, (idsByMessage.get(n) ?? new Set()).add(id));
    }
    const duplicates = deliveries - idsByMessage.size;
    assert.strictEqual(kills, KILLS);
    assert.ok(accepted.size >= MESSAGES * 0.9, `accepted ${accepted.size} of ${MESSAGES}`);
    for (const [n, ids] of idsByMessage) assert.strictEqual(ids.size, 1, `message ${n} delivered under ${ids.size} ids`);
    // each kill can repeat the window in flight, and the sender resends what was accepted but not yet logged as accepted
    assert.ok(duplicates <= KILLS * (WINDOW + BATCH), `${duplicates} duplicates: more than ${KILLS} kills × (a window of ${WINDOW} + a batch of ${BATCH})`);
  });
});
