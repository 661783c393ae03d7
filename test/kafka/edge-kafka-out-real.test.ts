/**
 * What librdkafka's mock cluster cannot show: the idempotent producer (the mock answers InitProducerId with
 * "Broker 0 not found"), SASL and TLS. These run against a real cluster:
 *   KAFKA_BROKERS                                   plaintext bootstrap brokers (idempotence)
 *   KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME,
 *   KAFKA_SASL_PASSWORD [, KAFKA_SASL_BROKERS]      SASL (plain, scram-sha-256, scram-sha-512) without TLS
 *   KAFKA_TLS_BROKERS, KAFKA_TLS_CA [, KAFKA_TLS_CERT, KAFKA_TLS_KEY]   TLS listener; CA (and client cert) PEM files
 * Without them each test is skipped and says why. On the mock, one test checks that an idempotent node whose
 * cluster grants no producer id acknowledges nothing and keeps every message on disk.
 */
import * as assert from "assert";
import * as fs from "fs";
import helper from "node-red-node-test-helper";
import brokerNode from "../../nodes/edge-kafka-broker/edge-kafka-broker";
import outNode from "../../nodes/edge-kafka-out/edge-kafka-out";
import { startKafka, KafkaPeer, tempDir } from "../harness/peers";
import { waitFor } from "../harness/wait";
import { events } from "../harness/node-events";
import { consumeAll, outFlow } from "./kafka-test-util";

helper.init(require.resolve("node-red"));
const completeNode = require("@node-red/nodes/core/common/24-complete.js");
const catchNode = require("@node-red/nodes/core/common/25-catch.js");

const env = process.env;

function skipUnless(ctx: Mocha.Context, ok: unknown, why: string): void {
  if (!ok) {
    console.log(`      (skipped: ${why})`);
    ctx.skip();
  }
}

/** loads the flow, sends n messages over `keys` devices, and waits for their acknowledgements */
async function produce(flow: ReturnType<typeof outFlow>, credentials: Record<string, unknown>, n: number, keys: number): Promise<void> {
  await helper.load([brokerNode, outNode, completeNode, catchNode], flow, credentials);
  let acked = 0;
  const failures: unknown[] = [];
  events(helper.getNode("acked")).on("input", () => acked++);
  events(helper.getNode("failed")).on("input", (m: unknown) => failures.push(m));
  for (let i = 0; i < n; i++) helper.getNode("out").receive({ payload: { deviceName: `truck-${i % keys}`, seq: Math.floor(i / keys) } });
  await waitFor(() => acked + failures.length === n, `${n} acknowledgements`, { timeoutMs: 60000, intervalMs: 50 });
  assert.deepStrictEqual(failures, []);
}

function assertOncePerKeyInOrder(records: Array<{ key: string; value: { seq: number }; headers: Record<string, string> }>, n: number): void {
  assert.strictEqual(records.length, n, "every message exactly once");
  assert.strictEqual(new Set(records.map((r) => r.headers["message-id"])).size, n);
  const perKey = new Map<string, number[]>();
  for (const r of records) perKey.set(r.key, [...(perKey.get(r.key) ?? []), r.value.seq]);
  for (const [key, seqs] of perKey) assert.deepStrictEqual(seqs, [...seqs].sort((a, b) => a - b), `${key} in order`);
}

