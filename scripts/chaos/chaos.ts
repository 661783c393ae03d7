/**
 * `npm run chaos`: the reefer pipeline under load for CHAOS_MINUTES (default 2) while the Kafka broker is frozen
 * and thawed (SIGSTOP/SIGCONT: unreachable, data kept), the upstream MQTT broker (Mosquitto, behind the embedded
 * broker and edge-mqtt-bridge) is stopped and restarted, and Node-RED itself is killed with SIGKILL and
 * restarted, at random. Ends with a reconciliation: every event and alert the buffer accepted is in Kafka, and
 * every alert and event the embedded broker accepted reached the upstream broker, counted by id; and whether the
 * alerts accepted during an outage arrived before the bulk accepted with them (per Kafka partition; in arrival
 * order upstream). A missing message fails the run. The order is reported, not enforced: when a freeze is shorter than the
 * client's request timeout, the broker answers the requests queued on the connection when it thaws, in the
 * order they were sent — nothing reached the disk buffer, so there was nothing to reorder.
 * Bounded in time; stops everything it started.
 */
import * as fs from "fs";
import * as path from "path";
import { Kafka, logLevel } from "kafkajs";
import mqtt from "mqtt";
import { startKafka, startMosquitto, tempDir } from "../../test/harness/peers";
import { freeTcpPort } from "../../test/harness/ports";
import { startNodeRed, NodeRedProcess } from "../../test/harness/node-red-process";
import { ensureBuilt, repoRoot } from "../../test/harness/build";
import { SeededRandom } from "../../lib/sim/random";

const MINUTES = Number(process.env.CHAOS_MINUTES ?? 2);
const TOPIC = "chaos.coldchain";

interface MqttPorts {
  local: number;
  upstream: number;
}

