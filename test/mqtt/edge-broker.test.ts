import * as assert from "assert";
import helper from "node-red-node-test-helper";
import mqtt, { MqttClient, IClientOptions, IClientPublishOptions } from "mqtt";
import brokerNode from "../../nodes/edge-broker/edge-broker";
import { makeTlsMaterial, tempDir, TlsMaterial } from "../harness/peers";
import { freeTcpPort } from "../harness/ports";
import { waitFor } from "../harness/wait";
import { useTestHelper } from "../harness/test-helper-server";

interface Received {
  topic: string;
  payload: string;
  qos: number;
  retain: boolean;
}

const clients: MqttClient[] = [];

/** connects and resolves on CONNACK; rejects with the broker's refusal */
function connect(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options });
    clients.push(client);
    client.once("connect", () => resolve(client));
    client.once("error", (err) => reject(err));
    client.once("close", () => reject(new Error("connection closed before CONNACK")));
  });
}

function collect(client: MqttClient): Received[] {
  const got: Received[] = [];
  client.on("message", (topic, payload, packet) => got.push({ topic, payload: payload.toString(), qos: packet.qos, retain: packet.retain }));
  return got;
}

function publish(client: MqttClient, topic: string, payload: string, options: IClientPublishOptions): Promise<void> {
  return client.publishAsync(topic, payload, options).then(() => undefined);
}

async function brokerFlow(extra: Record<string, unknown>, credentials: Record<string, string> = {}) {
  const port = await freeTcpPort();
  const flow = [{ id: "b", type: "edge-broker", host: "127.0.0.1", port: String(port), allowAnonymous: true, acl: "", dataDir: tempDir("edge-broker"), ...extra }];
  await helper.load(brokerNode, flow, { b: credentials });
  const node = helper.getNode("b") as unknown as { broker(): Promise<{ port: number; wsPort: number }> };
  const broker = await node.broker();
  return { port: broker.port, wsPort: broker.wsPort, flow };
}

