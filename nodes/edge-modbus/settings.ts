/** edge-modbus's settings: the editor's defaults and the runtime's parsing (see lib/settings/spec.ts). */
import { configNode, flag, num, parseWith, text, typedSource, version, type SettingsOf, type TypedSource } from "../../lib/settings/spec";
import { migrate, type Config, type Migration } from "../../lib/settings/migrate";

export const type = "edge-modbus";

/** the device name: typed, or from an environment variable (read at deploy) */
export const DEVICE_NAME_SOURCES: readonly TypedSource[] = ["str", "env"];

export const migrations: readonly Migration[] = [
  // the editor's defaults and the runtime's fallbacks agreed (a blank device name is the node's name, else
  // modbus-<unit id>, as it still is); the device name became a typed input, every earlier one typed text
  { to: 1, why: "the device name is a typed input", up: (c: Config) => void (c.deviceNameType ??= "str") },
];

export const table = {
  version: version(1),
  name: text(),
  link: configNode("edge-modbus-link", { required: true }),
  profile: configNode("edge-device-profile", { required: true }),
  /** blank: the node's name, else modbus-<unit id> */
  deviceName: text(),
  deviceNameType: typedSource("str", DEVICE_NAME_SOURCES),
  unitId: num(1, { integer: true, min: 0, max: 255 }),
  /** 0: only on input */
  intervalS: num(10, { min: 0 }),
  /** unused registers (or bits) a request may span */
  maxGap: num(0, { integer: true, min: 0, max: 100 }),
  writeMultiple: flag(false),
};

export type Settings = SettingsOf<typeof table>;

export function parseSettings(config: Record<string, unknown>): Settings {
  return parseWith(table, migrate(config, migrations).config);
}
