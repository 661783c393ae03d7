/**
 * Decision latency: how long from a device's reading (an MQTT publish, or a CoAP POST) to the command the gateway
 * publishes because of it, measured open loop at a set rate below saturation (the rate devices send at, not as fast
 * as the gateway takes them), so the figures are a device's latency and not queueing in a closed loop.
 *
 * MQTT, ours: device → edge-broker (its output, in-process) → edge-ingest (reefer profile, °F → °C) → edge-rules
 *       (threshold with hysteresis, alert lifecycle) → edge-broker (its input, in-process) → actuator
 * MQTT, core: device → Mosquitto → mqtt in → function (the same conversion and hysteresis, per device, by hand) →
 *       mqtt out → Mosquitto → actuator; the strongest core-node baseline a user would write (no JSONata).
 * CoAP, ours: device → edge-coap-server / edge-coap-in (NON POST, answered 2.04 by edge-coap-response) → edge-ingest
 *       → edge-rules → edge-broker → actuator
 * CoAP, core (core has no CoAP node): a function node with its own UDP socket on 127.0.0.1 that skips the CoAP
 *       header and options by hand, the same decision as above → mqtt out → Mosquitto → actuator; it answers nothing.
 *
 * Every reading crosses the threshold (each device alternates 10 °C and 4.4 °C), so every reading yields one
 * command; the clock is the load generator's, at both ends. Readings of the first WARMUP_S seconds are not counted.
 * Each path runs in a Node-RED of its own (BENCH_PROFILE=<dir>: each writes a V8 CPU profile there on exit).
 */
import * as fs from "fs";
import * as path from "path";
import mqtt, { MqttClient } from "mqtt";
import { performance } from "perf_hooks";
import { startMosquitto, tempDir } from "../test/harness/peers";
import * as dgram from "dgram";
import { freeTcpPort, freeUdpPort } from "../test/harness/ports";
import { encodeMessage, uintOption } from "../lib/coap/message";
import { MessageType, Method, Option } from "../lib/coap/constants";
import { ensureBuilt, linkPack } from "../test/harness/build";
import { startNodeRed } from "../test/harness/node-red-process";
import { waitFor } from "../test/harness/wait";
import { setNoDelay } from "../lib/mqtt/no-delay";

const DEVICES = 1000;
const SECONDS = Number(process.env.BENCH_DECISION_SECONDS ?? 10);
const WARMUP_S = 2;
const RATES = (process.env.BENCH_DECISION_RATES ?? "1000,5000").split(",").map(Number);

interface LatencyResult {
  p50: number;
  p99: number;
  p999: number;
  received: number;
  expected: number;
}

function brokerConfig(id: string, port: number) {
  return { id, type: "mqtt-broker", name: "", broker: "127.0.0.1", port: String(port), clientid: "", usetls: false, protocolVersion: "4", keepalive: "60", cleansession: true, autoConnect: true };
}

function mqttIn(id: string, z: string, broker: string, wires: string[]) {
  return { id, type: "mqtt in", z, name: "", topic: "devices/+/telemetry", qos: "0", datatype: "json", broker, nl: false, rap: true, rh: 0, inputs: 0, wires: [wires] };
}

function mqttOut(id: string, z: string, broker: string) {
  return { id, type: "mqtt out", z, name: "", topic: "", qos: "0", retain: "false", broker, wires: [] };
}

function oursFlow(port: number): unknown[] {
  const z = "ours";
  return [
    { id: z, type: "tab", label: "ours" },
    { id: "d-broker", type: "edge-broker", z, name: "", host: "127.0.0.1", port: String(port), tls: false, ws: false, wsPort: "", wsPath: "/mqtt", allowAnonymous: true, acl: "", dataDir: tempDir("bench-decision-broker"), topic: "devices/+/telemetry", datatype: "json", maxInFlight: "10000", wires: [["d-ingest"]] },
    { id: "d-profile", type: "edge-device-profile", name: "reefer-unit", source: "builtin", profile: "", file: "", builtin: "reefer-unit" },
    { id: "d-ingest", type: "edge-ingest", z, name: "", profile: "d-profile", deviceNameFrom: "path", topicPattern: "", deviceNamePath: "unit_id", deviceName: "", outOfRange: "flag", payloadSchema: "", topicTemplate: "edge/{profileName}/{deviceName}", output: "event", originPath: "ts", wires: [["d-rules"], []] },
    { id: "d-rules", type: "edge-rules", z, name: "", rules: [{ name: "box too warm", type: "threshold", severity: "critical", resource: "returnAir", device: "", direction: "above", raise: "8", clear: "7.5", forS: "0" }], store: "", tickS: "1", wires: [["d-broker"], []] },
  ];
}

