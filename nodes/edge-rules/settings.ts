/** edge-rules' settings: the editor's defaults and the runtime's parsing (see lib/settings/spec.ts; a rule's own fields are lib/rules/rule-types.ts). */
import { list, num, parseWith, text, version, type SettingsOf } from "../../lib/settings/spec";
import { migrate, type Migration } from "../../lib/settings/migrate";

export const type = "edge-rules";

export const RULE_TYPES = ["threshold", "band", "rate", "nodata", "tor", "mkt", "stock", "jsonata"] as const;
export type RuleType = (typeof RULE_TYPES)[number];
export const SEVERITIES = ["critical", "major", "minor", "info"] as const;

/** the parameters of each rule type, in the order its row shows them: a select's choices, "text" for a wide input, or a short input */
export const PARAMS: Record<RuleType, ReadonlyArray<readonly [string, (readonly string[] | "text")?]>> = {
  threshold: [["direction", ["above", "below"]], ["raise"], ["clear"], ["forS"], ["limits", ["rule", "class"]]],
  band: [["when", ["outside", "inside"]], ["low"], ["high"], ["hysteresis"], ["forS"], ["limits", ["rule", "class"]]],
  rate: [["direction", ["either", "rise", "fall"]], ["perMinute"], ["windowS"]],
  nodata: [["seconds"]],
  tor: [["low"], ["high"], ["budgetMin"], ["windowH"], ["limits", ["rule", "class"]]],
  mkt: [["limit"], ["windowH"], ["deltaHOverR"], ["limits", ["rule", "class"]]],
  stock: [["unitWeight"], ["tare"], ["reorderPoint"], ["targetStock"]],
  jsonata: [["expression", "text"], ["forS"]],
};

/** a rule as the editor saves it: its parameters as text (lib/rules normalises them) */
export type RuleConfig = { name: string; type: RuleType; severity: string; resource?: string; device?: string; key?: string } & Record<string, string | undefined>;

export const migrations: readonly Migration[] = [
  // the editor's defaults and the runtime's fallbacks agreed (a flow without rules has none): nothing changes
  { to: 1, why: "versions begin", up: () => undefined },
];

export const table = {
  version: version(1),
  name: text(),
  rules: list<RuleConfig>(
    [{ name: "box too warm", type: "threshold", severity: "critical", resource: "returnAir", direction: "above", raise: "8", clear: "7.5", forS: "900" }],
    (r) => r !== null && typeof r === "object" && (RULE_TYPES as readonly string[]).includes(String((r as { type?: unknown }).type)),
  ),
  store: text(),
  tickS: num(1, { min: 0.2 }),
  /** JSON {"name": {low, high, mkt}} over the built-in product classes */
  classes: text(),
  /** "device = class" per line */
  deviceClasses: text(),
};

export type Settings = SettingsOf<typeof table>;

export function parseSettings(config: Record<string, unknown>): Settings {
  return parseWith(table, migrate(config, migrations).config);
}
