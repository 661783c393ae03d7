/**
 * edge-buffer → edge-kafka-out with no Complete or Catch node wired back: edge-kafka-out acknowledges (or fails)
 * each delivery to its buffer directly, from the broker's answer (lib/store/ack-bus). Against librdkafka's mock
 * cluster: every event reaches Kafka exactly once while the cluster works; while it is dead the events wait on the
 * buffer's disk and are retried, and once a cluster is back on the same ports every one of them reaches it. A late
 * answer to an earlier attempt (an ack timeout passed, the record was sent again) does not settle the retry,
 * whether it comes through the bus or as a Complete node of the old wiring brings it back.
 */
import * as assert from "assert";
import helper from "node-red-node-test-helper";
import brokerNode from "../../nodes/edge-kafka-broker/edge-kafka-broker";
import outNode from "../../nodes/edge-kafka-out/edge-kafka-out";
import bufferNode from "../../nodes/edge-buffer/edge-buffer";
import { startKafka, KafkaPeer, tempDir } from "../harness/peers";
import { waitFor } from "../harness/wait";
import { events } from "../harness/node-events";
import { bindShim, freePorts, startKafkaOn, FixedKafka } from "./fixed-port-kafka";
import { readTopic } from "./cluster-readout";
import { observeDelivered, settleDelivery } from "../../lib/store/ack-bus";
import { DurableQueue } from "../../lib/store/durable-queue";
import type { BufferTag } from "../../lib/contract/message";

helper.init(require.resolve("node-red"));

/** buffer "buf" → edge-kafka-out "out", and nothing wired back */
function directFlow(brokers: string[], topic: string, bufferDir: string) {
  return [
    { id: "t", type: "tab" },
    { id: "kb", type: "edge-kafka-broker", brokers: brokers.join(","), clientId: "direct-ack", sasl: "none", connectionTimeoutMs: "1000", requestTimeoutMs: "3000" },
    { id: "buf", z: "t", type: "edge-buffer", dir: bufferDir, lanes: "4", sync: "group", groupCommitMs: "5", window: "100", ackTimeoutS: "30", backoffMaxS: "1", breakerFailures: "5", probeAfterS: "1", metricsIntervalS: "0", wires: [["out"], []] },
    { id: "out", z: "t", type: "edge-kafka-out", broker: "kb", topic, key: "{deviceName}", valueFormat: "json", batchSize: "100", lingerMs: "5", compression: "none", acks: "-1", drainRatePerSec: "0", bufferDir: tempDir("direct-kafka") },
  ];
}

interface Delivered {
  seq: number;
  attempt: number;
}

/** what buffer "buf" reports delivered (acknowledged downstream), with the attempt that made it */
function recordDeliveries(): { delivered: Delivered[]; stop: () => void } {
  const delivered: Delivered[] = [];
  const stop = observeDelivered((bufferId, message) => {
    if (bufferId !== "buf") return;
    const m = message as { payload: { seq: number }; _buffer: BufferTag };
    delivered.push({ seq: m.payload.seq, attempt: m._buffer.attempt });
  });
  return { delivered, stop };
}

const seqsOf = (records: Array<{ value: string }>) => records.map((r) => (JSON.parse(r.value) as { seq: number }).seq);

/** how many times each value occurs, for the values that do not occur exactly once */
function notOnce(values: number[], expected: number[]): string[] {
  const counts = new Map<number, number>(expected.map((v) => [v, 0]));
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].filter(([, c]) => c !== 1).map(([v, c]) => `${v}×${c}`);
}

async function queuedOnDisk(dir: string): Promise<number> {
  const q = await DurableQueue.open({ dir });
  try {
    return q.pending();
  } finally {
    await q.close();
  }
}

