/**
 * The whole reefer pipeline, simulator to Kafka ack, against the same pipeline built from Node-RED core nodes,
 * in the same run, each in a child process of its own, against librdkafka's mock cluster (or KAFKA_BROKERS).
 */
import { startKafka } from "../test/harness/peers";
import { ensureBuilt } from "../test/harness/build";
import { benchUserDir, runPipeline } from "./support/run-pipeline";
import { corePipelineFlow } from "./support/core-pipeline";
import { edgePipelineFlow } from "./support/edge-pipeline";

const TRUCKS = 50;
const TICKS = Number(process.env.BENCH_PIPELINE_TICKS ?? 400);

export async function run() {
  ensureBuilt();
  const kafka = await startKafka(3);
  try {
    const job = { ticks: TICKS, window: 2000, simNode: "bench-sim", devicesPerTick: TRUCKS, timeoutMs: 120000 };
    const ours = await runPipeline({ ...job, userDir: benchUserDir("ours"), flows: edgePipelineFlow(kafka.brokers, "bench.ours", TRUCKS, benchUserDir("buffer")) });
    const core = await runPipeline({ ...job, userDir: benchUserDir("core"), flows: corePipelineFlow(kafka.brokers, "bench.core", TRUCKS) });
    const note = `${TICKS * TRUCKS} events; ours durable (disk buffer), core not`;
    return [
      { name: "reefer pipeline throughput", ours: ours.eventsPerSecond, baseline: core.eventsPerSecond, unit: "events/s", ratio: ours.eventsPerSecond / core.eventsPerSecond, note },
      { name: "latency p50 device→Kafka ack", ours: ours.p50Ms, baseline: core.p50Ms, unit: "ms", ratio: core.p50Ms / ours.p50Ms, note: "ratio: baseline ÷ ours" },
      { name: "latency p99 device→Kafka ack", ours: ours.p99Ms, baseline: core.p99Ms, unit: "ms", ratio: core.p99Ms / ours.p99Ms, note: "ratio: baseline ÷ ours" },
      { name: "CPU", ours: ours.cpuPercent, baseline: core.cpuPercent, unit: "% of a core", ratio: core.cpuPercent / ours.cpuPercent, note: "ratio: baseline ÷ ours" },
      { name: "resident memory (peak)", ours: ours.rssMb, baseline: core.rssMb, unit: "MB", ratio: core.rssMb / ours.rssMb, note: "ratio: baseline ÷ ours" },
    ];
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
