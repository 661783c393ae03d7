/**
 * What edge-kafka-out tells the user (status, log, Catch) when it cannot deliver: no broker configured, a broker
 * list that does not parse, a cluster that is not there; green only while the cluster answers. And a node fed
 * only by an edge-buffer keeps no disk queue of its own.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import helper from "node-red-node-test-helper";
import brokerNode from "../../nodes/edge-kafka-broker/edge-kafka-broker";
import outNode from "../../nodes/edge-kafka-out/edge-kafka-out";
import bufferNode from "../../nodes/edge-buffer/edge-buffer";
import { startKafka, KafkaPeer, tempDir } from "../harness/peers";
import { freeTcpPort } from "../harness/ports";
import { waitFor } from "../harness/wait";
import { events } from "../harness/node-events";
import { consumeAll, withMessages } from "./kafka-test-util";

helper.init(require.resolve("node-red"));
const completeNode = require("@node-red/nodes/core/common/24-complete.js");
const catchNode = require("@node-red/nodes/core/common/25-catch.js");
const nodes = [withMessages(brokerNode), withMessages(outNode), bufferNode, completeNode, catchNode];

interface Status {
  fill?: string;
  text?: string;
}

/**
 * every status a node has shown, from its first (set while it is created, before a status node could see it): the
 * test helper spies on Node.prototype.status
 */
function statusesOf(id: string): Status[] {
  const spy = (helper as unknown as { _NodePrototype: { status: { getCalls(): Array<{ thisValue: { id: string }; args: [Status] }> } } })._NodePrototype.status;
  return spy
    .getCalls()
    .filter((c) => c.thisValue?.id === id)
    .map((c) => c.args[0]);
}

function flow(brokers: string | undefined, bufferDir: string, upstream: "none" | "edge-buffer" = "none") {
  const f: Array<{ id: string; type: string; [k: string]: unknown }> = [
    { id: "t", type: "tab" },
    { id: "out", z: "t", type: "edge-kafka-out", broker: brokers === undefined ? "" : "kb", topic: "status-test", key: "{deviceName}", valueFormat: "json", batchSize: "100", lingerMs: "5", compression: "none", acks: "-1", drainRatePerSec: "0", bufferDir },
    { id: "done", z: "t", type: "complete", scope: ["out"], uncaught: false, wires: upstream === "edge-buffer" ? [["acked", "buf"]] : [["acked"]] },
    { id: "acked", z: "t", type: "helper" },
    { id: "errors", z: "t", type: "catch", scope: ["out"], uncaught: false, wires: upstream === "edge-buffer" ? [["failed", "buf"]] : [["failed"]] },
    { id: "failed", z: "t", type: "helper" },
  ];
  if (brokers !== undefined) f.push({ id: "kb", type: "edge-kafka-broker", brokers, clientId: "edge-status", sasl: "none", connectionTimeoutMs: "1000", requestTimeoutMs: "3000" });
  if (upstream === "edge-buffer") f.push({ id: "buf", z: "t", type: "edge-buffer", dir: tempDir("status-upstream"), lanes: "4", sync: "group", groupCommitMs: "10", window: "50", ackTimeoutS: "30", backoffMaxS: "1", breakerFailures: "5", probeAfterS: "1", metricsIntervalS: "0", wires: [["out"], []] });
  return f;
}

async function load(f: ReturnType<typeof flow>) {
  const acked: unknown[] = [];
  const failed: Array<{ error: { message: string } }> = [];
  await helper.load(nodes, f);
  const statuses = {
    find: (p: (s: Status) => boolean) => statusesOf("out").find(p),
    some: (p: (s: Status) => boolean) => statusesOf("out").some(p),
    last: () => statusesOf("out").at(-1),
    toJSON: () => statusesOf("out"),
  };
  events(helper.getNode("acked")).on("input", (m: unknown) => acked.push(m));
  events(helper.getNode("failed")).on("input", (m: { error: { message: string } }) => failed.push(m));
  return { statuses, acked, failed };
}

