/** edge-ingest's settings: the editor's defaults and the runtime's parsing (see lib/settings/spec.ts). */
import { choice, configNode, parseWith, text, typedSource, version, type SettingsOf, type TypedSource } from "../../lib/settings/spec";
import { migrate, type Config, type Migration } from "../../lib/settings/migrate";

export const type = "edge-ingest";

/** a fixed device name: typed here, or from an environment variable (a gateway per device, configured by its environment) */
export const DEVICE_NAME_SOURCES: readonly TypedSource[] = ["str", "env"];

export const migrations: readonly Migration[] = [
  // the fixed device name became a typed input; every earlier name is typed text
  { to: 1, why: "the fixed device name is a typed input", up: (c: Config) => void (c.deviceNameType ??= "str") },
];

export const table = {
  version: version(1),
  name: text(),
  profile: configNode("edge-device-profile", { required: true }),
  deviceNameFrom: choice("topic", ["topic", "path", "fixed"] as const),
  topicPattern: text("+/+deviceName/#"),
  deviceNamePath: text("deviceName"),
  deviceName: text(),
  deviceNameType: typedSource("str", DEVICE_NAME_SOURCES),
  outOfRange: choice("flag", ["flag", "reject"] as const),
  payloadSchema: text(),
  topicTemplate: text("edge/{profileName}/{deviceName}"),
  output: choice("event", ["event", "edgex"] as const),
  originPath: text(),
  /** one probe per line: device/resource offset [certificate] [due date] */
  calibration: text(),
};

export type Settings = SettingsOf<typeof table>;

export function parseSettings(config: Record<string, unknown>): Settings {
  return parseWith(table, migrate(config, migrations).config);
}
