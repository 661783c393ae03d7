/**
 * edge-buffer in a real Node-RED process, as a user runs it: a backlog on disk drains at once after a restart even
 * when the delivering node comes after the buffer in the flow file (Node-RED creates nodes in file order and drops
 * a message sent to a node not created yet), and after a modified-nodes deploy; `http in` feeds it.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { startNodeRed, NodeRedProcess } from "../harness/node-red-process";
import { ensureBuilt, linkPack } from "../harness/build";
import { httpRequest, tempDir } from "../harness/peers";
import { waitFor } from "../harness/wait";
import { DurableQueue } from "../../lib/store/durable-queue";

const fsLib = [{ var: "fs", module: "fs" }];

/** the buffer first in the file, the node it delivers to after it; a Complete node acks back */
function bufferFlow(z: string, id: string, dir: string, deliveredFile: string): unknown[] {
  return [
    // ackTimeoutS / breaker as shipped: a dropped first window costs the whole ack timeout
    { id: `${id}-buffer`, z, type: "edge-buffer", dir, lanes: "4", sync: "group", groupCommitMs: "10", window: "16", ackTimeoutS: "30", backoffMaxS: "30", breakerFailures: "5", probeAfterS: "10", metricsIntervalS: "0", wires: [[`${id}-deliver`], []] },
    { id: `${id}-deliver`, z, type: "function", libs: fsLib, func: `fs.appendFileSync(${JSON.stringify(deliveredFile)}, msg.payload.n + '\\n');\nreturn msg;`, outputs: 1, wires: [[]] },
    { id: `${id}-ack`, z, type: "complete", scope: [`${id}-deliver`], uncaught: false, wires: [[`${id}-buffer`]] },
  ];
}

async function writeBacklog(dir: string, count: number): Promise<void> {
  const queue = await DurableQueue.open({ dir, sync: "always" });
  for (let n = 0; n < count; n++) await queue.push({ payload: { n } }, n % 4, `backlog-${n}`);
  await queue.close();
}

const delivered = (file: string) => new Set(fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean) : []);

