/**
 * msgs/s through edge-kafka-out (batching 500 / linger 5 ms, acks all, done on the broker's ack) against a bare
 * kafkajs producer sending the same records with the same batching, same run, against librdkafka's mock cluster.
 */
import { Kafka, logLevel, CompressionTypes } from "kafkajs";
import { startKafka, tempDir } from "../test/harness/peers";
import { ensureBuilt } from "../test/harness/build";
import { benchUserDir, runPipeline } from "./support/run-pipeline";
import { ColdChainSimulator } from "../lib/sim/simulator";

const N = Number(process.env.BENCH_KAFKA_MESSAGES ?? 30000);
const BATCH = 500;

/** the same simulator payloads the node sends */
function payloads(): Array<Record<string, unknown>> {
  const sim = new ColdChainSimulator({ seed: 1, fleet: { trucks: 50, coldRooms: 0, freezers: 0, shelves: 0, coapSensors: 0 }, startTime: 0 });
  const out: Array<Record<string, unknown>> = [];
  while (out.length < N) for (const m of sim.tick(60).messages) out.push(m.payload as Record<string, unknown>);
  return out;
}

async function bare(brokers: string[]): Promise<number> {
  const producer = new Kafka({ clientId: "bare", brokers, logLevel: logLevel.NOTHING }).producer({ maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic: "bench.bare", messages: [{ key: "warm", value: "{}" }] });
  const all = payloads();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i += BATCH) {
    const messages = [];
    for (let k = i; k < Math.min(N, i + BATCH); k++) {
      messages.push({ key: String(all[k].unit_id), value: JSON.stringify(all[k]), headers: { "message-id": String(k), "content-type": "application/json" } });
    }
    await producer.sendBatch({ acks: -1, compression: CompressionTypes.None, topicMessages: [{ topic: "bench.bare", messages }] });
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await producer.disconnect();
  return N / seconds;
}

/** edge-kafka-out in its own Node-RED process (the test helper's call recording would dominate), fed by the simulator */
async function ours(brokers: string[]): Promise<number> {
  ensureBuilt();
  const trucks = 50;
  const z = "kafka-bench";
  const result = await runPipeline({
    ticks: Math.ceil(N / trucks),
    window: 5000,
    simNode: "bench-sim",
    devicesPerTick: trucks,
    timeoutMs: 120000,
    userDir: benchUserDir("kafka"),
    flows: [
      { id: z, type: "tab" },
      { id: "kb", type: "edge-kafka-broker", brokers: brokers.join(","), clientId: "ours", sasl: "none" },
      { id: "bench-sim", z, type: "edge-sim", seed: "1", trucks: String(trucks), coldRooms: "0", freezers: "0", shelves: "0", coapSensors: "0", cameras: "0", autostart: false, wires: [["k-t0"], []] },
      { id: "k-t0", z, type: "change", rules: [{ t: "set", p: "t0", pt: "msg", to: "", tot: "date" }], wires: [["k-out"]] },
      { id: "k-out", z, type: "edge-kafka-out", broker: "kb", topic: "bench.ours", key: "{unit_id}", valueFormat: "json", batchSize: String(BATCH), lingerMs: "5", compression: "none", acks: "-1", bufferDir: tempDir("bench-kafka") },
      { id: "k-acked", z, type: "complete", scope: ["k-out"], uncaught: false, wires: [["k-sink"]] },
      { id: "k-sink", z, type: "function", func: "global.get('benchSink')(msg);\nreturn null;", outputs: 1, wires: [[]] },
    ],
  });
  return result.eventsPerSecond;
}

export async function run() {
  const kafka = await startKafka(1);
  try {
    const b = await bare(kafka.brokers);
    const o = await ours(kafka.brokers);
    return [{ name: "produce, acked by the broker", ours: o, baseline: b, unit: "msgs/s", ratio: o / b, note: `edge-kafka-out (in Node-RED, done on ack) vs bare kafkajs sendBatch (${BATCH}/batch), ${N} messages, Kafka mock` }];
  } finally {
    await kafka.stop();
  }
}

if (require.main === module) {
  run().then((rows) => console.table(rows), (err) => {
    console.error(err);
    process.exit(1);
  });
}
