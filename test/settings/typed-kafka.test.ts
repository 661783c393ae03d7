/**
 * edge-kafka-out's Topic and Key as typed inputs, against librdkafka's mock cluster (kcat): Topic from a message
 * property and Key from the flow context, each read per message; and a version 0 node whose Topic was empty (msg.topic)
 * still sends to msg.topic after its migration.
 */
import * as assert from "assert";
import helper from "node-red-node-test-helper";
import brokerNode from "../../nodes/edge-kafka-broker/edge-kafka-broker";
import outNode from "../../nodes/edge-kafka-out/edge-kafka-out";
import { startKafka, tempDir, type KafkaPeer } from "../harness/peers";
import { waitFor } from "../harness/wait";
import { messagesTo } from "../harness/node-events";
import { consumeAll } from "../kafka/kafka-test-util";
import { useTestHelper } from "../harness/test-helper-server";

const completeNode = require("@node-red/nodes/core/common/24-complete.js");

describe("typed inputs: edge-kafka-out's Topic and Key (kcat's mock cluster)", function () {
  this.timeout(90000);
  let kafka: KafkaPeer;
  before(async function () {
    kafka = await startKafka(1);
  });
  after(async function () {
    await kafka?.stop();
  });
  useTestHelper();

  async function load(out: Record<string, unknown>) {
    const flow = [
      { id: "t", type: "tab" },
      { id: "kb", type: "edge-kafka-broker", brokers: kafka.brokers.join(","), clientId: "typed-test", sasl: "none", connectionTimeoutMs: "3000", requestTimeoutMs: "10000" },
      { id: "out", z: "t", type: "edge-kafka-out", broker: "kb", valueFormat: "json", batchSize: "10", lingerMs: "5", compression: "none", acks: "-1", bufferDir: tempDir("typed-kafka"), ...out },
      { id: "done", z: "t", type: "complete", scope: ["out"], uncaught: false, wires: [["acked"]] },
      { id: "acked", z: "t", type: "helper" },
    ];
    await helper.load([brokerNode, outNode, completeNode], flow as Parameters<typeof helper.load>[1]);
    const acked = messagesTo<unknown>("acked");
    return acked;
  }

  it("Topic from msg.kafkaTopic and Key from the flow context, read for each message", async function () {
    const acked = await load({ version: 2, topic: "kafkaTopic", topicType: "msg", key: "truckKey", keyType: "flow" });
    const node = helper.getNode("out") as unknown as { context(): { flow: { set(k: string, v: unknown): void } }; receive(m: object): void };
    node.context().flow.set("truckKey", "truck-a");
    node.receive({ kafkaTopic: "typed-topic-a", payload: { n: 1 } });
    await waitFor(() => acked.length === 1, "the first record acknowledged");
    node.context().flow.set("truckKey", "truck-b");
    node.receive({ kafkaTopic: "typed-topic-a", payload: { n: 2 } });
    await waitFor(() => acked.length === 2, "the second record acknowledged");
    const got = await consumeAll(kafka.brokers, "typed-topic-a", 2);
    assert.deepStrictEqual(got.map((r) => [r.key, (r.value as unknown as { n: number }).n]).sort(), [["truck-a", 1], ["truck-b", 2]]);
  });

  it("a version 0 node with an empty Topic still sends to msg.topic (migrated to Topic from msg.topic)", async function () {
    const acked = await load({ topic: "", key: "{deviceName}" });
    helper.getNode("out").receive({ topic: "typed-topic-b", payload: { deviceName: "truck-9", n: 3 } });
    await waitFor(() => acked.length === 1, "the record acknowledged");
    const got = await consumeAll(kafka.brokers, "typed-topic-b", 1);
    assert.deepStrictEqual([got[0].key, (got[0].value as unknown as { n: number }).n], ["truck-9", 3]);
  });
});