/** the same decision written by hand in a function node, as a user without the pack would */
const CORE_DECISION = `const p = msg.payload;
const c = Math.round((p.ret_air_f - 32) * 5 / 9 * 100) / 100;
const raised = context.get('raised') || {};
const was = raised[p.unit_id] === true;
let state = null;
if (!was && c > 8) state = 'raised';
else if (was && c < 7.5) state = 'cleared';
if (!state) return null;
raised[p.unit_id] = state === 'raised';
context.set('raised', raised);
return { topic: 'alerts/' + p.unit_id + '/box too warm', payload: { rule: 'box too warm', deviceName: p.unit_id, state, value: c, at: Date.now() } };`;

function coreFlow(port: number): unknown[] {
  const z = "core";
  return [
    { id: z, type: "tab", label: "core" },
    brokerConfig("c-conn", port),
    mqttIn("c-in", z, "c-conn", ["c-decide"]),
    { id: "c-decide", type: "function", z, name: "", func: CORE_DECISION, outputs: 1, wires: [["c-out"]] },
    mqttOut("c-out", z, "c-conn"),
  ];
}

function oursCoapFlow(mqttPort: number, coapPort: number): unknown[] {
  const z = "ours-coap";
  return [
    { id: z, type: "tab", label: "ours (CoAP)" },
    { id: "d-broker", type: "edge-broker", z, name: "", host: "127.0.0.1", port: String(mqttPort), tls: false, ws: false, wsPort: "", wsPath: "/mqtt", allowAnonymous: true, acl: "", dataDir: tempDir("bench-decision-broker"), topic: "", datatype: "json", maxInFlight: "10000", wires: [[]] },
    { id: "d-coap", type: "edge-coap-server", port: String(coapPort), address: "127.0.0.1" },
    { id: "d-in", type: "edge-coap-in", z, server: "d-coap", path: "/telemetry", methods: ["POST"], output: "parsed", wires: [["d-answer", "d-ingest"]] },
    { id: "d-answer", type: "edge-coap-response", z, code: "2.04", contentFormat: "50", wires: [] },
    { id: "d-profile", type: "edge-device-profile", name: "reefer-unit", source: "builtin", profile: "", file: "", builtin: "reefer-unit" },
    { id: "d-ingest", type: "edge-ingest", z, name: "", profile: "d-profile", deviceNameFrom: "path", topicPattern: "", deviceNamePath: "unit_id", deviceName: "", outOfRange: "flag", payloadSchema: "", topicTemplate: "edge/{profileName}/{deviceName}", output: "event", originPath: "ts", wires: [["d-rules"], []] },
    { id: "d-rules", type: "edge-rules", z, name: "", rules: [{ name: "box too warm", type: "threshold", severity: "critical", resource: "returnAir", device: "", direction: "above", raise: "8", clear: "7.5", forS: "0" }], store: "", tickS: "1", wires: [["d-broker"], []] },
  ];
}

/** a CoAP datagram's JSON payload, by hand: the 4-byte header, the token, the options up to the payload marker */
const CORE_COAP_SOCKET = `const socket = dgram.createSocket('udp4');
socket.on('message', (b) => {
  let i = 4 + (b[0] & 0x0f);
  while (i < b.length && b[i] !== 0xff) {
    let d = b[i] >> 4, l = b[i] & 0x0f; i++;
    if (d === 13) i += 1; else if (d === 14) i += 2;
    if (l === 13) l = b[i++] + 13; else if (l === 14) { l = b.readUInt16BE(i) + 269; i += 2; }
    i += l;
  }
  if (i >= b.length) return;
  try { node.send({ payload: JSON.parse(b.toString('utf8', i + 1)) }); } catch (err) { node.error(err); }
});
socket.bind(PORT, '127.0.0.1');
context.set('socket', socket);`;

function coreCoapFlow(mqttPort: number, coapPort: number): unknown[] {
  const z = "core-coap";
  return [
    { id: z, type: "tab", label: "core (CoAP)" },
    brokerConfig("c-conn", mqttPort),
    { id: "c-socket", type: "function", z, name: "", func: "return msg;", initialize: CORE_COAP_SOCKET.replace("PORT", String(coapPort)), finalize: "context.get('socket').close();", libs: [{ var: "dgram", module: "dgram" }], outputs: 1, wires: [["c-decide"]] },
    { id: "c-decide", type: "function", z, name: "", func: CORE_DECISION, outputs: 1, wires: [["c-out"]] },
    mqttOut("c-out", z, "c-conn"),
  ];
}

