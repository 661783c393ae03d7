/**
 * MQTT 5 through a real Node-RED, as a gateway runs it: devices (Mosquitto's mosquitto_pub/mosquitto_sub -V mqttv5,
 * mqtt.js) connect to edge-broker; Node-RED's own MQTT in node (MQTT 5) reads from it; edge-mqtt-bridge, set to
 * MQTT 5 in its editor while the shared broker config says 3.1.1, forwards to a real Mosquitto upstream.
 */
import * as assert from "assert";
import { execFile } from "child_process";
import mqtt, { MqttClient } from "mqtt";
import { ensureBuilt, linkPack } from "../harness/build";
import { startNodeRed, NodeRedProcess } from "../harness/node-red-process";
import { startMosquitto, MosquittoPeer, tempDir } from "../harness/peers";
import { freeTcpPort } from "../harness/ports";
import { requireBinary } from "../harness/processes";
import { waitFor } from "../harness/wait";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function mosquitto(tool: "mosquitto_pub" | "mosquitto_sub", port: number, args: string[], timeoutMs = 15000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(requireBinary(tool), ["-h", "127.0.0.1", "-p", String(port), ...args], { encoding: "utf8", timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

interface Arrival {
  topic: string;
  payload: string;
  properties: Record<string, unknown>;
}

const DEVICE = ["-u", "device", "-P", "device-pw"];

describe("MQTT 5 through edge-broker and edge-mqtt-bridge in a real Node-RED, Mosquitto upstream", function () {
  this.timeout(180000);
  let red: NodeRedProcess;
  let upstream: MosquittoPeer;
  let userDir: string;
  let port: number;
  let watcher: MqttClient;
  const arrivals: Arrival[] = [];

  function flows() {
    return [
      { id: "tab", type: "tab", label: "mqtt5" },
      {
        id: "eb",
        type: "edge-broker",
        z: "tab",
        name: "",
        host: "127.0.0.1",
        port: String(port),
        tls: false,
        ws: false,
        wsPort: "",
        wsPath: "/mqtt",
        allowAnonymous: false,
        acl: "",
        dataDir: "edge-broker-data",
        userNames: ["device", "gateway"],
        credentials: { passwordEdits: JSON.stringify({ device: { password: "device-pw" }, gateway: { password: "gateway-pw" } }) },
      },
      // Node-RED's own MQTT 5 client on the local edge-broker
      { id: "cfg-local", type: "mqtt-broker", name: "edge broker (local)", broker: "127.0.0.1", port: String(port), clientid: "node-red-in", usetls: false, protocolVersion: "5", keepalive: "30", cleansession: true, autoConnect: true, credentials: { user: "gateway", password: "gateway-pw" } },
      // the upstream config says 3.1.1; the bridge's editor option makes its connection MQTT 5
      { id: "up", type: "mqtt-broker", name: "upstream", broker: "127.0.0.1", port: String(upstream.port), clientid: "node-red-out", usetls: false, protocolVersion: "4", keepalive: "30", cleansession: true, autoConnect: true },
      { id: "up5", type: "mqtt-broker", name: "upstream v5", broker: "127.0.0.1", port: String(upstream.port), clientid: "node-red-out5", usetls: false, protocolVersion: "5", keepalive: "30", cleansession: true, autoConnect: true },
      { id: "in", type: "mqtt in", z: "tab", name: "", topic: "cold/#", qos: "1", datatype: "utf8", broker: "cfg-local", nl: false, rap: true, rh: 0, inputs: 0, wires: [["show"]] },
      {
        id: "show",
        type: "function",
        z: "tab",
        name: "what Node-RED got",
        func: [
          "msg.payload = JSON.stringify({ topic: msg.topic, payload: msg.payload, userProperties: msg.userProperties, messageExpiryInterval: msg.messageExpiryInterval, contentType: msg.contentType, correlationData: msg.correlationData ? msg.correlationData.toString() : undefined });",
          "msg.topic = 'seen/' + msg.topic;",
          "delete msg.userProperties; delete msg.messageExpiryInterval; delete msg.contentType; delete msg.correlationData;",
          "return msg;",
        ].join("\n"),
        outputs: 1,
        wires: [["out"]],
      },
      { id: "out", type: "mqtt out", z: "tab", name: "", topic: "", qos: "1", retain: "false", broker: "up5", wires: [] },
      {
        id: "bridge",
        type: "edge-mqtt-bridge",
        z: "tab",
        name: "",
        sourceType: "edge",
        source: "",
        localBroker: "eb",
        upstream: "up",
        upstreamProtocol: "5",
        forwardProperties: true,
        clientId: "bridge-v5",
        drainRatePerSec: "500",
        bufferDir: "",
        bufferMB: "16",
        rules: [{ pattern: "edge/+site/+device/alerts", template: "stores/{site}/alerts", qos: "1", retain: false, priority: "0", userProperties: '{"gateway":"gw-1","site":"{site}"}' }],
      },
    ];
  }

  before(async function () {
    requireBinary("mosquitto_pub");
    ensureBuilt();
    upstream = await startMosquitto({ persistence: true });
    userDir = tempDir("mqtt5-red");
    linkPack(userDir);
    port = await freeTcpPort();
    red = await startNodeRed({ userDir, flows: [] });
    await red.deploy(flows());
    await waitFor(() => red.output().includes(`MQTT broker listening on 127.0.0.1:${port}`), "edge-broker listening", { timeoutMs: 20000 });
    watcher = mqtt.connect(upstream.url, { clientId: "upstream-watcher", clean: false, protocolVersion: 5, properties: { sessionExpiryInterval: 3600 }, reconnectPeriod: 200 });
    watcher.on("message", (topic, payload, packet) => arrivals.push({ topic, payload: payload.toString(), properties: { ...(packet.properties ?? {}) } }));
    await new Promise<void>((resolve) => watcher.once("connect", () => resolve()));
    await watcher.subscribeAsync(["stores/#", "seen/#"], { qos: 1 });
    // Node-RED's MQTT in and the bridge are up once a probe goes all the way through
    await waitFor(async () => {
      await mosquitto("mosquitto_pub", port, ["-V", "mqttv5", ...DEVICE, "-q", "1", "-t", "cold/probe", "-m", "probe"]);
      return arrivals.some((a) => a.topic === "seen/cold/probe");
    }, "Node-RED's MQTT in on edge-broker", { timeoutMs: 30000, intervalMs: 500 }).catch((err: Error) => {
      throw new Error(`${err.message}\n${red.output().slice(-3000)}`);
    });
  });

  after(async function () {
    await watcher?.endAsync(true).catch(() => undefined);
    await red?.stop();
    await upstream?.stop();
  });

  it("forwards a device's MQTT 5 publish upstream with its user properties, the rule's, its expiry and content type", async function () {
    const run = await mosquitto("mosquitto_pub", port, [
      "-V", "mqttv5", ...DEVICE, "-q", "1", "-t", "edge/store-12/reefer-3/alerts", "-m", '{"temp":9.5}',
      "-D", "publish", "user-property", "sensor", "probe-2",
      "-D", "publish", "user-property", "gateway", "spoofed",
      "-D", "publish", "message-expiry-interval", "300",
      "-D", "publish", "content-type", "application/json",
      "-D", "publish", "correlation-data", "alarm-77",
    ]);
    assert.strictEqual(run.code, 0, run.stderr);
    const got = await waitFor(() => arrivals.find((a) => a.topic === "stores/store-12/alerts"), "the alert upstream");
    assert.strictEqual(got.payload, '{"temp":9.5}');
    // the rule's values win over the publisher's
    assert.deepStrictEqual({ ...(got.properties.userProperties as object) }, { sensor: "probe-2", gateway: "gw-1", site: "store-12" });
    const expiry = Number(got.properties.messageExpiryInterval);
    assert.ok(expiry > 290 && expiry <= 300, `expiry ${expiry}`);
    assert.strictEqual(got.properties.contentType, "application/json");
    assert.strictEqual(Buffer.from(got.properties.correlationData as Buffer).toString(), "alarm-77");
  });

  it("gives Node-RED's MQTT in node the device's properties as msg.userProperties, msg.messageExpiryInterval, msg.contentType", async function () {
    const { client } = await new Promise<{ client: MqttClient }>((resolve, reject) => {
      const c = mqtt.connect({ host: "127.0.0.1", port, protocolVersion: 5, username: "device", password: "device-pw", reconnectPeriod: 0 });
      c.once("connect", () => resolve({ client: c }));
      c.once("error", reject);
    });
    try {
      await client.publishAsync("cold/room-4/temp", "3.9", { qos: 1, properties: { userProperties: { unit: "C", probe: "p-4" }, messageExpiryInterval: 60, contentType: "text/plain", correlationData: Buffer.from("c-1") } });
    } finally {
      await client.endAsync();
    }
    const got = await waitFor(() => arrivals.find((a) => a.topic === "seen/cold/room-4/temp"), "what Node-RED got");
    const seen = JSON.parse(got.payload) as Record<string, unknown>;
    assert.deepStrictEqual(seen.userProperties, { unit: "C", probe: "p-4" });
    assert.ok(Number(seen.messageExpiryInterval) > 50 && Number(seen.messageExpiryInterval) <= 60, String(seen.messageExpiryInterval));
    assert.strictEqual(seen.contentType, "text/plain");
    assert.strictEqual(seen.correlationData, "c-1");
    assert.strictEqual(seen.payload, "3.9");
  });

  it("answers refused devices with the right CONNACK codes and logs each reason once", async function () {
    const tries: Array<[string[], RegExp]> = [
      [["-V", "mqttv311"], /not authori[sz]ed/i],
      [["-V", "mqttv311", "-u", "device", "-P", "wrong"], /bad user name or password/i],
      [["-V", "mqttv5"], /not authori[sz]ed/i],
      [["-V", "mqttv5", "-u", "device", "-P", "wrong"], /bad user name or password/i],
    ];
    for (let round = 0; round < 3; round++) {
      for (const [args, expected] of tries) {
        const run = await mosquitto("mosquitto_pub", port, [...args, "-t", "t", "-m", "x"]);
        assert.notStrictEqual(run.code, 0);
        assert.match(run.stderr, expected, `${args.join(" ")}: ${run.stderr}`);
      }
    }
    const lines = [
      "refused connection (MQTT 3.1.1): a user name is required, answered CONNACK 5 (not authorised)",
      "refused connection (MQTT 3.1.1): bad user name or password (user device), answered CONNACK 4",
      "refused connection (MQTT 5): a user name is required, answered CONNACK 0x87 (not authorised)",
      "refused connection (MQTT 5): bad user name or password (user device), answered CONNACK 0x86",
    ];
    await waitFor(() => lines.every((l) => red.output().includes(l)), "the four refusal lines");
    for (const line of lines) assert.strictEqual(red.output().split(line).length - 1, 1, `logged once: ${line}`);
  });

  it("keeps an MQTT 5 device's session, its queued message and a retained message with their user properties across a Node-RED restart", async function () {
    const session = ["-V", "mqttv5", ...DEVICE, "-c", "-i", "fridge-1", "-x", "3600", "-q", "1", "-t", "cmd/fridge-1"];
    const subscribed = await mosquitto("mosquitto_sub", port, [...session, "-E"]);
    assert.strictEqual(subscribed.code, 0, subscribed.stderr);
    for (const [topic, message, retain, prop] of [["cmd/fridge-1", "defrost", false, "ops-7"], ["state/fridge-1", "door-open", true, "door-sensor"]] as const) {
      const run = await mosquitto("mosquitto_pub", port, ["-V", "mqttv5", ...DEVICE, "-q", "1", ...(retain ? ["-r"] : []), "-t", topic, "-m", message, "-D", "publish", "user-property", "by", prop]);
      assert.strictEqual(run.code, 0, run.stderr);
    }
    await red.stop();
    red = await startNodeRed({ userDir });
    await waitFor(() => red.output().includes(`MQTT broker listening on 127.0.0.1:${port}`), "edge-broker listening again", { timeoutMs: 20000 });
    const queued = await mosquitto("mosquitto_sub", port, [...session, "-C", "1", "-W", "10", "-F", "%t %p %P"]);
    assert.strictEqual(queued.stdout.trim(), "cmd/fridge-1 defrost by:ops-7", queued.stderr);
    const retained = await mosquitto("mosquitto_sub", port, ["-V", "mqttv5", ...DEVICE, "-t", "state/#", "-C", "1", "-W", "10", "-F", "%r %t %p %P"]);
    assert.strictEqual(retained.stdout.trim(), "1 state/fridge-1 door-open by:door-sensor", retained.stderr);
  });

  it("drops a message whose MQTT 5 expiry passes while it waits in the bridge's buffer, and forwards the other with its expiry counted down", async function () {
    await upstream.stop();
    const publisher = await new Promise<MqttClient>((resolve, reject) => {
      const c = mqtt.connect({ host: "127.0.0.1", port, protocolVersion: 5, username: "device", password: "device-pw", reconnectPeriod: 0 });
      c.once("connect", () => resolve(c));
      c.once("error", reject);
    });
    const sentAt = Date.now();
    try {
      // PUBACK only once on the bridge's disk: the upstream is down
      await publisher.publishAsync("edge/store-9/reefer-1/alerts", "short", { qos: 1, properties: { messageExpiryInterval: 1 } });
      await publisher.publishAsync("edge/store-9/reefer-2/alerts", "long", { qos: 1, properties: { messageExpiryInterval: 600 } });
    } finally {
      await publisher.endAsync();
    }
    // the expiry is the behaviour under test: wait for the wall clock to pass it
    await waitFor(() => Date.now() - sentAt > 1500, "the 1 s expiry to pass", { timeoutMs: 5000, intervalMs: 50 });
    await upstream.start();
    const long = await waitFor(() => arrivals.find((a) => a.topic === "stores/store-9/alerts" && a.payload === "long"), "the unexpired message after the upstream came back", { timeoutMs: 30000 });
    const left = Number(long.properties.messageExpiryInterval);
    assert.ok(left < 600 && left > 550, `the expiry counted down while it waited: ${left}`);
    // a marker through the same lane, after both: the expired one is not on its way
    const marker = await mosquitto("mosquitto_pub", port, ["-V", "mqttv5", ...DEVICE, "-q", "1", "-t", "edge/store-9/marker/alerts", "-m", "marker"]);
    assert.strictEqual(marker.code, 0, marker.stderr);
    await waitFor(() => arrivals.some((a) => a.payload === "marker"), "the marker");
    assert.ok(!arrivals.some((a) => a.payload === "short"), "the expired message was forwarded");
    await waitFor(() => red.output().includes("a message to stores/store-9/alerts reached its MQTT 5 message expiry"), "the expiry warning");
  });
});
