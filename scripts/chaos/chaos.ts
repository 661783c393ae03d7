/**
 * `npm run chaos`: the reefer pipeline under load for CHAOS_MINUTES (default 2) while the Kafka broker is frozen
 * and thawed (SIGSTOP/SIGCONT: unreachable, data kept), the upstream MQTT broker (Mosquitto, behind the embedded
 * broker and edge-mqtt-bridge) is stopped and restarted, and Node-RED itself is killed with SIGKILL and
 * restarted, at random. Ends with a reconciliation: every event and alert the buffer accepted is in Kafka, and
 * every alert and event the embedded broker accepted reached the upstream broker, counted by id; and whether the
 * alerts accepted during an outage arrived before the bulk accepted with them (per Kafka partition; in arrival
 * order upstream). A missing message fails the run. The order is reported, not enforced.
 *
 * What the order check measures: for each outage of a path — Kafka freezes for the Kafka path, upstream
 * Mosquitto outages for the MQTT path — the messages accepted from one second after it began until it ended; no
 * alert may follow the first bulk message among them (per partition by offset; upstream by arrival). An outage of
 * the other path is not one of this path's outages: its messages flow straight through in the order they were
 * accepted, so an alert accepted after a bulk message rightly arrives after it. A Node-RED kill -9 is left out of
 * both: nothing is accepted while Node-RED is down, and what is accepted after the restart flows live. The first
 * second is left out because the produce request (or publish) on the wire when the outage began is in the frozen
 * broker's socket buffer, or in the client's hands, and is answered first whatever we do.
 *
 * Instrumentation: every hand-over from edge-buffer to edge-kafka-out (id, attempt, when) and the status of
 * edge-buffer, edge-kafka-out and the bridge are logged; for every outage with an alert after bulk the run writes
 * order-report.txt beside the logs: when each message was accepted, handed over and consumed, and its copies.
 * Bounded in time; stops everything it started.
 */
