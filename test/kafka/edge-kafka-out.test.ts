import * as assert from "assert";
import helper from "node-red-node-test-helper";
import brokerNode from "../../nodes/edge-kafka-broker/edge-kafka-broker";
import outNode from "../../nodes/edge-kafka-out/edge-kafka-out";
import * as fs from "fs";
import { startKafka, KafkaPeer, tempDir } from "../harness/peers";
import { consumeAll, outFlow } from "./kafka-test-util";
import { waitFor } from "../harness/wait";
import { events } from "../harness/node-events";

helper.init(require.resolve("node-red"));
const completeNode = require("@node-red/nodes/core/common/24-complete.js");
const catchNode = require("@node-red/nodes/core/common/25-catch.js");

const segmentBytes = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).reduce((s, f) => s + fs.statSync(`${dir}/${f}`).size, 0) : 0);

const flow = outFlow;

describe("edge-kafka-out against librdkafka's mock cluster", function () {
  this.timeout(180000);
  let kafka: KafkaPeer;

  beforeEach(function (done) {
    helper.startServer(done);
  });
  afterEach(async function () {
    await helper.unload();
    await new Promise<void>((r) => helper.stopServer(() => r()));
    await kafka?.stop();
  });

  it("produces 50,000 events, acked one by one, keyed per device in order, with headers and CloudEvents", async function () {
    kafka = await startKafka(3);
    await helper.load([brokerNode, outNode, completeNode, catchNode], flow(kafka.brokers, "coldchain.{profileName}"));
    let acked = 0;
    const failures: unknown[] = [];
    events(helper.getNode("acked")).on("input", () => acked++);
    events(helper.getNode("failed")).on("input", (m: unknown) => failures.push(m));
    const out = helper.getNode("out");
    const N = 50000;
    const devices = 20;
    for (let i = 0; i < N; i++) {
      const deviceName = `truck-${i % devices}`;
      out.receive({ payload: { deviceName, profileName: "reefer", seq: Math.floor(i / devices), origin: 1700000000000 + i }, headers: { site: "store-001" } });
      if (i % 5000 === 4999) await waitFor(() => acked + failures.length >= i - 10000, "the producer keeps up", { timeoutMs: 30000 });
    }
    await waitFor(() => acked + failures.length === N, `${N} acknowledgements`, { timeoutMs: 90000, intervalMs: 50 });
    assert.deepStrictEqual(failures, []);
    const records = await consumeAll(kafka.brokers, "coldchain.reefer", N);
    assert.strictEqual(records.length, N);
    const perKey = new Map<string, number[]>();
    for (const r of records) {
      assert.strictEqual(r.key, r.value.deviceName);
      assert.strictEqual(r.headers.site, "store-001");
      assert.strictEqual(r.headers["content-type"], "application/json");
      assert.strictEqual(r.headers.ce_specversion, "1.0");
      assert.strictEqual(r.headers.ce_source, `urn:edge-ai:${r.value.deviceName}`);
      assert.strictEqual(r.headers.ce_id, r.headers["message-id"]);
      const list = perKey.get(r.key) ?? [];
      list.push(r.value.seq);
      perKey.set(r.key, list);
    }
    assert.strictEqual(new Set(records.map((r) => r.headers["message-id"])).size, N, "every message id is unique");
    for (const [key, seqs] of perKey) assert.deepStrictEqual(seqs, [...seqs].sort((a, b) => a - b), `${key} in order`);
  });

  it("buffers on disk while the cluster is down and delivers everything, alerts first, when a cluster is back", async function () {
    kafka = await startKafka(1);
    const bufferDir = tempDir("kafka-outage");
    await helper.load([brokerNode, outNode, completeNode, catchNode], flow(kafka.brokers, "outage", { bufferDir }));
    let acked = 0;
    events(helper.getNode("acked")).on("input", () => acked++);
    const send = (n: number, kind: string, priority: number) => {
      for (let i = 0; i < n; i++) helper.getNode("out").receive({ payload: { deviceName: "truck-1", seq: i, kind }, priority });
    };
    send(100, "before", 3);
    await waitFor(() => acked === 100, "100 acked before the outage", { timeoutMs: 30000 });
    await kafka.stop();
    send(200, "bulk", 3);
    send(20, "alert", 0);
    // the messages wait on disk, and none is acknowledged while the cluster is down
    await waitFor(() => segmentBytes(bufferDir) > 220 * 50, "the outage's messages in the disk buffer", { timeoutMs: 30000 });
    assert.strictEqual(acked, 100);
    const first = kafka;
    kafka = await startKafka(1);
    assert.notDeepStrictEqual(kafka.brokers, first.brokers);
    // the user points the broker node at the new cluster and redeploys: the buffer is the node's, on disk
    await helper.unload();
    await helper.load([brokerNode, outNode, completeNode, catchNode], flow(kafka.brokers, "outage", { bufferDir }));
    const records = await consumeAll(kafka.brokers, "outage", 220, 60000);
    const kinds = records.map((r) => r.value.kind);
    assert.strictEqual(kinds.filter((k) => k === "bulk").length, 200);
    assert.strictEqual(kinds.filter((k) => k === "alert").length, 20);
    assert.ok(kinds.lastIndexOf("alert") < kinds.indexOf("bulk"), "the buffered alerts drained before the bulk");
  });

  it("rejects a bad topic to the Catch node", async function () {
    kafka = await startKafka(1);
    await helper.load([brokerNode, outNode, completeNode, catchNode], flow(kafka.brokers, ""));
    const failures: Array<{ error: { message: string } }> = [];
    events(helper.getNode("failed")).on("input", (m: unknown) => failures.push(m as { error: { message: string } }));
    helper.getNode("out").receive({ payload: { deviceName: "x" } });
    helper.getNode("out").receive({ topic: "bad topic!", payload: { deviceName: "x" } });
    await waitFor(() => failures.length === 2, "two errors");
    assert.match(failures[0].error.message, /no topic/);
    assert.match(failures[1].error.message, /not a valid Kafka topic/);
  });
});
