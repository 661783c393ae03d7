/**
 * The whole reefer pipeline, simulator to Kafka ack, against the same pipeline built from Node-RED core nodes,
 * in the same run, each in a child process of its own, against librdkafka's mock cluster (or KAFKA_BROKERS).
 */
import { startKafka } from "../test/harness/peers";
import { ensureBuilt } from "../test/harness/build";
import { benchUserDir, runPipeline } from "./support/run-pipeline";
import { corePipelineFlow } from "./support/core-pipeline";
import { EDGE_PIPELINE_BUFFER, edgePipelineFlow } from "./support/edge-pipeline";

const TRUCKS = 50;
const TICKS = Number(process.env.BENCH_PIPELINE_TICKS ?? 400);
/** the latency rows: devices reporting at a set rate below either pipeline's saturation, as a fleet does */
const LATENCY_RATE = Number(process.env.BENCH_PIPELINE_RATE ?? 1000);
const LATENCY_SECONDS = 6;
const LATENCY_WARMUP_MS = 1000;
const LATENCY_DEVICES = 10;

export async function run() {
  ensureBuilt();
  const kafka = await startKafka(3);
  try {
    // throughput: a closed loop of at most `window` events in flight, as fast as each pipeline goes
    const job = { ticks: TICKS, window: 2000, simNode: "bench-sim", devicesPerTick: TRUCKS, timeoutMs: 120000 };
    const ours = await runPipeline({ ...job, deliveredAt: EDGE_PIPELINE_BUFFER, userDir: benchUserDir("ours"), flows: edgePipelineFlow(kafka.brokers, "bench.ours", TRUCKS, benchUserDir("buffer")) });
    const core = await runPipeline({ ...job, userDir: benchUserDir("core"), flows: corePipelineFlow(kafka.brokers, "bench.core", TRUCKS) });
    // latency: open loop at LATENCY_RATE (a closed loop at saturation measures its own queue, not a device's wait)
    const open = { ticks: (LATENCY_RATE * LATENCY_SECONDS) / LATENCY_DEVICES, window: 0, ratePerSec: LATENCY_RATE, warmupMs: LATENCY_WARMUP_MS, simNode: "bench-sim", devicesPerTick: LATENCY_DEVICES, timeoutMs: 60000 };
    const oursAt = await runPipeline({ ...open, deliveredAt: EDGE_PIPELINE_BUFFER, userDir: benchUserDir("ours-rate"), flows: edgePipelineFlow(kafka.brokers, "bench.ours.rate", LATENCY_DEVICES, benchUserDir("buffer-rate")) });
    const coreAt = await runPipeline({ ...open, userDir: benchUserDir("core-rate"), flows: corePipelineFlow(kafka.brokers, "bench.core.rate", LATENCY_DEVICES) });
    const note = `${TICKS * TRUCKS} events, closed loop (≤ 2,000 in flight); ours durable (disk buffer, fdatasync before ack), core not`;
    const rateNote = `open loop at ${LATENCY_RATE} events/s from ${LATENCY_DEVICES} devices for ${LATENCY_SECONDS} s, the first ${LATENCY_WARMUP_MS / 1000} s not timed; 1 ms resolution; ratio: baseline ÷ ours`;
    return [
      { name: "reefer pipeline throughput", ours: ours.eventsPerSecond, baseline: core.eventsPerSecond, unit: "events/s", ratio: ours.eventsPerSecond / core.eventsPerSecond, note },
      { name: `latency p50 device→Kafka ack at ${LATENCY_RATE}/s`, ours: oursAt.p50Ms, baseline: coreAt.p50Ms, unit: "ms", ratio: coreAt.p50Ms / oursAt.p50Ms, note: rateNote },
      { name: `latency p99 device→Kafka ack at ${LATENCY_RATE}/s`, ours: oursAt.p99Ms, baseline: coreAt.p99Ms, unit: "ms", ratio: coreAt.p99Ms / oursAt.p99Ms, note: rateNote },
      { name: "CPU", ours: ours.cpuPercent, baseline: core.cpuPercent, unit: "% of a core", ratio: core.cpuPercent / ours.cpuPercent, note: "throughput run; ratio: baseline ÷ ours" },
      { name: "resident memory (peak)", ours: ours.rssMb, baseline: core.rssMb, unit: "MB", ratio: core.rssMb / ours.rssMb, note: "throughput run; ratio: baseline ÷ ours" },
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
