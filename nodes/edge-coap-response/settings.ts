/** edge-coap-response's settings: the editor's defaults and the runtime's parsing (see lib/settings/spec.ts). */
import { parseWith, text, version, type Setting, type SettingsOf } from "../../lib/settings/spec";
import { fillMissing, migrate, type Migration } from "../../lib/settings/migrate";

export const type = "edge-coap-response";

export const FORMATS = ["", "0", "50", "60", "110", "112", "42"] as const;

/** a response code, "2.05" or "205" (2.xx, 4.xx, 5.xx, detail below 32 as lib/coap/constants parseCode reads it); blank: none */
function responseCode(): Setting<string, string | undefined> {
  const base = text("", { pattern: /^\s*[245]\.?([0-2]\d|3[01])\s*$/, example: "2.05" });
  return { ...base, parse: (raw) => (raw === undefined || raw === null || String(raw).trim() === "" ? undefined : String(raw).trim()) };
}

export const migrations: readonly Migration[] = [
  // a flow before versions that left them out answered as one with both blank: nothing to change but the version
  { to: 1, why: "a missing code or format was blank", up: fillMissing({ code: "", contentFormat: "" }) },
];

export const table = {
  version: version(1),
  name: text(),
  /** blank: msg.statusCode, else by the request's method; when set it wins over msg.statusCode (as core's http response) */
  code: responseCode(),
  // a number from the select, or a name (application/json) a flow written by hand may hold: lib/coap reads both
  contentFormat: text(),
};

export type Settings = SettingsOf<typeof table>;

export function parseSettings(config: Record<string, unknown>): Settings {
  return parseWith(table, migrate(config, migrations).config);
}