describe("edge-kafka-out: idempotence, SASL and TLS", function () {
  this.timeout(120000);
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

  it("idempotent producer on a real cluster: every record exactly once, in order per key", async function () {
    skipUnless(this, env.KAFKA_BROKERS, "KAFKA_BROKERS is not set; librdkafka's mock cluster cannot grant a producer id");
    const brokers = env.KAFKA_BROKERS!.split(",");
    const topic = `edge-idempotent-${Date.now()}`;
    // acks "1" on the node: idempotence must override it to all (kafkajs refuses anything else)
    await produce(outFlow(brokers, topic, { idempotent: true, acks: "1" }), {}, 3000, 10);
    assertOncePerKeyInOrder(await consumeAll(brokers, topic, 3000), 3000);
  });

  it("idempotent producer on a cluster that grants no producer id (the mock): nothing acknowledged, all kept on disk", async function () {
    skipUnless(this, !env.KAFKA_BROKERS, "KAFKA_BROKERS is set: a real cluster grants producer ids, the test above covers it");
    kafka = await startKafka(1);
    const bufferDir = tempDir("kafka-idempotent-mock");
    await helper.load([brokerNode, outNode, completeNode, catchNode], outFlow(kafka.brokers, "idempotent", { idempotent: true, bufferDir }));
    let acked = 0;
    events(helper.getNode("acked")).on("input", () => acked++);
    for (let i = 0; i < 50; i++) helper.getNode("out").receive({ payload: { deviceName: "truck-1", seq: i } });
    const segments = () => fs.readdirSync(bufferDir).reduce((s, f) => s + fs.statSync(`${bufferDir}/${f}`).size, 0);
    await waitFor(() => segments() > 50 * 50, "the 50 messages in the disk buffer", { timeoutMs: 30000 });
    assert.strictEqual(acked, 0, "no message is acknowledged without the broker's ack");
  });

  it("SASL on a real cluster", async function () {
    skipUnless(this, env.KAFKA_BROKERS, "KAFKA_BROKERS is not set; librdkafka's mock cluster has no SASL");
    skipUnless(this, env.KAFKA_SASL_MECHANISM && env.KAFKA_SASL_USERNAME, "KAFKA_SASL_MECHANISM and KAFKA_SASL_USERNAME (and KAFKA_SASL_PASSWORD) are not set");
    const brokers = (env.KAFKA_SASL_BROKERS ?? env.KAFKA_BROKERS!).split(",");
    const sasl = { mechanism: env.KAFKA_SASL_MECHANISM as "plain", username: env.KAFKA_SASL_USERNAME!, password: env.KAFKA_SASL_PASSWORD ?? "" };
    const topic = `edge-sasl-${Date.now()}`;
    await produce(outFlow(brokers, topic, {}, { sasl: env.KAFKA_SASL_MECHANISM }), { kb: { username: sasl.username, password: sasl.password } }, 200, 4);
    assertOncePerKeyInOrder(await consumeAll(brokers, topic, 200, 60000, { sasl }), 200);
    await helper.unload();
    // a wrong password: nothing is acknowledged, the message waits on disk
    const bufferDir = tempDir("kafka-sasl-wrong");
    await helper.load([brokerNode, outNode, completeNode, catchNode], outFlow(brokers, topic, { bufferDir }, { sasl: env.KAFKA_SASL_MECHANISM }), { kb: { username: sasl.username, password: `${sasl.password}-wrong` } });
    let acked = 0;
    events(helper.getNode("acked")).on("input", () => acked++);
    helper.getNode("out").receive({ payload: { deviceName: "truck-1", seq: 0 } });
    const segments = () => fs.readdirSync(bufferDir).reduce((s, f) => s + fs.statSync(`${bufferDir}/${f}`).size, 0);
    await waitFor(() => segments() > 50, "the message in the disk buffer after the authentication failure", { timeoutMs: 30000 });
    assert.strictEqual(acked, 0);
  });

  it("TLS on a real cluster", async function () {
    skipUnless(this, env.KAFKA_BROKERS, "KAFKA_BROKERS is not set; librdkafka's mock cluster has no TLS listener");
    skipUnless(this, env.KAFKA_TLS_BROKERS && env.KAFKA_TLS_CA, "KAFKA_TLS_BROKERS and KAFKA_TLS_CA (a PEM file) are not set");
    const brokers = env.KAFKA_TLS_BROKERS!.split(",");
    const ca = fs.readFileSync(env.KAFKA_TLS_CA!, "utf8");
    const cert = env.KAFKA_TLS_CERT ? fs.readFileSync(env.KAFKA_TLS_CERT, "utf8") : undefined;
    const key = env.KAFKA_TLS_KEY ? fs.readFileSync(env.KAFKA_TLS_KEY, "utf8") : undefined;
    const topic = `edge-tls-${Date.now()}`;
    await produce(outFlow(brokers, topic, {}, { tls: true, rejectUnauthorized: true }), { kb: { ca, cert, key } }, 200, 4);
    assertOncePerKeyInOrder(await consumeAll(brokers, topic, 200, 60000, { ssl: { ca: [ca], cert, key, rejectUnauthorized: true } }), 200);
  });
});
