/**
 * A child process that runs Node-RED embedded with one flow and drives it with the simulator, so a
 * pipeline's throughput, latency, CPU and memory are measured in a process of their own.
 * Protocol: the parent sends {flows, userDir, events, window, simNode}; the child answers with PipelineResult.
 * The flow's last node calls global.get("benchSink")(msg) once per delivered event, or, with `deliveredAt`, the
 * events an edge-buffer reports delivered are counted (lib/store/ack-bus); a change node right after the
 * simulator stamps msg.t0 = $millis().
 */
import * as http from "http";
import * as path from "path";
import { embeddedSettings } from "./embedded-settings";
import { observeDelivered } from "../../lib/store/ack-bus";

export interface PipelineJob {
  flows: unknown[];
  userDir: string;
  /** how many simulator ticks to drive; each tick emits one message per simulated device */
  ticks: number;
  /** max events in flight (closed loop) */
  window: number;
  /**
   * open loop: events per second, sent on a clock whether or not earlier ones are through (a device does not wait
   * for the gateway), so latency is a device's, not the queue of a saturated closed loop; `window` is then ignored
   */
  ratePerSec?: number;
  /** events sent in the first ms of the run are delivered but not timed (the first request creates the topic) */
  warmupMs?: number;
  simNode: string;
  /** count the events this edge-buffer reports delivered (those with t0 and payload.readings) instead of a sink node */
  deliveredAt?: string;
  devicesPerTick: number;
  timeoutMs: number;
}

export interface PipelineResult {
  delivered: number;
  seconds: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  cpuPercent: number;
  rssMb: number;
  error?: string;
}

function quantile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
}

async function run(job: PipelineJob): Promise<PipelineResult> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const RED: any = require("node-red");
  const latencies: number[] = [];
  let delivered = 0;
  let timedFrom = Infinity;
  const benchSink = (msg: { t0?: number }) => {
    delivered++;
    if (typeof msg.t0 === "number" && msg.t0 >= timedFrom) latencies.push(Date.now() - msg.t0);
  };
  if (job.deliveredAt) {
    // one bus per process (kept on the global object): the built nodes Node-RED loads report to this one too
    observeDelivered((bufferId, message) => {
      const m = message as { t0?: number; payload?: { readings?: unknown } };
      if (bufferId === job.deliveredAt && m.t0 !== undefined && m.payload?.readings) benchSink(m);
    });
  }
  const server = http.createServer();
  RED.init(server, embeddedSettings(job.userDir, { functionGlobalContext: { benchSink, kafkajs: require("kafkajs") } }));
  require("fs").writeFileSync(path.join(job.userDir, "flows.json"), JSON.stringify(job.flows));
  await RED.start();
  await new Promise((r) => setTimeout(r, 500)); // let connections open before the clock starts
  const sim = RED.nodes.getNode(job.simNode);
  if (!sim) throw new Error(`no node ${job.simNode} in the flow`);
  const total = job.ticks * job.devicesPerTick;
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  timedFrom = t0 + (job.warmupMs ?? 0);
  let rss = process.memoryUsage().rss;
  let ticked = 0;
  const deadline = t0 + job.timeoutMs;
  const rate = job.ratePerSec;
  while (delivered < total && Date.now() < deadline) {
    if (rate) {
      // the ticks due by now at the set rate (one tick = one reading from each device)
      const due = Math.min(job.ticks, Math.floor((((Date.now() - t0) / 1000) * rate) / job.devicesPerTick) + 1);
      if (due > ticked) {
        sim.receive({ payload: { tick: due - ticked } });
        ticked = due;
      }
    } else {
      const inFlight = ticked * job.devicesPerTick - delivered;
      if (ticked < job.ticks && inFlight + job.devicesPerTick <= job.window) {
        const n = Math.min(job.ticks - ticked, Math.max(1, Math.floor((job.window - inFlight) / job.devicesPerTick)));
        sim.receive({ payload: { tick: n } });
        ticked += n;
      }
    }
    rss = Math.max(rss, process.memoryUsage().rss);
    // open loop: wait on a timer, not spin, so the driver takes no CPU from the flow it measures
    await new Promise((r) => (rate ? setTimeout(r, 1) : setImmediate(r)));
  }
  const seconds = (Date.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await RED.stop();
  latencies.sort((a, b) => a - b);
  return {
    delivered,
    seconds,
    eventsPerSecond: delivered / seconds,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    p999Ms: quantile(latencies, 0.999),
    cpuPercent: ((cpu.user + cpu.system) / 1e6 / seconds) * 100,
    rssMb: rss / 2 ** 20,
    error: delivered < total ? `only ${delivered} of ${total} events delivered before the time limit` : undefined,
  };
}

process.on("message", (job: PipelineJob) => {
  run(job)
    .then((result) => process.send!(result, () => process.exit(0)))
    .catch((err: Error) => process.send!({ error: err.stack ?? err.message }, () => process.exit(1)));
});
