/** edge-buffer's settings: the editor's defaults and the runtime's parsing (see lib/settings/spec.ts). */
import { choice, flag, num, parseWith, text, version, type SettingsOf } from "../../lib/settings/spec";
import { migrate, type Migration } from "../../lib/settings/migrate";

export const type = "edge-buffer";

export const migrations: readonly Migration[] = [
  // the editor's defaults and the runtime's fallbacks agreed: a version 0 configuration means the same today
  { to: 1, why: "versions begin", up: () => undefined },
];

const atLeast0 = (value: number) => num(value, { min: 0 });

export const table = {
  version: version(1),
  name: text(),
  dir: text(),
  lanes: num(4, { integer: true, min: 1 }),
  sync: choice("group", ["group", "adaptive", "always"] as const),
  groupCommitMs: atLeast0(10),
  maxMessages: num(1_000_000, { integer: true, min: 1 }),
  maxMB: num(1024, { min: 0 }),
  maxAgeH: atLeast0(0),
  evictCritical: flag(false),
  window: num(16, { integer: true, min: 1 }),
  ratePerSec: atLeast0(0),
  ackTimeoutS: atLeast0(30),
  backoffMaxS: atLeast0(30),
  breakerFailures: num(5, { integer: true, min: 0 }),
  probeAfterS: atLeast0(10),
  metricsIntervalS: atLeast0(10),
};

export type Settings = SettingsOf<typeof table>;

export function parseSettings(config: Record<string, unknown>): Settings {
  return parseWith(table, migrate(config, migrations).config);
}
