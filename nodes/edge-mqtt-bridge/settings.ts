/** edge-mqtt-bridge's settings: the editor's defaults and the runtime's parsing (see lib/settings/spec.ts). */
import { choice, configNode, flag, list, num, parseWith, text, version, type SettingsOf } from "../../lib/settings/spec";
import { fillMissing, migrate, type Migration } from "../../lib/settings/migrate";

export const type = "edge-mqtt-bridge";

/** one mapping rule as the editor keeps it (qos and priority as text, user properties as JSON text); lib/mqtt/bridge-rules.ts checks it */
export interface RuleSetting {
  pattern: string;
  template: string;
  qos?: string | number;
  retain?: boolean;
  priority?: string | number;
  /** a JSON object of user properties, as typed in the editor (a flow file may hold the object) */
  userProperties?: string | Record<string, string>;
}

export const DEFAULT_RULE: RuleSetting = { pattern: "edge/+site/+device/alerts", template: "stores/{site}/alerts", qos: "1", retain: false, priority: "0", userProperties: "" };

const isRule = (r: unknown) => r !== null && typeof r === "object" && !Array.isArray(r);

export const migrations: readonly Migration[] = [
  // before versions, a configuration without rules had none (the bridge refused to start) while the editor offered one
  { to: 1, why: "missing rules were none", up: fillMissing({ rules: [] }) },
];

export const table = {
  version: version(1),
  name: text(),
  sourceType: choice("mqtt", ["mqtt", "edge"] as const),
  source: configNode("mqtt-broker"),
  /** the id of an edge-broker node of the flows (not a config node) */
  localBroker: text(),
  upstream: configNode("mqtt-broker", { required: true }),
  /** blank: edge-bridge-<node id> */
  clientId: text(),
  rules: list<RuleSetting>([DEFAULT_RULE], isRule),
  drainRatePerSec: num(500, { min: 0 }),
  bufferDir: text(),
  bufferMB: num(256, { min: 1 }),
  /** "" as the upstream broker config says, "5" or "4" (MQTT 3.1.1) */
  upstreamProtocol: choice("", ["", "5", "4"] as const),
  forwardProperties: flag(true),
};

export type Settings = SettingsOf<typeof table>;

export function parseSettings(config: Record<string, unknown>): Settings {
  return parseWith(table, migrate(config, migrations).config);
}
