/**
 * The LoRaWAN and CoAP nodes' settings modules against flows saved before versions (their hand-written editors'
 * defaults, and fields left out): each migration step keeps what the old runtime did with them, by the runtime's
 * parseSettings and by the built editor's oneditprepare/oneditsave alike.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ensureBuilt } from "../harness/build";
import { defaultConfig } from "../../lib/settings/spec";
import { migrate, type Migration } from "../../lib/settings/migrate";
import { REGION_NAMES } from "../../lib/lorawan/regions";
import { ColdChainSimulator } from "../../lib/sim/simulator";
import { editorDefinitions, FakeDialog } from "./editor-definitions";
import * as keys from "../../nodes/edge-lorawan-keys/settings";
import * as sim from "../../nodes/edge-sim/settings";
import * as uplink from "../../nodes/edge-lorawan-uplink/settings";
import * as downlink from "../../nodes/edge-lorawan-downlink/settings";
import * as gateway from "../../nodes/edge-lorawan-gateway/settings";
import * as coapServer from "../../nodes/edge-coap-server/settings";
import * as coapResponse from "../../nodes/edge-coap-response/settings";

const older = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "older-flows.json"), "utf8")) as Array<Record<string, unknown>>;
const fixture = (id: string) => {
  const n = older.find((x) => x.id === id);
  assert.ok(n, `fixture ${id}`);
  return n;
};
const upTo = (migrations: readonly Migration[], config: Record<string, unknown>, to: number) => migrate(config, migrations.slice(0, to)).config;

/** an older node's dialog opened (Node-RED fills each field first) and saved: the dialog's values, and the node */
function openAndSave(id: string): { dialog: Map<string, unknown>; node: Record<string, unknown> } {
  const node: Record<string, unknown> = { ...fixture(id), _: (k: string) => k };
  delete node.id; // a node without an id: the dialog does not ask the runtime for its stored keys
  const dialog = new FakeDialog();
  const def = editorDefinitions(String(node.type), dialog)[String(node.type)];
  for (const f of Object.keys(def.defaults)) dialog.values.set(f, node[f] ?? "");
  def.oneditprepare?.call(node);
  const shown = new Map(dialog.values);
  def.oneditsave?.call(node);
  return { dialog: shown, node };
}

