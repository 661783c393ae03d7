import * as assert from "assert";
import helper from "node-red-node-test-helper";
import { Kafka, logLevel } from "kafkajs";
import brokerNode from "../../nodes/edge-kafka-broker/edge-kafka-broker";
import inNode from "../../nodes/edge-kafka-in/edge-kafka-in";
import { startKafka, KafkaPeer } from "../harness/peers";
import { bindShim, freePorts, startKafkaOn, FixedKafka } from "./fixed-port-kafka";
import { withMessages } from "./kafka-test-util";
import { waitFor } from "../harness/wait";
import { events } from "../harness/node-events";

helper.init(require.resolve("node-red"));
const completeNode = require("@node-red/nodes/core/common/24-complete.js");
const functionNode = require("@node-red/nodes/core/function/10-function.js");

describe("edge-kafka-in against librdkafka's mock cluster", function () {
  this.timeout(120000);
  let kafka: KafkaPeer | FixedKafka | undefined;
  beforeEach(function (done) {
    helper.startServer(done);
  });
  afterEach(async function () {
    await helper.unload();
    await new Promise<void>((r) => helper.stopServer(() => r()));
    await kafka?.stop();
    kafka = undefined;
  });

  it("delivers commands in order and commits an offset only after the flow completed the message", async function () {
    const cluster = await startKafka(1);
    kafka = cluster;
    const producerClient = new Kafka({ clientId: "cloud", brokers: cluster.brokers, logLevel: logLevel.NOTHING });
    const producer = producerClient.producer();
    await producer.connect();
    await producer.send({ topic: "store-001.commands", messages: Array.from({ length: 5 }, (_, i) => ({ key: "truck-01", value: JSON.stringify({ setpoint: 2 + i }) })) });
    const flow = (groupId: string, failFirst: boolean) => [
      { id: "t", type: "tab" },
      { id: "kb", type: "edge-kafka-broker", brokers: cluster.brokers.join(","), clientId: "edge-in", sasl: "none", connectionTimeoutMs: "1000", requestTimeoutMs: "3000" },
      { id: "in", z: "t", type: "edge-kafka-in", broker: "kb", topics: "store-001.commands", groupId, fromBeginning: true, valueFormat: "json", completionTimeoutS: "2", wires: [["apply"]] },
      // the first delivery of setpoint 2 is "lost" (never completes): it must come again, before the later ones
      { id: "apply", z: "t", type: "function", func: `const seen = context.get('seen') || 0; context.set('seen', seen + 1); if (${failFirst} && seen === 0) return null; return msg;`, outputs: 1, wires: [["applied", "commit-point"]] },
      { id: "applied", z: "t", type: "helper" },
      { id: "commit-point", z: "t", type: "function", func: "return msg;", outputs: 1, wires: [[]] },
      { id: "back", z: "t", type: "complete", scope: ["commit-point"], uncaught: false, wires: [["in"]] },
    ];
    await helper.load([brokerNode, inNode, completeNode, functionNode], flow("gw-1", true));
    const setpoints: number[] = [];
    events(helper.getNode("applied")).on("input", (msg: { payload: { setpoint: number } }) => setpoints.push(msg.payload.setpoint));
    await waitFor(() => setpoints.length >= 5, "5 commands applied", { timeoutMs: 60000, intervalMs: 100 });
    assert.deepStrictEqual(setpoints.slice(0, 5), [2, 3, 4, 5, 6], "the uncompleted command was delivered again, in order");
    await helper.unload();
    // the same group, restarted, has nothing left: every completed offset was committed
    await producer.send({ topic: "store-001.commands", messages: [{ key: "truck-01", value: JSON.stringify({ setpoint: 9 }) }] });
    await helper.load([brokerNode, inNode, completeNode, functionNode], flow("gw-1", false));
    const after: number[] = [];
    events(helper.getNode("applied")).on("input", (msg: { payload: { setpoint: number } }) => after.push(msg.payload.setpoint));
    await waitFor(() => after.length >= 1, "the new command", { timeoutMs: 60000, intervalMs: 100 });
    assert.deepStrictEqual(after, [9]);
    await producer.disconnect();
  });

  it("started before its cluster is up: red with the reason while it retries with backoff, then consuming (green)", async function () {
    const shim = bindShim();
    if (!shim.path) {
      console.log(`skipped: ${shim.why}`);
      this.skip();
    }
    const [port] = await freePorts(1);
    const brokers = [`127.0.0.1:${port}`];
    const flow = [
      { id: "t", type: "tab" },
      { id: "kb", type: "edge-kafka-broker", brokers: brokers.join(","), clientId: "edge-in", sasl: "none", connectionTimeoutMs: "1000", requestTimeoutMs: "3000" },
      { id: "in", z: "t", type: "edge-kafka-in", broker: "kb", topics: "store-002.commands", groupId: "gw-late", fromBeginning: true, valueFormat: "json", completionTimeoutS: "10", wires: [["applied", "commit-point"]] },
      { id: "applied", z: "t", type: "helper" },
      { id: "commit-point", z: "t", type: "function", func: "return msg;", outputs: 1, wires: [[]] },
      { id: "back", z: "t", type: "complete", scope: ["commit-point"], uncaught: false, wires: [["in"]] },
    ];
    await helper.load([withMessages(brokerNode), withMessages(inNode), completeNode, functionNode], flow);
    const statuses = () =>
      (helper as unknown as { _NodePrototype: { status: { getCalls(): Array<{ thisValue: { id: string }; args: [{ fill?: string; text?: string }] }> } } })._NodePrototype.status
        .getCalls()
        .filter((c) => c.thisValue?.id === "in")
        .map((c) => c.args[0]);
    const setpoints: number[] = [];
    events(helper.getNode("applied")).on("input", (msg: { payload: { setpoint: number } }) => setpoints.push(msg.payload.setpoint));
    // nothing listens on the port: the start fails, and the status says why and that it retries
    const failing = await waitFor(() => statuses().find((s) => s.fill === "red" && /retry in \d+ s/.test(s.text ?? "")), "a red status with the reason and the retry", { timeoutMs: 15000 });
    assert.match(failing.text ?? "", /ECONNREFUSED|connect|Connection/i);
    assert.ok(!statuses().some((s) => s.fill === "green"), "not green before it consumes");
    kafka = await startKafkaOn([port]);
    const producer = new Kafka({ clientId: "cloud", brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({ topic: "store-002.commands", messages: [1, 2, 3].map((setpoint) => ({ key: "truck-02", value: JSON.stringify({ setpoint }) })) });
    await producer.disconnect();
    await waitFor(() => setpoints.length >= 3, "the commands consumed once the cluster is up", { timeoutMs: 60000, intervalMs: 100 });
    assert.deepStrictEqual(setpoints.slice(0, 3), [1, 2, 3]);
    await waitFor(() => statuses().at(-1)?.fill === "green", "green: joined and consuming", { timeoutMs: 10000 });
    assert.match(statuses().at(-1)?.text ?? "", /consuming/);
  });
});
