/**
 * `npm start` (scripts/start.js) copies the demo's flows into its user dir on the first start only: a user's
 * deployed edits survive a restart (issue 18); --reset (or --reset-flows) starts over from flows/, keeping the old ones aside.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { spawnTracked, Spawned } from "../harness/processes";
import { ensureBuilt, repoRoot } from "../harness/build";
import { freeTcpPort } from "../harness/ports";
import { tempDir, httpRequest } from "../harness/peers";
import { waitFor } from "../harness/wait";

type FlowNode = { id: string; type: string; name?: string };

describe("npm start keeps the user's flows", function () {
  this.timeout(180000);
  let running: Spawned | undefined;
  afterEach(async function () {
    await running?.stop("SIGINT");
    running = undefined;
  });

  async function start(userDir: string, args: string[] = [], whileRunning?: (url: string) => Promise<void>): Promise<string> {
    const port = await freeTcpPort();
    running = spawnTracked(process.execPath, [path.join(repoRoot, "scripts", "start.js"), ...args], { cwd: repoRoot, env: { ...process.env, EDGE_AI_USER_DIR: userDir, PORT: String(port), EDGE_AI_NO_BUILD: "1", KAFKA_BROKERS: "" } });
    const proc = running;
    await waitFor(async () => {
      if (proc.child.exitCode !== null) throw new Error(`npm start exited:\n${proc.output()}`);
      return (await httpRequest("GET", `http://127.0.0.1:${port}/settings`)).status === 200;
    }, "the demo's Node-RED", { timeoutMs: 60000, intervalMs: 200 });
    await whileRunning?.(`http://127.0.0.1:${port}`);
    const out = proc.output();
    await proc.stop("SIGINT");
    running = undefined;
    return out;
  }

  it("copies flows/ on the first start, keeps the flows the user deployed on the next, and starts over with --reset", async function () {
    ensureBuilt();
    const userDir = tempDir("demo-start");
    const flowFile = path.join(userDir, "flows.json");
    const committed = ["cold-chain.json", "dashboard.json"].flatMap((f) => JSON.parse(fs.readFileSync(path.join(repoRoot, "flows", f), "utf8")) as FlowNode[]);

    assert.match(await start(userDir), /copied to/);
    const first = JSON.parse(fs.readFileSync(flowFile, "utf8")) as FlowNode[];
    assert.deepStrictEqual(first.map((n) => n.id).sort(), committed.map((n) => n.id).sort());

    // the user's edit, deployed as the editor does
    const out = await start(userDir, [], async (url) => {
      const flows = JSON.parse((await httpRequest("GET", `${url}/flows`, undefined, { Accept: "application/json" })).body) as FlowNode[];
      const res = await httpRequest("POST", `${url}/flows`, JSON.stringify([...flows, { id: "mine", type: "comment", z: "cc-tab", name: "my own note", x: 100, y: 1200, wires: [] }]), { "Content-Type": "application/json", "Node-RED-Deployment-Type": "full" });
      assert.ok(res.status === 200 || res.status === 204, `deployed: ${res.status} ${res.body}`);
    });
    assert.match(out, /keeping the flows/);
    assert.ok((JSON.parse(fs.readFileSync(flowFile, "utf8")) as FlowNode[]).some((n) => n.id === "mine"), "the deploy saved the edit");
    assert.match(await start(userDir), /keeping the flows/);
    assert.ok((JSON.parse(fs.readFileSync(flowFile, "utf8")) as FlowNode[]).some((n) => n.id === "mine"), "the edit survived the restart");

    await start(userDir, ["--reset"]);
    assert.ok(!(JSON.parse(fs.readFileSync(flowFile, "utf8")) as FlowNode[]).some((n) => n.id === "mine"), "reset to the committed flows");
    assert.ok((JSON.parse(fs.readFileSync(`${flowFile}.bak`, "utf8")) as FlowNode[]).some((n) => n.id === "mine"), "the replaced flows kept aside");
  });
});
