/**
 * The Kafka broker killed with SIGKILL under edge-kafka-out in a real Node-RED, and replaced on the same port
 * while messages keep coming (the fault suite's light case; test/kafka/ holds the full one). The mock cluster keeps
 * nothing: what the dead broker acknowledged died with it. Reconciled by id: every message pushed during the
 * outage or after it is either refused to Catch, or confirmed (Complete) and then found in the new cluster.
 */
import * as assert from "assert";
import * as path from "path";
import { startNodeRed, NodeRedProcess } from "../harness/node-red-process";
import { ensureBuilt, linkPack } from "../harness/build";
import { httpRequest, tempDir } from "../harness/peers";
import { waitFor } from "../harness/wait";
import { bindShim, freePorts, startKafkaOn, FixedKafka } from "../kafka/fixed-port-kafka";
import { readToHighWatermarks } from "../kafka/cluster-readout";
import { readLines } from "./buffer-flow";
import { nodeRedAnswers } from "./recorder";
import { record } from "./tally";

const TOPIC = "fault-broker-kill";
const BEFORE = 500;
const DURING = 500;
const AFTER = 500;
const BATCH = 50;

function flows(brokers: string[], dir: string): unknown[] {
  const z = "fk-tab";
  const libs = [{ var: "fs", module: "fs" }];
  const log = (file: string, line: string) => `fs.appendFileSync(${JSON.stringify(path.join(dir, file))}, ${line} + "\\n");\nreturn null;`;
  return [
    { id: z, type: "tab", label: "fault: Kafka broker killed" },
    { id: "fk-in", z, type: "http in", url: "/fault/send", method: "post", upload: false, wires: [["fk-split"]] },
    { id: "fk-split", z, type: "function", name: "send each", func: "for (const m of msg.payload) node.send([m, null]);\nreturn [null, msg];", outputs: 2, wires: [["fk-out"], ["fk-ok"]] },
    { id: "fk-ok", z, type: "http response", statusCode: "204", wires: [] },
    { id: "fk-broker", type: "edge-kafka-broker", name: "mock Kafka", brokers: brokers.join(","), clientId: "fault-suite", tls: false, rejectUnauthorized: true, sasl: "none", connectionTimeoutMs: "1000", requestTimeoutMs: "3000" },
    { id: "fk-out", z, type: "edge-kafka-out", name: "to Kafka", broker: "fk-broker", topic: TOPIC, key: "{deviceName}", valueFormat: "json", cloudEvents: false, batchSize: "100", lingerMs: "10", stallMs: "2000", compression: "none", acks: "-1", idempotent: false, bufferDir: "", bufferMB: "64", drainRatePerSec: "0", wires: [] },
    { id: "fk-confirmed", z, type: "complete", scope: ["fk-out"], uncaught: false, wires: [["fk-log-confirmed"]] },
    { id: "fk-log-confirmed", z, type: "function", libs, outputs: 0, wires: [], func: log("confirmed.txt", "msg.eventId") },
    { id: "fk-refused", z, type: "catch", scope: ["fk-out"], uncaught: false, wires: [["fk-log-refused"]] },
    { id: "fk-log-refused", z, type: "function", libs, outputs: 0, wires: [], func: log("refused.txt", "msg.eventId") },
  ];
}

async function push(url: string, from: number, to: number): Promise<void> {
  for (let n = from; n < to; n += BATCH) {
    const messages = [];
    for (let i = n; i < Math.min(n + BATCH, to); i++) messages.push({ eventId: `k${i}`, payload: { id: `k${i}`, deviceName: `dev-${i % 5}`, value: i } });
    const res = await httpRequest("POST", `${url}/fault/send`, JSON.stringify(messages), { "content-type": "application/json" });
    if (res.status !== 204) throw new Error(`POST /fault/send: ${res.status} ${res.body}`);
  }
}