function pipeline(brokers: string[], acceptedLog: string, bufferDir: string, ports: MqttPorts): unknown[] {
  const z = "chaos";
  return [
    { id: z, type: "tab", label: "chaos pipeline" },
    { id: "c-profile", type: "edge-device-profile", source: "builtin", builtin: "reefer-unit" },
    { id: "c-broker", type: "edge-kafka-broker", brokers: brokers.join(","), clientId: "chaos", sasl: "none", connectionTimeoutMs: "1000", requestTimeoutMs: "3000" },
    { id: "c-sim", z, type: "edge-sim", seed: "7", trucks: "20", coldRooms: "0", freezers: "0", shelves: "0", coapSensors: "0", cameras: "0", intervalMs: "100", stepS: "60", wearOutHours: "2", autostart: true, wires: [["c-ingest"], []] },
    { id: "c-ingest", z, type: "edge-ingest", profile: "c-profile", deviceNameFrom: "path", deviceNamePath: "unit_id", outOfRange: "flag", output: "event", originPath: "ts", wires: [["c-rules", "c-bulk", "c-bulk-mqtt"], []] },
    { id: "c-bulk", z, type: "change", rules: [{ t: "set", p: "priority", pt: "msg", to: "3", tot: "num" }], wires: [["c-buffer"]] },
    { id: "c-rules", z, type: "edge-rules", rules: [{ name: "warm", type: "threshold", severity: "critical", resource: "returnAir", direction: "above", raise: "6", clear: "5.5", forS: "0" }, { name: "door", type: "jsonata", severity: "major", resource: "door", expression: "value = true" }], wires: [["c-alert-id"], []] },
    { id: "c-alert-id", z, type: "function", func: "msg.eventId = 'alert-' + msg._msgid;\nmsg.payload.deviceName = msg.payload.deviceName || 'unknown';\nreturn msg;", outputs: 1, wires: [["c-buffer", "c-alert-mqtt"]] },
    // the store's MQTT path: the embedded broker, and edge-mqtt-bridge to the upstream Mosquitto, alerts first
    { id: "c-local-broker", z, type: "edge-broker", host: "127.0.0.1", port: String(ports.local), tls: false, ws: false, allowAnonymous: true, acl: "", dataDir: `${bufferDir}-broker`, wires: [] },
    { id: "c-local", type: "mqtt-broker", broker: "127.0.0.1", port: String(ports.local), clientid: "chaos-publisher", autoConnect: true, usetls: false, protocolVersion: "4", keepalive: "30", cleansession: true },
    { id: "c-upstream", type: "mqtt-broker", broker: "127.0.0.1", port: String(ports.upstream), clientid: "chaos-gateway", autoConnect: true, usetls: false, protocolVersion: "5", keepalive: "30", cleansession: true },
    { id: "c-alert-mqtt", z, type: "function", func: "return { topic: 'edge/store-001/' + msg.payload.deviceName + '/alerts', payload: JSON.stringify({ id: 'mqtt-' + msg.eventId, priority: 0 }), logId: 'mqtt-' + msg.eventId, priority: 0 };", outputs: 1, wires: [["c-mqtt-out"]] },
    { id: "c-bulk-mqtt", z, type: "function", func: "return { topic: 'edge/store-001/' + msg.payload.deviceName + '/events', payload: JSON.stringify({ id: 'mqtt-' + msg.payload.id, priority: 3 }), logId: 'mqtt-' + msg.payload.id, priority: 3 };", outputs: 1, wires: [["c-mqtt-out"]] },
    { id: "c-mqtt-out", z, type: "mqtt out", broker: "c-local", topic: "", qos: "1", retain: "false", wires: [] },
    { id: "c-bridge", z, type: "edge-mqtt-bridge", sourceType: "edge", source: "", localBroker: "c-local-broker", upstream: "c-upstream", clientId: "chaos-bridge", rules: [{ pattern: "edge/+site/+device/alerts", template: "stores/{site}/alerts/{device}", qos: "1", retain: false, priority: "0", userProperties: "" }, { pattern: "edge/+site/+device/events", template: "stores/{site}/events/{device}", qos: "1", retain: false, priority: "3", userProperties: "" }], drainRatePerSec: "2000", bufferDir: `${bufferDir}-bridge`, bufferMB: "256", wires: [] },
    // what the embedded broker accepted (mqtt out completes on its PUBACK)
    { id: "c-mqtt-accepted", z, type: "complete", scope: ["c-mqtt-out"], uncaught: false, wires: [["c-mqtt-log-line"]] },
    { id: "c-mqtt-log-line", z, type: "function", func: "msg.payload = msg.logId + ' ' + msg.priority + ' ' + Date.now();\nreturn msg;", outputs: 1, wires: [["c-mqtt-log"]] },
    { id: "c-mqtt-log", z, type: "file", filename: `${acceptedLog}.mqtt`, filenameType: "str", appendNewline: true, createDir: true, overwriteFile: "false", wires: [[]] },
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

/** lines "<id> <priority> <epoch ms>" written by the flow's file nodes */
function readLog(file: string): Array<{ id: string; priority: number; at: number }> {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((l) => l.split(" ")).map(([id, priority, at]) => ({ id, priority: Number(priority), at: Number(at) }));
}

async function main(): Promise<void> {
  ensureBuilt();
  const rnd = new SeededRandom(Number(process.env.CHAOS_SEED ?? 1));
  const kafka = await startKafka(1);
  const upstream = await startMosquitto({ persistence: true });
  await upstream.start();
  const ports: MqttPorts = { local: await freeTcpPort(), upstream: upstream.port };
  const userDir = tempDir("chaos");
  fs.mkdirSync(path.join(userDir, "node_modules", "@edge-ai"), { recursive: true });
  fs.symlinkSync(repoRoot, path.join(userDir, "node_modules", "@edge-ai", "node-red-edge-ai"), "dir");
  const acceptedLog = path.join(userDir, "accepted.log");
  const consumed = new Map<string, { partition: number; offset: number; at: number }>();
  const outages: Array<{ kind: string; from: number; to: number }> = [];
  let red: NodeRedProcess | undefined;
  // what reached the upstream broker, in arrival order; a persistent session keeps what arrives while we reconnect
  const arrivedUpstream = new Map<string, number>();
  let arrivals = 0;
  const verifier = mqtt.connect(upstream.url, { clientId: "chaos-verify", clean: false, reconnectPeriod: 500 });
  verifier.on("connect", () => verifier.subscribe("stores/#", { qos: 1 }));
  verifier.on("message", (_topic, payload) => {
    try {
      const id = (JSON.parse(payload.toString()) as { id?: string }).id;
      if (id && !arrivedUpstream.has(id)) arrivedUpstream.set(id, arrivals++);
    } catch {
      /* not ours */
    }
  });
  const consumer = new Kafka({ clientId: "chaos-verify", brokers: kafka.brokers, logLevel: logLevel.NOTHING }).consumer({ groupId: "chaos-verify" });
  const kcat = kafka.pid;
  try {
    red = await startNodeRed({ userDir, flows: pipeline(kafka.brokers, acceptedLog, path.join(userDir, "buffer"), ports) });
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
      const pick = rnd.between(0, 3);
      if (pick < 1 && kcat) {
        process.kill(kcat, "SIGSTOP"); // the broker stops answering; its data stays
        await new Promise((r) => setTimeout(r, rnd.between(5000, 10000)));
        process.kill(kcat, "SIGCONT");
        outages.push({ kind: "kafka", from, to: Date.now() });
      } else if (pick < 2) {
        await upstream.stop(); // Mosquitto saves its persistent sessions on the way down
        await new Promise((r) => setTimeout(r, rnd.between(5000, 10000)));
        await upstream.start();
        outages.push({ kind: "mqtt upstream", from, to: Date.now() });
      } else {
        await red.kill9();
        await new Promise((r) => setTimeout(r, rnd.between(500, 2000)));
        red = await startNodeRed({ userDir, port: red.port });
        outages.push({ kind: "node-red kill -9", from, to: Date.now() });
      }
      process.stdout.write(`chaos: ${outages[outages.length - 1].kind} at ${new Date(from).toISOString()}\n`);
    }
    // stop the load, then let everything drain
    await red.deploy(pipeline(kafka.brokers, acceptedLog, path.join(userDir, "buffer"), ports).map((n) => ((n as { id: string }).id === "c-sim" ? { ...(n as object), autostart: false } : n)));
    const accepted = () => readLog(acceptedLog);
    const acceptedMqtt = () => readLog(`${acceptedLog}.mqtt`);
    const deadline = Date.now() + 120000;
    while (Date.now() < deadline && (accepted().some((a) => !consumed.has(a.id)) || acceptedMqtt().some((a) => !arrivedUpstream.has(a.id)))) await new Promise((r) => setTimeout(r, 500));
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
    // upstream MQTT: in arrival order, what was accepted during an outage (after its first second): alerts before bulk
    const allMqtt = acceptedMqtt();
    const missingMqtt = allMqtt.filter((a) => !arrivedUpstream.has(a.id));
    let mqttOrderViolations = 0;
    for (const o of outages) {
      const during = allMqtt.filter((a) => a.at >= o.from + 1000 && a.at <= o.to && arrivedUpstream.has(a.id)).sort((x, y) => arrivedUpstream.get(x.id)! - arrivedUpstream.get(y.id)!);
      const firstBulk = during.findIndex((x) => x.priority === 3);
      if (firstBulk >= 0 && during.slice(firstBulk).some((x) => x.priority < 3)) mqttOrderViolations++;
    }
    const count = (kind: string) => outages.filter((o) => o.kind === kind).length;
    console.log(`chaos: ${MINUTES} min, ${outages.length} outages (${count("kafka")} Kafka, ${count("mqtt upstream")} upstream MQTT, ${count("node-red kill -9")} Node-RED kill -9)`);
    console.log(`chaos: Kafka: accepted ${all.length} (${all.filter((a) => a.priority < 3).length} alerts), in Kafka ${all.length - missing.length}, missing ${missing.length}, partitions with an alert after bulk: ${orderViolations}`);
    console.log(`chaos: MQTT: accepted ${allMqtt.length} (${allMqtt.filter((a) => a.priority < 3).length} alerts), upstream ${allMqtt.length - missingMqtt.length}, missing ${missingMqtt.length}, outages with an alert after bulk: ${mqttOrderViolations}`);
    if (missing.length || missingMqtt.length) process.exitCode = 1;
  } finally {
    await consumer.disconnect().catch(() => undefined);
    verifier.end(true);
    await upstream.stop().catch(() => undefined);
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
