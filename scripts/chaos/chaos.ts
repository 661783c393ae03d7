/**
 * `npm run chaos`: the reefer pipeline under load for CHAOS_MINUTES (default 2) while the Kafka broker is frozen
 * and thawed (SIGSTOP/SIGCONT: unreachable, data kept) and Node-RED itself is killed with SIGKILL and restarted,
 * at random. Ends with a reconciliation: every event and alert the buffer accepted is in Kafka, counted by id,
 * and, per partition, whether the alerts accepted during an outage arrived before the bulk accepted with them.
 * A missing message fails the run. The order is reported, not enforced: when a freeze is shorter than the
 * client's request timeout, the broker answers the requests queued on the connection when it thaws, in the
 * order they were sent — nothing reached the disk buffer, so there was nothing to reorder.
 * Bounded in time; stops everything it started.
 */
import * as fs from "fs";
import * as path from "path";
import { Kafka, logLevel } from "kafkajs";
import { startKafka, tempDir } from "../../test/harness/peers";
import { startNodeRed, NodeRedProcess } from "../../test/harness/node-red-process";
import { ensureBuilt, repoRoot } from "../../test/harness/build";
import { SeededRandom } from "../../lib/sim/random";

const MINUTES = Number(process.env.CHAOS_MINUTES ?? 2);
const TOPIC = "chaos.coldchain";

function pipeline(brokers: string[], acceptedLog: string, bufferDir: string): unknown[] {
  const z = "chaos";
  return [
    { id: z, type: "tab", label: "chaos pipeline" },
    { id: "c-profile", type: "edge-device-profile", source: "builtin", builtin: "reefer-unit" },
    { id: "c-broker", type: "edge-kafka-broker", brokers: brokers.join(","), clientId: "chaos", sasl: "none", connectionTimeoutMs: "1000", requestTimeoutMs: "3000" },
    { id: "c-sim", z, type: "edge-sim", seed: "7", trucks: "20", coldRooms: "0", freezers: "0", shelves: "0", coapSensors: "0", cameras: "0", intervalMs: "100", stepS: "60", wearOutHours: "2", autostart: true, wires: [["c-ingest"], []] },
    { id: "c-ingest", z, type: "edge-ingest", profile: "c-profile", deviceNameFrom: "path", deviceNamePath: "unit_id", outOfRange: "flag", output: "event", originPath: "ts", wires: [["c-rules", "c-bulk"], []] },
    { id: "c-bulk", z, type: "change", rules: [{ t: "set", p: "priority", pt: "msg", to: "3", tot: "num" }], wires: [["c-buffer"]] },
    { id: "c-rules", z, type: "edge-rules", rules: [{ name: "warm", type: "threshold", severity: "critical", resource: "returnAir", direction: "above", raise: "6", clear: "5.5", forS: "0" }, { name: "door", type: "jsonata", severity: "major", resource: "door", expression: "value = true" }], wires: [["c-alert-id"], []] },
    { id: "c-alert-id", z, type: "function", func: "msg.eventId = 'alert-' + msg._msgid;\nmsg.payload.deviceName = msg.payload.deviceName || 'unknown';\nreturn msg;", outputs: 1, wires: [["c-buffer"]] },
    { id: "c-buffer", z, type: "edge-buffer", dir: bufferDir, lanes: "4", sync: "group", groupCommitMs: "10", window: "500", ackTimeoutS: "20", backoffMaxS: "2", breakerFailures: "5", probeAfterS: "2", metricsIntervalS: "0", wires: [["c-kafka"], []] },
    { id: "c-kafka", z, type: "edge-kafka-out", broker: "c-broker", topic: TOPIC, key: "{deviceName}", valueFormat: "json", batchSize: "500", lingerMs: "10", compression: "gzip", acks: "-1", bufferDir: `${bufferDir}-kafka` },
    { id: "c-acked", z, type: "complete", scope: ["c-kafka"], uncaught: false, wires: [["c-buffer"]] },
    { id: "c-failed", z, type: "catch", scope: ["c-kafka"], uncaught: false, wires: [["c-buffer"]] },
    // what the buffer accepted (its input completed: on disk), logged with its lane
    { id: "c-accepted", z, type: "complete", scope: ["c-buffer"], uncaught: false, wires: [["c-log-line"]] },
    { id: "c-log-line", z, type: "function", func: "if (msg._buffer) return null;\nmsg.payload = msg.eventId + ' ' + msg.priority + ' ' + Date.now();\nreturn msg;", outputs: 1, wires: [["c-log"]] },
    { id: "c-log", z, type: "file", filename: acceptedLog, filenameType: "str", appendNewline: true, createDir: true, overwriteFile: "false", wires: [[]] },
  ];
}

