/**
 * The migration steps of edge-kafka-broker, edge-kafka-in, edge-bundle, edge-rollout, edge-mqtt-bridge and
 * edge-metrics, with flows saved before versions (test/settings/fixtures/older-flows.json): each step by
 * parseSettings, by the built editor's oneditprepare/oneditsave, and deployed in Node-RED where the old meaning
 * shows in a status (the generic checks of every settings module are in settings-modules.test.ts).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import helper from "node-red-node-test-helper";
import { ensureBuilt, repoRoot } from "../harness/build";
import { waitFor } from "../harness/wait";
import { migrate, type Migration } from "../../lib/settings/migrate";
import { editorDefinitions, FakeDialog } from "./editor-definitions";
import { speaking } from "./catalogue";
import { generateSigningKey, signBundle } from "../../lib/fleet/bundle-signing";
import { useTestHelper } from "../harness/test-helper-server";

interface SettingsModule {
  type: string;
  migrations: readonly Migration[];
  table: { version: { value: number } };
  parseSettings(config: Record<string, unknown>): Record<string, unknown>;
}

const mod = (type: string) => require(path.join(repoRoot, "nodes", type, "settings")) as SettingsModule;
const older = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "older-flows.json"), "utf8")) as Array<Record<string, unknown>>;
const fixture = (id: string) => {
  const n = older.find((x) => x.id === id);
  assert.ok(n, `fixture ${id}`);
  return JSON.parse(JSON.stringify(n)) as Record<string, unknown>;
};
const upTo = (m: SettingsModule, config: Record<string, unknown>, to: number) => migrate(config, m.migrations.slice(0, to)).config;

/** the built editor's dialog opened on `node` (Node-RED fills each field first), then saved: the dialog's fields and the node */
function openAndSave(node: Record<string, unknown>): { dialog: Map<string, unknown>; saved: Record<string, unknown> } {
  const dialog = new FakeDialog();
  const def = editorDefinitions(String(node.type), dialog)[String(node.type)];
  const self: Record<string, unknown> = { ...node, _: (k: string) => k };
  for (const f of Object.keys(def.defaults)) dialog.values.set(f, self[f] ?? "");
  def.oneditprepare?.call(self);
  def.oneditsave?.call(self);
  return { dialog: dialog.values, saved: self };
}

interface Status {
  fill?: string;
  text?: string;
}
function statusesOf(id: string): Status[] {
  const spy = (helper as unknown as { _NodePrototype: { status: { getCalls(): Array<{ thisValue: { id: string }; args: [Status] }> } } })._NodePrototype.status;
  return spy
    .getCalls()
    .filter((c) => c.thisValue?.id === id)
    .map((c) => c.args[0]);
}
const logged = (level: number, id: string) =>
  helper
    .log()
    .args.map((a: unknown[]) => a[0] as { level: number; id?: string; msg?: unknown })
    .filter((e: { level: number; id?: string }) => e.level === level && e.id === id)
    .map((e: { msg?: unknown }) => String(e.msg));
const ERROR = 20;
type Flow = Parameters<typeof helper.load>[1];
/** loads `nodes` and a flow of plain configurations (as a flow file holds them) */
const load = (nodes: unknown[], flow: Array<Record<string, unknown>>) => helper.load(nodes as Parameters<typeof helper.load>[0], flow as unknown as Flow);
const WARN = 30;

