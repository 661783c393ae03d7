/** edge-lorawan-keys (config): the device table, ABP session keys (credentials only), codecs and frame counters. */
import * as path from "path";
import type { NodeAPI, Node, NodeDef } from "../_shared/node-red";
import { errorText } from "../_shared/node-red";
import { problemText, readSettings } from "../_shared/read-settings";
import { migrate } from "../../lib/settings/migrate";
import { checkSettings } from "../../lib/settings/spec";
import * as settingsModule from "./settings";
import { KEY_FIELDS, type Settings } from "./settings";
import type { LorawanKeysNode } from "../_shared/lorawan-keys";
import { DeviceEntryInput, DeviceTable } from "../../lib/lorawan/device-table";
import { SessionStore } from "../../lib/lorawan/session-store";
import { DownlinkScheduler } from "../../lib/lorawan/downlink-scheduler";
import { CodecRegistry, ScriptCodec } from "../../lib/lorawan/codec-registry";
import { ColdChainSimulator } from "../../lib/sim/simulator";
import { unwrapKey } from "../../lib/lorawan/join";
import { foldSecretEdits } from "../_shared/secret-credentials";

type DeviceKeys = Partial<Record<(typeof KEY_FIELDS)[number], string>>;

/** running nodes: which keys each device has (never their values), for the editor's "unchanged" fields */
const keyPresenceById = new Map<string, Record<string, string[]>>();

function normEui(devEui: unknown): string {
  return String(devEui ?? "").replace(/[\s:-]/g, "").toUpperCase();
}

export = function register(RED: NodeAPI): void {
  function EdgeLorawanKeysNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this as LorawanKeysNode;
    const config = readSettings(RED, node, settingsModule, def);
    if (!config) {
      // the uplink and downlink nodes using this table say why it cannot serve: an empty table that refuses all
      const migrated = migrate(def as unknown as Record<string, unknown>, settingsModule.migrations).config;
      node.problem = checkSettings(settingsModule.table, migrated).map((p) => problemText(RED, settingsModule.type, p)).join("; ");
      node.codecs = new CodecRegistry([], {});
      node.table = new DeviceTable([], node.codecs.names, "EU868");
      node.on("close", (_removed: boolean, done: () => void) => void node.codecs.close().then(() => done(), () => done()));
      return;
    }
    const problems: string[] = [];
    let entries: DeviceEntryInput[] = [];
    const scripts: ScriptCodec[] = config.codecs.filter((c) => c && c.name && c.script);
    try {
      entries = config.source === "simulator" ? simulatorDevices(config) : tableDevices(node, config);
    } catch (err) {
      problems.push(errorText(err));
    }
    node.codecs = new CodecRegistry(scripts, { timeoutMs: config.codecTimeoutMs, memoryMb: config.codecMemoryMb });
    node.table = new DeviceTable(entries, node.codecs.names, config.region);
    problems.push(...node.table.problems);
    if (config.counterFile !== "none") {
      const userDir = RED.settings.userDir ?? process.cwd();
      const file = config.counterFile ? path.resolve(userDir, config.counterFile) : path.join(userDir, "edge-lorawan", `${node.id.replace(/[^\w.-]/g, "_")}-counters.json`);
      try {
        node.sessions = new SessionStore(file);
      } catch (err) {
        problems.push(errorText(err));
      }
    } else node.sessions = new SessionStore();
    if (node.sessions) node.downlinks = new DownlinkScheduler(node.sessions);
    // OTAA devices that joined before the restart carry on with their session: no rejoin needed
    for (const [devEui, session] of node.sessions?.allSessions() ?? []) {
      const device = node.table.byDevEui(devEui);
      if (device?.appKey) node.table.activate(devEui, session.devAddr, unwrapKey(device.appKey, session.nwkSKey), unwrapKey(device.appKey, session.appSKey));
    }
    if (problems.length > 0) {
      node.problem = problems.join("; ");
      node.error(RED._("edge-lorawan-keys.errors.table", { problems: node.problem }));
    }

    keyPresenceById.set(node.id, Object.fromEntries(entries.map((e) => [normEui(e.devEui), KEY_FIELDS.filter((k) => e[k])])));

    node.on("close", (_removed: boolean, done: () => void) => {
      keyPresenceById.delete(node.id);
      Promise.allSettled([node.codecs.close(), node.sessions?.close()]).then(() => done());
    });
  }

  /**
   * The table's devices with their keys: `keys` holds every device's keys (JSON {DevEUI: {nwkSKey, appSKey,
   * appKey}}), `keyEdits` what the editor changed since (only the fields typed in), folded into `keys` here.
   */
  function tableDevices(node: Node, config: Settings): DeviceEntryInput[] {
    const devices = config.devices as DeviceEntryInput[];
    const keys = foldSecretEdits(RED, node, { storedKey: "keys", editsKey: "keyEdits", listed: devices.map((d) => normEui(d.devEui)), normalizeId: normEui });
    return devices.map((d) => {
      const stored = keys[normEui(d.devEui)] ?? {};
      // only key fields come from the credentials: an edit cannot change a device's identity
      const secrets: DeviceKeys = Object.fromEntries(KEY_FIELDS.filter((k) => stored[k]).map((k) => [k, stored[k]]));
      return { ...d, ...secrets };
    });
  }

  /** the demo keys edge-sim derives from its seed: public by construction, for demonstrations only */
  function simulatorDevices(config: Settings): DeviceEntryInput[] {
    const sim = new ColdChainSimulator({
      seed: config.simSeed,
      site: config.simSite,
      startTime: 0,
      fleet: { trucks: 0, coldRooms: config.simColdRooms, freezers: config.simFreezers, shelves: 0, coapSensors: 0 },
    });
    return sim.lorawanDevices().map((d) => ({ name: d.device, devEui: d.devEui, devAddr: d.devAddr, nwkSKey: d.nwkSKey, appSKey: d.appSKey, codec: "cayenne-lpp" }));
  }

  RED.httpAdmin.get("/edge-lorawan-keys/:id/keys", RED.auth.needsPermission("edge-lorawan-keys.read"), (req, res) => {
    const presence = keyPresenceById.get(String(req.params.id));
    if (presence) res.json({ devices: presence });
    else res.sendStatus(404);
  });

  RED.nodes.registerType("edge-lorawan-keys", EdgeLorawanKeysNode, {
    credentials: { keys: { type: "password" }, keyEdits: { type: "password" } },
  });
};