async function main(): Promise<void> {
  ensureBuilt();
  const rnd = new SeededRandom(Number(process.env.CHAOS_SEED ?? 1));
  const kafka = await startKafka(1);
  const userDir = tempDir("chaos");
  fs.mkdirSync(path.join(userDir, "node_modules", "@edge-ai"), { recursive: true });
  fs.symlinkSync(repoRoot, path.join(userDir, "node_modules", "@edge-ai", "node-red-edge-ai"), "dir");
  const acceptedLog = path.join(userDir, "accepted.log");
  const consumed = new Map<string, { partition: number; offset: number; at: number }>();
  const outages: Array<{ kind: string; from: number; to: number }> = [];
  let red: NodeRedProcess | undefined;
  const consumer = new Kafka({ clientId: "chaos-verify", brokers: kafka.brokers, logLevel: logLevel.NOTHING }).consumer({ groupId: "chaos-verify" });
  const kcat = kafka.pid;
  try {
    red = await startNodeRed({ userDir, flows: pipeline(kafka.brokers, acceptedLog, path.join(userDir, "buffer")) });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const id = message.headers?.["message-id"]?.toString();
        if (id && !consumed.has(id)) consumed.set(id, { partition, offset: Number(message.offset), at: Date.now() });
      },
    });
    const end = Date.now() + MINUTES * 60000;
    while (Date.now() < end) {
      await new Promise((r) => setTimeout(r, rnd.between(8000, 15000)));
      if (Date.now() >= end) break;
      const from = Date.now();
      if (rnd.chance(0.5) && kcat) {
        process.kill(kcat, "SIGSTOP"); // the broker stops answering; its data stays
        await new Promise((r) => setTimeout(r, rnd.between(5000, 10000)));
        process.kill(kcat, "SIGCONT");
        outages.push({ kind: "kafka", from, to: Date.now() });
      } else {
        await red.kill9();
        await new Promise((r) => setTimeout(r, rnd.between(500, 2000)));
        red = await startNodeRed({ userDir, port: red.port });
        outages.push({ kind: "node-red kill -9", from, to: Date.now() });
      }
      process.stdout.write(`chaos: ${outages[outages.length - 1].kind} at ${new Date(from).toISOString()}\n`);
    }
    // stop the load, then let everything drain
    await red.deploy(pipeline(kafka.brokers, acceptedLog, path.join(userDir, "buffer")).map((n) => ((n as { id: string }).id === "c-sim" ? { ...(n as object), autostart: false } : n)));
    const accepted = () => fs.readFileSync(acceptedLog, "utf8").trim().split("\n").map((l) => l.split(" ")).map(([id, priority, at]) => ({ id, priority: Number(priority), at: Number(at) }));
    const deadline = Date.now() + 120000;
    while (Date.now() < deadline && accepted().some((a) => !consumed.has(a.id))) await new Promise((r) => setTimeout(r, 500));
    const all = accepted();
    const missing = all.filter((a) => !consumed.has(a.id));
    // in each partition, what was buffered during an outage: alerts before bulk. The produce request already on
    // the wire when the broker froze is answered when it thaws, first: what was accepted in the outage's first
    // second (that request) is left out of the order check, not of the count.
    let orderViolations = 0;
    for (const o of outages) {
      const during = all.filter((a) => a.at >= o.from + 1000 && a.at <= o.to && consumed.has(a.id));
      const byPartition = new Map<number, Array<{ priority: number; offset: number }>>();
      for (const a of during) {
        const c = consumed.get(a.id)!;
        byPartition.set(c.partition, [...(byPartition.get(c.partition) ?? []), { priority: a.priority, offset: c.offset }]);
      }
      for (const list of byPartition.values()) {
        list.sort((x, y) => x.offset - y.offset);
        const firstBulk = list.findIndex((x) => x.priority === 3);
        if (firstBulk >= 0 && list.slice(firstBulk).some((x) => x.priority < 3)) orderViolations++;
      }
    }
    console.log(`chaos: ${MINUTES} min, ${outages.length} outages (${outages.filter((o) => o.kind === "kafka").length} Kafka, ${outages.filter((o) => o.kind !== "kafka").length} Node-RED kill -9)`);
    console.log(`chaos: accepted ${all.length} (${all.filter((a) => a.priority < 3).length} alerts), in Kafka ${all.length - missing.length}, missing ${missing.length}, partitions with an alert after bulk: ${orderViolations}`);
    if (missing.length) process.exitCode = 1;
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await red?.stop().catch(() => undefined);
    if (kcat) {
      try {
        process.kill(kcat, "SIGCONT");
      } catch {
        /* gone */
      }
    }
    await kafka.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