describe("edge-buffer start-up in Node-RED", function () {
  // the build (once per run) and two Node-RED starts on a shared machine; the drain itself is timed separately
  this.timeout(300000);
  let red: NodeRedProcess | undefined;
  afterEach(async function () {
    await red?.stop().catch(() => undefined);
    red = undefined;
  });

  it("drains a backlog within seconds of a restart with the delivering node after the buffer, and after a modified-nodes deploy", async function () {
    ensureBuilt();
    const userDir = tempDir("buffer-startup");
    linkPack(userDir);
    const BACKLOG = 200;
    const dirA = path.join(userDir, "buffer-a");
    const dirB = path.join(userDir, "buffer-b");
    const fileA = path.join(userDir, "delivered-a.txt");
    const fileB = path.join(userDir, "delivered-b.txt");
    await writeBacklog(dirA, BACKLOG);
    const tab = { id: "st", type: "tab", label: "start-up" };
    const flowsA = [tab, ...bufferFlow("st", "a", dirA, fileA)];
    const settings = { functionExternalModules: true, logging: { console: { level: "warn" } } };
    red = await startNodeRed({ userDir, flows: flowsA, settings });
    const startedAt = Date.now();
    // before: the first window went to a node not yet created, and the rest waited out the 30 s ack timeout
    await waitFor(() => delivered(fileA).size === BACKLOG, `the ${BACKLOG} records of the backlog delivered`, { timeoutMs: 10000, intervalMs: 100 });
    const drainMs = Date.now() - startedAt;
    assert.ok(drainMs < 10000, `drained in ${drainMs} ms`);

    // a node created by a modified-nodes deploy, long after the flows started, drains its backlog too
    await writeBacklog(dirB, 50);
    const res = await httpRequest("POST", `${red.url}/flows`, JSON.stringify([...flowsA, ...bufferFlow("st", "b", dirB, fileB)]), {
      "Content-Type": "application/json",
      "Node-RED-Deployment-Type": "nodes",
    });
    assert.ok(res.status === 200 || res.status === 204, `deploy: ${res.status} ${res.body}`);
    // within a few seconds: the deploy's own flows:started, not the fallback (15 s)
    await waitFor(() => delivered(fileB).size === 50, "the second buffer's backlog after the deploy", { timeoutMs: 5000, intervalMs: 100 });
    assert.strictEqual(delivered(fileA).size, BACKLOG, "the first buffer's deliveries are still all there");
  });

  it("accepts every message from `http in` and delivers it without msg.req/msg.res; the HTTP answer comes once it is on disk", async function () {
    ensureBuilt();
    const userDir = tempDir("buffer-http");
    linkPack(userDir);
    const deliveredFile = path.join(userDir, "delivered.jsonl");
    const z = "hb";
    const flows = [
      { id: z, type: "tab", label: "http in" },
      { id: "hb-in", z, type: "http in", url: "/reading", method: "post", upload: false, wires: [["hb-buffer"]] },
      { id: "hb-buffer", z, type: "edge-buffer", dir: path.join(userDir, "buffer"), lanes: "4", sync: "group", groupCommitMs: "10", window: "16", ackTimeoutS: "30", metricsIntervalS: "0", wires: [["hb-deliver"], []] },
      // the answer to the HTTP client: accepted (Complete on the buffer) or refused (Catch on the buffer)
      { id: "hb-accepted", z, type: "complete", scope: ["hb-buffer"], uncaught: false, wires: [["hb-ok"]] },
      { id: "hb-ok", z, type: "http response", statusCode: "202", wires: [] },
      { id: "hb-refused", z, type: "catch", scope: ["hb-buffer"], uncaught: false, wires: [["hb-error"]] },
      { id: "hb-error", z, type: "function", func: "msg.statusCode = 500; msg.payload = String(msg.error && msg.error.message); return msg;", outputs: 1, wires: [["hb-fail"]] },
      { id: "hb-fail", z, type: "http response", statusCode: "", wires: [] },
      {
        id: "hb-deliver",
        z,
        type: "function",
        libs: fsLib,
        func: `fs.appendFileSync(${JSON.stringify(deliveredFile)}, JSON.stringify({ payload: msg.payload, hasReq: 'req' in msg, hasRes: 'res' in msg }) + '\\n');\nreturn msg;`,
        outputs: 1,
        wires: [[]],
      },
      { id: "hb-ack", z, type: "complete", scope: ["hb-deliver"], uncaught: false, wires: [["hb-buffer"]] },
    ];
    red = await startNodeRed({ userDir, flows, settings: { functionExternalModules: true, logging: { console: { level: "warn" } } } });
    const url = red.url;
    const COUNT = 20;
    const answers: Array<{ status: number; body: string }> = [];
    for (let i = 0; i < COUNT; i++) {
      answers.push(
        await waitFor(
          async () => {
            const r = await httpRequest("POST", `${url}/reading`, JSON.stringify({ n: i }), { "content-type": "application/json" });
            return r.status === 404 ? undefined : r; // the route is there once the flows have started
          },
          `an answer to POST ${i}`,
          { timeoutMs: 20000, intervalMs: 100 },
        ),
      );
    }
    assert.deepStrictEqual(
      answers.map((a) => a.status),
      Array(COUNT).fill(202),
      `answers: ${answers.map((a) => `${a.status} ${a.body}`).join(" | ")}`,
    );
    const lines = await waitFor(() => {
      const text = fs.existsSync(deliveredFile) ? fs.readFileSync(deliveredFile, "utf8") : "";
      const parsed = text.split("\n").filter(Boolean).map((l) => JSON.parse(l) as { payload: { n: number }; hasReq: boolean; hasRes: boolean });
      return new Set(parsed.map((p) => p.payload.n)).size === COUNT ? parsed : undefined;
    }, `the ${COUNT} messages delivered`);
    assert.ok(lines.every((l) => !l.hasReq && !l.hasRes), "delivered without msg.req/msg.res");
  });
});