describe("edge-buffer → edge-kafka-out acknowledged directly (no Complete/Catch wired back)", function () {
  this.timeout(120000);
  let kafka: KafkaPeer | undefined;
  let fixed: FixedKafka | undefined;
  let observing: (() => void) | undefined;

  beforeEach(function (done) {
    helper.startServer(done);
  });
  afterEach(async function () {
    observing?.();
    await helper.unload();
    await new Promise<void>((r) => helper.stopServer(() => r()));
    await kafka?.stop();
    await fixed?.stop();
    kafka = fixed = undefined;
  });

  it("delivers every event to Kafka exactly once while the cluster works, and leaves nothing on the buffer's disk", async function () {
    kafka = await startKafka(3);
    const dir = tempDir("direct-buffer");
    await helper.load([brokerNode, outNode, bufferNode], directFlow(kafka.brokers, "direct-once", dir));
    const { delivered, stop } = recordDeliveries();
    observing = stop;
    const buf = helper.getNode("buf");
    const N = 500;
    const seqs = Array.from({ length: N }, (_, i) => i);
    for (const seq of seqs) buf.receive({ payload: { deviceName: `truck-${seq % 7}`, seq }, eventId: `once-${seq}`, priority: seq % 50 === 0 ? 0 : 3 });
    await waitFor(() => delivered.length >= N, `${N} deliveries acknowledged to the buffer`, { timeoutMs: 60000 });
    const records = await readTopic(kafka.brokers, "direct-once");
    assert.deepStrictEqual(notOnce(seqsOf(records), seqs), [], "each event in Kafka exactly once");
    assert.deepStrictEqual(notOnce(delivered.map((d) => d.seq), seqs), [], "each event acknowledged to the buffer once");
    assert.deepStrictEqual(delivered.filter((d) => d.attempt !== 1), [], "no event needed a second attempt");
    await helper.unload();
    assert.strictEqual(await queuedOnDisk(dir), 0, "nothing left in the buffer");
  });

  it("retries the events while the cluster is dead and delivers every one once it is back (at least once)", async function () {
    const shim = bindShim();
    if (!shim.path) {
      console.log(`      skipped: ${shim.why}`);
      this.skip();
    }
    const ports = await freePorts(3);
    fixed = await startKafkaOn(ports);
    const brokers = fixed.brokers;
    const dir = tempDir("direct-buffer");
    await helper.load([brokerNode, outNode, bufferNode], directFlow(brokers, "direct-return", dir));
    const { delivered, stop } = recordDeliveries();
    observing = stop;
    let failures = 0;
    events(helper.getNode("out")).on("call:error", () => failures++);
    const buf = helper.getNode("buf");
    const send = (seq: number) => buf.receive({ payload: { deviceName: `truck-${seq % 7}`, seq }, eventId: `return-${seq}`, priority: seq % 25 === 0 ? 0 : 3 });

    // the first cluster takes the first events (and keeps them only as long as it lives: the mock has no disk)
    const before = Array.from({ length: 100 }, (_, i) => i);
    for (const seq of before) send(seq);
    await waitFor(() => delivered.length >= before.length, "the first events acknowledged", { timeoutMs: 60000 });
    assert.deepStrictEqual(notOnce(seqsOf(await readTopic(brokers, "direct-return")), before), [], "the first events in Kafka exactly once");

    // nothing in flight: the cluster dies, and the events that come meanwhile fail and wait on the buffer's disk
    await fixed.kill();
    const during = Array.from({ length: 300 }, (_, i) => 1000 + i);
    for (const seq of during) send(seq);
    await waitFor(() => failures >= 5, "deliveries failing while the cluster is dead", { timeoutMs: 60000 });
    const deliveredWhileDead = delivered.length - before.length;

    // a new cluster on the same ports: the buffer's probe finds it, and the backlog drains into it
    fixed = await startKafkaOn(ports);
    await waitFor(() => delivered.length >= before.length + during.length, "every event acknowledged once the cluster is back", { timeoutMs: 90000 });
    const inNewCluster = seqsOf(await readTopic(brokers, "direct-return"));
    const missing = during.filter((seq) => !inNewCluster.includes(seq));
    assert.deepStrictEqual(missing, [], "every event of the outage reached the new cluster");
    const retried = delivered.filter((d) => d.seq >= 1000 && d.attempt > 1).length;
    console.log(`      ${failures} failed deliveries while the cluster was dead; ${retried} of ${during.length} events delivered on a retry; ${inNewCluster.length} records in the new cluster`);
    assert.strictEqual(deliveredWhileDead, 0, "nothing acknowledged while no cluster was there");
    assert.ok(retried > 0, "the events that failed were delivered on a later attempt");
    assert.deepStrictEqual(notOnce(delivered.map((d) => d.seq), [...before, ...during]), [], "each event acknowledged to the buffer once");
    await helper.unload();
    assert.strictEqual(await queuedOnDisk(dir), 0, "nothing left in the buffer");
  });
});

