/**
 * msgs/s through edge-kafka-out against a bare kafkajs producer with the same batching, same run, against
 * librdkafka's mock cluster (or KAFKA_BROKERS).
 *
 * Both sides get the same work and the same conditions:
 * - each runs in a fresh child process of its own, is warmed up, then measured (best of five rounds: the machine is shared);
 * - the same simulator messages, generated before the clock starts, fed 50 at a time (one simulator tick) by the
 *   same closed-loop driver with at most 5,000 messages awaiting their ack;
 * - the same records: key = payload.unit_id, value = the payload as JSON, headers message-id (a UUID) and
 *   content-type; the same batching (500 records or 5 ms linger, one produce request in flight), acks all, no
 *   compression;
 * - a message counts only once the broker acknowledged it: edge-kafka-out's done() (seen through Node-RED's
 *   onComplete hook, which is what a Complete node listens to), the bare producer's sendBatch resolving.
 * Ours runs embedded in Node-RED (node.receive → input handler → done), the baseline is kafkajs alone.
 */
import { fork } from "child_process";
import * as http from "http";
import * as path from "path";
import * as fs from "fs";
import { randomUUID } from "crypto";
import { Kafka, logLevel, CompressionTypes, Producer, Message } from "kafkajs";
import { startKafka, tempDir } from "../test/harness/peers";
import { ensureBuilt } from "../test/harness/build";
import { benchUserDir } from "./support/run-pipeline";
import { ColdChainSimulator } from "../lib/sim/simulator";

const N = Number(process.env.BENCH_KAFKA_MESSAGES ?? 30000);
const WARMUP = Math.min(N, 10000);
const BATCH = 500;
const LINGER_MS = 5;
const WINDOW = 5000;
const CHUNK = 50;
const ROUNDS = 5;

type Role = "ours" | "bare";
interface Job {
  role: Role;
  brokers: string[];
  userDir: string;
  bufferDir: string;
}
interface Measured {
  rate: number;
  /** CPU time of the measuring process per message, µs (less disturbed by other load than the rate) */
  cpuUs: number;
}
interface Result {
  measured?: Measured;
  error?: string;
}
type Msg = Record<string, unknown> & { payload: Record<string, unknown> };

/** the simulator's reefer messages, shaped as edge-sim sends them (with the _msgid every message in a flow has) */
function messages(n: number): Msg[] {
  const sim = new ColdChainSimulator({ seed: 1, fleet: { trucks: 50, coldRooms: 0, freezers: 0, shelves: 0, coapSensors: 0 }, startTime: 0 });
  const out: Msg[] = [];
  while (out.length < n) {
    for (const m of sim.tick(60).messages) {
      if (out.length < n) out.push({ _msgid: randomUUID(), topic: m.topic, payload: m.payload as Record<string, unknown>, device: { name: m.device, kind: m.kind, transport: m.transport }, timestamp: m.ts });
    }
  }
  return out;
}

/** feeds `msgs` CHUNK at a time, at most WINDOW unacknowledged; resolves once all are acknowledged */
async function drive(msgs: Msg[], receive: (msg: Msg) => void, progress: () => { acked: number; failed: number }): Promise<Measured> {
  const deadline = Date.now() + 120000;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let sent = 0;
  for (;;) {
    const { acked, failed } = progress();
    if (failed > 0) throw new Error(`${failed} messages failed`);
    if (acked >= msgs.length) break;
    if (Date.now() > deadline) throw new Error(`only ${acked} of ${msgs.length} acknowledged in time`);
    for (let k = 0; k < CHUNK && sent < msgs.length && sent - acked < WINDOW; k++) receive(msgs[sent++]);
    await new Promise((r) => setImmediate(r));
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return { rate: msgs.length / seconds, cpuUs: (cpu.user + cpu.system) / msgs.length };
}

/**
 * kafkajs alone, batching as edge-kafka-out does: up to BATCH records, or LINGER_MS after the oldest waiting record
 * arrived, one request in flight (the next batch fills meanwhile)
 */
function bareProducer(producer: Producer, topic: string, onAck: (n: number) => void, onError: (n: number) => void): (msg: Msg) => void {
  let batch: Message[] = [];
  let firstAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let sending = false;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (sending || batch.length === 0) return;
    const messages = batch.length <= BATCH ? batch : batch.slice(0, BATCH);
    batch = batch.length <= BATCH ? [] : batch.slice(BATCH);
    sending = true;
    producer.sendBatch({ acks: -1, compression: CompressionTypes.None, topicMessages: [{ topic, messages }] }).then(
      () => {
        sending = false;
        onAck(messages.length);
        if (batch.length === 0 || timer) return;
        const wait = LINGER_MS - (Date.now() - firstAt);
        if (batch.length >= BATCH || wait <= 0) flush();
        else timer = setTimeout(flush, wait);
      },
      () => {
        sending = false;
        onError(messages.length);
      },
    );
  };
  return (msg) => {
    if (batch.push({ key: String(msg.payload.unit_id), value: JSON.stringify(msg.payload), headers: { "message-id": randomUUID(), "content-type": "application/json" } }) === 1) firstAt = Date.now();
    if (batch.length >= BATCH) flush();
    else if (!timer && !sending) timer = setTimeout(flush, LINGER_MS);
  };
}

