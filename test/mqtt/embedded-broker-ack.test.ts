import * as assert from "assert";
import mqtt from "mqtt";
import { EmbeddedBroker, BrokerMessage } from "../../lib/mqtt/embedded-broker";
import { BrokerAuth, parseAcl, parseUsers } from "../../lib/mqtt/broker-auth";
import { tempDir } from "../harness/peers";
import { waitFor } from "../harness/wait";

/**
 * aedes writes a QoS 1 PUBACK before it routes the publish to subscribers: the gateway's own subscriber (the MQTT
 * bridge) must have the message before the device is told it was received.
 */
describe("edge-broker: the gateway's own subscriber has a message before the device's PUBACK", function () {
  this.timeout(30000);
  let broker: EmbeddedBroker;
  let client: mqtt.MqttClient | undefined;

  beforeEach(async function () {
    broker = await EmbeddedBroker.start({ host: "127.0.0.1", port: 0, dataDir: tempDir("broker-ack"), auth: new BrokerAuth(parseUsers(""), parseAcl(""), true) });
  });
  afterEach(async function () {
    client?.end(true);
    await broker.close();
  });

  it("acknowledges a QoS 1 publish only once the in-process handler resolved; a refusal drops the connection and the device resends", async function () {
    const handled: string[] = [];
    let refuse = true;
    let release: (() => void) | undefined;
    broker.on("error", () => undefined);
    await broker.subscribe("cold/#", (m: BrokerMessage) => {
      handled.push(m.payload.toString());
      if (refuse) return Promise.reject(new Error("disk full"));
      return new Promise<void>((resolve) => (release = resolve));
    });
    client = mqtt.connect({ host: "127.0.0.1", port: broker.port, clientId: "dev-1", clean: false, reconnectPeriod: 100 });
    let acked = false;
    let disconnects = 0;
    client.on("close", () => disconnects++);
    await new Promise<void>((resolve) => client!.once("connect", () => resolve()));
    client.publish("cold/room-1", "r1", { qos: 1 }, (err) => {
      if (!err) acked = true;
    });
    await waitFor(() => disconnects > 0, "the broker dropping the connection of a refused publish");
    assert.strictEqual(acked, false, "no PUBACK for a publish the handler refused");
    refuse = false;
    await waitFor(() => release !== undefined, "the device resending after reconnecting");
    assert.strictEqual(acked, false, "no PUBACK while the handler has not resolved");
    release!();
    await waitFor(() => acked, "the PUBACK once the handler resolved");
    assert.ok(handled.filter((p) => p === "r1").length >= 2, "the message was offered again after the refusal");
  });

  it("hands the gateway's own publishes and QoS 0 publishes to the handler, and a QoS 0 refusal keeps the connection", async function () {
    const handled: string[] = [];
    broker.on("error", () => undefined);
    await broker.subscribe("cold/+", async (m) => {
      handled.push(m.payload.toString());
      if (m.payload.toString() === "bad") throw new Error("refused");
    });
    await broker.publish({ topic: "cold/gw", payload: Buffer.from("from-gateway"), qos: 1, retain: false });
    client = mqtt.connect({ host: "127.0.0.1", port: broker.port, clientId: "dev-2", reconnectPeriod: 0 });
    let closed = false;
    client.on("close", () => (closed = true));
    await new Promise<void>((resolve) => client!.once("connect", () => resolve()));
    client.publish("cold/x", "bad", { qos: 0 });
    client.publish("cold/x", "good", { qos: 1 });
    await waitFor(() => handled.includes("good"), "the QoS 1 publish after a refused QoS 0 one");
    assert.deepStrictEqual(handled, ["from-gateway", "bad", "good"]);
    assert.strictEqual(closed, false);
  });
});