describe("edge-buffer: a late answer to an earlier attempt does not settle the retry", function () {
  this.timeout(30000);
  beforeEach(function (done) {
    helper.startServer(done);
  });
  afterEach(async function () {
    await helper.unload();
    await new Promise<void>((r) => helper.stopServer(() => r()));
  });

  it("ignores a stale ack through the bus and through a Complete node's echo, and settles the attempt that waits", async function () {
    const dir = tempDir("stale-ack");
    // "slow" takes each delivery and never answers by itself: the test answers for it, late or on time
    const flow = [
      { id: "t", type: "tab" },
      { id: "buf", z: "t", type: "edge-buffer", dir, lanes: "4", sync: "group", groupCommitMs: "5", window: "4", ackTimeoutS: "1", backoffMaxS: "0.2", breakerFailures: "100", probeAfterS: "0.2", metricsIntervalS: "0", wires: [["slow"], []] },
      { id: "slow", z: "t", type: "helper" },
    ];
    await helper.load([bufferNode], flow);
    const seen: Array<{ _buffer: BufferTag; payload: { seq: number } }> = [];
    events(helper.getNode("slow")).on("input", (msg: { _buffer: BufferTag; payload: { seq: number } }) => seen.push(msg));
    const { delivered, stop } = recordDeliveries();
    try {
      helper.getNode("buf").receive({ payload: { seq: 7 }, eventId: "stale-1" });
      await waitFor(() => seen.length >= 1, "the first attempt");
      const first = seen[0]._buffer;
      assert.strictEqual(first.attempt, 1);
      // no answer within the 1 s ack timeout: the record is sent again
      await waitFor(() => seen.length >= 2, "the retry after the ack timeout", { timeoutMs: 10000 });
      const second = seen[1]._buffer;
      assert.deepStrictEqual([second.id, second.attempt], [first.id, 2]);
      // the first attempt's answers arrive now, late: neither settles the waiting retry
      assert.strictEqual(settleDelivery("buf", first.id, first.attempt), false, "a stale ack through the bus settles nothing");
      // and as a Complete node of the old wiring would bring it back: the first attempt's message, with its tag
      helper.getNode("buf").receive({ ...seen[0], complete: { source: { id: "slow", type: "helper" } } });
      // the retry still waits: it times out in turn and comes a third time
      await waitFor(() => seen.length >= 3, "a third attempt: the retry was not acknowledged by the stale answers", { timeoutMs: 10000 });
      assert.strictEqual(delivered.length, 0, "nothing delivered on a stale ack");
      const third = seen[2]._buffer;
      assert.strictEqual(third.attempt, 3);
      assert.strictEqual(settleDelivery("buf", third.id, 2), false, "the second attempt's late ack settles nothing either");
      assert.strictEqual(settleDelivery("buf", third.id, third.attempt), true, "the answer to the waiting attempt settles it");
      await waitFor(() => delivered.length === 1, "the record delivered");
      assert.deepStrictEqual(delivered, [{ seq: 7, attempt: 3 }]);
      assert.strictEqual(settleDelivery("buf", third.id, third.attempt), false, "settled once");
    } finally {
      stop();
    }
    await helper.unload();
    assert.strictEqual(await queuedOnDisk(dir), 0, "acknowledged: gone from the disk");
  });
});