/** the ids in the topic of the (new) cluster, each partition read to its high watermark */
async function idsInCluster(brokers: string[]): Promise<Set<string>> {
  const { records } = await readToHighWatermarks(brokers, TOPIC);
  return new Set(records.map((r) => (JSON.parse(r.value) as { id: string }).id));
}

describe("fault suite: the Kafka broker killed with SIGKILL and replaced under edge-kafka-out", function () {
  this.timeout(180000);
  let red: NodeRedProcess | undefined;
  let kafka: FixedKafka | undefined;
  after(async function () {
    await red?.stop().catch(() => undefined);
    await kafka?.stop().catch(() => undefined);
  });

  it("every message sent during and after the outage is refused to Catch or confirmed and in the new cluster; Node-RED stays up", async function () {
    const shim = bindShim();
    if (!shim.path) {
      console.log(`      skipped: ${shim.why}`);
      this.skip();
    }
    ensureBuilt();
    const userDir = tempDir("fault-kafka-kill");
    linkPack(userDir);
    const ports = await freePorts(1);
    kafka = await startKafkaOn(ports);
    red = await startNodeRed({ userDir, flows: flows(kafka.brokers, userDir), settings: { functionExternalModules: true, logging: { console: { level: "warn" } } } });
    const r = red;
    await waitFor(async () => (await httpRequest("POST", `${r.url}/fault/send`, "[]", { "content-type": "application/json" })).status === 204, "the flow's routes", { timeoutMs: 30000, intervalMs: 100 });
    const confirmed = () => new Set(readLines(path.join(userDir, "confirmed.txt")));
    const refused = () => new Set(readLines(path.join(userDir, "refused.txt")));
    const settled = (from: number, to: number) => {
      const c = confirmed();
      const f = refused();
      for (let n = from; n < to; n++) if (!c.has(`k${n}`) && !f.has(`k${n}`)) return false;
      return true;
    };

    await push(r.url, 0, BEFORE);
    await waitFor(() => settled(0, BEFORE), "the first messages confirmed by the first broker", { timeoutMs: 30000, intervalMs: 100 });
    const beforeKill = confirmed();
    await kafka.kill();
    await push(r.url, BEFORE, BEFORE + DURING);
    assert.ok(await nodeRedAnswers(r.url), `Node-RED stopped answering with the broker killed:\n${r.output().slice(-3000)}`);
    kafka = await startKafkaOn(ports);
    await push(r.url, BEFORE + DURING, BEFORE + DURING + AFTER);
    const total = BEFORE + DURING + AFTER;
    await waitFor(() => settled(BEFORE, total), "an outcome for every message sent during and after the outage", { timeoutMs: 90000, intervalMs: 200 }).catch(() => undefined);
    const up = await nodeRedAnswers(r.url);
    const inCluster = await idsInCluster(kafka.brokers);
    const c = confirmed();
    const f = refused();
    const later = Array.from({ length: total - BEFORE }, (_, i) => `k${BEFORE + i}`);
    const noOutcome = later.filter((id) => !c.has(id) && !f.has(id));
    const lost = later.filter((id) => c.has(id) && !inCluster.has(id));
    record({
      inputsTried: total,
      errorsReported: f.size,
      crashes: up ? 0 : 1,
      silentDrops: noOutcome.length,
      messagesConfirmed: c.size,
      confirmedButLost: lost.length,
    });
    assert.strictEqual(beforeKill.size, BEFORE, "the first broker confirmed every message sent before the kill");
    assert.ok(up, `Node-RED stopped answering after the broker was replaced:\n${r.output().slice(-3000)}`);
    assert.deepStrictEqual(noOutcome, [], `${noOutcome.length} messages with neither a confirmation nor an error: ${noOutcome.slice(0, 10).join(", ")}`);
    assert.deepStrictEqual(lost, [], `${lost.length} confirmed messages not in the new cluster: ${lost.slice(0, 10).join(", ")}`);
  });
});
