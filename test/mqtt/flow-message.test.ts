import * as assert from "assert";
import { flowPayload, flowPublish, FlowPublishError } from "../../lib/mqtt/flow-message";
import { InFlight } from "../../lib/mqtt/in-flight";

const refusal = (code: FlowPublishError["code"]) => (err: unknown) => err instanceof FlowPublishError && err.code === code;

describe("edge-broker's flow messages", function () {
  describe("flowPublish: a Node-RED message as a PUBLISH", function () {
    it("takes topic, payload, QoS and retain as Node-RED's mqtt out node reads them", function () {
      assert.deepStrictEqual(flowPublish({ topic: "a/b", payload: { t: 1 }, qos: "1", retain: "true" }), { topic: "a/b", payload: Buffer.from('{"t":1}'), qos: 1, retain: true });
      assert.deepStrictEqual(flowPublish({ topic: "a/b", payload: 4.5 }), { topic: "a/b", payload: Buffer.from("4.5"), qos: 0, retain: false });
      assert.deepStrictEqual(flowPublish({ topic: "a/b" }).payload, Buffer.alloc(0));
      const bytes = Buffer.from([0, 255]);
      assert.strictEqual(flowPublish({ topic: "a/b", payload: bytes }).payload, bytes);
    });

    it("carries the MQTT 5 properties under the mqtt nodes' names", function () {
      const m = flowPublish({ topic: "a", payload: "", userProperties: { site: "dc-3", n: 2, list: ["x", "y"] }, contentType: "application/json", responseTopic: "r/1", correlationData: "c-1", messageExpiryInterval: 60, payloadFormatIndicator: true });
      assert.deepStrictEqual(m.properties, { userProperties: { site: "dc-3", n: "2", list: ["x", "y"] }, contentType: "application/json", responseTopic: "r/1", correlationData: Buffer.from("c-1"), messageExpiryInterval: 60, payloadFormatIndicator: true });
    });

    it("refuses what a broker refuses from a client, naming what was wrong", function () {
      assert.throws(() => flowPublish({ topic: "a/+", payload: "" }), refusal("topic"));
      assert.throws(() => flowPublish({ topic: "", payload: "" }), refusal("topic"));
      assert.throws(() => flowPublish({ topic: { a: 1 }, payload: "" }), refusal("topic"));
      assert.throws(() => flowPublish({ topic: "a\u0000b", payload: "" }), refusal("topic"));
      assert.throws(() => flowPublish({ topic: "$SYS/x", payload: "" }), refusal("topic-reserved"));
      assert.throws(() => flowPublish({ topic: "a", qos: 3 }), refusal("qos"));
      assert.throws(() => flowPublish({ topic: "a", qos: 1.5 }), refusal("qos"));
      assert.throws(() => flowPublish({ topic: "a", retain: 1 }), refusal("retain"));
      assert.throws(() => flowPublish({ topic: "a", payload: 10n }), refusal("payload"));
      const cycle: Record<string, unknown> = {};
      cycle.self = cycle;
      assert.throws(() => flowPublish({ topic: "a", payload: cycle }), refusal("payload"));
      assert.throws(() => flowPublish({ topic: "a", payload: "x".repeat(11) }, 10), refusal("payload-size"));
      assert.throws(() => flowPublish({ topic: "a", payload: Buffer.alloc(11) }, 10), refusal("payload-size"));
      assert.throws(() => flowPublish({ topic: "a", userProperties: "k=v" }), refusal("property"));
      assert.throws(() => flowPublish({ topic: "a", responseTopic: "r/#" }), refusal("property"));
      assert.throws(() => flowPublish({ topic: "a", messageExpiryInterval: -1 }), refusal("property"));
    });
  });

  describe("flowPayload: a routed payload for the flow", function () {
    it("auto: JSON objects and arrays parsed, other UTF-8 as text, other bytes as a Buffer", function () {
      assert.deepStrictEqual(flowPayload(Buffer.from('{"a":[1]}'), "auto"), { a: [1] });
      assert.strictEqual(flowPayload(Buffer.from("21.5"), "auto"), "21.5");
      assert.strictEqual(flowPayload(Buffer.from("{not json"), "auto"), "{not json");
      const bytes = Buffer.from([0xff, 0xfe, 0x00]);
      assert.strictEqual(flowPayload(bytes, "auto"), bytes);
      // deeper than the pack's limit stays text: Node-RED could not copy the object
      const deep = "[".repeat(100) + "]".repeat(100);
      assert.strictEqual(flowPayload(Buffer.from(deep), "auto"), deep);
    });

    it("json parses or throws; utf8 and buffer do not parse", function () {
      assert.deepStrictEqual(flowPayload(Buffer.from("[1,2]"), "json"), [1, 2]);
      assert.throws(() => flowPayload(Buffer.from("{"), "json"));
      assert.strictEqual(flowPayload(Buffer.from("{}"), "utf8"), "{}");
      assert.ok(Buffer.isBuffer(flowPayload(Buffer.from("{}"), "buffer")));
    });
  });

  describe("InFlight: what a flow holds", function () {
    it("admits up to its limit, counts refusals, frees a message once every destination completed it", function () {
      const f = new InFlight({ limit: 2, expireMs: 1000, now: () => 0 });
      assert.ok(f.admit("a", 2));
      assert.ok(f.admit("b", 1));
      assert.ok(!f.admit("c", 1));
      assert.strictEqual(f.refused, 1);
      f.complete("a");
      assert.ok(f.full, "a has a destination left");
      f.complete("a");
      f.complete("unknown");
      assert.strictEqual(f.size, 1);
      assert.ok(f.admit("c", 1));
      assert.ok(f.admit("d", 0), "a message to no node is not held");
      assert.strictEqual(f.size, 2);
    });

    it("forgets messages no node completed within expireMs, oldest first", function () {
      let now = 0;
      const f = new InFlight({ limit: 10, expireMs: 1000, now: () => now });
      f.admit("old", 1);
      now = 600;
      f.admit("new", 1);
      now = 1000;
      assert.strictEqual(f.sweep(), 1);
      assert.strictEqual(f.size, 1);
      assert.strictEqual(f.expired, 1);
      now = 1600;
      assert.strictEqual(f.sweep(), 1);
      assert.strictEqual(f.size, 0);
    });
  });
});
