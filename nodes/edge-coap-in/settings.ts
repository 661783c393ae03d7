/** edge-coap-in's settings: the editor's defaults and the runtime's parsing (see lib/settings/spec.ts). */
import { choice, configNode, flag, list, parseWith, text, version, type SettingsOf } from "../../lib/settings/spec";
import { fillMissing, migrate, type Config, type Migration } from "../../lib/settings/migrate";

export const type = "edge-coap-in";

export const METHODS = ["GET", "POST", "PUT", "DELETE", "FETCH"] as const;
export type Method = (typeof METHODS)[number];

export const migrations: readonly Migration[] = [
  // before versions, a flow without a path served the root resource "/" while the editor offered /sensors
  // and a flow file could list the methods as text ("GET,POST")
  {
    to: 1,
    why: "a missing path was /; methods as a comma-separated text became a list",
    up: (c: Config) => {
      fillMissing({ path: "/" })(c);
      if (typeof c.methods === "string") c.methods = c.methods.split(",").map((m) => m.trim().toUpperCase()).filter(Boolean);
    },
  },
];

export const table = {
  version: version(1),
  name: text(),
  server: configNode("edge-coap-server", { required: true }),
  path: text("/sensors", { required: true }),
  methods: list<Method>(["GET", "POST", "PUT"], (m) => typeof m === "string" && (METHODS as readonly string[]).includes(m.toUpperCase())),
  observable: flag(false),
  notify: choice("non", ["non", "con"] as const),
  valueFormat: choice("", ["", "0", "50", "60", "110", "112", "42"] as const),
  output: choice("parsed", ["parsed", "buffer"] as const),
  /** PSK identities allowed, comma-separated; blank: every client */
  identities: text(),
};

export type Settings = SettingsOf<typeof table>;

export function parseSettings(config: Record<string, unknown>): Settings {
  return parseWith(table, migrate(config, migrations).config);
}
