/** edge-broker's settings: the editor's defaults and the runtime's parsing (see lib/settings/spec.ts). */
import { choice, flag, list, num, parseWith, text, version, type Setting, type SettingsOf } from "../../lib/settings/spec";
import { fillMissing, migrate, type Config, type Migration } from "../../lib/settings/migrate";

export const type = "edge-broker";

export const PAYLOAD_FORMATS = ["auto", "json", "utf8", "buffer"] as const;

/** an MQTT topic filter: `+` a whole level, `#` the whole last one (blank: no output) */
const TOPIC_FILTER = /^(?:#|(?:[^+#/]*|\+)(?:\/(?:[^+#/]*|\+))*(?:\/#)?)$/;

/**
 * The users' names, their passwords in the credentials. Left out (a flow saved before the list), undefined: the
 * runtime then takes the names from the stored credentials, as before versions.
 */
function userNames(): Setting<string[], string[] | undefined> {
  const base = list<string>([], (item) => typeof item === "string");
  return { ...base, parse: (raw) => (Array.isArray(raw) ? raw.filter((n): n is string => typeof n === "string" && n.trim() !== "").map((n) => n.trim()) : undefined) };
}

export const migrations: readonly Migration[] = [
  // before versions the runtime filled in what a flow left out, and took a blank bind address or WebSocket path
  // for its default; an output was added later, so a flow without one sends nothing
  {
    to: 1,
    why: "missing settings were the old runtime's; a blank bind address was 127.0.0.1 and a blank path /mqtt",
    up: (c: Config) => {
      fillMissing({ port: "1883", tls: false, ws: false, wsPort: "8080", allowAnonymous: true, acl: "", dataDir: "", topic: "", datatype: "auto", maxInFlight: "1000" })(c);
      if (!c.host) c.host = "127.0.0.1";
      if (!c.wsPath) c.wsPath = "/mqtt";
    },
  },
];

const port = (value: number) => num(value, { integer: true, min: 0, max: 65535 });

export const table = {
  version: version(1),
  name: text(),
  host: text("127.0.0.1", { required: true }),
  port: port(1883),
  tls: flag(false),
  ws: flag(false),
  wsPort: port(8080),
  wsPath: text("/mqtt", { required: true }),
  allowAnonymous: flag(true),
  acl: text(),
  dataDir: text(),
  userNames: userNames(),
  topic: text("", { pattern: TOPIC_FILTER, example: "devices/+/telemetry" }),
  datatype: choice("auto", PAYLOAD_FORMATS),
  maxInFlight: num(1000, { integer: true, min: 1 }),
};

export type Settings = SettingsOf<typeof table>;

export function parseSettings(config: Record<string, unknown>): Settings {
  return parseWith(table, migrate(config, migrations).config);
}