/** how a device sends a reading: an MQTT publish, or a CoAP NON POST */
interface Transport {
  send(deviceName: string, reading: string): void;
  close(): Promise<void>;
}

async function mqttTransport(url: string): Promise<Transport> {
  const pub = await connect(url);
  return { send: (device, reading) => void pub.publish(`devices/${device}/telemetry`, reading), close: () => pub.endAsync() };
}

/** NON POSTs from a few source ports, each with message ids of its own (none reused within a run) */
async function coapTransport(port: number): Promise<Transport> {
  const sockets = await Promise.all(
    Array.from({ length: 8 }, async () => {
      const socket = dgram.createSocket("udp4");
      socket.on("message", () => undefined); // the 2.04 answers
      await new Promise<void>((r) => socket.bind(0, "127.0.0.1", () => r()));
      return socket;
    }),
  );
  let n = 0;
  const path = { number: Option.URI_PATH, value: Buffer.from("telemetry") };
  const json = { number: Option.CONTENT_FORMAT, value: uintOption(50) };
  return {
    send(_device, reading) {
      const mid = (n >> 3) & 0xffff;
      const bytes = encodeMessage({ type: MessageType.NON, code: Method.POST, messageId: mid, token: Buffer.from([mid >> 8, mid & 0xff]), options: [path, json], payload: Buffer.from(reading) });
      sockets[n++ & 7].send(bytes, port, "127.0.0.1");
    },
    close: async () => {
      for (const s of sockets) s.close();
    },
  };
}

function connect(url: string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { reconnectPeriod: 200 });
    // the load generator's own Nagle (its publishes held for the broker's delayed ACK) is no part of the gateway's latency
    c.on("connect", () => setNoDelay(c.stream));
    c.once("connect", () => resolve(c));
    c.once("error", reject);
  });
}

function quantile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
}

/** publishes `rate` readings a second for SECONDS, spread over DEVICES, and times each command that comes back */
async function measure(url: string, rate: number, run: number, transport: Transport): Promise<LatencyResult> {
  // device names of their own per run: the alert state of an earlier run (kept by edge-rules) must not count
  const name = (device: number) => `truck-${run}-${device}`;
  const sub = await connect(url);
  const sentAt: number[][] = Array.from({ length: DEVICES }, () => []);
  const sentCount = new Array<number>(DEVICES).fill(0);
  const latencies: number[] = [];
  let received = 0;
  const t0 = performance.now();
  sub.on("message", (topic) => {
    const now = performance.now();
    const device = Number(topic.split("/")[1].split("-")[2]); // alerts/truck-<run>-<device>/…; NaN for the probe
    const at = sentAt[device]?.shift();
    if (at === undefined) return;
    received++;
    if (at - t0 >= WARMUP_S * 1000) latencies.push(now - at);
  });
  await sub.subscribeAsync("alerts/#", { qos: 0 });
  // wait for the flow to answer before the clock starts (the core path's MQTT client connects after deploy), with
  // a device of its own: then every probe's command must be back, so none is taken for a measured reading's
  let probesSent = 0;
  let probesBack = 0;
  const probe = `truck-${run}-probe`;
  const countProbe = (topic: string) => {
    if (topic.split("/")[1] === probe) probesBack++;
  };
  sub.on("message", countProbe);
  await waitFor(async () => {
    transport.send(probe, reading(probe, probesSent++));
    await new Promise((r) => setTimeout(r, 200));
    return probesBack > 0;
  }, "the flow's first command", { timeoutMs: 30000, intervalMs: 10 });
  await waitFor(() => probesBack >= probesSent, "the priming probes' commands", { timeoutMs: 10000, intervalMs: 10 });
  sub.off("message", countProbe);
  const start = performance.now();
  const total = rate * SECONDS;
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    for (; sent < due; sent++) {
      const device = sent % DEVICES;
      sentAt[device].push(performance.now());
      transport.send(name(device), reading(name(device), sentCount[device]++));
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await waitFor(() => received >= total, "every command", { timeoutMs: 30000, intervalMs: 20 }).catch(() => undefined);
  await transport.close();
  await sub.endAsync();
  latencies.sort((a, b) => a - b);
  return { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), p999: quantile(latencies, 0.999), received, expected: total };
}

