/** edge-rules' settings: the editor's defaults and the runtime's parsing (see lib/settings/spec.ts; a rule's own fields are lib/rules/rule-types.ts). */
import { list, num, parseWith, text, version, type SettingsOf } from "../../lib/settings/spec";
import { migrate, type Config, type Migration } from "../../lib/settings/migrate";

/** the rule parameters that are limits, each a typed input (windows, durations and weights stay the rule's own numbers) */
export const LIMIT_PARAMS = ["raise", "clear", "low", "high", "perMinute", "budgetMin", "limit", "reorderPoint", "targetStock"] as const;
/** where a limit comes from: the rule's number, an environment variable (read at deploy), a flow or global context key (read per reading) */
export const LIMIT_SOURCES = ["num", "env", "flow", "global"] as const;

/** whether `type` (a rule's `<param>Type`) is a source this release knows; missing is "num" */
const isLimitSource = (type: unknown) => type === undefined || type === null || type === "" || (LIMIT_SOURCES as readonly unknown[]).includes(type);

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
  // a rule's limits became typed inputs (a number, or from env, flow or global): every earlier limit is a number
  {
    to: 2,
    why: "rule limits are typed inputs",
    up: (c: Config) => {
      if (!Array.isArray(c.rules)) return;
      for (const rule of c.rules as Array<Record<string, unknown>>) {
        if (!rule || typeof rule !== "object") continue;
        for (const param of LIMIT_PARAMS) if (rule[param] !== undefined) rule[`${param}Type`] ??= "num";
      }
    },
  },
];

/** a rule of a known type whose limits come from a known source */
function ruleUsable(r: unknown): boolean {
  if (r === null || typeof r !== "object") return false;
  const rule = r as Record<string, unknown>;
  return (RULE_TYPES as readonly string[]).includes(String(rule.type)) && LIMIT_PARAMS.every((p) => isLimitSource(rule[`${p}Type`]));
}

export const table = {
  version: version(2),
  name: text(),
  rules: list<RuleConfig>(
    [{ name: "box too warm", type: "threshold", severity: "critical", resource: "returnAir", direction: "above", raise: "8", raiseType: "num", clear: "7.5", clearType: "num", forS: "900" }],
    ruleUsable,
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
