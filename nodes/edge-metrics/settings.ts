/** edge-metrics' settings: the editor's defaults and the runtime's parsing (see lib/settings/spec.ts). */
import { choice, flag, num, parseWith, text, typedSource, version, type SettingsOf, type TypedSource } from "../../lib/settings/spec";
import { fillMissing, migrate, type Config, type Migration } from "../../lib/settings/migrate";

export const type = "edge-metrics";

/** the gateway's id: typed (blank: this machine's host name), or an environment variable's value, read at start */
export const GATEWAY_SOURCES: readonly TypedSource[] = ["str", "env"];
export const DEFAULT_PATH = "/metrics";

export const migrations: readonly Migration[] = [
  {
    to: 1,
    why: "the gateway id is a typed input; a blank path was /metrics",
    up: (c: Config) => {
      fillMissing({ gatewayIdType: "str", path: DEFAULT_PATH })(c);
      if (typeof c.path === "string" && c.path.trim() === "") c.path = DEFAULT_PATH;
    },
  },
];

export const table = {
  version: version(1),
  name: text(),
  gatewayId: text(),
  gatewayIdType: typedSource("str", GATEWAY_SOURCES),
  endpoint: choice("off", ["off", "node", "admin"] as const),
  path: text(DEFAULT_PATH, { required: true }),
  /** 0: no heartbeat at an interval, only on input */
  heartbeatS: num(60, { min: 0 }),
  allNodes: flag(false),
  countMessages: flag(true),
};

export type Settings = SettingsOf<typeof table>;

export function parseSettings(config: Record<string, unknown>): Settings {
  return parseWith(table, migrate(config, migrations).config);
}