describe("migration steps of the Kafka, fleet and bridge nodes, with flows saved before versions", function () {
  this.timeout(60000);
  before(function () {
    this.timeout(180000);
    ensureBuilt();
  });

  describe("edge-kafka-broker", function () {
    const m = mod("edge-kafka-broker");

    it("1: missing brokers were none (not configured); the editor's 127.0.0.1:9092 stays; a new node gets it", function () {
      assert.strictEqual(upTo(m, fixture("kafka-broker-handwritten"), 1).brokers, "");
      assert.strictEqual(m.parseSettings(fixture("kafka-broker-handwritten")).brokers, "");
      assert.strictEqual(m.parseSettings(fixture("kafka-broker-handwritten")).clientId, "gw-7");
      assert.strictEqual(m.parseSettings(fixture("kb")).brokers, "127.0.0.1:9092");
      assert.strictEqual(m.parseSettings({ version: 1 }).brokers, "127.0.0.1:9092");
      assert.throws(() => m.parseSettings({ version: 1, connectionTimeoutMs: "soon" }), /connectionTimeoutMs must be a number/);
    });

    it("1 in the editor: the dialog of a node without brokers shows them blank, and saves version 1", function () {
      const { dialog, saved } = openAndSave(fixture("kafka-broker-handwritten"));
      assert.strictEqual(dialog.get("brokers"), "");
      assert.strictEqual(saved.version, 1);
      assert.strictEqual(openAndSave(fixture("kb")).dialog.get("brokers"), "127.0.0.1:9092");
    });
  });

  describe("edge-kafka-in", function () {
    const m = mod("edge-kafka-in");

    it("1: Topics are typed text; a missing or blank consumer group was edge-ai-gateway", function () {
      const v1 = upTo(m, fixture("kafka-in-handwritten"), 1);
      assert.deepStrictEqual([v1.topics, v1.topicsType, v1.groupId], ["store-001.commands", "str", "edge-ai-gateway"]);
      assert.strictEqual(m.parseSettings(fixture("kafka-in-editor")).groupId, "edge-ai-gateway");
      assert.strictEqual(m.parseSettings(fixture("kafka-in-handwritten")).completionTimeoutS, 60);
      // a blank group in a version 1 flow is refused: it is no longer silently the default
      assert.throws(() => m.parseSettings({ version: 1, broker: "kb", groupId: "" }), /groupId is required/);
      assert.throws(() => m.parseSettings({ version: 1, broker: "kb", topicsType: "msg" }), /topicsType must take its value from one of str, env/);
    });

    it("1 in the editor: the dialog shows Topics as typed text and the default group, and saves version 1", function () {
      const { dialog, saved } = openAndSave(fixture("kafka-in-editor"));
      assert.deepStrictEqual([dialog.get("topicsType"), dialog.get("groupId")], ["str", "edge-ai-gateway"]);
      assert.strictEqual(saved.version, 1);
    });
  });

  describe("edge-bundle", function () {
    const m = mod("edge-bundle");

    it("1: the gateway id is typed text; what was missing keeps its meaning (send again on start, 3 errors)", function () {
      const v1 = upTo(m, fixture("bundle-editor"), 1);
      assert.deepStrictEqual([v1.gatewayId, v1.gatewayIdType], ["store-gw-1", "str"]);
      const s = m.parseSettings(fixture("bundle-handwritten"));
      assert.deepStrictEqual([s.gatewayId, s.gatewayIdType, s.reactivate, s.maxErrors, s.maxMB, s.probationS], ["", "str", true, 3, 16, 0]);
      assert.throws(() => m.parseSettings({ version: 1, maxErrors: "1.5" }), /maxErrors must be a whole number/);
    });

    it("1 in the editor: the dialog shows the gateway id as typed text and saves version 1", function () {
      const { dialog, saved } = openAndSave(fixture("bundle-editor"));
      assert.deepStrictEqual([dialog.get("gatewayId"), dialog.get("gatewayIdType")], ["store-gw-1", "str"]);
      assert.strictEqual(saved.version, 1);
    });
  });

  describe("edge-rollout", function () {
    const m = mod("edge-rollout");

    it("1: a missing or blank topic was the default topic; the limits keep their defaults", function () {
      const v1 = upTo(m, fixture("rollout-handwritten"), 1);
      assert.deepStrictEqual([v1.canaryTopic, v1.fleetTopic, v1.commandTopic], ["fleet/bundles/canary/{name}", "fleet/bundles/all/{name}", "fleet/{gateway}/rollback"]);
      const s = m.parseSettings(fixture("rollout-handwritten"));
      assert.deepStrictEqual([s.healthWindowS, s.activationTimeoutS, s.maxErrorRate, s.maxPsi, s.minMessages, s.maxMB], [300, 120, 0.05, 0.25, 20, 16]);
      assert.strictEqual(m.parseSettings(fixture("rollout-editor")).canaries, "store-gw-1, store-gw-7");
      // in a version 1 flow a blank topic is refused rather than silently the default
      assert.throws(() => m.parseSettings({ ...fixture("rollout-editor"), version: 1, fleetTopic: "" }), /fleetTopic is required/);
    });

    it("1 in the editor: the dialog of a node with a blank topic shows the default topic, and saves version 1", function () {
      const { dialog, saved } = openAndSave(fixture("rollout-handwritten"));
      assert.strictEqual(dialog.get("fleetTopic"), "fleet/bundles/all/{name}");
      assert.strictEqual(saved.version, 1);
    });
  });

  describe("edge-mqtt-bridge", function () {
    const m = mod("edge-mqtt-bridge");

    it("1: missing rules were none (the bridge refuses to start, as before); missing properties are forwarded; the editor's rule stays", function () {
      assert.deepStrictEqual(upTo(m, fixture("bridge-handwritten"), 1).rules, []);
      const s = m.parseSettings(fixture("bridge-handwritten"));
      assert.deepStrictEqual([s.rules, s.forwardProperties, s.drainRatePerSec, s.bufferMB, s.upstreamProtocol, s.clientId], [[], true, 500, 256, "", ""]);
      const e = m.parseSettings(fixture("bridge-editor"));
      assert.deepStrictEqual([e.sourceType, e.localBroker, (e.rules as Array<{ template: string }>)[0].template], ["edge", "eb", "stores/{site}/alerts"]);
      // a node dropped from today's palette gets the example rule
      assert.strictEqual((m.parseSettings({ version: 1 }).rules as unknown[]).length, 1);
      assert.throws(() => m.parseSettings({ version: 1, rules: ["edge/#"] }), /rules entry 1 is not valid/);
      assert.throws(() => m.parseSettings({ version: 1, upstreamProtocol: "3" }), /upstreamProtocol must be one of/);
    });

    it("1 in the editor: the dialog opens on an older node and saves version 1", function () {
      const { saved } = openAndSave(fixture("bridge-handwritten"));
      assert.strictEqual(saved.version, 1);
    });
  });

  describe("edge-metrics", function () {
    const m = mod("edge-metrics");

    it("1: the gateway id is typed text; a missing or blank path was /metrics; missing counting was on", function () {
      const v1 = upTo(m, fixture("metrics-handwritten"), 1);
      assert.deepStrictEqual([v1.gatewayId, v1.gatewayIdType, v1.path], ["store-gw-1", "str", "/metrics"]);
      const s = m.parseSettings(fixture("metrics-handwritten"));
      assert.deepStrictEqual([s.countMessages, s.allNodes, s.heartbeatS], [true, false, 0]);
      assert.strictEqual(m.parseSettings(fixture("metrics-editor")).path, "/metrics");
      assert.throws(() => m.parseSettings({ version: 1, path: "" }), /path is required/);
      assert.throws(() => m.parseSettings({ version: 1, heartbeatS: "-1" }), /heartbeatS must be at least 0/);
    });

    it("1 in the editor: the dialog of a node with a blank path shows /metrics and the gateway id as typed text, and saves version 1", function () {
      const { dialog, saved } = openAndSave(fixture("metrics-editor"));
      assert.deepStrictEqual([dialog.get("path"), dialog.get("gatewayIdType")], ["/metrics", "str"]);
      assert.strictEqual(saved.version, 1);
    });
  });

  describe("deployed in Node-RED", function () {
    useTestHelper();

    const pack = (...types: string[]) => types.map((t) => speaking(require(path.join(repoRoot, "nodes", t, t))));
    const kafkaNodes = () => pack("edge-kafka-broker", "edge-kafka-out", "edge-kafka-in");

    it("edge-kafka-broker 1: a version 0 broker without brokers is 'not configured' (grey) for the node using it, said once as a warning", async function () {
      const flow: Array<Record<string, unknown>> = [
        { id: "t", type: "tab" },
        fixture("kafka-broker-handwritten"),
        { id: "out", z: "t", type: "edge-kafka-out", broker: "kafka-broker-handwritten", topic: "t", wires: [] },
      ];
      await load(kafkaNodes(), flow);
      const shown = await waitFor(() => statusesOf("out").find((s) => s.fill === "grey"), "a grey status", { timeoutMs: 5000 });
      assert.match(shown.text ?? "", /not configured: no brokers are set/);
      assert.strictEqual(logged(WARN, "kafka-broker-handwritten").length, 1);
      assert.deepStrictEqual(logged(ERROR, "kafka-broker-handwritten"), []);
      assert.deepStrictEqual(logged(ERROR, "out"), []);
    });

    for (const [what, config, text] of [
      ["no topic (its editor defaults)", fixture("kafka-in-no-topic"), /^not configured: no topic to consume$/],
      ["Topics from an environment variable that is not set", { ...fixture("kafka-in-no-topic"), version: 1, topics: "EDGE_TEST_UNSET_TOPICS", topicsType: "env" }, /^not configured: EDGE_TEST_UNSET_TOPICS is not set$/],
      ["Topics of ${VARIABLE} not set", { ...fixture("kafka-in-no-topic"), topics: "${EDGE_TEST_UNSET_TOPICS}" }, /^not configured: EDGE_TEST_UNSET_TOPICS is not set$/],
    ] as const) {
      it(`edge-kafka-in with ${what}: grey "not configured", one warning, no error, a message to it fails to Catch`, async function () {
        delete process.env.EDGE_TEST_UNSET_TOPICS;
        const flow: Array<Record<string, unknown>> = [{ id: "t", type: "tab" }, fixture("kb"), { ...config, id: "in", z: "t" }, { id: "c", z: "t", type: "catch", scope: ["in"], wires: [["caught"]] }, { id: "caught", z: "t", type: "helper" }];
        await load([...kafkaNodes(), require("@node-red/nodes/core/common/25-catch.js")], flow);
        const shown = await waitFor(() => statusesOf("in").at(-1), "a status", { timeoutMs: 5000 });
        assert.strictEqual(shown.fill, "grey");
        assert.match(shown.text ?? "", text);
        assert.strictEqual(logged(WARN, "in").length, 1);
        assert.deepStrictEqual(logged(ERROR, "in"), []);
        const caught: Array<{ error: { message: string } }> = [];
        helper.getNode("caught").on("input", (msg: unknown) => void caught.push(msg as { error: { message: string } }));
        helper.getNode("in").receive({ payload: 1 });
        await waitFor(() => caught.length === 1, "the message at the Catch node", { timeoutMs: 5000 });
        assert.match(caught[0].error.message, /no topic|is not set/);
      });
    }

    it("edge-kafka-in with Topics from an environment variable that is set: it starts consuming them (connecting, not 'not configured')", async function () {
      process.env.EDGE_TEST_TOPICS = "a.commands, b.commands";
      try {
        const flow: Array<Record<string, unknown>> = [{ id: "t", type: "tab" }, { ...fixture("kb"), brokers: "127.0.0.1:1", connectionTimeoutMs: "200" }, { ...fixture("kafka-in-no-topic"), id: "in", z: "t", version: 1, topics: "EDGE_TEST_TOPICS", topicsType: "env" }];
        await load(kafkaNodes(), flow);
        await waitFor(() => statusesOf("in").find((s) => /connecting/.test(s.text ?? "")), "connecting", { timeoutMs: 5000 });
        assert.ok(!statusesOf("in").some((s) => /not configured/.test(s.text ?? "")), JSON.stringify(statusesOf("in")));
      } finally {
        delete process.env.EDGE_TEST_TOPICS;
      }
    });

    it("edge-bundle without a public key (its editor defaults): grey 'not configured: no public key', one warning, each bundle refused to Catch", async function () {
      const flow: Array<Record<string, unknown>> = [
        { id: "t", type: "tab" },
        { ...fixture("bundle-editor"), id: "b", z: "t", wires: [[], ["events"]] },
        { id: "events", z: "t", type: "helper" },
        { id: "c", z: "t", type: "catch", scope: ["b"], wires: [["caught"]] },
        { id: "caught", z: "t", type: "helper" },
      ];
      await load([...pack("edge-bundle"), require("@node-red/nodes/core/common/25-catch.js")], flow);
      const shown = await waitFor(() => statusesOf("b").at(-1), "a status", { timeoutMs: 5000 });
      assert.deepStrictEqual([shown.fill, shown.text], ["grey", "not configured: no public key"]);
      assert.strictEqual(logged(WARN, "b").length, 1);
      assert.deepStrictEqual(logged(ERROR, "b"), []);
      const events: Array<{ payload: { step: string; gateway: string; code?: string } }> = [];
      const caught: unknown[] = [];
      helper.getNode("events").on("input", (msg: unknown) => void events.push(msg as (typeof events)[number]));
      helper.getNode("caught").on("input", (msg: unknown) => void caught.push(msg));
      helper.getNode("b").receive({ payload: { manifest: { kind: "model", name: "m", version: "1" }, content: "", signature: "" } });
      await waitFor(() => caught.length === 1 && events.some((e) => e.payload.step === "refused"), "refused, to Catch", { timeoutMs: 5000 });
      assert.strictEqual(events[0].payload.gateway, "store-gw-1");
    });

    it("edge-bundle with its gateway id from an environment variable: that id in its events; unset, the host name with one warning", async function () {
      process.env.EDGE_TEST_GATEWAY = "store-gw-9";
      try {
        const flow: Array<Record<string, unknown>> = [
          { id: "t", type: "tab" },
          { ...fixture("bundle-editor"), id: "b", z: "t", version: 1, gatewayId: "EDGE_TEST_GATEWAY", gatewayIdType: "env", wires: [[], ["events"]] },
          { ...fixture("bundle-editor"), id: "b2", z: "t", version: 1, gatewayId: "EDGE_TEST_UNSET_GATEWAY", gatewayIdType: "env", wires: [[], ["events"]] },
          { id: "events", z: "t", type: "helper" },
        ];
        await load(pack("edge-bundle"), flow);
        const gateways = new Map<string, string>();
        helper.getNode("events").on("input", (msg: unknown) => {
          const m = msg as { topic: string; payload: { gateway: string } };
          gateways.set(m.payload.gateway, m.topic);
        });
        helper.getNode("b").receive({ payload: "not a bundle" });
        helper.getNode("b2").receive({ payload: "not a bundle" });
        await waitFor(() => gateways.size === 2, "an event from each", { timeoutMs: 5000 });
        assert.ok(gateways.has("store-gw-9"), JSON.stringify([...gateways]));
        assert.ok(gateways.has(require("os").hostname()), JSON.stringify([...gateways]));
        assert.match(logged(WARN, "b2").join(" | "), /EDGE_TEST_UNSET_GATEWAY is not set/);
        assert.doesNotMatch(logged(WARN, "b").join(" | "), /is not set/);
      } finally {
        delete process.env.EDGE_TEST_GATEWAY;
      }
    });

    it("edge-rollout 1: a version 0 node without a canary topic publishes a bundle on fleet/bundles/canary/{name}, as before", async function () {
      const flow: Array<Record<string, unknown>> = [{ id: "t", type: "tab" }, { ...fixture("rollout-handwritten"), id: "r", z: "t", wires: [["out"], []] }, { id: "out", z: "t", type: "helper" }];
      await load(pack("edge-rollout"), flow);
      const published: Array<{ topic: string }> = [];
      helper.getNode("out").on("input", (msg: unknown) => void published.push(msg as { topic: string }));
      const key = generateSigningKey();
      helper.getNode("r").receive({ payload: signBundle({ kind: "rules", name: "shelf", version: "1" }, Buffer.from("[]"), key.privateKeyPem) });
      await waitFor(() => published.length === 1, "the canary publication", { timeoutMs: 5000 });
      assert.strictEqual(published[0].topic, "fleet/bundles/canary/shelf");
      assert.deepStrictEqual(logged(ERROR, "r"), []);
    });

    it("edge-mqtt-bridge 1: a version 0 node without rules still refuses to start, red, saying it has no mapping rule", async function () {
      const flow: Array<Record<string, unknown>> = [{ id: "t", type: "tab" }, { ...fixture("bridge-handwritten"), id: "br", z: "t" }];
      await load(pack("edge-mqtt-bridge"), flow);
      await waitFor(() => statusesOf("br").find((s) => s.fill === "red"), "red", { timeoutMs: 5000 });
      assert.match(logged(ERROR, "br").join(" | "), /no mapping rule/);
    });

    it("edge-metrics with its gateway id from an environment variable: the heartbeat's topic and gateway", async function () {
      process.env.EDGE_TEST_GATEWAY = "store-gw-4";
      try {
        const flow: Array<Record<string, unknown>> = [
          { id: "t", type: "tab" },
          { ...fixture("metrics-editor"), id: "mx", z: "t", version: 1, path: "/metrics", gatewayId: "EDGE_TEST_GATEWAY", gatewayIdType: "env", heartbeatS: "0", wires: [["beats"]] },
          { id: "beats", z: "t", type: "helper" },
        ];
        await load(pack("edge-metrics"), flow);
        const beats: Array<{ topic: string; payload: { gateway: string } }> = [];
        helper.getNode("beats").on("input", (msg: unknown) => void beats.push(msg as (typeof beats)[number]));
        helper.getNode("mx").receive({});
        await waitFor(() => beats.length === 1, "a heartbeat", { timeoutMs: 5000 });
        assert.deepStrictEqual([beats[0].topic, beats[0].payload.gateway], ["fleet/store-gw-4/heartbeat", "store-gw-4"]);
      } finally {
        delete process.env.EDGE_TEST_GATEWAY;
      }
    });

    it("edge-kafka-broker: a setting that cannot be used is an error naming the field, and the node using it is red", async function () {
      const flow: Array<Record<string, unknown>> = [
        { id: "t", type: "tab" },
        { ...fixture("kb"), connectionTimeoutMs: "soon" },
        { id: "out", z: "t", type: "edge-kafka-out", broker: "kb", topic: "t", wires: [] },
      ];
      await load(kafkaNodes(), flow);
      const shown = await waitFor(() => statusesOf("out").find((s) => s.fill === "red"), "a red status", { timeoutMs: 5000 });
      assert.match(shown.text ?? "", /not configured/);
      assert.match(logged(ERROR, "kb").join(" | "), /connectionTimeoutMs must be a number, not "soon"/);
    });
  });
});
