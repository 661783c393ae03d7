/**
 * Each node's settings module (nodes/<type>/settings.ts): its defaults parse, the built editor carries exactly
 * them, a bad value is refused with the field and the reason, and each migration step turns a configuration saved
 * by an older release (test/settings/fixtures/older-flows.json) into what the next version means — applied by the
 * runtime's parseSettings and by the editor's oneditprepare alike.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ensureBuilt, repoRoot } from "../harness/build";
import { checkSettings, defaultConfig, SettingsError, type Table } from "../../lib/settings/spec";
import { checkSteps, migrate, type Migration } from "../../lib/settings/migrate";
import { defaultValues, editorDefinitions, FakeDialog } from "./editor-definitions";

interface SettingsModule {
  type: string;
  table: Table;
  migrations: readonly Migration[];
  parseSettings(config: Record<string, unknown>): Record<string, unknown>;
}

const modules: SettingsModule[] = fs
  .readdirSync(path.join(repoRoot, "nodes"))
  .filter((t) => fs.existsSync(path.join(repoRoot, "nodes", t, "settings.ts")))
  .map((t) => require(path.join(repoRoot, "nodes", t, "settings")) as SettingsModule);

const older = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "older-flows.json"), "utf8")) as Array<Record<string, unknown>>;
const fixture = (id: string) => {
  const n = older.find((x) => x.id === id);
  assert.ok(n, `fixture ${id}`);
  return n;
};
/** a configuration after the steps up to `to` only */
const upTo = (m: SettingsModule, config: Record<string, unknown>, to: number) => migrate(config, m.migrations.slice(0, to)).config;

