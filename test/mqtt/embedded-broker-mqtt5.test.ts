/**
 * edge-broker's broker (lib/mqtt/embedded-broker) with MQTT 5 clients we did not write: Mosquitto's
 * mosquitto_pub/mosquitto_sub (-V mqttv5) and mqtt.js (protocolVersion 5), next to MQTT 3.1.1 ones. What a device
 * sees: CONNACK codes, PUBACK reason codes, user properties and message expiry, retained messages and sessions with
 * their expiry across a restart of the broker on the same data folder.
 */
import * as assert from "assert";
import * as net from "net";
import { execFile } from "child_process";
import mqtt, { MqttClient, IClientOptions } from "mqtt";
import { EmbeddedBroker, BrokerMessage, Refusal } from "../../lib/mqtt/embedded-broker";
import { BrokerAuth, parseAcl } from "../../lib/mqtt/broker-auth";
import { QueueFullError } from "../../lib/store/durable-queue";
import { tempDir } from "../harness/peers";
import { requireBinary } from "../harness/processes";
import { waitFor } from "../harness/wait";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** a Mosquitto client, asynchronously (the broker runs in this process) */
function mosquitto(tool: "mosquitto_pub" | "mosquitto_sub", port: number, args: string[], timeoutMs = 10000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(requireBinary(tool), ["-h", "127.0.0.1", "-p", String(port), ...args], { encoding: "utf8", timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const clients: MqttClient[] = [];

/** resolves with the client and its CONNACK; rejects with the refusal (its `code` is the CONNACK code) */
function connect(port: number, options: IClientOptions = {}): Promise<{ client: MqttClient; sessionPresent: boolean }> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect({ host: "127.0.0.1", port, reconnectPeriod: 0, connectTimeout: 5000, ...options });
    clients.push(client);
    client.once("connect", (ack) => resolve({ client, sessionPresent: ack.sessionPresent }));
    client.once("error", reject);
    client.once("close", () => reject(new Error("closed before CONNACK")));
  });
}

interface Got {
  topic: string;
  payload: string;
  retain: boolean;
  properties?: Record<string, unknown>;
}

function collect(client: MqttClient): Got[] {
  const got: Got[] = [];
  client.on("message", (topic, payload, packet) => got.push({ topic, payload: payload.toString(), retain: packet.retain, properties: packet.properties as Record<string, unknown> | undefined }));
  return got;
}

/** the bytes a raw CONNECT with protocol name MQTT and the given level gets back, until the broker closes */
function rawConnect(port: number, level: number): Promise<Buffer> {
  const body = Buffer.concat([Buffer.from([0x00, 0x04]), Buffer.from("MQTT"), Buffer.from([level, 0x02, 0x00, 0x3c, 0x00, 0x01, 0x78])]);
  const packet = Buffer.concat([Buffer.from([0x10, body.length]), body]);
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(packet));
    const chunks: Buffer[] = [];
    socket.on("data", (c) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => resolve(Buffer.concat(chunks)));
    socket.setTimeout(5000, () => socket.destroy(new Error("the broker neither answered nor closed")));
  });
}