async function measureBare(job: Job): Promise<Measured> {
  const producer = new Kafka({ clientId: "bare", brokers: job.brokers, logLevel: logLevel.NOTHING }).producer({ allowAutoTopicCreation: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    let acked = 0;
    let failed = 0;
    const receive = bareProducer(
      producer,
      "bench.bare",
      (n) => (acked += n),
      (n) => (failed += n),
    );
    const progress = () => ({ acked, failed });
    const warm = messages(WARMUP);
    await drive(warm, receive, progress);
    acked = 0;
    return await drive(messages(N), receive, progress);
  } finally {
    await producer.disconnect();
  }
}

async function measureOurs(job: Job): Promise<Measured> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const RED: any = require("node-red");
  const flows = [
    { id: "kafka-bench", type: "tab" },
    { id: "kb", type: "edge-kafka-broker", brokers: job.brokers.join(","), clientId: "ours", sasl: "none" },
    { id: "k-out", z: "kafka-bench", type: "edge-kafka-out", broker: "kb", topic: "bench.ours", key: "{unit_id}", valueFormat: "json", batchSize: String(BATCH), lingerMs: String(LINGER_MS), compression: "none", acks: "-1", bufferDir: job.bufferDir },
  ];
  fs.writeFileSync(path.join(job.userDir, "flows.json"), JSON.stringify(flows));
  RED.init(http.createServer(), {
    userDir: job.userDir,
    flowFile: path.join(job.userDir, "flows.json"),
    httpAdminRoot: false,
    httpNodeRoot: false,
    credentialSecret: "bench",
    logging: { console: { level: "warn" } },
    telemetry: { enabled: false },
    diagnostics: { enabled: false },
  });
  await RED.start();
  try {
    let acked = 0;
    let failed = 0;
    RED.hooks.add("onComplete.kafkaBench", (event: { node: { id: string }; error?: unknown }) => {
      if (event.node.id !== "k-out") return;
      if (event.error) failed++;
      else acked++;
    });
    const node = await waitForNode(RED, "k-out");
    const receive = (msg: Msg) => node.receive(msg);
    const progress = () => ({ acked, failed });
    await drive(messages(WARMUP), receive, progress);
    acked = 0;
    return await drive(messages(N), receive, progress);
  } finally {
    await RED.stop();
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function waitForNode(RED: any, id: string): Promise<{ receive(msg: unknown): void }> {
  const deadline = Date.now() + 20000;
  for (;;) {
    const node = RED.nodes.getNode(id);
    if (node) return node;
    if (Date.now() > deadline) throw new Error(`node ${id} did not start`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** one measurement in a fresh child process (this file, run with KAFKA_BENCH_CHILD=1) */
function inChild(job: Job): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [], { execArgv: ["--require", "tsx/cjs"], env: { ...process.env, KAFKA_BENCH_CHILD: "1" }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const timer = setTimeout(() => child.kill("SIGKILL"), 180000);
    let result: Result | undefined;
    child.once("message", (m: Result) => (result = m));
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (result?.measured) resolve(result.measured);
      else reject(new Error(result?.error ?? `kafka bench child (${job.role}) exited with ${code}`));
    });
    child.send(job);
  });
}

export async function run() {
  ensureBuilt();
  const kafka = await startKafka(1);
  try {
    const ours: Measured[] = [];
    const bare: Measured[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const base = { brokers: kafka.brokers, userDir: "", bufferDir: "" };
      bare.push(await inChild({ ...base, role: "bare" }));
      ours.push(await inChild({ ...base, role: "ours", userDir: benchUserDir("kafka"), bufferDir: tempDir("bench-kafka") }));
    }
    const o = Math.max(...ours.map((m) => m.rate));
    const b = Math.max(...bare.map((m) => m.rate));
    const cpu = (ms: Measured[]) => Math.min(...ms.map((m) => m.cpuUs)).toFixed(1);
    const rates = (ms: Measured[]) => ms.map((m) => m.rate.toFixed(0)).join(", ");
    return [
      {
        name: "produce, acked by the broker",
        ours: o,
        baseline: b,
        unit: "msgs/s",
        ratio: o / b,
        note: `edge-kafka-out in Node-RED (done on ack) vs bare kafkajs, both ${BATCH}/batch or ${LINGER_MS} ms linger, acks all, no compression, same records; ${N} messages after ${WARMUP} warm-up, best of ${ROUNDS} (ours ${rates(ours)}; bare ${rates(bare)}); CPU per message ours ${cpu(ours)} µs, bare ${cpu(bare)} µs; Kafka ${kafka.real ? "cluster" : "mock"}`,
      },
    ];
  } finally {
    await kafka.stop();
  }
}

if (process.env.KAFKA_BENCH_CHILD === "1" && process.send) {
  process.once("message", (job: Job) => {
    (job.role === "ours" ? measureOurs(job) : measureBare(job))
      .then((measured): Result => ({ measured }), (err: Error): Result => ({ error: err.stack ?? err.message }))
      .then((result) => process.send!(result, () => process.exit(0)));
  });
} else if (require.main === module) {
  run().then(
    (rows) => console.table(rows),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
