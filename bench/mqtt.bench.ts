/**
 * MQTT benchmarks, each pair measured in the same run with the same mqtt.js load generator:
 * 1. messages/s through the embedded broker (edge-broker's EmbeddedBroker, aedes with disk persistence) against
 *    Mosquitto: one QoS 1 publisher (200 in flight), one QoS 1 subscriber, time until the subscriber has them all.
 * 2. bridge throughput (MqttBridge: source ack after upstream PUBACK or fsync) against a bare mqtt.js republisher
 *    (subscribe, publish upstream in the message handler, auto-ack), Mosquitto to Mosquitto.
 */
import mqtt, { MqttClient } from "mqtt";
import { startMosquitto, tempDir, MosquittoPeer } from "../test/harness/peers";
import { freeTcpPort } from "../test/harness/ports";
import { EmbeddedBroker } from "../lib/mqtt/embedded-broker";
import { BrokerAuth } from "../lib/mqtt/broker-auth";
import { MqttBridge } from "../lib/mqtt/mqtt-bridge";
import { BridgeRules } from "../lib/mqtt/bridge-rules";
import { MqttSource, MqttUpstream } from "../lib/mqtt/bridge-endpoints";
import { DurableQueue } from "../lib/store/durable-queue";

const BROKER_MESSAGES = Number(process.env.BENCH_MQTT_MESSAGES ?? 20000);
const BRIDGE_MESSAGES = Number(process.env.BENCH_MQTT_BRIDGE_MESSAGES ?? 10000);
const PAYLOAD = Buffer.from(JSON.stringify({ deviceName: "truck-7", resourceName: "temperature", value: 3.4, origin: 1700000000000 }));

function connect(url: string, options: mqtt.IClientOptions = {}): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { reconnectPeriod: 200, ...options });
    c.once("connect", () => resolve(c));
    c.once("error", reject);
  });
}

