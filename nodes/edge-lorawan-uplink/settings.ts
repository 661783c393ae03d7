/** edge-lorawan-uplink's settings: the editor's defaults and the runtime's parsing (see lib/settings/spec.ts). */
import { configNode, parseWith, text, version, type SettingsOf } from "../../lib/settings/spec";
import { migrate, type Config, type Migration } from "../../lib/settings/migrate";

export const type = "edge-lorawan-uplink";

export const DEFAULT_TOPIC = "edge/lorawan/{deviceName}";

export const migrations: readonly Migration[] = [
  // before versions a missing or blank topic template was the default one
  { to: 1, why: "a missing or blank topic template was edge/lorawan/{deviceName}", up: (c: Config) => void (c.topicTemplate || (c.topicTemplate = DEFAULT_TOPIC)) },
];

export const table = {
  version: version(1),
  name: text(),
  keys: configNode("edge-lorawan-keys", { required: true }),
  topicTemplate: text(DEFAULT_TOPIC, { required: true }),
};

export type Settings = SettingsOf<typeof table>;

export function parseSettings(config: Record<string, unknown>): Settings {
  return parseWith(table, migrate(config, migrations).config);
}
