/** edge-rollout's settings: the editor's defaults and the runtime's parsing (see lib/settings/spec.ts). */
import { num, parseWith, text, version, type SettingsOf } from "../../lib/settings/spec";
import { migrate, type Config, type Migration } from "../../lib/settings/migrate";

export const type = "edge-rollout";

/** where bundles and rollback orders are published; `{name}`, `{version}` and `{gateway}` are filled in */
export const TOPICS = {
  canaryTopic: "fleet/bundles/canary/{name}",
  fleetTopic: "fleet/bundles/all/{name}",
  commandTopic: "fleet/{gateway}/rollback",
} as const;

export const migrations: readonly Migration[] = [
  {
    to: 1,
    why: "a missing or blank topic was the default topic",
    up: (c: Config) => {
      for (const [field, value] of Object.entries(TOPICS)) if (c[field] === undefined || c[field] === null || String(c[field]).trim() === "") c[field] = value;
    },
  },
];

export const table = {
  version: version(1),
  name: text(),
  // none yet (as dropped from the palette): "not configured", grey, until at least one is named
  canaries: text(),
  healthWindowS: num(300, { min: 1 }),
  activationTimeoutS: num(120, { min: 1 }),
  maxErrorRate: num(0.05, { min: 0 }),
  maxLatencyMs: num(0, { min: 0 }),
  maxPsi: num(0.25, { min: 0 }),
  ksAlpha: num(0, { min: 0, max: 1 }),
  minMessages: num(20, { integer: true, min: 1 }),
  canaryTopic: text(TOPICS.canaryTopic, { required: true }),
  fleetTopic: text(TOPICS.fleetTopic, { required: true }),
  commandTopic: text(TOPICS.commandTopic, { required: true }),
  maxMB: num(16, { min: 1 }),
  store: text(),
};

export type Settings = SettingsOf<typeof table>;

export function parseSettings(config: Record<string, unknown>): Settings {
  return parseWith(table, migrate(config, migrations).config);
}