function reading(deviceName: string, k: number): string {
  // 50 °F = 10 °C (over 8: raise), 40 °F = 4.4 °C (under 7.5: clear)
  return JSON.stringify({ unit_id: deviceName, ts: Date.now(), ret_air_f: k % 2 === 0 ? 50 : 40, sup_air_f: 38, setpoint_f: 37, comp_amps: 6.2, door: "closed", defrost: false });
}

/** BENCH_PROFILE=<dir>: Node-RED under `node --cpu-prof` (not allowed in NODE_OPTIONS), through a wrapper script */
function profilingNode(): string | undefined {
  const dir = process.env.BENCH_PROFILE;
  if (!dir) return undefined;
  fs.mkdirSync(path.resolve(dir), { recursive: true });
  const wrapper = path.join(tempDir("bench-decision-node"), "node-cpu-prof");
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} --cpu-prof --cpu-prof-dir=${JSON.stringify(path.resolve(dir))} "$@"\n`, { mode: 0o755 });
  return wrapper;
}

/** one Node-RED running `flows`, measured at every rate; commands come from the MQTT broker at `url` */
async function measurePath(label: string, flows: unknown[], url: string, firstRun: number, transport: () => Promise<Transport> = () => mqttTransport(url)): Promise<LatencyResult[]> {
  const userDir = tempDir(`bench-decision-${label}`);
  linkPack(userDir);
  // functionExternalModules: the core CoAP path's function node takes node:dgram through its libs
  const red = await startNodeRed({ userDir, flows, nodeBin: profilingNode(), settings: { logging: { console: { level: "warn" } }, functionExternalModules: true } });
  try {
    const results: LatencyResult[] = [];
    for (const [i, rate] of RATES.entries()) results.push(await measure(url, rate, firstRun + i, await transport()));
    return results;
  } finally {
    await red.stop();
  }
}

export async function run() {
  ensureBuilt();
  const rows = [];
  const mosquitto = await startMosquitto();
  try {
    const oursPort = await freeTcpPort();
    const ours = await measurePath("ours", oursFlow(oursPort), `mqtt://127.0.0.1:${oursPort}`, 0);
    const core = await measurePath("core", coreFlow(mosquitto.port), mosquitto.url, RATES.length);
    const oursCoap = { mqtt: await freeTcpPort(), coap: await freeUdpPort() };
    const oursByCoap = await measurePath("ours-coap", oursCoapFlow(oursCoap.mqtt, oursCoap.coap), `mqtt://127.0.0.1:${oursCoap.mqtt}`, 2 * RATES.length, () => coapTransport(oursCoap.coap));
    const coreCoap = await freeUdpPort();
    const coreByCoap = await measurePath("core-coap", coreCoapFlow(mosquitto.port, coreCoap), mosquitto.url, 3 * RATES.length, () => coapTransport(coreCoap));
    const note = (r: LatencyResult) => (r.received < r.expected ? `; only ${r.received} of ${r.expected} commands came back` : "");
    const paths = [
      { source: "MQTT", ours, core, how: "ours: edge-broker's output/input in-process; baseline: Mosquitto + mqtt in → function → mqtt out" },
      { source: "CoAP", ours: oursByCoap, core: coreByCoap, how: "NON POSTs; ours: edge-coap-in (answered 2.04) → … → edge-broker; baseline: a function node's own UDP socket, the CoAP header skipped by hand, no answer → function → mqtt out → Mosquitto" },
    ];
    for (const path of paths) {
      for (const [i, rate] of RATES.entries()) {
        for (const [label, key] of [["p50", "p50"], ["p99", "p99"], ["p99.9", "p999"]] as const) {
          rows.push({
            name: `decision ${label} at ${rate}/s (${path.source} reading → command)`,
            ours: path.ours[i][key],
            baseline: path.core[i][key],
            unit: "ms",
            ratio: path.core[i][key] / path.ours[i][key],
            note: `${DEVICES} devices, open loop ${SECONDS} s; ${path.how}; ratio: baseline ÷ ours${note(path.ours[i])}${note(path.core[i])}`,
          });
        }
      }
    }
  } finally {
    await mosquitto.stop();
  }
  return rows;
}

if (require.main === module) {
  run().then((rows) => console.table(rows), (err) => {
    console.error(err);
    process.exit(1);
  });
}
