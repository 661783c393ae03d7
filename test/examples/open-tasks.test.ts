/**
 * Examples 3 and 6 as a store's task system sees them, in a real Node-RED with time sped up: one replenishment
 * request per shelf until it is restocked, one remove-from-shelf task per spoiled crate until a fresh one replaces
 * it; and example 3 shows the stock on its shelves within seconds of the deploy, not only at the first request.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { tempDir } from "../harness/peers";
import { startNodeRed, NodeRedProcess } from "../harness/node-red-process";
import { ensureBuilt, linkPack, repoRoot } from "../harness/build";
import { waitFor } from "../harness/wait";
import { statusFeed, StatusFeed } from "./status-feed";
import { addTap, readTap, Tapped } from "./flow-tap";

type FlowNode = Record<string, unknown> & { id: string; type: string; z?: string; wires?: string[][] };
const load = (file: string): FlowNode[] => JSON.parse(fs.readFileSync(path.join(repoRoot, "examples", file), "utf8")) as FlowNode[];

/** for each key, the events in order; fails when an opening follows an opening with no closing between */
function assertOneOpenAtATime(events: Array<{ key: string; opens: boolean }>, what: string): void {
  const open = new Map<string, number>();
  events.forEach((e, i) => {
    if (e.opens) {
      assert.ok(!open.has(e.key), `${what}: a second one for ${e.key} (event ${i}) while the one of event ${open.get(e.key)} is open`);
      open.set(e.key, i);
    } else open.delete(e.key);
  });
}

describe("examples: open tasks are not repeated", function () {
  this.timeout(240000);
  let red: NodeRedProcess;
  let feed: StatusFeed;

  before(async function () {
    ensureBuilt();
    const userDir = tempDir("open-tasks");
    linkPack(userDir);
    red = await startNodeRed({ userDir, flows: [] });
    feed = await statusFeed(red.url);
  });
  after(async function () {
    feed?.close();
    await red?.stop();
  });

  it("example 3: the shelves' stock shows within seconds; one request per shelf until it is restocked", async function () {
    const flow = load("03-smart-shelf-replenishment.json");
    for (const n of flow) if (n.type === "edge-sim") n.intervalMs = "50"; // 100 simulated minutes a second
    addTap(flow, "ex3", [["ex3-request", 0], ["ex3-request", 1]]);
    const deployed = Date.now();
    await red.deploy(flow);
    const stock = await waitFor(() => feed.latest.get("ex3-stock")?.text, "the stock in the status", { timeoutMs: 10000, intervalMs: 50 });
    assert.ok(Date.now() - deployed < 10000);
    assert.match(stock, /\d+/, stock);
    // until each shelf has been low and restocked at least once, and one has gone low again
    const events = await waitFor(
      async () => {
        const seen = await readTap(red.url, "ex3");
        const requests = seen.filter((t) => t.from === "ex3-request" && (t.payload as { state: string }).state === "raised");
        const perShelf = (name: string) => requests.filter((t) => (t.payload as { deviceName: string }).deviceName === name).length;
        const shelves = [...new Set(requests.map((t) => (t.payload as { deviceName: string }).deviceName))];
        return shelves.length === 3 && shelves.every((name) => perShelf(name) >= 2) ? seen : undefined;
      },
      "two requests for each of the three shelves",
      { timeoutMs: 150000, intervalMs: 500 },
    );
    const alerts = events.map((t) => t.payload as { state: string; deviceName: string; detail?: { count: number; targetStock: number } });
    assertOneOpenAtATime(alerts.map((a) => ({ key: a.deviceName, opens: a.state === "raised" })), "replenishment request");
    // a request ends when the shelf is restocked, not when the weight cell's noise reads one unit more
    const noise = alerts.filter((a) => a.state === "cleared" && a.detail && a.detail.count < a.detail.targetStock / 2);
    assert.deepStrictEqual(noise, [], "cleared without a restock");
  });

  it("example 6: one remove-from-shelf task per spoiled crate, until the camera sees a fresh one", async function () {
    const flow = load("06-produce-quality-camera.json");
    for (const n of flow) if (n.type === "edge-sim") n.intervalMs = "250";
    addTap(flow, "ex6", [["pq-pull", 0], ["pq-model", 0]]);
    await red.deploy(flow);
    const seen = await waitFor(
      async () => {
        const all = await readTap(red.url, "ex6");
        const spoiledAfterTask = (camera: string) => {
          const first = all.findIndex((t) => t.from === "pq-pull" && (t.payload as { camera: string }).camera === camera);
          return first < 0 ? 0 : all.slice(first).filter((t) => t.from === "pq-model" && t.device?.name === camera && (t.payload as { label: string }).label === "spoiled").length;
        };
        const cameras = [...new Set(all.map((t) => t.device?.name).filter(Boolean))] as string[];
        return cameras.some((c) => spoiledAfterTask(c) >= 10) ? all : undefined;
      },
      "a crate graded spoiled ten times after its task",
      { timeoutMs: 150000, intervalMs: 500 },
    );
    const events = seen.flatMap((t: Tapped) => {
      if (t.from === "pq-pull") return [{ key: (t.payload as { camera: string }).camera, opens: true }];
      if ((t.payload as { label: string }).label === "fresh") return [{ key: t.device!.name!, opens: false }];
      return [];
    });
    assert.ok(events.some((e) => e.opens));
    assertOneOpenAtATime(events, "remove-from-shelf task");
  });
});