describe("edge-broker's broker with MQTT 5 clients (aedes 2)", function () {
  this.timeout(60000);
  const brokers: EmbeddedBroker[] = [];

  before(function () {
    requireBinary("mosquitto_pub");
  });

  afterEach(async function () {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true).catch(() => undefined)));
    await Promise.all(brokers.splice(0).map((b) => b.close()));
  });

  async function start(options: { users?: Record<string, string>; anonymous?: boolean; acl?: string; dataDir?: string; now?: () => number } = {}): Promise<{ broker: EmbeddedBroker; refusals: Refusal[]; dataDir: string }> {
    const dataDir = options.dataDir ?? tempDir("broker-v5");
    const auth = new BrokerAuth(new Map(Object.entries(options.users ?? {})), parseAcl(options.acl ?? ""), options.anonymous ?? true);
    const broker = await EmbeddedBroker.start({ host: "127.0.0.1", port: 0, dataDir, auth, now: options.now });
    brokers.push(broker);
    const refusals: Refusal[] = [];
    broker.on("denied", (r: Refusal) => refusals.push(r));
    return { broker, refusals, dataDir };
  }

  async function restart(broker: EmbeddedBroker, dataDir: string, now?: () => number) {
    await broker.close();
    brokers.splice(brokers.indexOf(broker), 1);
    return start({ dataDir, now });
  }

  it("answers CONNACK 5 to an anonymous 3.1.1 client and 4 to a bad password; MQTT 5 clients get 0x87 and 0x86", async function () {
    const { broker, refusals } = await start({ users: { alice: "s3cret" }, anonymous: false });
    const { port } = broker;
    // mqtt.js hands over the CONNACK code itself
    await assert.rejects(connect(port, { protocolVersion: 4 }), (err: { code?: number }) => err.code === 5);
    await assert.rejects(connect(port, { protocolVersion: 4, username: "alice", password: "wrong" }), (err: { code?: number }) => err.code === 4);
    await assert.rejects(connect(port, { protocolVersion: 5 }), (err: { code?: number }) => err.code === 0x87);
    await assert.rejects(connect(port, { protocolVersion: 5, username: "alice", password: "wrong" }), (err: { code?: number }) => err.code === 0x86);
    // Mosquitto's client reads the same codes
    const anon311 = await mosquitto("mosquitto_pub", port, ["-V", "mqttv311", "-t", "t", "-m", "x"]);
    assert.match(anon311.stderr, /not authori[sz]ed/i);
    const bad311 = await mosquitto("mosquitto_pub", port, ["-V", "mqttv311", "-u", "alice", "-P", "nope", "-t", "t", "-m", "x"]);
    assert.match(bad311.stderr, /bad user name or password/i);
    const anon5 = await mosquitto("mosquitto_pub", port, ["-V", "mqttv5", "-t", "t", "-m", "x"]);
    assert.match(anon5.stderr, /not authori[sz]ed/i);
    const bad5 = await mosquitto("mosquitto_pub", port, ["-V", "mqttv5", "-u", "alice", "-P", "nope", "-t", "t", "-m", "x"]);
    assert.match(bad5.stderr, /bad user name or password/i);
    const ok5 = await mosquitto("mosquitto_pub", port, ["-V", "mqttv5", "-u", "alice", "-P", "s3cret", "-t", "t", "-m", "x", "-q", "1"]);
    assert.strictEqual(ok5.code, 0, ok5.stderr);
    assert.deepStrictEqual(
      refusals.map((r) => [r.kind, r.protocolVersion, r.answer]),
      [
        ["anonymous", 4, "CONNACK 5"],
        ["auth", 4, "CONNACK 4"],
        ["anonymous", 5, "CONNACK 0x87"],
        ["auth", 5, "CONNACK 0x86"],
        ["anonymous", 4, "CONNACK 5"],
        ["auth", 4, "CONNACK 4"],
        ["anonymous", 5, "CONNACK 0x87"],
        ["auth", 5, "CONNACK 0x86"],
      ],
    );
    assert.strictEqual(broker.refused, 8);
  });

  it("answers an unknown protocol level with CONNACK 0x84 (above 5) or return code 1 (below 3) instead of a silent close", async function () {
    const { broker, refusals } = await start();
    assert.deepStrictEqual([...(await rawConnect(broker.port, 6))], [0x20, 0x03, 0x00, 0x84, 0x00]);
    assert.deepStrictEqual([...(await rawConnect(broker.port, 2))], [0x20, 0x02, 0x00, 0x01]);
    assert.deepStrictEqual(refusals.map((r) => [r.kind, r.what, r.answer]), [["protocol", "6", "CONNACK 0x84"], ["protocol", "2", "CONNACK 1"]]);
    // the levels it speaks still get in, through the same gate
    for (const protocolVersion of [3, 4, 5] as const) {
      const { client } = await connect(broker.port, { protocolVersion, ...(protocolVersion === 3 ? { protocolId: "MQIsdp" } : {}) });
      assert.strictEqual(client.connected, true);
    }
  });

  it("carries user properties, message expiry, content type and correlation data to the gateway's own subscriber and to MQTT 5 subscribers", async function () {
    const { broker } = await start();
    const inProcess: BrokerMessage[] = [];
    await broker.subscribe("cold/#", async (m) => void inProcess.push(m));
    const { client: sub5 } = await connect(broker.port, { protocolVersion: 5 });
    const got5 = collect(sub5);
    await sub5.subscribeAsync("cold/#", { qos: 1 });
    const { client: sub311 } = await connect(broker.port, { protocolVersion: 4 });
    const got311 = collect(sub311);
    await sub311.subscribeAsync("cold/#", { qos: 1 });

    const run = await mosquitto("mosquitto_pub", broker.port, ["-V", "mqttv5", "-q", "1", "-t", "cold/room-1/temp", "-m", "4.5", "-D", "publish", "user-property", "site", "store-12", "-D", "publish", "user-property", "unit", "C", "-D", "publish", "message-expiry-interval", "120", "-D", "publish", "content-type", "text/plain", "-D", "publish", "correlation-data", "req-7"]);
    assert.strictEqual(run.code, 0, run.stderr);
    await waitFor(() => inProcess.length === 1 && got5.length === 1 && got311.length === 1, "the message at all three subscribers");
    const props = inProcess[0].properties!;
    assert.deepStrictEqual(props.userProperties, { site: "store-12", unit: "C" });
    assert.ok(props.messageExpiryInterval! > 0 && props.messageExpiryInterval! <= 120, String(props.messageExpiryInterval));
    assert.strictEqual(props.contentType, "text/plain");
    assert.strictEqual(Buffer.from(props.correlationData!).toString(), "req-7");
    assert.deepStrictEqual({ ...(got5[0].properties?.userProperties as object) }, { site: "store-12", unit: "C" });
    assert.ok(Number(got5[0].properties?.messageExpiryInterval) <= 120);
    // 3.1.1 has no properties: the same message, without them
    assert.deepStrictEqual(got311[0], { topic: "cold/room-1/temp", payload: "4.5", retain: false, properties: undefined });

    // and mosquitto_sub -V mqttv5 prints them as it received them
    const sub = mosquitto("mosquitto_sub", broker.port, ["-V", "mqttv5", "-t", "cold/#", "-C", "1", "-F", "%t %p %P"]);
    await waitFor(() => broker.clients === 3, "mosquitto_sub connected");
    const { client: pub5 } = await connect(broker.port, { protocolVersion: 5 });
    // mosquitto_sub subscribes right after its CONNACK: publish until it has one
    await waitFor(async () => {
      await pub5.publishAsync("cold/room-2/door", "open", { qos: 1, properties: { userProperties: { site: "store-12" } } });
      return got5.length >= 2;
    }, "a message through");
    const printed = await sub;
    assert.match(printed.stdout, /^cold\/room-2\/door open site:store-12/m, printed.stdout + printed.stderr);
  });

  it("resolves an MQTT 5 client's topic aliases before the ACL and the gateway's subscriber see the topic", async function () {
    const { broker, refusals } = await start({ users: { dev: "d" }, anonymous: false, acl: "dev publish edge/dev/#" });
    const seen: string[] = [];
    await broker.subscribe("#", async (m) => void seen.push(`${m.topic}=${m.payload.toString()}`));
    const { client } = await connect(broker.port, { protocolVersion: 5, username: "dev", password: "d" });
    await client.publishAsync("edge/dev/reefer/temperature", "1", { qos: 1, properties: { topicAlias: 3 } });
    await client.publishAsync("", "2", { qos: 1, properties: { topicAlias: 3 } });
    await assert.rejects(client.publishAsync("secret/x", "3", { qos: 1, properties: { topicAlias: 4 } }), (err: { code?: number }) => err.code === 0x87);
    await assert.rejects(client.publishAsync("", "4", { qos: 1, properties: { topicAlias: 4 } }), (err: { code?: number }) => err.code === 0x87);
    assert.deepStrictEqual(seen, ["edge/dev/reefer/temperature=1", "edge/dev/reefer/temperature=2"]);
    assert.deepStrictEqual(refusals.map((r) => r.what), ["secret/x", "secret/x"]);
  });

  it("answers a QoS 1 publish the gateway could not take with PUBACK 0x97 (quota exceeded) for MQTT 5, keeping the connection; 3.1.1 is disconnected", async function () {
    const { broker, refusals } = await start();
    let full = true;
    await broker.subscribe("bulk/#", async () => {
      if (full) throw new QueueFullError("the buffer is full of messages that may not be evicted");
    });
    const { client: v5 } = await connect(broker.port, { protocolVersion: 5 });
    await assert.rejects(v5.publishAsync("bulk/a", "1", { qos: 1 }), (err: { code?: number }) => err.code === 0x97);
    await assert.rejects(v5.publishAsync("bulk/a", "2", { qos: 2 }), (err: { code?: number }) => err.code === 0x97);
    assert.strictEqual(v5.connected, true, "the MQTT 5 client keeps its connection");
    full = false;
    await v5.publishAsync("bulk/a", "3", { qos: 1 });
    // Mosquitto's MQTT 5 client reads the reason code too
    full = true;
    const pub = await mosquitto("mosquitto_pub", broker.port, ["-V", "mqttv5", "-q", "1", "-t", "bulk/b", "-m", "x"]);
    assert.match(pub.stderr, /quota exceeded/i, pub.stderr);
    // MQTT 3.1.1: no code to say it with, the connection ends (the client sends the message again)
    const { client: v311 } = await connect(broker.port, { protocolVersion: 4 });
    const closed = new Promise<void>((resolve) => v311.once("close", () => resolve()));
    v311.publish("bulk/a", "4", { qos: 1 });
    await closed;
    assert.deepStrictEqual(
      refusals.map((r) => [r.kind, r.protocolVersion, r.answer]),
      [
        ["delivery", 5, "PUBACK 0x97"],
        ["delivery", 5, "PUBREC 0x97"],
        ["delivery", 5, "PUBACK 0x97"],
        ["delivery", 4, "disconnected"],
      ],
    );
    assert.match(String(refusals[0].error), /buffer is full/);
  });

  it("answers an MQTT 5 publish outside the ACL with PUBACK 0x87 and a subscription with SUBACK 0x87, keeping the connection", async function () {
    const { broker, refusals } = await start({ users: { alice: "a" }, anonymous: false, acl: "alice publish edge/alice/#\nalice subscribe edge/alice/#" });
    const { client } = await connect(broker.port, { protocolVersion: 5, username: "alice", password: "a" });
    await assert.rejects(client.publishAsync("edge/bob/t", "x", { qos: 1 }), (err: { code?: number }) => err.code === 0x87);
    const granted = await client.subscribeAsync("edge/#", { qos: 1 }).catch((err: Error) => err);
    assert.ok(granted instanceof Error && /0x87|135|Not authorized|Subscribe error/i.test(String(granted.message)), String(granted));
    await client.publishAsync("edge/alice/t", "fine", { qos: 1 });
    assert.strictEqual(client.connected, true);
    assert.deepStrictEqual(refusals.map((r) => [r.kind, r.what, r.answer]), [["publish", "edge/bob/t", "PUBACK 0x87"], ["subscribe", "edge/#", "SUBACK 0x87"]]);
  });

  it("keeps retained messages and queued messages with their properties across a restart, and drops those that expired meanwhile", async function () {
    const first = await start();
    const dataDir = first.dataDir;
    let broker = first.broker;
    const { client: device } = await connect(broker.port, { protocolVersion: 5, clientId: "reefer-9", clean: false, properties: { sessionExpiryInterval: 3600 } });
    await device.subscribeAsync("cmd/reefer-9/#", { qos: 1 });
    await device.endAsync();
    const { client: pub } = await connect(broker.port, { protocolVersion: 5 });
    const sentAt = Date.now();
    await pub.publishAsync("cmd/reefer-9/setpoint", "-18", { qos: 1, properties: { userProperties: { by: "ops" }, messageExpiryInterval: 3600, correlationData: Buffer.from("job-1") } });
    await pub.publishAsync("cmd/reefer-9/defrost", "now", { qos: 1, properties: { messageExpiryInterval: 1 } });
    await pub.publishAsync("state/reefer-9", "running", { qos: 1, retain: true, properties: { userProperties: { site: "dc-3" } } });
    await pub.publishAsync("state/reefer-9/flash", "short-lived", { qos: 1, retain: true, properties: { messageExpiryInterval: 1 } });
    await pub.endAsync();

    ({ broker } = await restart(broker, dataDir));
    // the 1 s messages are past their expiry once a second has gone by (aedes reads the wall clock)
    await waitFor(() => Date.now() - sentAt > 1100, "the short expiry to pass", { timeoutMs: 5000, intervalMs: 50 });
    const back = await connect(broker.port, { protocolVersion: 5, clientId: "reefer-9", clean: false, properties: { sessionExpiryInterval: 3600 } });
    assert.strictEqual(back.sessionPresent, true);
    const got = collect(back.client);
    const { client: watcher } = await connect(broker.port, { protocolVersion: 5 });
    const retained = collect(watcher);
    await watcher.subscribeAsync("state/#", { qos: 1 });
    await waitFor(() => got.length >= 1 && retained.length >= 1, "the queued and the retained message");
    // a marker after them: nothing else is on its way
    await back.client.subscribeAsync("marker", { qos: 1 });
    await watcher.publishAsync("marker", "m", { qos: 1 });
    await waitFor(() => got.some((m) => m.topic === "marker"), "the marker");
    assert.deepStrictEqual(got.filter((m) => m.topic !== "marker").map((m) => m.payload), ["-18"], "the expired command is not delivered");
    assert.deepStrictEqual({ ...(got[0].properties?.userProperties as object) }, { by: "ops" });
    assert.strictEqual(Buffer.from(got[0].properties?.correlationData as Buffer).toString(), "job-1");
    const left = Number(got[0].properties?.messageExpiryInterval);
    assert.ok(left > 3500 && left < 3600, `the remaining expiry, counted down: ${left}`);
    assert.deepStrictEqual(retained.map((m) => [m.topic, m.payload, m.retain, { ...(m.properties?.userProperties as object) }]), [["state/reefer-9", "running", true, { site: "dc-3" }]]);
  });

  it("ends a stored MQTT 5 session whose expiry passed while the broker was down, and keeps one that has time left", async function () {
    const first = await start();
    const dataDir = first.dataDir;
    let broker = first.broker;
    const short = await connect(broker.port, { protocolVersion: 5, clientId: "short-session", clean: false, properties: { sessionExpiryInterval: 60 } });
    await short.client.subscribeAsync("cmd/short/#", { qos: 1 });
    await short.client.endAsync();
    const long = await connect(broker.port, { protocolVersion: 5, clientId: "long-session", clean: false, properties: { sessionExpiryInterval: 86400 } });
    await long.client.subscribeAsync("cmd/long/#", { qos: 1 });
    // still connected when the broker stops: its session's clock starts at the next start
    const still = await connect(broker.port, { protocolVersion: 5, clientId: "connected-session", clean: false, properties: { sessionExpiryInterval: 60 } });
    await still.client.subscribeAsync("cmd/connected/#", { qos: 1 });
    await long.client.endAsync();

    // the gateway comes back two minutes later (an injected clock: the deadlines are the broker's, not aedes')
    const later = () => Date.now() + 120_000;
    ({ broker } = await restart(broker, dataDir, later));
    const shortBack = await connect(broker.port, { protocolVersion: 5, clientId: "short-session", clean: false, properties: { sessionExpiryInterval: 60 } });
    assert.strictEqual(shortBack.sessionPresent, false, "the 60 s session expired while the broker was down");
    const longBack = await connect(broker.port, { protocolVersion: 5, clientId: "long-session", clean: false, properties: { sessionExpiryInterval: 86400 } });
    assert.strictEqual(longBack.sessionPresent, true, "the one-day session is still there");
    await longBack.client.endAsync();
    await shortBack.client.endAsync();

    // the connected one got its 60 s from this start: present now, gone once they passed
    ({ broker } = await restart(broker, dataDir, () => Date.now() + 120_000 + 1_000));
    const stillBack = await connect(broker.port, { protocolVersion: 5, clientId: "connected-session", clean: false, properties: { sessionExpiryInterval: 60 } });
    assert.strictEqual(stillBack.sessionPresent, true);
    await stillBack.client.endAsync();
    ({ broker } = await restart(broker, dataDir, () => Date.now() + 400_000));
    const gone = await connect(broker.port, { protocolVersion: 5, clientId: "connected-session", clean: false, properties: { sessionExpiryInterval: 60 } });
    assert.strictEqual(gone.sessionPresent, false);
    // a 3.1.1 persistent session never expires
    const v311 = await connect(broker.port, { protocolVersion: 4, clientId: "old-device", clean: false });
    await v311.client.subscribeAsync("cmd/old/#", { qos: 1 });
    await v311.client.endAsync();
    ({ broker } = await restart(broker, dataDir, () => Date.now() + 10 * 365 * 86400_000));
    const oldBack = await connect(broker.port, { protocolVersion: 4, clientId: "old-device", clean: false });
    assert.strictEqual(oldBack.sessionPresent, true);
  });
});
