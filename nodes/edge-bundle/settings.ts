/** edge-bundle's settings: the editor's defaults and the runtime's parsing (see lib/settings/spec.ts). */
import { flag, num, parseWith, text, typedSource, version, type SettingsOf, type TypedSource } from "../../lib/settings/spec";
import { fillMissing, migrate, type Migration } from "../../lib/settings/migrate";

export const type = "edge-bundle";

/** the gateway's id: typed (blank: this machine's host name), or an environment variable's value, read at start */
export const GATEWAY_SOURCES: readonly TypedSource[] = ["str", "env"];

export const migrations: readonly Migration[] = [
  // the editor's defaults and the runtime's fallbacks agreed; the gateway id became a typed input (typed text)
  { to: 1, why: "the gateway id is a typed input", up: fillMissing({ gatewayIdType: "str" }) },
];

export const table = {
  version: version(1),
  name: text(),
  gatewayId: text(),
  gatewayIdType: typedSource("str", GATEWAY_SOURCES),
  groups: text(),
  deviceClasses: text(),
  maxMB: num(16, { min: 1 }),
  store: text(),
  reactivate: flag(true),
  probationS: num(0, { min: 0 }),
  maxErrors: num(3, { integer: true, min: 1 }),
};

export type Settings = SettingsOf<typeof table>;

export function parseSettings(config: Record<string, unknown>): Settings {
  return parseWith(table, migrate(config, migrations).config);
}
