import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import fc from "fast-check";
import { topicMatches, filterCovers, isValidFilter } from "../../lib/mqtt/topic-filter";
import { BrokerAuth, parseAcl, parseUsers, BrokerConfigError } from "../../lib/mqtt/broker-auth";
import { BridgeRules, BridgeRuleError } from "../../lib/mqtt/bridge-rules";
import { RateMeter } from "../../lib/mqtt/rate-meter";
import { FilePersistence } from "../../lib/mqtt/file-persistence";
import { tempDir } from "../harness/peers";

const level = fc.constantFrom("a", "b", "c", "");
const topicArb = fc.array(level, { minLength: 1, maxLength: 5 }).map((l) => l.join("/"));
const filterArb = fc
  .tuple(fc.array(fc.constantFrom("a", "b", "+", ""), { minLength: 1, maxLength: 5 }), fc.boolean())
  .map(([l, hash]) => (hash ? [...l, "#"] : l).join("/"));

describe("MQTT topic filters, ACLs, bridge rules", function () {
  it("matches the MQTT 3.1.1 examples", function () {
    assert.ok(topicMatches("sport/tennis/player1/#", "sport/tennis/player1"));
    assert.ok(topicMatches("sport/tennis/+", "sport/tennis/player1"));
    assert.ok(!topicMatches("sport/tennis/+", "sport/tennis/player1/ranking"));
    assert.ok(topicMatches("+/+", "/finance"));
    assert.ok(!topicMatches("#", "$SYS/broker"));
    assert.ok(!isValidFilter("sport/tennis#"));
  });

  it("a covering filter matches every topic the covered one matches (fuzzed)", function () {
    fc.assert(
      fc.property(filterArb, filterArb, topicArb, (allowed, requested, topic) => {
        if (filterCovers(allowed, requested) && topicMatches(requested, topic)) return topicMatches(allowed, topic);
        return true;
      }),
      { numRuns: 5000 },
    );
  });

  it("checks passwords and per-user ACLs with %u", function () {
    const auth = new BrokerAuth(parseUsers("alice:a1\nbob:b:2"), parseAcl("* publish edge/%u/#\nbob subscribe stores/+/alerts"), false);
    assert.ok(auth.authenticate("alice", Buffer.from("a1")));
    assert.ok(auth.authenticate("bob", "b:2"));
    assert.ok(!auth.authenticate("alice", "b:2"));
    assert.ok(!auth.authenticate(undefined, undefined));
    assert.ok(auth.mayPublish("alice", "edge/alice/t"));
    assert.ok(!auth.mayPublish("alice", "edge/bob/t"));
    assert.ok(auth.maySubscribe("bob", "stores/s1/alerts"));
    assert.ok(!auth.maySubscribe("bob", "stores/#"));
    assert.throws(() => parseAcl("alice read x"), BrokerConfigError);
    assert.throws(() => parseUsers("nopassword"), BrokerConfigError);
  });

  it("maps topics through named wildcards and refuses unknown names", function () {
    const rules = new BridgeRules([
      { pattern: "edge/+site/+device/alerts", template: "stores/{site}/alerts", priority: 0, userProperties: { device: "{device}" } },
      { pattern: "edge/+site/#rest", template: "bulk/{site}/{rest}", qos: 0 },
    ]);
    assert.deepStrictEqual(rules.filters(), ["edge/+/+/alerts", "edge/+/#"]);
    assert.deepStrictEqual(rules.map("edge/s1/t9/alerts"), { topic: "stores/s1/alerts", qos: 1, retain: false, priority: 0, userProperties: { device: "t9" } });
    assert.deepStrictEqual(rules.map("edge/s2/a/b/c"), { topic: "bulk/s2/a/b/c", qos: 0, retain: false, priority: 3 });
    assert.strictEqual(rules.map("other/s1"), undefined);
    assert.throws(() => new BridgeRules([{ pattern: "edge/+site", template: "x/{device}" }]), BridgeRuleError);
    assert.throws(() => new BridgeRules([{ pattern: "edge/#x/y", template: "x" }]), BridgeRuleError);
    fc.assert(
      // any topic: no exception, and only topics under edge/ are forwarded
      fc.property(fc.string(), (topic) => {
        const out = rules.map(topic);
        return out === undefined || (topic.startsWith("edge/") && (out.topic.startsWith("stores/") || out.topic.startsWith("bulk/")));
      }),
    );
  });

  it("measures messages per second on an injected clock", function () {
    let now = 0;
    const meter = new RateMeter(5, () => now);
    for (let s = 0; s < 5; s++) {
      meter.mark(100);
      now += 1000;
    }
    assert.strictEqual(meter.perSecond(), 100);
    now += 10000;
    assert.strictEqual(meter.perSecond(), 0);
  });

  it("file persistence drops a torn last journal line and keeps what came before", async function () {
    const dir = tempDir("aedes-journal");
    const broker = { id: "b1" };
    const first = new FilePersistence({ dir });
    await first.setup(broker);
    await first.storeRetained({ cmd: "publish", topic: "a", payload: Buffer.from("1"), qos: 1, retain: true, brokerId: "b1", brokerCounter: 1 });
    await first.storeRetained({ cmd: "publish", topic: "b", payload: Buffer.from("2"), qos: 1, retain: true, brokerId: "b1", brokerCounter: 2 });
    await first.destroy();
    const journal = path.join(dir, "broker-journal.log");
    fs.appendFileSync(journal, '{"o":"ret","p":{"topic":"c","pay'); // a crash in the middle of a write
    const second = new FilePersistence({ dir });
    await second.setup(broker);
    const topics: string[] = [];
    for await (const p of (second as unknown as { createRetainedStream(p: string): AsyncIterable<{ topic: string }> }).createRetainedStream("#")) topics.push(p.topic);
    assert.deepStrictEqual(topics.sort(), ["a", "b"]);
    await second.destroy();
  });

  it("file persistence compacts its journal to the live state", async function () {
    const dir = tempDir("aedes-compact");
    const p = new FilePersistence({ dir, compactBytes: 20000 });
    await p.setup({ id: "b1" });
    for (let i = 0; i < 2000; i++) await p.storeRetained({ cmd: "publish", topic: `t/${i % 10}`, payload: Buffer.from(String(i)), qos: 0, retain: true, brokerId: "b1", brokerCounter: i });
    assert.ok(p.bytesOnDisk < 20000, `journal of ${p.bytesOnDisk} bytes was not compacted`);
    await p.destroy();
    const again = new FilePersistence({ dir });
    await again.setup({ id: "b2" });
    const got: Record<string, string> = {};
    for await (const r of (again as unknown as { createRetainedStream(p: string): AsyncIterable<{ topic: string; payload: Buffer }> }).createRetainedStream("t/#")) got[r.topic] = r.payload.toString();
    assert.strictEqual(got["t/3"], "1993");
    assert.strictEqual(Object.keys(got).length, 10);
    await again.destroy();
  });
});
