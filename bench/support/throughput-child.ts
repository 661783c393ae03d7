/**
 * A child process running Node-RED embedded, as a user runs it (no test helper: its spies record every call and
 * turn a benchmark into a garbage-collector benchmark), that feeds messages to one node of a flow and counts those
 * reaching a sink, a junction with no wires, through Node-RED's onReceive hook.
 * Protocol: the parent sends a ThroughputJob; the child answers with a ThroughputResult and exits.
 */
import * as http from "http";
import * as path from "path";
import * as fs from "fs";
import { embeddedSettings } from "./embedded-settings";

export interface ThroughputJob {
  flows: unknown[];
  userDir: string;
  entry: string;
  sink: string;
  messages: Array<Record<string, unknown>>;
  /** how many messages a run expects at the sink (default: one per message) */
  expected?: number;
  /** messages given to the entry node before the event loop gets a turn */
  burst: number;
  timeoutMs: number;
  /** another node whose inputs are counted (the alerts of a rules flow), reported as `counted` */
  countAt?: string;
}

export interface ThroughputResult {
  received: number;
  seconds: number;
  perSecond: number;
  /** CPU seconds of the Node-RED process over the timed run: on a loaded machine wall time measures the others too */
  cpuSeconds: number;
  /** messages per CPU second */
  perCpuSecond: number;
  /** inputs of countAt during the timed run */
  counted: number;
  error?: string;
}

async function run(job: ThroughputJob): Promise<ThroughputResult> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const RED: any = require("node-red");
  fs.writeFileSync(path.join(job.userDir, "flows.json"), JSON.stringify(job.flows));
  RED.init(http.createServer(), embeddedSettings(job.userDir));
  let received = 0;
  let counted = 0;
  RED.hooks.add("onReceive.bench", (event: { destination: { id: string } }) => {
    if (event.destination.id === job.sink) received++;
    else if (event.destination.id === job.countAt) counted++;
  });
  const started = new Promise<void>((resolve) => RED.events.once("flows:started", () => resolve()));
  await RED.start();
  await Promise.race([started, new Promise((r) => setTimeout(r, 30000))]);
  const entry = RED.nodes.getNode(job.entry);
  if (!entry) throw new Error(`no node ${job.entry} in the flow (missing node types?)`);
  // one warm-up pass over a tenth of the messages, outside the clock
  const warm = job.messages.slice(0, Math.ceil(job.messages.length / 10));
  const feed = async (list: Array<Record<string, unknown>>, expected: number) => {
    received = 0;
    counted = 0;
    const deadline = Date.now() + job.timeoutMs;
    for (let i = 0; i < list.length; i++) {
      entry.receive({ ...list[i] });
      if (i % job.burst === job.burst - 1) await new Promise((r) => setImmediate(r));
    }
    while (received < expected && Date.now() < deadline) await new Promise((r) => setImmediate(r));
  };
  const ratio = (job.expected ?? job.messages.length) / job.messages.length;
  await feed(warm, Math.floor(warm.length * ratio));
  const expected = job.expected ?? job.messages.length;
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  await feed(job.messages, expected);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  await RED.stop();
  return { received, seconds, perSecond: received / seconds, cpuSeconds, perCpuSecond: received / cpuSeconds, counted, error: received < expected ? `only ${received} of ${expected} messages reached the sink` : undefined };
}

process.on("message", (job: ThroughputJob) => {
  run(job)
    .then((result) => process.send!(result, () => process.exit(0)))
    .catch((err: Error) => process.send!({ error: err.stack ?? err.message }, () => process.exit(1)));
});
