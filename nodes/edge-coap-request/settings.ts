/** edge-coap-request's settings: the editor's defaults and the runtime's parsing (see lib/settings/spec.ts). */
import { choice, flag, num, parseWith, text, typedSource, version, type SettingsOf, type TypedSource } from "../../lib/settings/spec";
import { migrate, type Config, type Migration } from "../../lib/settings/migrate";

export const type = "edge-coap-request";

export const METHODS = ["GET", "POST", "PUT", "DELETE", "FETCH"] as const;
/** the URL: typed, or from the flow or global context or an environment variable (read per message); msg.url wins over all */
export const URL_SOURCES: readonly TypedSource[] = ["str", "flow", "global", "env"];

export const migrations: readonly Migration[] = [
  // the URL became a typed input; every earlier URL is typed text (the editor's defaults and runtime agreed)
  { to: 1, why: "the URL is a typed input", up: (c: Config) => void (c.urlType ??= "str") },
];

export const table = {
  version: version(1),
  name: text(),
  url: text(),
  urlType: typedSource("str", URL_SOURCES),
  method: choice("GET", METHODS),
  confirmable: flag(true),
  contentFormat: choice("", ["", "0", "50", "60", "110", "112", "42"] as const),
  accept: text(),
  observe: flag(false),
  output: choice("parsed", ["parsed", "string", "buffer"] as const),
  ackTimeoutS: num(2, { min: 0.01 }),
  ackRandomFactor: num(1.5, { min: 1 }),
  maxRetransmit: num(4, { integer: true, min: 0 }),
  responseTimeoutS: num(30, { min: 0.1 }),
  blockSize: choice("1024", ["1024", "512", "256", "128", "64", "32", "16"] as const),
};

export type Settings = SettingsOf<typeof table>;

export function parseSettings(config: Record<string, unknown>): Settings {
  return parseWith(table, migrate(config, migrations).config);
}