describe("LoRaWAN and CoAP settings: flows saved before versions", function () {
  this.timeout(180000);
  before(function () {
    ensureBuilt();
  });

  describe("edge-lorawan-keys", function () {
    it("1: a missing or blank simulator seed was 1, a blank region EU868 and site store-001", function () {
      const v1 = upTo(keys.migrations, fixture("lorawan-keys-handwritten"), 1);
      assert.deepStrictEqual([v1.simSeed, v1.region, v1.simSite, v1.source, v1.version], ["1", "EU868", "store-001", "simulator", 1]);
      const blank = keys.parseSettings(fixture("lorawan-keys-blank"));
      assert.deepStrictEqual([blank.simSeed, blank.region, blank.simSite, blank.devices, blank.codecs, blank.codecTimeoutMs], [1, "EU868", "store-001", [], [], 100]);
      assert.strictEqual(keys.parseSettings(fixture("lorawan-keys-editor")).simSeed, 1, "the old editor's 1 stays");
      assert.strictEqual(keys.parseSettings({ version: 1 }).simSeed, 42, "a node dropped from today's palette");
    });

    it("the editor fills the same values in when an older node's dialog opens, and saves version 1", function () {
      const { dialog, node } = openAndSave("lorawan-keys-blank");
      assert.deepStrictEqual([dialog.get("simSeed"), dialog.get("region"), dialog.get("simSite")], ["1", "EU868", "store-001"]);
      assert.strictEqual(node.version, 1);
    });

    it("a device table that is not a JSON list, or an entry that is not an object, is refused naming the field", function () {
      assert.throws(() => keys.parseSettings({ version: 1, devices: "{" }), /devices must be a list/);
      assert.throws(() => keys.parseSettings({ version: 1, codecs: '[{"name":"a"}, 3]' }), /codecs entry 2 is not valid/);
      assert.throws(() => keys.parseSettings({ version: 1, region: "EU433" }), /region must be one of EU868/);
    });

    it("offers the regions lib/lorawan knows, in its order", function () {
      assert.deepStrictEqual([...keys.REGIONS], REGION_NAMES);
    });

    it("dropped from the palette, its simulator source holds the keys edge-sim dropped from the palette sends with", function () {
      const fromKeys = keys.parseSettings(defaultConfig(keys.table));
      const fromSim = sim.parseSettings(defaultConfig(sim.table));
      assert.strictEqual(fromKeys.simSeed, fromSim.seed);
      // as each node builds its simulator (edge-sim with its whole fleet and no site of its own)
      const keyTable = new ColdChainSimulator({ seed: fromKeys.simSeed, site: fromKeys.simSite, startTime: 0, fleet: { trucks: 0, coldRooms: fromKeys.simColdRooms, freezers: fromKeys.simFreezers, shelves: 0, coapSensors: 0 } }).lorawanDevices();
      const simulated = new ColdChainSimulator({ seed: fromSim.seed, startTime: 0, fleet: { trucks: fromSim.trucks, coldRooms: fromSim.coldRooms, freezers: fromSim.freezers, shelves: fromSim.shelves, coapSensors: fromSim.coapSensors, cameras: fromSim.cameras } }).lorawanDevices();
      assert.ok(simulated.length > 0);
      assert.deepStrictEqual(keyTable, simulated);
    });
  });

  describe("edge-lorawan-uplink", function () {
    it("1: a missing or blank topic template was edge/lorawan/{deviceName}; one saved stays", function () {
      assert.strictEqual(upTo(uplink.migrations, fixture("lorawan-uplink-handwritten"), 1).topicTemplate, "edge/lorawan/{deviceName}");
      assert.strictEqual(uplink.parseSettings({ keys: "k", topicTemplate: "" }).topicTemplate, "edge/lorawan/{deviceName}");
      assert.strictEqual(uplink.parseSettings(fixture("lorawan-uplink-editor")).topicTemplate, "stores/{deviceName}");
      assert.throws(() => uplink.parseSettings({ version: 1, keys: "k", topicTemplate: "" }), /topicTemplate is required/);
      assert.strictEqual(openAndSave("lorawan-uplink-handwritten").dialog.get("topicTemplate"), "edge/lorawan/{deviceName}");
    });
  });

  describe("edge-lorawan-downlink", function () {
    it("1: a missing format was ChirpStack to application cold-chain, a blank FPort 10; the device and FPort become typed", function () {
      const v1 = upTo(downlink.migrations, fixture("lorawan-downlink-handwritten"), 1);
      assert.deepStrictEqual(
        [v1.format, v1.applicationId, v1.fPort, v1.fPortType, v1.device, v1.deviceType, v1.confirmed, v1.rx1BudgetMs, v1.maxQueued],
        ["chirpstack", "cold-chain", "10", "num", "", "str", false, "800", "8"],
      );
      // TTN took the application as it was (blank stays blank); the blank FPort was 10
      const ttn = downlink.parseSettings(fixture("lorawan-downlink-editor"));
      assert.deepStrictEqual([ttn.format, ttn.applicationId, ttn.tenantId, ttn.fPort, ttn.confirmed], ["ttn", "", "retail", "10", true]);
      assert.throws(() => downlink.parseSettings({ version: 1, keys: "k", fPortType: "msg" }), /fPortType must take its value from one of num, flow, global, env/);
      assert.throws(() => downlink.parseSettings({ version: 1, keys: "k", maxQueued: "0" }), /maxQueued must be at least 1/);
      const { dialog, node } = openAndSave("lorawan-downlink-handwritten");
      assert.deepStrictEqual([dialog.get("fPort"), dialog.get("fPortType"), dialog.get("deviceType"), dialog.get("applicationId")], ["10", "num", "str", "cold-chain"]);
      assert.strictEqual(node.version, 1);
    });
  });

  describe("edge-lorawan-gateway", function () {
    it("1: missing settings were the old runtime's, a blank bind address 0.0.0.0; one saved by the editor stays", function () {
      const v1 = upTo(gateway.migrations, fixture("lorawan-gateway-handwritten"), 1);
      assert.deepStrictEqual(
        [v1.port, v1.address, v1.dedupWindowMs, v1.txAckTimeoutMs, v1.stationEnabled, v1.stationPort, v1.stationRegion, v1.stationSubBand],
        ["1700", "0.0.0.0", "200", "3000", false, "6038", "EU868", "2"],
      );
      const saved = gateway.parseSettings(fixture("lorawan-gateway-editor"));
      assert.deepStrictEqual([saved.port, saved.address, saved.stationEnabled], [1700, "127.0.0.1", false]);
      assert.throws(() => gateway.parseSettings({ version: 1, address: "" }), /address is required/);
      assert.throws(() => gateway.parseSettings({ version: 1, stationPort: "70000" }), /stationPort must be at most 65535/);
      assert.strictEqual(openAndSave("lorawan-gateway-handwritten").dialog.get("address"), "0.0.0.0");
    });
  });

  describe("edge-coap-server", function () {
    it("1: missing settings were the old runtime's, a blank bind address 0.0.0.0, a flow timeout below 1 s was 1 s", function () {
      const v1 = upTo(coapServer.migrations, fixture("coap-server-handwritten"), 1);
      assert.deepStrictEqual(
        [v1.address, v1.maxPayloadKB, v1.blockSize, v1.responseTimeoutS, v1.dtls, v1.dtlsPort, v1.identityHint],
        ["0.0.0.0", "1024", "1024", "1", false, "5684", ""],
      );
      const saved = coapServer.parseSettings(fixture("coap-server-editor"));
      assert.deepStrictEqual([saved.dtls, saved.dtlsPort, saved.identityHint, saved.pskIdentities], [true, 5684, undefined, ["shelf-01"]], "a blank hint is none");
      // left out of a flow written by hand: every identity with a stored key, as before versions
      assert.strictEqual(coapServer.parseSettings(fixture("coap-server-handwritten")).pskIdentities, undefined);
      assert.throws(() => coapServer.parseSettings({ version: 1, responseTimeoutS: "0.5" }), /responseTimeoutS must be at least 1/);
      assert.throws(() => coapServer.parseSettings({ version: 1, pskIdentities: [3] }), /pskIdentities entry 1 is not valid/);
      const { dialog, node } = openAndSave("coap-server-handwritten");
      assert.deepStrictEqual([dialog.get("address"), dialog.get("responseTimeoutS")], ["0.0.0.0", "1"]);
      assert.strictEqual(node.version, 1);
    });
  });

  describe("edge-coap-response", function () {
    it("1: a missing code or format was blank (msg.statusCode, else by method); a code that is not a response code is refused", function () {
      const v1 = upTo(coapResponse.migrations, fixture("coap-response-handwritten"), 1);
      assert.deepStrictEqual([v1.code, v1.contentFormat, v1.version], ["", "", 1]);
      assert.strictEqual(coapResponse.parseSettings(fixture("coap-response-handwritten")).code, undefined);
      assert.strictEqual(coapResponse.parseSettings(fixture("coap-response-editor")).code, "2.04");
      assert.strictEqual(coapResponse.parseSettings({ version: 1, code: "404" }).code, "404");
      assert.throws(() => coapResponse.parseSettings({ version: 1, code: "3.01" }), /code is not of the form "2.05"/);
      assert.throws(() => coapResponse.parseSettings({ version: 1, code: "2.50" }), /code is not of the form/);
      assert.strictEqual(openAndSave("coap-response-handwritten").node.version, 1);
    });
  });
});
