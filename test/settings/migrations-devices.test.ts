/**
 * The migration steps of edge-device-profile, edge-record, edge-model-watch, edge-modbus-link and edge-modbus, with
 * the flows saved before versions in fixtures/older-flows.json: each step keeps what the old runtime did with a
 * setting left out (its fallback, not the editor's default), by the runtime's parseSettings and in the editor's
 * dialog alike. settings-modules.test.ts checks every module's defaults and validation; this file, the steps.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ensureBuilt, repoRoot } from "../harness/build";
import { migrate, type Migration } from "../../lib/settings/migrate";
import { defaultConfig, type Table } from "../../lib/settings/spec";
import { editorDefinitions, FakeDialog } from "./editor-definitions";

interface SettingsModule {
  type: string;
  table: Table;
  migrations: readonly Migration[];
  parseSettings(config: Record<string, unknown>): Record<string, unknown>;
}

const mod = (type: string) => require(path.join(repoRoot, "nodes", type, "settings")) as SettingsModule;
const older = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "older-flows.json"), "utf8")) as Array<Record<string, unknown>>;
const fixture = (id: string) => {
  const n = older.find((x) => x.id === id);
  assert.ok(n, `fixture ${id}`);
  return n;
};
const upTo = (m: SettingsModule, config: Record<string, unknown>, to: number) => migrate(config, m.migrations.slice(0, to)).config;

describe("migration steps: device profiles, Modbus, record, model watch", function () {
  this.timeout(180000);
  before(function () {
    ensureBuilt();
  });

  it("edge-device-profile 1: a missing source is text, a missing text empty (refused as a profile), a missing bundled name none", function () {
    const m = mod("edge-device-profile");
    const v1 = upTo(m, fixture("profile-handwritten"), 1);
    assert.deepStrictEqual([v1.source, v1.profile, v1.builtin], ["text", "", ""]);
    // not the editor's example profile nor reefer-unit, which a new node gets
    const fresh = m.parseSettings(defaultConfig(m.table));
    assert.deepStrictEqual([fresh.source, fresh.builtin], ["text", "reefer-unit"]);
    assert.match(String(m.parseSettings({ version: 1 }).profile), /^name: my-device/);
    assert.strictEqual(m.parseSettings(fixture("profile-builtin-unnamed")).builtin, "", "a bundled source without a name is still none");
    assert.strictEqual(m.parseSettings(fixture("profile-editor")).builtin, "modbus-cold-room");
    assert.throws(() => m.parseSettings({ version: 1, source: "builtin", builtin: "walk-in-freezer" }), /builtin must be one of reefer-unit, smart-shelf, senml-climate-sensor, modbus-cold-room/);
  });

  it("edge-record 1: a missing report range and HTTP path were none; an editor-saved 2..8 and /edge-record stay", function () {
    const m = mod("edge-record");
    const v1 = upTo(m, fixture("record-handwritten"), 1);
    assert.deepStrictEqual([v1.low, v1.high, v1.servePath, v1.retentionDays], ["", "", "", "365"]);
    const hand = m.parseSettings(fixture("record-handwritten"));
    assert.deepStrictEqual([hand.low, hand.high, hand.servePath, hand.retentionDays, hand.gapMin, hand.groupCommitMs], [undefined, undefined, "", 365, 30, 10]);
    const saved = m.parseSettings(fixture("record-editor"));
    assert.deepStrictEqual([saved.low, saved.high, saved.servePath], [2, 8, "/edge-record"]);
    assert.throws(() => m.parseSettings({ version: 1, retentionDays: "0" }), /retentionDays must be at least 1, not 0/);
  });

  it("edge-model-watch 1: a blank device class property is deviceClass; blank windows are derived from the current window", function () {
    const m = mod("edge-model-watch");
    const { windows } = require(path.join(repoRoot, "nodes", "edge-model-watch", "settings")) as { windows(s: unknown): Record<string, number> };
    const v1 = upTo(m, fixture("model-watch-handwritten"), 1);
    assert.strictEqual(v1.classProperty, "deviceClass");
    assert.deepStrictEqual(windows(m.parseSettings(fixture("model-watch-handwritten"))), { windowSize: 100, referenceSize: 100, checkEvery: 25 });
    assert.deepStrictEqual(windows(m.parseSettings(fixture("model-watch-editor"))), { windowSize: 40, referenceSize: 40, checkEvery: 20 });
    assert.strictEqual(m.parseSettings(fixture("model-watch-editor")).classProperty, "truckClass");
    // a new node: blank, so both follow the window (200: reference 200, a check every 50, the old editor's numbers)
    assert.deepStrictEqual(windows(m.parseSettings(defaultConfig(m.table))), { windowSize: 200, referenceSize: 200, checkEvery: 50 });
    assert.throws(() => m.parseSettings({ version: 1, classProperty: "" }), /classProperty is required/);
  });

  it("edge-modbus-link 1: a missing host was none (not 127.0.0.1); 2: the host is typed text", function () {
    const m = mod("edge-modbus-link");
    const v1 = upTo(m, fixture("modbus-link-handwritten"), 1);
    assert.deepStrictEqual([v1.host, v1.serialPath, v1.hostType, v1.version], ["", "", undefined, 1]);
    const v2 = migrate(v1, m.migrations).config;
    assert.deepStrictEqual([v2.hostType, v2.version], ["str", 2]);
    assert.strictEqual(m.parseSettings(fixture("modbus-link-handwritten")).host, "");
    const saved = m.parseSettings(fixture("modbus-link-editor"));
    assert.deepStrictEqual([saved.host, saved.hostType, saved.port], ["192.0.2.7", "str", 502]);
    assert.throws(() => m.parseSettings({ version: 2, port: "70000" }), /port must be at most 65535, not 70000/);
    assert.throws(() => m.parseSettings({ version: 2, hostType: "msg" }), /hostType must take its value from one of str, env/);
  });

  it("edge-modbus 1: the device name is typed text", function () {
    const m = mod("edge-modbus");
    const v1 = upTo(m, fixture("modbus-editor"), 1);
    assert.deepStrictEqual([v1.deviceName, v1.deviceNameType], ["store-001-room-01", "str"]);
    assert.throws(() => m.parseSettings({ version: 1, link: "l", profile: "p", unitId: "300" }), /unitId must be at most 255, not 300/);
  });

  it("the editor applies the same steps when an older node's dialog opens, and saves the current version", function () {
    for (const [id, field, expected] of [
      ["profile-handwritten", "source", "text"],
      ["profile-handwritten", "builtin", ""],
      ["record-handwritten", "servePath", ""],
      ["record-handwritten", "low", ""],
      ["model-watch-handwritten", "classProperty", "deviceClass"],
      ["modbus-link-handwritten", "host", ""],
      ["modbus-link-handwritten", "hostType", "str"],
      ["modbus-editor", "deviceNameType", "str"],
    ] as const) {
      const node: Record<string, unknown> = { ...fixture(id), _: (k: string) => k };
      const dialog = new FakeDialog();
      const type = String(node.type);
      const def = editorDefinitions(type, dialog)[type];
      // Node-RED fills each field from the node before oneditprepare
      for (const f of Object.keys(def.defaults)) dialog.values.set(f, node[f] ?? "");
      def.oneditprepare?.call(node);
      assert.strictEqual(dialog.values.get(field), expected, `${id}: ${field} in the dialog`);
      def.oneditsave?.call(node);
      assert.strictEqual(node.version, mod(type).table.version.value, `${id}: saved as the current version`);
    }
  });
});

describe("migration steps: edge-rules' limits", function () {
  before(function () {
    ensureBuilt();
  });

  it("edge-rules 2: every limit of a rule saved before is its own number; windows and weights are left as they are", function () {
    const m = mod("edge-rules");
    const v2 = migrate(fixture("rules-v1"), m.migrations).config;
    const [threshold, stock] = v2.rules as Array<Record<string, unknown>>;
    assert.deepStrictEqual([threshold.raise, threshold.raiseType, threshold.clearType, threshold.forSType], ["8", "num", "num", undefined]);
    assert.deepStrictEqual([stock.reorderPoint, stock.reorderPointType, stock.targetStockType, stock.unitWeightType], ["4", "num", "num", undefined]);
    assert.strictEqual(v2.version, 2);
    // a step 2 configuration parses; an unknown source is refused naming the rule's entry
    assert.doesNotThrow(() => m.parseSettings(fixture("rules-v1")));
    assert.throws(() => m.parseSettings({ version: 2, rules: [{ name: "a", type: "threshold", raise: "x", raiseType: "msg" }] }), /rules entry 1 is not valid/);
  });

  it("the editor's dialog saves a version 1 edge-rules as version 2", function () {
    const node: Record<string, unknown> = { ...fixture("rules-v1"), _: (k: string) => k };
    const dialog = new FakeDialog();
    const def = editorDefinitions("edge-rules", dialog)["edge-rules"];
    for (const f of Object.keys(def.defaults)) dialog.values.set(f, node[f] ?? "");
    def.oneditprepare?.call(node);
    def.oneditsave?.call(node);
    assert.strictEqual(node.version, 2);
  });
});
