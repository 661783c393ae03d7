/** edge-device-profile's settings: the editor's defaults and the runtime's parsing (see lib/settings/spec.ts). */
import { choice, parseWith, text, version, type SettingsOf } from "../../lib/settings/spec";
import { fillMissing, migrate, type Migration } from "../../lib/settings/migrate";

export const type = "edge-device-profile";

export const SOURCES = ["text", "file", "builtin"] as const;
/** the profiles that come with the pack (lib/ingest/profiles/<name>.yaml) */
export const BUILTINS = ["reefer-unit", "smart-shelf", "senml-climate-sensor", "modbus-cold-room"] as const;

/** what a new node's text holds: a profile to edit, valid as it is */
export const EXAMPLE_PROFILE =
  "name: my-device\ndeviceResources:\n  - name: temperature\n    attributes: { path: temp_f, rawUnits: degF }\n    properties: { valueType: Float32, units: degC, minimum: -40, maximum: 60 }\n";

export const migrations: readonly Migration[] = [
  // before versions the runtime read a missing source as text, a missing text as empty (a profile that does not
  // parse, said so) and a missing bundled name as none (refused): kept, rather than the editor's example and reefer-unit
  { to: 1, why: "versions begin; missing source, text and bundled name keep the runtime's old meaning", up: fillMissing({ source: "text", profile: "", builtin: "" }) },
];

const bundled = choice<(typeof BUILTINS)[number]>("reefer-unit", BUILTINS);

export const table = {
  version: version(1),
  name: text(),
  source: choice("text", SOURCES),
  profile: text(EXAMPLE_PROFILE),
  /** relative to the Node-RED user directory */
  file: text(),
  // blank is no bundled profile (refused when the source is bundled), not the first one
  builtin: { ...bundled, parse: (raw: unknown) => (raw === undefined || raw === null || raw === "" ? "" : bundled.parse(raw)) },
};

export type Settings = SettingsOf<typeof table>;

export function parseSettings(config: Record<string, unknown>): Settings {
  return parseWith(table, migrate(config, migrations).config);
}