describe("edge-broker with mqtt.js clients", function () {
  this.timeout(30000);

  afterEach(async function () {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true).catch(() => undefined)));
  });
  useTestHelper();

  it("routes QoS 0, 1 and 2 and keeps retained messages for later subscribers", async function () {
    const { port } = await brokerFlow({});
    const url = `mqtt://127.0.0.1:${port}`;
    const sub = await connect(url);
    const got = collect(sub);
    await sub.subscribeAsync("edge/#", { qos: 2 });
    const pub = await connect(url);
    for (const qos of [0, 1, 2] as const) await publish(pub, `edge/qos${qos}`, `m${qos}`, { qos });
    await publish(pub, "edge/state/door", "open", { qos: 1, retain: true });
    await waitFor(() => got.length === 4, "4 messages");
    // MQTT orders messages within a QoS level only: compare sorted
    assert.deepStrictEqual(
      got.map((m) => [m.topic, m.payload, m.qos]).sort(),
      [["edge/qos0", "m0", 0], ["edge/qos1", "m1", 1], ["edge/qos2", "m2", 2], ["edge/state/door", "open", 1]],
    );
    const late = await connect(url);
    const lateGot = collect(late);
    await late.subscribeAsync("edge/state/+", { qos: 1 });
    await waitFor(() => lateGot.length === 1, "the retained message");
    assert.deepStrictEqual(lateGot[0], { topic: "edge/state/door", payload: "open", qos: 1, retain: true });
  });

  it("keeps a persistent session and retained messages across a restart: queued QoS 1 messages arrive after it", async function () {
    const { port, flow } = await brokerFlow({});
    const url = `mqtt://127.0.0.1:${port}`;
    const device = await connect(url, { clientId: "cold-room-7", clean: false });
    await device.subscribeAsync("cmd/cold-room-7/#", { qos: 1 });
    await device.endAsync();
    const pub = await connect(url);
    for (let i = 0; i < 5; i++) await publish(pub, `cmd/cold-room-7/setpoint`, `${i}`, { qos: 1 });
    await publish(pub, "state/cold-room-7", "defrost", { qos: 1, retain: true });
    await pub.endAsync();

    // restart: the node is closed and a new one reads what the old one left on disk
    await helper.unload();
    await helper.load(brokerNode, flow, { b: {} });
    await (helper.getNode("b") as unknown as { broker(): Promise<unknown> }).broker();

    const back = await new Promise<{ client: MqttClient; sessionPresent: boolean }>((resolve, reject) => {
      const client = mqtt.connect(url, { clientId: "cold-room-7", clean: false, reconnectPeriod: 0 });
      clients.push(client);
      client.once("connect", (ack) => resolve({ client, sessionPresent: ack.sessionPresent }));
      client.once("error", reject);
    });
    const got = collect(back.client);
    await waitFor(() => got.length === 5, "the 5 queued messages");
    assert.strictEqual(back.sessionPresent, true);
    assert.deepStrictEqual(got.map((m) => m.payload), ["0", "1", "2", "3", "4"]);
    const watcher = await connect(url);
    const retained = collect(watcher);
    await watcher.subscribeAsync("state/#");
    await waitFor(() => retained.length === 1, "the retained message after restart");
    assert.strictEqual(retained[0].payload, "defrost");
  });

  it("refuses wrong credentials and anonymous clients when users are set", async function () {
    const { port } = await brokerFlow({ allowAnonymous: false }, { users: "alice:s3cret\nbob:hunter2" });
    const url = `mqtt://127.0.0.1:${port}`;
    await assert.rejects(connect(url, { username: "alice", password: "wrong" }), /Bad username or password/);
    await assert.rejects(connect(url, { username: "mallory", password: "s3cret" }), /Bad username or password/);
    // no user name where one is required: not authorised (CONNACK 5), not a bad password (4)
    await assert.rejects(connect(url), (err: { code?: number }) => err.code === 5);
    await assert.rejects(connect(url, { username: "alice", password: "wrong" }), (err: { code?: number }) => err.code === 4);
    const ok = await connect(url, { username: "bob", password: "hunter2" });
    assert.strictEqual(ok.connected, true);
  });

  it("applies per-user topic ACLs to publish and subscribe", async function () {
    const acl = ["* publish edge/%u/#", "alice subscribe stores/+/alerts", "ops all #"].join("\n");
    const { port } = await brokerFlow({ allowAnonymous: false, acl }, { users: "alice:a\nops:o" });
    const url = `mqtt://127.0.0.1:${port}`;
    const ops = await connect(url, { username: "ops", password: "o" });
    const seen = collect(ops);
    await ops.subscribeAsync("#", { qos: 1 });
    const alice = await connect(url, { username: "alice", password: "a" });
    const granted = await alice.subscribeAsync("stores/+/alerts", { qos: 1 });
    assert.deepStrictEqual(granted.map((g) => g.qos), [1]);
    // mqtt.js turns a SUBACK of 0x80 into an error; the connection stays up
    await assert.rejects(alice.subscribeAsync("stores/#", { qos: 1 }), /Subscribe error/);
    assert.strictEqual(alice.connected, true);
    await publish(alice, "edge/alice/t1", "allowed", { qos: 1 });
    await waitFor(() => seen.some((m) => m.payload === "allowed"), "alice's allowed publish");
    const closed = new Promise<void>((resolve) => alice.once("close", () => resolve()));
    alice.publish("edge/bob/t1", "denied", { qos: 1 });
    await closed;
    // a marker published after the denied one proves the denied one was never routed
    await publish(ops, "edge/ops/marker", "marker", { qos: 1 });
    await waitFor(() => seen.some((m) => m.payload === "marker"), "the marker");
    assert.ok(!seen.some((m) => m.payload === "denied"), "a publish outside the ACL reached a subscriber");
  });

  describe("TLS", function () {
    let tls: TlsMaterial;
    before(function () {
      tls = makeTlsMaterial();
    });

    it("serves mqtts with the certificate from the credentials and fails a client that does not trust it", async function () {
      const { port } = await brokerFlow({ tls: true }, { cert: tls.cert, key: tls.key });
      const url = `mqtts://127.0.0.1:${port}`;
      const client = await connect(url, { ca: tls.ca, rejectUnauthorized: true, servername: "localhost" });
      const got = collect(client);
      await client.subscribeAsync("t", { qos: 1 });
      await publish(client, "t", "over tls", { qos: 1 });
      await waitFor(() => got.length === 1, "the message over TLS");
      await assert.rejects(connect(url, { rejectUnauthorized: true }), /self[- ]signed|unable to verify|certificate/i);
      await assert.rejects(connect(`mqtt://127.0.0.1:${port}`, { connectTimeout: 1500 }));
    });
  });

  it("accepts MQTT over WebSocket on its own port", async function () {
    const wsPort = await freeTcpPort();
    const { port } = await brokerFlow({ ws: true, wsPort: String(wsPort), wsPath: "/mqtt" });
    const tcp = await connect(`mqtt://127.0.0.1:${port}`);
    const got = collect(tcp);
    await tcp.subscribeAsync("ws/#", { qos: 1 });
    const ws = await connect(`ws://127.0.0.1:${wsPort}/mqtt`);
    await publish(ws, "ws/hello", "from the browser", { qos: 1 });
    await waitFor(() => got.length === 1, "the message from the WebSocket client");
    assert.deepStrictEqual(got[0], { topic: "ws/hello", payload: "from the browser", qos: 1, retain: false });
  });

  it("accepts MQTT 5 and MQTT 3.1.1 clients side by side (aedes 2)", async function () {
    const { port } = await brokerFlow({});
    const v5 = await connect(`mqtt://127.0.0.1:${port}`, { protocolVersion: 5 });
    const got = collect(v5);
    await v5.subscribeAsync("mixed/#", { qos: 1 });
    const v311 = await connect(`mqtt://127.0.0.1:${port}`, { protocolVersion: 4 });
    await publish(v311, "mixed/a", "from 3.1.1", { qos: 1 });
    await waitFor(() => got.length === 1, "the 3.1.1 client's message at the MQTT 5 subscriber");
    assert.deepStrictEqual(got[0], { topic: "mixed/a", payload: "from 3.1.1", qos: 1, retain: false });
  });

  it("logs a failing in-process subscriber's error once, not once per message", async function () {
    const { port } = await brokerFlow({});
    const node = helper.getNode("b") as unknown as { broker(): Promise<{ subscribe(f: string, h: () => Promise<void>): Promise<unknown> }> };
    let calls = 0;
    await (await node.broker()).subscribe("fail/#", () => {
      calls++;
      return Promise.reject(new Error("the bridge's queue is full"));
    });
    const runtimeNode = helper.getNode("b");
    const logged: string[] = [];
    const original = runtimeNode.error.bind(runtimeNode);
    runtimeNode.error = (text: unknown, msg?: unknown) => {
      logged.push(String(text));
      return original(text as string, msg as never);
    };
    const pub = await connect(`mqtt://127.0.0.1:${port}`);
    // QoS 0 (a refused QoS 1 publish would drop the connection): then a QoS 1 publish elsewhere, whose PUBACK
    // comes after the five refusals have settled
    for (let i = 0; i < 5; i++) await publish(pub, "fail/t", String(i), { qos: 0 });
    await waitFor(() => calls === 5, "the subscriber offered all five");
    await publish(pub, "ok/t", "after", { qos: 1 });
    assert.deepStrictEqual(logged, ["the bridge's queue is full"]);
  });

  it("counts connected clients and messages per second for its status", async function () {
    const { port } = await brokerFlow({});
    const node = helper.getNode("b") as unknown as { broker(): Promise<{ clients: number; messagesPerSecond(): number }> };
    const broker = await node.broker();
    const statuses: Array<{ fill?: string; text?: string }> = [];
    const runtimeNode = helper.getNode("b");
    const original = runtimeNode.status.bind(runtimeNode);
    runtimeNode.status = (s) => {
      if (typeof s === "object") statuses.push(s as { fill?: string; text?: string });
      return original(s);
    };
    const a = await connect(`mqtt://127.0.0.1:${port}`);
    await connect(`mqtt://127.0.0.1:${port}`);
    assert.strictEqual(broker.clients, 2);
    for (let i = 0; i < 50; i++) await publish(a, "load/t", String(i), { qos: 1 });
    await waitFor(() => broker.messagesPerSecond() > 0, "a message rate above 0", { timeoutMs: 3000 });
    await waitFor(() => statuses.some((s) => s.fill === "green" && /running/.test(String(s.text))), "a running status", { timeoutMs: 5000 });
    assert.ok(!statuses.some((s) => /refused/.test(String(s.text))), "no refusal to count yet");
    // a refused publish (the reserved $SYS/ tree) is counted in the status
    const v5 = await connect(`mqtt://127.0.0.1:${port}`, { protocolVersion: 5 });
    await assert.rejects(v5.publishAsync("$SYS/fake", "x", { qos: 1 }), (err: { code?: number }) => err.code === 0x87);
    await waitFor(() => statuses.some((s) => s.fill === "green" && /running-refused/.test(String(s.text))), "the refusal in the status", { timeoutMs: 5000 });
  });
});