import * as fs from "fs";
import * as path from "path";
import { Kafka, logLevel } from "kafkajs";
import mqtt from "mqtt";
import { httpRequest, startKafka, startMosquitto, tempDir } from "../../test/harness/peers";
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
    // one reading can raise two alerts (warm and door) that share its _msgid: each needs an id of its own (edge-buffer
    // holds one delivery per id; a second record with the same id left the first unanswered until its ack timeout)
    { id: "c-alert-id", z, type: "function", func: "msg.eventId = 'alert-' + msg._msgid + '-' + Math.random().toString(36).slice(2, 10);\nmsg.payload.deviceName = msg.payload.deviceName || 'unknown';\nreturn msg;", outputs: 1, wires: [["c-buffer", "c-alert-mqtt"]] },
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
    { id: "c-buffer", z, type: "edge-buffer", dir: bufferDir, lanes: "4", sync: "group", groupCommitMs: "10", window: "500", ackTimeoutS: "20", backoffMaxS: "2", breakerFailures: "5", probeAfterS: "2", metricsIntervalS: "0", wires: [["c-kafka", "c-fwd-line"], []] },
    // instrumentation: every hand-over from edge-buffer to edge-kafka-out (id, attempt, when), and the status of
    // the buffering nodes (edge-kafka-out buffering on its own disk or not, the bridge buffering or not)
    { id: "c-fwd-line", z, type: "function", func: "msg.payload = msg.eventId + ' ' + (msg._buffer ? msg._buffer.attempt : 0) + ' ' + Date.now();\nreturn msg;", outputs: 1, wires: [["c-fwd-log"]] },
    { id: "c-fwd-log", z, type: "file", filename: `${acceptedLog}.fwd`, filenameType: "str", appendNewline: true, createDir: true, overwriteFile: "false", wires: [[]] },
    { id: "c-status", z, type: "status", scope: ["c-kafka", "c-bridge", "c-buffer"], wires: [["c-status-line"]] },
    { id: "c-status-line", z, type: "function", func: "msg.payload = msg.status.source.id + ' ' + Date.now() + ' ' + (msg.status.fill || '-') + ' ' + String(msg.status.text || '').replace(/\\s+/g, '_');\nreturn msg;", outputs: 1, wires: [["c-status-log"]] },
    { id: "c-status-log", z, type: "file", filename: `${acceptedLog}.status`, filenameType: "str", appendNewline: true, createDir: true, overwriteFile: "false", wires: [[]] },
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
  // startMosquitto has started it: a second start() would spawn a broker that cannot bind the port, and the
  // outages would then stop that one and leave the real broker running (and its pipes would keep this process alive)
  const upstream = await startMosquitto({ persistence: true });
  const ports: MqttPorts = { local: await freeTcpPort(), upstream: upstream.port };
  const userDir = tempDir("chaos");
  // the pack as published (package.json's files), copied from the build made above: other work in the same checkout
  // may rebuild dist/ during the run, and a Node-RED restarted (after kill -9) while dist/ was being rewritten found
  // no nodes and ran nothing; its dependencies are the checkout's node_modules
  const pack = path.join(userDir, "node_modules", "@edge-ai", "node-red-edge-ai");
  fs.mkdirSync(pack, { recursive: true });
  for (const entry of ["package.json", "dist", "examples", "resources"]) if (fs.existsSync(path.join(repoRoot, entry))) fs.cpSync(path.join(repoRoot, entry), path.join(pack, entry), { recursive: true });
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(pack, "node_modules"), "dir");
  const acceptedLog = path.join(userDir, "accepted.log");
  const consumed = new Map<string, { partition: number; offset: number; at: number }>();
  /** later copies of an id (a redelivery), for the report */
  const duplicates = new Map<string, Array<{ partition: number; offset: number; at: number }>>();
  const outages: Array<{ kind: string; from: number; to: number }> = [];
  let red: NodeRedProcess | undefined;
  // what reached the upstream broker, in arrival order; a persistent session keeps what arrives while we reconnect
  const arrivedUpstream = new Map<string, number>();
  const arrivedAt = new Map<string, number>();
  let upstreamDuplicates = 0;
  let arrivals = 0;
  const verifier = mqtt.connect(upstream.url, { clientId: "chaos-verify", clean: false, reconnectPeriod: 500 });
  verifier.on("connect", () => verifier.subscribe("stores/#", { qos: 1 }));
  verifier.on("message", (_topic, payload) => {
    try {
      const id = (JSON.parse(payload.toString()) as { id?: string }).id;
      if (id && !arrivedUpstream.has(id)) {
        arrivedUpstream.set(id, arrivals++);
        arrivedAt.set(id, Date.now());
      } else if (id) upstreamDuplicates++;
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
        if (!id) return;
        if (!consumed.has(id)) consumed.set(id, { partition, offset: Number(message.offset), at: Date.now() });
        else duplicates.set(id, [...(duplicates.get(id) ?? []), { partition, offset: Number(message.offset), at: Date.now() }]);
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
    // a "nodes" deployment restarts only the simulator (a full one would restart every node, and on a loaded
    // machine the HTTP answer can take longer than the harness waits)
    const stopped = pipeline(kafka.brokers, acceptedLog, path.join(userDir, "buffer"), ports).map((n) => ((n as { id: string }).id === "c-sim" ? { ...(n as object), autostart: false } : n));
    const res = await httpRequest("POST", `${red.url}/flows`, JSON.stringify(stopped), { "Content-Type": "application/json", "Node-RED-Deployment-Type": "nodes" });
    if (res.status !== 200 && res.status !== 204) throw new Error(`deploy failed: ${res.status} ${res.body}`);
    const accepted = () => readLog(acceptedLog);
    const acceptedMqtt = () => readLog(`${acceptedLog}.mqtt`);
    const deadline = Date.now() + 120000;
    while (Date.now() < deadline && (accepted().some((a) => !consumed.has(a.id)) || acceptedMqtt().some((a) => !arrivedUpstream.has(a.id)))) await new Promise((r) => setTimeout(r, 500));
    const all = accepted();
    const missing = all.filter((a) => !consumed.has(a.id));
    // in each partition, what was buffered during an outage: alerts before bulk. The produce request already on
    // the wire when the broker froze is answered when it thaws, first: what was accepted in the outage's first
    // second (that request) is left out of the order check, not of the count.
    // instrumentation: what edge-buffer handed to edge-kafka-out (id → [attempt@ms]) and the nodes' status changes
    const forwards = new Map<string, Array<{ attempt: number; at: number }>>();
    for (const f of readLog(`${acceptedLog}.fwd`)) forwards.set(f.id, [...(forwards.get(f.id) ?? []), { attempt: f.priority, at: f.at }]);
    const statuses = fs.existsSync(`${acceptedLog}.status`) ? fs.readFileSync(`${acceptedLog}.status`, "utf8").trim().split("\n").filter(Boolean).map((l) => l.split(" ")).map(([node, at, fill, text]) => ({ node, at: Number(at), fill, text })) : [];
    const report: string[] = [];
    const rel = (t: number | undefined, o: { from: number }) => (t === undefined ? "?" : `${t - o.from >= 0 ? "+" : ""}${t - o.from}ms`);
    const kafkaPath = (id: string, o: { from: number; to: number }) => {
      const f = (forwards.get(id) ?? []).map((x) => `#${x.attempt}@${rel(x.at, o)}`).join(",");
      const dup = (duplicates.get(id) ?? []).map((d) => `p${d.partition}/${d.offset}@${rel(d.at, o)}`).join(",");
      return `fwd[${f}]${dup ? ` dup[${dup}]` : ""}`;
    };
    /** per outage kind: outages and partitions with an alert after bulk */
    const kafkaByKind = new Map<string, number>();
    let orderViolations = 0;
    for (const [i, o] of outages.entries()) {
      if (o.kind !== "kafka") continue;
      const during = all.filter((a) => a.at >= o.from + 1000 && a.at <= o.to && consumed.has(a.id));
      const byPartition = new Map<number, Array<{ id: string; priority: number; offset: number; acceptedAt: number }>>();
      for (const a of during) {
        const c = consumed.get(a.id)!;
        byPartition.set(c.partition, [...(byPartition.get(c.partition) ?? []), { id: a.id, priority: a.priority, offset: c.offset, acceptedAt: a.at }]);
      }
      for (const [partition, list] of byPartition) {
        list.sort((x, y) => x.offset - y.offset);
        const firstBulk = list.findIndex((x) => x.priority === 3);
        const late = firstBulk >= 0 ? list.slice(firstBulk).filter((x) => x.priority < 3) : [];
        if (late.length === 0) continue;
        orderViolations++;
        kafkaByKind.set(o.kind, (kafkaByKind.get(o.kind) ?? 0) + 1);
        const b = list[firstBulk];
        report.push(`kafka outage ${i} (${o.kind}, ${o.to - o.from} ms) partition ${partition}: first bulk ${b.id} accepted ${rel(b.acceptedAt, o)} offset ${b.offset} consumed ${rel(consumed.get(b.id)!.at, o)} ${kafkaPath(b.id, o)}`);
        for (const a of late.slice(0, 5)) report.push(`    alert after it: ${a.id} accepted ${rel(a.acceptedAt, o)} offset ${a.offset} consumed ${rel(consumed.get(a.id)!.at, o)} ${kafkaPath(a.id, o)}`);
        if (late.length > 5) report.push(`    … ${late.length - 5} more alerts after bulk`);
      }
      const st = statuses.filter((x) => x.at >= o.from - 1000 && x.at <= o.to + 15000).map((x) => `${x.node}@${rel(x.at, o)}:${x.fill}:${x.text}`);
      report.push(`outage ${i} (${o.kind}) status: ${st.join(" ")}`);
    }
    // upstream MQTT: in arrival order, what was accepted during an outage (after its first second): alerts before bulk
    const allMqtt = acceptedMqtt();
    const missingMqtt = allMqtt.filter((a) => !arrivedUpstream.has(a.id));
    const mqttByKind = new Map<string, number>();
    let mqttOrderViolations = 0;
    for (const [i, o] of outages.entries()) {
      if (o.kind !== "mqtt upstream") continue;
      const during = allMqtt.filter((a) => a.at >= o.from + 1000 && a.at <= o.to && arrivedUpstream.has(a.id)).sort((x, y) => arrivedUpstream.get(x.id)! - arrivedUpstream.get(y.id)!);
      const firstBulk = during.findIndex((x) => x.priority === 3);
      const late = firstBulk >= 0 ? during.slice(firstBulk).filter((x) => x.priority < 3) : [];
      if (late.length === 0) continue;
      mqttOrderViolations++;
      mqttByKind.set(o.kind, (mqttByKind.get(o.kind) ?? 0) + 1);
      const b = during[firstBulk];
      report.push(`mqtt outage ${i} (${o.kind}, ${o.to - o.from} ms): ${during.length} accepted in it; first bulk ${b.id} accepted ${rel(b.at, o)} arrived #${arrivedUpstream.get(b.id)} ${rel(arrivedAt.get(b.id), o)}`);
      for (const a of late.slice(0, 5)) report.push(`    alert after it: ${a.id} accepted ${rel(a.at, o)} arrived #${arrivedUpstream.get(a.id)} ${rel(arrivedAt.get(a.id), o)}`);
      if (late.length > 5) report.push(`    … ${late.length - 5} more alerts after bulk`);
    }
    // the copies of a record written twice (at least once: a retry after an unanswered request, a redelivery after a kill -9)
    for (const [i, o] of outages.entries()) {
      const near = [...duplicates.keys()].filter((id) => consumed.get(id)!.at >= o.from && consumed.get(id)!.at <= o.to + 20000);
      if (near.length) report.push(`outage ${i} (${o.kind}): ${near.length} records written twice, first copies consumed in it or within 20 s after, e.g. ${near.slice(0, 3).map((id) => `${id} accepted ${rel(all.find((a) => a.id === id)?.at, o)} ${kafkaPath(id, o)} first p${consumed.get(id)!.partition}/${consumed.get(id)!.offset}@${rel(consumed.get(id)!.at, o)}`).join("; ")}`);
    }
    fs.writeFileSync(path.join(userDir, "order-report.txt"), report.join("\n") + "\n");
    console.log(`chaos: order report in ${path.join(userDir, "order-report.txt")}; Kafka violations by outage kind ${JSON.stringify([...kafkaByKind])}, MQTT ${JSON.stringify([...mqttByKind])}; Kafka duplicates ${duplicates.size}, upstream duplicates ${upstreamDuplicates}`);
    const count = (kind: string) => outages.filter((o) => o.kind === kind).length;
    console.log("chaos: order checked per path on its own outages (Kafka freezes, upstream MQTT outages), on what was accepted from 1 s into each; not on kill -9 (see the header)");
    console.log(`chaos: ${MINUTES} min, ${outages.length} outages (${count("kafka")} Kafka, ${count("mqtt upstream")} upstream MQTT, ${count("node-red kill -9")} Node-RED kill -9)`);
    console.log(`chaos: Kafka: accepted ${all.length} (${all.filter((a) => a.priority < 3).length} alerts), in Kafka ${all.length - missing.length}, missing ${missing.length}, partitions with an alert after bulk in a Kafka outage: ${orderViolations}`);
    console.log(`chaos: MQTT: accepted ${allMqtt.length} (${allMqtt.filter((a) => a.priority < 3).length} alerts), upstream ${allMqtt.length - missingMqtt.length}, missing ${missingMqtt.length}, upstream outages with an alert after bulk: ${mqttOrderViolations}`);
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
