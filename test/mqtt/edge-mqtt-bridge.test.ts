import * as assert from "assert";
import * as fs from "fs";
import helper from "node-red-node-test-helper";
import mqtt, { MqttClient, IClientOptions } from "mqtt";
import bridgeNode from "../../nodes/edge-mqtt-bridge/edge-mqtt-bridge";
import { startMosquitto, MosquittoPeer, tempDir } from "../harness/peers";
import { waitFor } from "../harness/wait";
import { freeTcpPort } from "../harness/ports";
import { useTestHelper } from "../harness/test-helper-server";

const coreMqtt = require("@node-red/nodes/core/network/10-mqtt.js");

interface Arrival {
  topic: string;
  seq: number;
  kind: string;
  userProperties?: Record<string, string | string[]>;
  afterReconnect: boolean;
}

const clients: MqttClient[] = [];

function connect(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, { reconnectPeriod: 100, connectTimeout: 5000, ...options });
    clients.push(client);
    client.once("connect", () => resolve(client));
    client.once("error", reject);
  });
}

/** the verifying subscriber on the upstream broker: persistent session, MQTT 5 to see user properties */
async function upstreamWatcher(url: string, id: string): Promise<Arrival[]> {
  const got: Arrival[] = [];
  let connects = 0;
  const client = await connect(url, { clientId: id, clean: false, protocolVersion: 5, properties: { sessionExpiryInterval: 600 } });
  client.on("connect", () => connects++);
  connects = 1;
  client.on("message", (topic, payload, packet) => {
    const body = JSON.parse(payload.toString()) as { seq: number; kind: string };
    got.push({ topic, seq: body.seq, kind: body.kind, userProperties: packet.properties?.userProperties, afterReconnect: connects > 1 });
  });
  await client.subscribeAsync("stores/#", { qos: 1 });
  return got;
}

function message(seq: number): { topic: string; body: string } {
  const alert = seq % 10 === 0;
  const site = `s${seq % 3}`;
  const kind = alert ? "alerts" : "telemetry";
  return { topic: `edge/${site}/truck${seq % 7}/${kind}`, body: JSON.stringify({ seq, kind }) };
}

/** the test helper's RED._ returns the bare key: statuses and warnings here are read as users see them */
const catalog = JSON.parse(fs.readFileSync(require.resolve("../../locales/en-US/edge-mqtt-bridge.json"), "utf8")) as Record<string, unknown>;
function translate(key: string, params: Record<string, unknown> = {}): string {
  const text = key.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), catalog);
  return typeof text === "string" ? text.replace(/__(\w+)__/g, (_, name: string) => String(params[name] ?? "")) : key;
}
const localisedBridgeNode = (RED: Parameters<typeof bridgeNode>[0]) => {
  (RED as unknown as { _: typeof translate })._ = translate;
  return bridgeNode(RED);
};

type Status = { fill?: string; text?: string };
/** records the statuses and warnings a loaded node shows from now on */
function watch(node: unknown): { statuses: Status[]; warnings: string[] } {
  const n = node as { status: (s: Status) => void; warn: (m: unknown) => void };
  const seen = { statuses: [] as Status[], warnings: [] as string[] };
  const status = n.status.bind(n);
  const warn = n.warn.bind(n);
  n.status = (st: Status) => {
    seen.statuses.push(st);
    status(st);
  };
  n.warn = (m: unknown) => {
    seen.warnings.push(String(m));
    warn(m);
  };
  return seen;
}

function flow(source: Pick<MosquittoPeer, "port">, upstream: Pick<MosquittoPeer, "port">, bufferDir: string) {
  return [
    { id: "t", type: "tab" },
    { id: "src", type: "mqtt-broker", broker: "127.0.0.1", port: String(source.port), clientid: "", usetls: false, protocolVersion: "4", keepalive: "30", cleansession: true },
    { id: "up", type: "mqtt-broker", broker: "127.0.0.1", port: String(upstream.port), clientid: "", usetls: false, protocolVersion: "5", keepalive: "30", cleansession: true },
    {
      id: "bridge",
      z: "t",
      type: "edge-mqtt-bridge",
      sourceType: "mqtt",
      source: "src",
      upstream: "up",
      clientId: "bridge-under-test",
      drainRatePerSec: "2000",
      bufferDir,
      bufferMB: "64",
      rules: [
        { pattern: "edge/+site/+device/alerts", template: "stores/{site}/alerts", qos: "1", retain: false, priority: "0", userProperties: '{"site":"{site}","device":"{device}"}' },
        { pattern: "edge/+site/+device/telemetry", template: "stores/{site}/telemetry/{device}", qos: "1", retain: false, priority: "3", userProperties: "" },
      ],
    },
  ];
}

/**
 * Publishes messages from..to-1 at a device fleet's pace. Mosquitto keeps at most 1000 messages queued per
 * client (max_queued_messages) and drops the rest, so a publisher far faster than the bridge would lose messages
 * inside the source broker, whatever the bridge does.
 */
