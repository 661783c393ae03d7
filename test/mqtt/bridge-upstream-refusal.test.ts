/**
 * An MQTT 5 upstream can refuse a publish with a reason code (MQTT 3.1.1 brokers acknowledge what they drop).
 * A refusal for good (0x87 not authorised, here from aedes' ACL handling) must not keep the bridge retrying that
 * message ahead of everything behind it: it is dropped and reported; a transient one (0x97) is retried.
 */
import * as assert from "assert";
import { EmbeddedBroker } from "../../lib/mqtt/embedded-broker";
import { BrokerAuth, parseAcl } from "../../lib/mqtt/broker-auth";
import { MqttBridge } from "../../lib/mqtt/mqtt-bridge";
import { BridgeRules } from "../../lib/mqtt/bridge-rules";
import { MqttUpstream, BridgeSource, SourceMessage, UpstreamRefusedError } from "../../lib/mqtt/bridge-endpoints";
import { DurableQueue } from "../../lib/store/durable-queue";
import { tempDir } from "../harness/peers";
import { waitFor } from "../harness/wait";

class ManualSource implements BridgeSource {
  onMessage: ((message: SourceMessage) => Promise<void>) | undefined;
  async start(_filters: string[], onMessage: (message: SourceMessage) => Promise<void>): Promise<void> {
    this.onMessage = onMessage;
  }
  async close(): Promise<void> {}
}

describe("edge-mqtt-bridge with an MQTT 5 upstream that refuses a publish", function () {
  this.timeout(30000);

  it("drops a message refused for good (0x87), keeps forwarding the rest, and retries a quota refusal (0x97)", async function () {
    const upstreamBroker = await EmbeddedBroker.start({
      host: "127.0.0.1",
      port: 0,
      dataDir: tempDir("bridge-refusal-up"),
      auth: new BrokerAuth(new Map([["bridge", "pw"]]), parseAcl("bridge publish stores/allowed/#\n* subscribe #"), false),
    });
    let quotaLeft = 0;
    const arrived: string[] = [];
    await upstreamBroker.subscribe("stores/#", async (m) => {
      if (quotaLeft > 0) {
        quotaLeft--;
        throw Object.assign(new Error("quota"), { reasonCode: 0x97 });
      }
      arrived.push(m.payload.toString());
    });
    const queue = await DurableQueue.open({ dir: tempDir("bridge-refusal-q"), sync: 5 });
    const upstream = new MqttUpstream(`mqtt://127.0.0.1:${upstreamBroker.port}`, { clientId: "bridge-up", protocolVersion: 5, username: "bridge", password: "pw", reconnectPeriod: 200 }, 5000);
    const bridge = new MqttBridge(new BridgeRules([{ pattern: "edge/+zone/#rest", template: "stores/{zone}/{rest}", qos: 1, priority: 1 }]), queue, upstream, { drainRatePerSec: 0 });
    const refused: Array<[string, number]> = [];
    bridge.on("upstream-refused", (topic: string, err: UpstreamRefusedError) => refused.push([topic, err.reasonCode]));
    const source = new ManualSource();
    await bridge.start(source);
    const send = (topic: string, body: string) => source.onMessage!({ topic, payload: Buffer.from(body), qos: 1, retain: false });
    try {
      await waitFor(() => upstream.connected, "the upstream link");
      await send("edge/allowed/a", "1");
      await send("edge/denied/a", "2");
      await send("edge/allowed/b", "3");
      assert.deepStrictEqual(arrived, ["1", "3"]);
      assert.deepStrictEqual(refused, [["stores/denied/a", 0x87]]);
      assert.strictEqual(bridge.refused, 1);
      assert.strictEqual(queue.pending(), 0, "the refused message does not wait on disk");
      // a quota refusal is worth another try: it waits on disk and goes once the upstream takes it
      quotaLeft = 1;
      await send("edge/allowed/c", "4");
      await waitFor(() => arrived.includes("4"), "the message refused with 0x97, retried");
      assert.strictEqual(queue.pending(), 0);
      assert.deepStrictEqual(refused, [["stores/denied/a", 0x87]]);
    } finally {
      await bridge.close();
      await queue.close();
      await upstreamBroker.close();
    }
  });
});