const errorsLoggedBy = (id: string) =>
  helper
    .log()
    .args.map((a: unknown[]) => a[0] as { level: number; id?: string; msg?: unknown })
    .filter((e: { level: number; id?: string }) => e.level === 20 && e.id === id)
    .map((e: { msg?: unknown }) => String(e.msg));

describe("edge-kafka-out tells the truth in its status", function () {
  this.timeout(90000);
  let kafka: KafkaPeer | undefined;

  beforeEach(function (done) {
    helper.startServer(done);
  });
  afterEach(async function () {
    await helper.unload();
    await new Promise<void>((r) => helper.stopServer(() => r()));
    await kafka?.stop();
    kafka = undefined;
  });

  for (const [what, brokers] of [
    ["no broker node", undefined],
    ["a broker node with no brokers", ""],
  ] as const) {
    // blank brokers (KAFKA_BROKERS set empty, or unset: see test/examples/unset-settings.test.ts) are a gateway not
    // configured yet, shown grey; no broker node at all is a broken flow, shown red
    const fill = brokers === undefined ? "red" : "grey";
    it(`${what}: ${fill} "not configured" at once, every message to Catch, no disk queue`, async function () {
      const bufferDir = path.join(tempDir("status-none"), "queue");
      const { statuses, failed, acked } = await load(flow(brokers, bufferDir));
      const shown = await waitFor(() => statuses.find((s) => s.fill === fill), `a ${fill} status`, { timeoutMs: 3000 });
      assert.match(shown.text ?? "", /not configured/);
      for (let i = 0; i < 5; i++) helper.getNode("out").receive({ payload: { deviceName: "truck-1", seq: i } });
      await waitFor(() => failed.length === 5, "5 messages failed to the Catch node");
      assert.match(failed[0].error.message, brokers === undefined ? /No Kafka broker/ : /no brokers are set/);
      assert.strictEqual(acked.length, 0);
      assert.ok(!statuses.some((s) => s.fill === "green"), `never green: ${JSON.stringify(statuses)}`);
      assert.ok(!fs.existsSync(bufferDir), "no disk queue for a node that cannot deliver");
    });
  }

  it('a broker list that does not parse ("no port here"): red with the reason, logged once, each message to Catch', async function () {
    const bufferDir = path.join(tempDir("status-parse"), "queue");
    const { statuses, failed } = await load(flow("no port here", bufferDir));
    const red = await waitFor(() => statuses.find((s) => s.fill === "red"), "a red status", { timeoutMs: 3000 });
    assert.match(red.text ?? "", /'no' is not host:port/);
    for (let i = 0; i < 20; i++) helper.getNode("out").receive({ payload: { deviceName: "truck-1", seq: i } });
    await waitFor(() => failed.length === 20, "20 messages failed to the Catch node");
    assert.match(failed[19].error.message, /'no' is not host:port/);
    assert.strictEqual(errorsLoggedBy("out").length, 1, `logged once by the node: ${errorsLoggedBy("out").join(" | ")}`);
    assert.strictEqual(errorsLoggedBy("kb").length, 1, "and once by the broker configuration");
    assert.ok(!fs.existsSync(bufferDir));
  });

  it('an unreachable cluster: "unreachable" within seconds without any message, then "unreachable, buffering N"; never green', async function () {
    const port = await freeTcpPort(); // nothing listens there
    const { statuses, failed, acked } = await load(flow(`127.0.0.1:${port}`, tempDir("status-unreachable")));
    const before = await waitFor(() => statuses.find((s) => /unreachable/.test(s.text ?? "")), "an unreachable status before any message", { timeoutMs: 8000 });
    assert.notStrictEqual(before.fill, "green");
    for (let i = 0; i < 10; i++) helper.getNode("out").receive({ payload: { deviceName: "truck-1", seq: i } });
    await waitFor(() => statuses.some((s) => s.text === "unreachable, buffering 10"), "unreachable, buffering 10", { timeoutMs: 8000 });
    assert.deepStrictEqual([failed.length, acked.length], [0, 0], "buffered: neither failed nor acknowledged");
    assert.ok(!statuses.some((s) => s.fill === "green"), `never green: ${JSON.stringify(statuses)}`);
    const logged = errorsLoggedBy("out");
    assert.ok(logged.length >= 1 && new Set(logged).size === logged.length, `each distinct error logged once: ${logged.join(" | ")}`);
  });

  it("green once the cluster answers; a node fed only by edge-buffer delivers without a disk queue of its own", async function () {
    kafka = await startKafka(1);
    const bufferDir = path.join(tempDir("status-fed"), "queue");
    const { statuses, acked } = await load(flow(kafka.brokers.join(","), bufferDir, "edge-buffer"));
    await waitFor(() => statuses.some((s) => s.fill === "green"), "green once connected", { timeoutMs: 10000 });
    for (let i = 0; i < 50; i++) helper.getNode("buf").receive({ payload: { deviceName: "truck-1", seq: i }, eventId: `fed-${i}` });
    await waitFor(() => acked.length >= 50, "50 acknowledged", { timeoutMs: 30000 });
    assert.strictEqual((await consumeAll(kafka.brokers, "status-test", 50)).length, 50);
    assert.strictEqual(statuses.last()?.fill, "green");
    assert.ok(!fs.existsSync(bufferDir), "no disk queue: edge-buffer holds every message");
  });

  it('a frozen cluster (SIGSTOP: connections open, nothing answered): green turns "unreachable, buffering N" within seconds', async function () {
    kafka = await startKafka(1);
    const pid = kafka.pid;
    if (!pid) this.skip(); // a real cluster (KAFKA_BROKERS) cannot be frozen from here
    const { statuses, acked } = await load(flow(kafka.brokers.join(","), tempDir("status-frozen")));
    helper.getNode("out").receive({ payload: { deviceName: "truck-1", seq: 0 } });
    await waitFor(() => acked.length === 1 && statuses.last()?.fill === "green", "delivering: green", { timeoutMs: 15000 });
    process.kill(pid!, "SIGSTOP");
    try {
      const frozenAt = Date.now();
      for (let i = 1; i <= 20; i++) helper.getNode("out").receive({ payload: { deviceName: "truck-1", seq: i } });
      // the request in flight goes unanswered: not green after the stall limit (2 s), though nothing waits behind it
      await waitFor(() => /^unreachable/.test(statuses.last()?.text ?? ""), "unreachable once the request stalls", { timeoutMs: 6000 });
      assert.ok(Date.now() - frozenAt < 6000);
      for (let i = 21; i <= 30; i++) helper.getNode("out").receive({ payload: { deviceName: "truck-1", seq: i } });
      await waitFor(() => /^unreachable, buffering \d+$/.test(statuses.last()?.text ?? ""), "unreachable, buffering N", { timeoutMs: 10000 });
    } finally {
      process.kill(pid!, "SIGCONT");
    }
    await waitFor(() => acked.length === 31, "everything delivered after the thaw", { timeoutMs: 30000 });
    await waitFor(() => statuses.last()?.fill === "green", "green again", { timeoutMs: 10000 });
  });

  it("fed only by edge-buffer while the cluster is unreachable: handed back to edge-buffer, still no disk queue", async function () {
    const port = await freeTcpPort();
    const bufferDir = path.join(tempDir("status-fed-down"), "queue");
    const { statuses, failed } = await load(flow(`127.0.0.1:${port}`, bufferDir, "edge-buffer"));
    for (let i = 0; i < 5; i++) helper.getNode("buf").receive({ payload: { deviceName: "truck-1", seq: i }, eventId: `down-${i}` });
    await waitFor(() => failed.length >= 5, "handed back to edge-buffer through the Catch node", { timeoutMs: 20000 });
    await waitFor(() => statuses.some((s) => /unreachable/.test(s.text ?? "")), "unreachable", { timeoutMs: 8000 });
    assert.ok(!fs.existsSync(bufferDir), "no disk queue: edge-buffer keeps them");
  });
});