describe("settings modules", function () {
  this.timeout(180000);
  before(function () {
    ensureBuilt();
  });

  it("there is one for each node that has TypeScript editor code", function () {
    for (const t of fs.readdirSync(path.join(repoRoot, "nodes"))) {
      if (fs.existsSync(path.join(repoRoot, "nodes", t, "editor.ts"))) assert.ok(fs.existsSync(path.join(repoRoot, "nodes", t, "settings.ts")), `nodes/${t}/settings.ts`);
    }
    assert.ok(modules.length > 0);
  });

  for (const m of modules) {
    describe(m.type, function () {
      it("its defaults parse, and the built editor gives a new node exactly them", function () {
        const defaults = defaultConfig(m.table);
        assert.deepStrictEqual(checkSettings(m.table, defaults), []);
        m.parseSettings(defaults);
        const def = editorDefinitions(m.type)[m.type];
        assert.deepStrictEqual(defaultValues(def), defaults);
        for (const [field, setting] of Object.entries(m.table)) {
          assert.strictEqual(def.defaults[field].required === true, setting.required === true, `${field} required`);
          assert.strictEqual(def.defaults[field].type, setting.type, `${field} config type`);
        }
      });

      it("refuses a value that is not usable, naming the field, in the runtime and as the editor's validator", function () {
        const def = editorDefinitions(m.type)[m.type];
        for (const [field, setting] of Object.entries(m.table)) {
          if (setting.check("not a value") === undefined) continue; // free text takes anything
          const config = { ...defaultConfig(m.table), [field]: "not a value" };
          assert.throws(
            () => m.parseSettings(config),
            (err: unknown) => err instanceof SettingsError && err.problems.length === 1 && err.problems[0].field === field && err.message.startsWith(`${field} `),
            field,
          );
          const verdict = def.defaults[field].validate?.call({}, "not a value", {});
          assert.ok(typeof verdict === "string" && verdict.includes(field), `${field}: the editor says why (${verdict})`);
          assert.strictEqual(def.defaults[field].validate?.call({}, setting.value, {}), true, `${field}: its default is valid`);
        }
      });

      it("numbers its migration steps 1, 2, 3… and brings any configuration to the current version", function () {
        checkSteps(m.migrations);
        const current = m.table.version.value;
        assert.strictEqual(m.migrations.at(-1)?.to, current);
        assert.strictEqual(migrate({}, m.migrations).config.version, current);
        // a flow of the current version is left as it is
        const now = defaultConfig(m.table);
        assert.deepStrictEqual(migrate(now, m.migrations).config, now);
      });
    });
  }

  describe("migration steps, with flows saved before versions", function () {
    const mod = (type: string) => {
      const m = modules.find((x) => x.type === type);
      assert.ok(m, type);
      return m;
    };

    it("edge-tflite 1: a missing threshold was 0 (every result above), an editor-saved one stays", function () {
      const m = mod("edge-tflite");
      assert.strictEqual(upTo(m, fixture("tflite-handwritten"), 1).threshold, "0");
      assert.strictEqual(m.parseSettings(fixture("tflite-handwritten")).threshold, 0);
      assert.strictEqual(m.parseSettings(fixture("tflite-editor")).threshold, 0.5);
      // what a node dropped from today's palette gets
      assert.strictEqual(m.parseSettings({}).threshold, 0, "an empty configuration is version 0: it keeps its old meaning");
      assert.strictEqual(m.parseSettings({ version: 1 }).threshold, 0.5);
    });

    it("edge-sim 1: a missing seed was 1; an editor-saved 42 stays", function () {
      const m = mod("edge-sim");
      assert.strictEqual(upTo(m, fixture("sim-handwritten"), 1).seed, "1");
      assert.strictEqual(m.parseSettings(fixture("sim-handwritten")).seed, 1);
      assert.strictEqual(m.parseSettings(fixture("sim-editor")).seed, 42);
      assert.strictEqual(m.parseSettings({ version: 1 }).seed, 42);
    });

    it("edge-kafka-out 1: a missing topic was msg.topic", function () {
      const m = mod("edge-kafka-out");
      const v1 = upTo(m, fixture("kafka-out-handwritten"), 1);
      assert.strictEqual(v1.topic, "");
      assert.strictEqual(v1.key, "{deviceName}");
      assert.strictEqual(v1.version, 1);
    });

    it("edge-kafka-out 2: an empty Topic becomes Topic from msg.topic; a template stays a template; Key is a template", function () {
      const m = mod("edge-kafka-out");
      const fromV1 = (id: string) => migrate(upTo(m, fixture(id), 1), m.migrations).config;
      assert.deepStrictEqual([fromV1("kafka-out-empty-topic").topic, fromV1("kafka-out-empty-topic").topicType, fromV1("kafka-out-empty-topic").keyType], ["topic", "msg", "str"]);
      assert.deepStrictEqual([fromV1("kafka-out-template").topic, fromV1("kafka-out-template").topicType], ["coldchain.{profileName}", "str"]);
      assert.deepStrictEqual([fromV1("kafka-out-handwritten").topic, fromV1("kafka-out-handwritten").topicType], ["topic", "msg"]);
      // a Topic emptied by hand in a version 2 flow is left alone: the template path still falls back to msg.topic
      assert.strictEqual(m.parseSettings({ ...defaultConfig(m.table), topic: "" }).topicType, "str");
    });

    it("edge-coap-in 1: a missing path was the root resource; methods written as text become a list", function () {
      const m = mod("edge-coap-in");
      const v1 = upTo(m, fixture("coap-in-handwritten"), 1);
      assert.deepStrictEqual([v1.path, v1.methods], ["/", ["GET", "POST"]]);
      assert.deepStrictEqual(m.parseSettings(fixture("coap-in-editor")).path, "/sensors");
      assert.throws(() => m.parseSettings({ version: 1, server: "cs", path: "" }), /path is required/);
      assert.throws(() => m.parseSettings({ version: 1, server: "cs", methods: ["GET", "PATCH"] }), /methods entry 2 is not valid/);
    });

    it("edge-ingest 1: the fixed device name is typed text", function () {
      const m = mod("edge-ingest");
      const v1 = upTo(m, fixture("ingest-editor"), 1);
      assert.deepStrictEqual([v1.deviceName, v1.deviceNameType], ["truck-01", "str"]);
      assert.throws(() => m.parseSettings({ version: 1, profile: "p", deviceNameType: "msg" }), /deviceNameType must take its value from one of str, env/);
    });

    it("edge-alarms 1: a missing reminder interval was 0 (never remind); escalation steps are checked", function () {
      const m = mod("edge-alarms");
      assert.strictEqual(upTo(m, fixture("alarms-handwritten"), 1).reminderMin, "0");
      assert.strictEqual(m.parseSettings(fixture("alarms-handwritten")).reminderMin, 0);
      assert.strictEqual(m.parseSettings({ version: 1 }).reminderMin, 15);
      assert.throws(() => m.parseSettings({ version: 1, escalation: "30 major" }), /escalation is not of the form "15:major, 30:critical"/);
    });

    it("edge-coap-request 1: the URL is typed text", function () {
      const m = mod("edge-coap-request");
      const v1 = upTo(m, fixture("coap-request-editor"), 1);
      assert.deepStrictEqual([v1.url, v1.urlType], ["coap://127.0.0.1/temp", "str"]);
      assert.strictEqual(m.parseSettings(fixture("coap-request-editor")).blockSize, "1024");
    });

    it("edge-rules: a rule of an unknown type is refused naming its entry", function () {
      const m = mod("edge-rules");
      assert.throws(() => m.parseSettings({ version: 1, rules: [{ name: "ok", type: "threshold" }, { name: "bad", type: "thermometer" }] }), /rules entry 2 is not valid/);
    });

    it("the editor applies the same steps when an older node's dialog opens, and saves the current version", function () {
      for (const [id, field, expected] of [
        ["tflite-handwritten", "threshold", "0"],
        ["sim-handwritten", "seed", "1"],
        ["kafka-out-empty-topic", "topicType", "msg"],
        ["coap-in-handwritten", "path", "/"],
        ["ingest-editor", "deviceNameType", "str"],
        ["alarms-handwritten", "reminderMin", "0"],
        ["coap-request-editor", "urlType", "str"],
      ] as const) {
        const node: Record<string, unknown> = { ...fixture(id), _: (k: string) => k };
        const dialog = new FakeDialog();
        // Node-RED fills each field from the node before oneditprepare
        const def = editorDefinitions(String(node.type), dialog)[String(node.type)];
        for (const f of Object.keys(def.defaults)) dialog.values.set(f, (node as Record<string, unknown>)[f] ?? "");
        def.oneditprepare?.call(node);
        assert.strictEqual(dialog.values.get(field), expected, `${id}: ${field} in the dialog`);
        def.oneditsave?.call(node);
        assert.strictEqual((node as Record<string, unknown>).version, modules.find((x) => x.type === node.type)?.table.version.value, `${id}: saved as the current version`);
      }
    });
  });
});
