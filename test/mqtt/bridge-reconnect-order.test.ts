/**
 * The bridge's upstream link dropping while publishes wait for their PUBACK, against a real Mosquitto reached
 * through a TCP proxy that can hold the bytes (the broker never sees them) and then cut the connection. mqtt.js
 * would send those publishes again, first thing, when it reconnects — ahead of the alerts queued on disk during the
 * outage; the bridge must put them on its disk buffer instead, so that the drain sends the alerts first.
 */
import * as assert from "assert";
import * as net from "net";
import mqtt, { MqttClient } from "mqtt";
import { MqttBridge } from "../../lib/mqtt/mqtt-bridge";
import { MqttUpstream, SourceMessage, BridgeSource } from "../../lib/mqtt/bridge-endpoints";
import { BridgeRules } from "../../lib/mqtt/bridge-rules";
import { DurableQueue } from "../../lib/store/durable-queue";
import { startMosquitto, MosquittoPeer, tempDir } from "../harness/peers";
import { waitFor } from "../harness/wait";

/** a TCP proxy to `port`: `hold` stops passing the client's bytes on, `cut` drops every connection and refuses new ones until `restore` */
async function tcpProxy(port: number) {
  const pairs = new Set<{ client: net.Socket; server: net.Socket }>();
  let refusing = false;
  let holding = false;
  const server = net.createServer((client) => {
    if (refusing) return client.destroy();
    const upstream = net.connect(port, "127.0.0.1");
    const pair = { client, server: upstream };
    pairs.add(pair);
    client.on("data", (chunk) => {
      if (!holding) upstream.write(chunk);
    });
    upstream.on("data", (chunk) => client.write(chunk));
    const close = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("close", close).on("error", close);
    upstream.on("close", close).on("error", close);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    hold: () => (holding = true),
    cut: () => {
      refusing = true;
      for (const p of pairs) {
        p.client.destroy();
        p.server.destroy();
      }
    },
    restore: () => {
      refusing = false;
      holding = false;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

class ManualSource implements BridgeSource {
  onMessage: ((message: SourceMessage) => Promise<void>) | undefined;
  async start(_filters: string[], onMessage: (message: SourceMessage) => Promise<void>): Promise<void> {
    this.onMessage = onMessage;
  }
  async close(): Promise<void> {}
}

describe("edge-mqtt-bridge: publishes unacknowledged when the upstream link drops (Mosquitto behind a proxy)", function () {
  this.timeout(60000);
  let broker: MosquittoPeer;
  let watcher: MqttClient | undefined;
  before(async function () {
    broker = await startMosquitto();
  });
  after(async function () {
    watcher?.end(true);
    await broker?.stop();
  });

  it("go to the disk buffer at once instead of mqtt.js's resend, so the alerts queued during the outage arrive first", async function () {
    const proxy = await tcpProxy(broker.port);
    const arrived: string[] = [];
    watcher = mqtt.connect(broker.url, { clientId: "order-watch" });
    await new Promise<void>((resolve) => watcher!.once("connect", () => resolve()));
    await watcher.subscribeAsync("stores/#", { qos: 1 });
    watcher.on("message", (_topic, payload) => arrived.push((JSON.parse(payload.toString()) as { id: string }).id));
    const queue = await DurableQueue.open({ dir: tempDir("bridge-reconnect-order"), sync: 5 });
    const upstream = new MqttUpstream(`mqtt://127.0.0.1:${proxy.port}`, { clientId: "bridge-order", reconnectPeriod: 200, connectTimeout: 2000 }, 10000);
    const rules = new BridgeRules([
      { pattern: "edge/+site/+device/alerts", template: "stores/{site}/alerts/{device}", qos: 1, priority: 0 },
      { pattern: "edge/+site/+device/events", template: "stores/{site}/events/{device}", qos: 1, priority: 3 },
    ]);
    const bridge = new MqttBridge(rules, queue, upstream, { drainRatePerSec: 0, window: 1 });
    const source = new ManualSource();
    await bridge.start(source);
    const send = (kind: "alerts" | "events", id: string) => source.onMessage!({ topic: `edge/s1/truck-1/${kind}`, payload: Buffer.from(JSON.stringify({ id })), qos: 1, retain: false });
    try {
      await waitFor(() => upstream.connected, "the upstream link");
      await send("events", "before");
      await waitFor(() => arrived.includes("before"), "a message straight through");
      // the broker stops hearing from the bridge: these go straight through and wait for their PUBACK
      proxy.hold();
      const inFlight = [send("events", "bulk-1"), send("events", "bulk-2"), send("events", "bulk-3")];
      await new Promise((resolve) => setTimeout(resolve, 300)); // the publishes are on the (held) wire
      proxy.cut();
      await waitFor(() => !upstream.connected, "the link to drop");
      await send("alerts", "alert-1");
      await send("alerts", "alert-2");
      const settledAt = Date.now();
      await Promise.all(inFlight);
      assert.ok(Date.now() - settledAt < 3000, "the publishes in flight were kept waiting for the ack timeout instead of failing when the link dropped");
      proxy.restore();
      const all = ["bulk-1", "bulk-2", "bulk-3", "alert-1", "alert-2"];
      await waitFor(() => all.every((id) => arrived.includes(id)), "every message upstream", { timeoutMs: 30000 });
      const after = arrived.filter((id) => id !== "before");
      const firstBulk = after.findIndex((id) => id.startsWith("bulk"));
      const lastAlert = Math.max(after.indexOf("alert-1"), after.indexOf("alert-2"));
      assert.ok(lastAlert < firstBulk, `arrival order after the outage: ${after.join(", ")}`);
      assert.deepStrictEqual(
        after.filter((id) => id.startsWith("bulk")).filter((id, i, a) => a.indexOf(id) === i),
        ["bulk-1", "bulk-2", "bulk-3"],
        "the bulk messages keep their order",
      );
    } finally {
      await bridge.close();
      await queue.close();
      await proxy.close();
    }
  });

  it("says 'unacknowledged' within seconds while the upstream takes publishes and never answers, and 'connected' again once it does", async function () {
    const proxy = await tcpProxy(broker.port);
    const queue = await DurableQueue.open({ dir: tempDir("bridge-unacked"), sync: 5 });
    const upstream = new MqttUpstream(`mqtt://127.0.0.1:${proxy.port}`, { clientId: "bridge-unacked", reconnectPeriod: 200, connectTimeout: 2000 }, 20000);
    const rules = new BridgeRules([{ pattern: "edge/+site/+device/events", template: "stores/{site}/events/{device}", qos: 1, priority: 3 }]);
    const bridge = new MqttBridge(rules, queue, upstream, { drainRatePerSec: 0, stallAfterMs: 1000 });
    const source = new ManualSource();
    await bridge.start(source);
    const send = (id: string) => source.onMessage!({ topic: "edge/s1/truck-1/events", payload: Buffer.from(JSON.stringify({ id })), qos: 1, retain: false });
    try {
      await waitFor(() => upstream.connected, "the upstream link");
      await send("through");
      assert.strictEqual(bridge.health().condition, "connected");
      proxy.hold(); // the link stays up, the broker hears nothing and answers nothing
      const held = send("held");
      const unacked = await waitFor(() => (bridge.health().condition === "unacknowledged" ? bridge.health() : undefined), "the 'unacknowledged' condition", { timeoutMs: 5000 });
      assert.ok(unacked.waitingS !== undefined && unacked.waitingS >= 1, JSON.stringify(unacked));
      assert.ok(upstream.connected, "the link itself looks fine: only the missing PUBACK tells");
      proxy.cut();
      await held; // the link dropped: the publish went to disk
      proxy.restore();
      await waitFor(() => bridge.health().condition === "connected", "connected again once the buffer has drained", { timeoutMs: 20000 });
    } finally {
      await bridge.close();
      await queue.close();
      await proxy.close();
    }
  });
});