/** publishes n QoS 1 messages to `pubUrl` and returns messages/s as seen by a subscriber on `subUrl` */
async function loadGenerator(pubUrl: string, subUrl: string, pubTopic: (i: number) => string, subFilter: string, n: number, maxAhead: number): Promise<number> {
  const sub = await connect(subUrl);
  let received = 0;
  sub.on("message", () => received++);
  await sub.subscribeAsync(subFilter, { qos: 1 });
  const pub = await connect(pubUrl);
  const deadline = Date.now() + 120000;
  const t0 = process.hrtime.bigint();
  let sent = 0;
  while (sent < n) {
    const batch: Array<Promise<unknown>> = [];
    for (let k = 0; k < 200 && sent < n; k++, sent++) batch.push(pub.publishAsync(pubTopic(sent), PAYLOAD, { qos: 1 }));
    await Promise.all(batch);
    // flow control: a broker queues at most ~1000 messages per client (Mosquitto drops beyond), keep below that
    while (sent - received > maxAhead && Date.now() < deadline) await new Promise((r) => setImmediate(r));
  }
  while (received < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await pub.endAsync();
  await sub.endAsync();
  if (received < n) throw new Error(`only ${received} of ${n} messages arrived`);
  return n / seconds;
}

async function brokerPair(): Promise<{ ours: number; baseline: number }> {
  const mosquitto = await startMosquitto();
  const embedded = await EmbeddedBroker.start({ host: "127.0.0.1", port: await freeTcpPort(), dataDir: tempDir("bench-broker"), auth: new BrokerAuth(new Map(), [], true) });
  try {
    const url = `mqtt://127.0.0.1:${embedded.port}`;
    // warm up both, then measure
    await loadGenerator(url, url, (i) => `bench/${i % 50}`, "bench/#", 2000, 800);
    await loadGenerator(mosquitto.url, mosquitto.url, (i) => `bench/${i % 50}`, "bench/#", 2000, 800);
    const ours = await loadGenerator(url, url, (i) => `bench/${i % 50}`, "bench/#", BROKER_MESSAGES, 800);
    const baseline = await loadGenerator(mosquitto.url, mosquitto.url, (i) => `bench/${i % 50}`, "bench/#", BROKER_MESSAGES, 800);
    return { ours, baseline };
  } finally {
    await embedded.close();
    await mosquitto.stop();
  }
}

async function bareRepublisher(source: MosquittoPeer, upstream: MosquittoPeer): Promise<() => Promise<void>> {
  const src = await connect(source.url, { clientId: "bare-src", clean: false });
  const up = await connect(upstream.url, { clientId: "bare-up" });
  src.on("message", (topic, payload) => up.publish(topic.replace(/^edge\//, "up/"), payload, { qos: 1 }));
  await src.subscribeAsync("edge/+", { qos: 1 });
  return async () => {
    await src.endAsync();
    await up.endAsync();
  };
}

async function ourBridge(source: MosquittoPeer, upstream: MosquittoPeer): Promise<() => Promise<void>> {
  const queue = await DurableQueue.open({ dir: tempDir("bench-bridge"), sync: "always" });
  const up = new MqttUpstream(upstream.url, { clientId: "ours-up", reconnectPeriod: 200 });
  const bridge = new MqttBridge(new BridgeRules([{ pattern: "edge/+id", template: "up/{id}", qos: 1, priority: 3 }]), queue, up, { drainRatePerSec: 0 });
  await new Promise<void>((resolve) => up.once("connect", () => resolve()));
  const src = new MqttSource(source.url, { clientId: "ours-src", reconnectPeriod: 200 });
  const subscribed = new Promise<void>((resolve) => src.once("connect", () => setImmediate(resolve)));
  await bridge.start(src);
  await subscribed;
  return async () => {
    await bridge.close();
    await queue.close();
  };
}

async function bridgePair(): Promise<{ ours: number; baseline: number }> {
  const source = await startMosquitto();
  const upstream = await startMosquitto();
  const measure = async (start: () => Promise<() => Promise<void>>, n: number) => {
    const stop = await start();
    try {
      // the first messages also prove the subscription is in place before the clock starts
      return await loadGenerator(source.url, upstream.url, (i) => `edge/${i % 50}`, "up/#", n, 500);
    } finally {
      await stop();
    }
  };
  try {
    await measure(() => ourBridge(source, upstream), 1000);
    await measure(() => bareRepublisher(source, upstream), 1000);
    const ours = await measure(() => ourBridge(source, upstream), BRIDGE_MESSAGES);
    const baseline = await measure(() => bareRepublisher(source, upstream), BRIDGE_MESSAGES);
    return { ours, baseline };
  } finally {
    await source.stop();
    await upstream.stop();
  }
}

export async function run(): Promise<Array<{ name: string; ours: number; baseline: number; unit: string; ratio: number; note?: string }>> {
  const broker = await brokerPair();
  const bridge = await bridgePair();
  return [
    { name: "edge-broker vs Mosquitto", ours: Math.round(broker.ours), baseline: Math.round(broker.baseline), unit: "msg/s", ratio: broker.ours / broker.baseline, note: `${BROKER_MESSAGES} QoS 1 messages, 1 publisher → 1 subscriber, same mqtt.js load generator; aedes runs in the load generator's process (as in Node-RED), Mosquitto in its own` },
    {
      name: "edge-mqtt-bridge vs bare mqtt.js republisher",
      ours: Math.round(bridge.ours),
      baseline: Math.round(bridge.baseline),
      unit: "msg/s",
      ratio: bridge.ours / bridge.baseline,
      note: `${BRIDGE_MESSAGES} QoS 1 messages Mosquitto → Mosquitto; ours acks the source only after the upstream PUBACK, the bare one acks at once (can lose messages)`,
    },
  ];
}

if (require.main === module) {
  run().then(
    (rows) => {
      console.table(rows);
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
