/**
 * edge-buffer → edge-kafka-out (acked by a Complete node, retried through a Catch node) while librdkafka's mock
 * cluster is frozen (SIGSTOP: the connection stays open, nothing is answered). What is accepted during the freeze
 * must reach Kafka alerts first: neither held in edge-kafka-out's memory in arrival order until the thaw, nor
 * buffered a second time on its disk while edge-buffer holds the alerts that came after.
 */
import * as assert from "assert";
import helper from "node-red-node-test-helper";
import brokerNode from "../../nodes/edge-kafka-broker/edge-kafka-broker";
import outNode from "../../nodes/edge-kafka-out/edge-kafka-out";
import bufferNode from "../../nodes/edge-buffer/edge-buffer";
import { startKafka, KafkaPeer, tempDir } from "../harness/peers";
import { consumeAll } from "./kafka-test-util";
import { waitFor } from "../harness/wait";
import { events } from "../harness/node-events";

helper.init(require.resolve("node-red"));
const completeNode = require("@node-red/nodes/core/common/24-complete.js");
const catchNode = require("@node-red/nodes/core/common/25-catch.js");

function flow(brokers: string[]) {
  return [
    { id: "t", type: "tab" },
    { id: "kb", type: "edge-kafka-broker", brokers: brokers.join(","), clientId: "edge-test", sasl: "none", connectionTimeoutMs: "1000", requestTimeoutMs: "3000" },
    { id: "buf", z: "t", type: "edge-buffer", dir: tempDir("freeze-buffer"), lanes: "4", sync: "group", groupCommitMs: "10", window: "100", ackTimeoutS: "30", backoffMaxS: "1", breakerFailures: "5", probeAfterS: "1", metricsIntervalS: "0", wires: [["out"], []] },
    { id: "out", z: "t", type: "edge-kafka-out", broker: "kb", topic: "freeze", key: "{deviceName}", valueFormat: "json", batchSize: "500", lingerMs: "10", compression: "none", acks: "-1", drainRatePerSec: "0", bufferDir: tempDir("freeze-kafka") },
    { id: "done", z: "t", type: "complete", scope: ["out"], uncaught: false, wires: [["buf", "acked"]] },
    { id: "acked", z: "t", type: "helper" },
    { id: "errors", z: "t", type: "catch", scope: ["out"], uncaught: false, wires: [["buf"]] },
  ];
}

describe("edge-buffer → edge-kafka-out while the Kafka mock is frozen", function () {
  this.timeout(120000);
  let kafka: KafkaPeer | undefined;

  beforeEach(function (done) {
    helper.startServer(done);
  });
  afterEach(async function () {
    if (kafka?.pid) {
      try {
        process.kill(kafka.pid, "SIGCONT");
      } catch {
        /* gone */
      }
    }
    await helper.unload();
    await new Promise<void>((r) => helper.stopServer(() => r()));
    await kafka?.stop();
  });

  it("delivers the alerts accepted during the freeze before its bulk (one key, one partition), and everything", async function () {
    kafka = await startKafka(1);
    if (!kafka.pid) this.skip(); // a real cluster (KAFKA_BROKERS) cannot be frozen from here
    await helper.load([brokerNode, outNode, bufferNode, completeNode, catchNode], flow(kafka.brokers));
    let acked = 0;
    events(helper.getNode("acked")).on("input", () => acked++);
    const buffer = helper.getNode("buf");
    const send = (kind: "before" | "bulk" | "alert", seq: number) => buffer.receive({ payload: { deviceName: "truck-1", seq, kind }, priority: kind === "alert" ? 0 : 3, eventId: `${kind}-${seq}` });
    for (let i = 0; i < 20; i++) send("before", i);
    await waitFor(() => acked === 20, "20 acked before the freeze", { timeoutMs: 30000 });
    process.kill(kafka.pid, "SIGSTOP");
    const frozenAt = Date.now();
    // 5 s of load at 50 bulk records and 2 alerts a second: edge-buffer's window (100) fills in 2 s
    const sent: Array<{ id: string; at: number }> = [];
    for (let tick = 0; tick < 100; tick++) {
      send("bulk", tick);
      sent.push({ id: `bulk-${tick}`, at: Date.now() - frozenAt });
      if (tick % 25 === 12) {
        send("alert", tick);
        sent.push({ id: `alert-${tick}`, at: Date.now() - frozenAt });
      }
      await new Promise((r) => setTimeout(r, 50)); // the pace of the load, not a synchronisation
    }
    process.kill(kafka.pid, "SIGCONT");
    const records = await consumeAll(kafka.brokers, "freeze", 20 + 100 + 4, 60000);
    const firstCopies: string[] = [];
    for (const r of records) {
      const id = `${r.value.kind}-${r.value.seq}`;
      if (!firstCopies.includes(id)) firstCopies.push(id);
    }
    for (const s of sent) assert.ok(firstCopies.includes(s.id), `${s.id} is missing`);
    // what was accepted from one second into the freeze on: the request on the wire when it froze is answered first
    const during = new Set(sent.filter((s) => s.at >= 1000).map((s) => s.id));
    const order = firstCopies.filter((id) => during.has(id));
    const firstBulk = order.findIndex((id) => id.startsWith("bulk"));
    const lateAlerts = order.slice(firstBulk).filter((id) => id.startsWith("alert"));
    assert.deepStrictEqual(lateAlerts, [], `alerts after bulk in Kafka: ${order.join(" ")}`);
    await waitFor(() => acked >= 124, "every record acknowledged to edge-buffer", { timeoutMs: 30000 });
  });
});