async function publishPaced(pub: MqttClient, from: number, to: number, ratePerSec: number): Promise<void> {
  const tickMs = 50;
  const perTick = Math.max(1, Math.round((ratePerSec * tickMs) / 1000));
  for (let seq = from; seq < to; ) {
    const tickStart = Date.now();
    const batch: Array<Promise<unknown>> = [];
    for (let i = 0; i < perTick && seq < to; i++, seq++) batch.push(pub.publishAsync(message(seq).topic, message(seq).body, { qos: 1 }));
    await Promise.all(batch);
    const rest = tickMs - (Date.now() - tickStart);
    if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest)); // pacing, not synchronisation
  }
}

const dirBytes = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).reduce((s, f) => s + fs.statSync(`${dir}/${f}`).size, 0) : 0);

describe("edge-mqtt-bridge between two Mosquittos", function () {
  this.timeout(120000);
  let source: MosquittoPeer;
  let upstream: MosquittoPeer;

  beforeEach(async function () {
    source = await startMosquitto({ persistence: true });
    upstream = await startMosquitto({ persistence: true });
  });
  afterEach(async function () {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true).catch(() => undefined)));
  });
  useTestHelper();
  afterEach(async function () {
    await source.stop();
    await upstream.stop();
  });

  it("bridges 10,000 QoS 1 messages end to end, mapped by the rules, with MQTT 5 user properties, and nothing unmatched", async function () {
    const got = await upstreamWatcher(upstream.url, "watch-10k");
    await helper.load([coreMqtt, bridgeNode], flow(source, upstream, tempDir("bridge-buffer")));
    const pub = await connect(source.url);
    // wait for the bridge's subscription: a probe message must come through
    await waitFor(async () => {
      await pub.publishAsync("edge/s0/probe/alerts", JSON.stringify({ seq: -1, kind: "alerts" }), { qos: 1 });
      return got.some((m) => m.seq === -1);
    }, "the bridge to subscribe", { timeoutMs: 15000, intervalMs: 200 });
    got.length = 0;
    const N = 10000;
    const pending: Array<Promise<unknown>> = [];
    for (let seq = 0; seq < N; seq++) {
      const m = message(seq);
      pending.push(pub.publishAsync(m.topic, m.body, { qos: 1 }));
      if (seq % 10 === 5) pending.push(pub.publishAsync(`edge/s1/truck1/debug`, JSON.stringify({ seq: -2, kind: "debug" }), { qos: 1 }));
      if (pending.length >= 200) {
        await Promise.all(pending.splice(0));
        // flow control: keep fewer than 500 messages between the publisher and the upstream (see publishPaced)
        await waitFor(() => seq + 1 - got.length < 500, "the bridge to keep up", { timeoutMs: 20000, intervalMs: 5 });
      }
    }
    await Promise.all(pending);
    await waitFor(() => new Set(got.map((m) => m.seq)).size >= N, `${N} messages upstream`, { timeoutMs: 60000, intervalMs: 100 });
    const seqs = new Set(got.map((m) => m.seq));
    for (let seq = 0; seq < N; seq++) assert.ok(seqs.has(seq), `message ${seq} is missing upstream`);
    assert.ok(!got.some((m) => m.seq === -2), "a topic no rule matches was forwarded");
    const alert = got.find((m) => m.seq === 30)!;
    assert.strictEqual(alert.topic, "stores/s0/alerts");
    assert.deepStrictEqual({ ...alert.userProperties }, { site: "s0", device: "truck2" });
    const reading = got.find((m) => m.seq === 31)!;
    assert.strictEqual(reading.topic, "stores/s1/telemetry/truck3");
  });

  it("buffers on disk while the upstream is down for 10 s, then delivers every message, alerts before bulk", async function () {
    const bufferDir = tempDir("bridge-buffer");
    const got = await upstreamWatcher(upstream.url, "watch-outage");
    await helper.load([coreMqtt, bridgeNode], flow(source, upstream, bufferDir));
    const pub = await connect(source.url);
    await waitFor(async () => {
      await pub.publishAsync("edge/s0/probe/alerts", JSON.stringify({ seq: -1, kind: "alerts" }), { qos: 1 });
      return got.some((m) => m.seq === -1);
    }, "the bridge to subscribe", { timeoutMs: 15000, intervalMs: 200 });
    const N = 3000;
    const outageAt = 1000;
    await publishPaced(pub, 0, outageAt, 1000);
    await upstream.stop();
    const stoppedAt = Date.now();
    await publishPaced(pub, outageAt, N, 500);
    // the source broker has acknowledged the publisher; the bridge acknowledges the source once it is on disk
    await waitFor(() => dirBytes(bufferDir) > 0, "the buffer on disk");
    const waitMore = 10000 - (Date.now() - stoppedAt);
    if (waitMore > 0) await new Promise((resolve) => setTimeout(resolve, waitMore)); // the outage itself, not a synchronisation
    await upstream.start();
    await waitFor(() => new Set(got.map((m) => m.seq)).size >= N + 1, `${N} messages upstream`, { timeoutMs: 60000, intervalMs: 100 });
    const seqs = new Set(got.map((m) => m.seq));
    for (let s = 0; s < N; s++) assert.ok(seqs.has(s), `message ${s} is missing upstream`);
    const drained = got.filter((m) => m.afterReconnect);
    assert.ok(drained.length >= N - outageAt, `only ${drained.length} messages came from the buffer`);
    const lastAlert = drained.map((m) => m.kind).lastIndexOf("alerts");
    const firstBulk = drained.findIndex((m) => m.kind === "telemetry");
    assert.ok(lastAlert < firstBulk, `an alert (position ${lastAlert}) arrived after bulk (position ${firstBulk}) in the drain`);
  });

  it("loses nothing when Node-RED restarts while the bridge is buffering", async function () {
    const bufferDir = tempDir("bridge-buffer");
    const got = await upstreamWatcher(upstream.url, "watch-restart");
    const bridgeFlow = flow(source, upstream, bufferDir);
    await helper.load([coreMqtt, bridgeNode], bridgeFlow);
    const pub = await connect(source.url);
    await waitFor(async () => {
      await pub.publishAsync("edge/s0/probe/alerts", JSON.stringify({ seq: -1, kind: "alerts" }), { qos: 1 });
      return got.some((m) => m.seq === -1);
    }, "the bridge to subscribe", { timeoutMs: 15000, intervalMs: 200 });
    await upstream.stop();
    const N = 600;
    await publishPaced(pub, 0, N / 2, 1000);
    await waitFor(() => dirBytes(bufferDir) > 0, "the buffer on disk");
    // Node-RED stops (flows closed) while messages are buffered and more keep coming to the source broker
    await helper.unload();
    await publishPaced(pub, N / 2, N, 1000);
    await helper.load([coreMqtt, bridgeNode], bridgeFlow);
    await upstream.start();
    await waitFor(() => new Set(got.map((m) => m.seq)).size >= N + 1, `${N} messages upstream`, { timeoutMs: 60000, intervalMs: 100 });
    const seqs = new Set(got.map((m) => m.seq));
    for (let s = 0; s < N; s++) assert.ok(seqs.has(s), `message ${s} is missing upstream`);
  });

  it("opens no disk queue while messages go straight through, and one as soon as a message has to wait", async function () {
    const bufferDir = `${tempDir("bridge-lazy")}/queue`;
    const got = await upstreamWatcher(upstream.url, "watch-lazy");
    await helper.load([coreMqtt, bridgeNode], flow(source, upstream, bufferDir));
    const pub = await connect(source.url);
    await waitFor(async () => {
      await pub.publishAsync("edge/s0/probe/alerts", JSON.stringify({ seq: -1, kind: "alerts" }), { qos: 1 });
      return got.some((m) => m.seq === -1);
    }, "the bridge to subscribe", { timeoutMs: 15000, intervalMs: 200 });
    await publishPaced(pub, 0, 100, 500);
    await waitFor(() => new Set(got.map((m) => m.seq)).size >= 101, "100 messages upstream");
    assert.ok(!fs.existsSync(bufferDir), "a disk queue was opened though nothing had to wait");
    await upstream.stop();
    await publishPaced(pub, 100, 120, 200);
    await waitFor(() => dirBytes(bufferDir) > 0, "the messages on disk once the upstream is gone");
    await upstream.start();
    await waitFor(() => new Set(got.map((m) => m.seq)).size >= 121, "the buffered messages upstream", { timeoutMs: 30000, intervalMs: 100 });
  });

  it("shows an unreachable source broker in red with the reason, and logs it once however often it reconnects", async function () {
    const deadSource = { port: await freeTcpPort() };
    await helper.load([coreMqtt, localisedBridgeNode], flow(deadSource, upstream, tempDir("bridge-status")));
    const seen = watch(helper.getNode("bridge"));
    // mqtt.js retries every second: let it try three times
    await waitFor(() => seen.statuses.find((st) => st.fill === "red" && /source broker unreachable \(.*ECONNREFUSED/.test(st.text ?? "")), "a red 'source broker unreachable (…ECONNREFUSED…)' status", { timeoutMs: 8000, intervalMs: 100 });
    // an observation window over which mqtt.js retries (every second) at least three times
    const started = Date.now();
    await waitFor(() => Date.now() - started > 3500, "three reconnect attempts", { timeoutMs: 5000, intervalMs: 100 });
    assert.ok(!seen.statuses.some((st) => st.fill === "green"), `green while nothing can be bridged: ${JSON.stringify(seen.statuses)}`);
    assert.strictEqual(seen.warnings.filter((w) => /source broker/.test(w)).length, 1, `warnings: ${seen.warnings.join(" | ")}`);
  });

  it("shows an unreachable upstream in red with the reason", async function () {
    const deadUpstream = { port: await freeTcpPort() };
    await helper.load([coreMqtt, localisedBridgeNode], flow(source, deadUpstream, tempDir("bridge-status")));
    const seen = watch(helper.getNode("bridge"));
    await waitFor(() => seen.statuses.find((st) => st.fill === "red" && /upstream unreachable \(.*ECONNREFUSED/.test(st.text ?? "")), "a red 'upstream unreachable (…ECONNREFUSED…)' status", { timeoutMs: 8000, intervalMs: 100 });
  });
});
