/** edge-alarms' settings: the editor's defaults and the runtime's parsing (see lib/settings/spec.ts; the texts' own grammar is lib/alarms/settings.ts). */
import { list, num, parseWith, text, version, type SettingsOf } from "../../lib/settings/spec";
import { fillMissing, migrate, type Migration } from "../../lib/settings/migrate";

export const type = "edge-alarms";

/** a suppression source as the editor saves it (lib/alarms/settings.ts parses it) */
export interface Source {
  name: string;
  resource: string;
  device: string;
  activeWhen: "true" | "false";
  graceMin: string;
  maxMin: string;
  resources: string;
  rules: string;
}

export const SOURCE_FIELDS: ReadonlyArray<{ name: keyof Source; width?: string; options?: readonly string[] }> = [
  { name: "name", width: "110px" },
  { name: "resource", width: "90px" },
  { name: "device", width: "90px" },
  { name: "activeWhen", width: "110px", options: ["true", "false"] },
  { name: "graceMin", width: "50px" },
  { name: "maxMin", width: "50px" },
  { name: "resources", width: "120px" },
  { name: "rules", width: "120px" },
];

const SEVERITY = "(critical|major|minor|info)";
const STEP = `\\d+(\\.\\d+)?\\s*:\\s*${SEVERITY}\\s*`;

export const migrations: readonly Migration[] = [
  // before versions, a flow without a reminder interval never reminded while the editor offered every 15 minutes
  { to: 1, why: "a missing reminder interval was 0 (never)", up: fillMissing({ reminderMin: "0" }) },
];

export const table = {
  version: version(1),
  name: text(),
  reminderMin: num(15, { min: 0 }),
  escalation: text("30:major, 60:critical", { pattern: new RegExp(`^\\s*(${STEP}(,\\s*${STEP})*)?$`, "i"), example: "15:major, 30:critical" }),
  maxShelveMin: num(480, { min: 0 }),
  startupMin: num(0, { min: 0 }),
  sources: list<Source>(
    [
      { name: "door open", resource: "door", device: "", activeWhen: "true", graceMin: "10", maxMin: "30", resources: "returnAir,supplyAir", rules: "" },
      { name: "defrost", resource: "defrost", device: "", activeWhen: "true", graceMin: "15", maxMin: "60", resources: "returnAir,supplyAir", rules: "" },
    ],
    (s) => s !== null && typeof s === "object",
  ),
  units: text(),
  unitPattern: text(),
  store: text(),
  tickS: num(1, { min: 0.2 }),
};

export type Settings = SettingsOf<typeof table>;

export function parseSettings(config: Record<string, unknown>): Settings {
  return parseWith(table, migrate(config, migrations).config);
}
