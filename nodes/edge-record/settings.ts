/** edge-record's settings: the editor's defaults and the runtime's parsing (see lib/settings/spec.ts). */
import { num, optionalNum, parseWith, text, version, type SettingsOf } from "../../lib/settings/spec";
import { fillMissing, migrate, type Migration } from "../../lib/settings/migrate";

export const type = "edge-record";

export const migrations: readonly Migration[] = [
  // before versions, a flow that left these out had no report range and no HTTP routes (the admin routes only),
  // not the editor's 2..8 °C and /edge-record: kept
  { to: 1, why: "versions begin; a missing range and HTTP path keep the runtime's old meaning (none)", up: fillMissing({ low: "", high: "", servePath: "" }) },
];

export const table = {
  version: version(1),
  name: text(),
  /** relative to the Node-RED user directory; blank: <userDir>/edge-record/<node id> */
  dir: text(),
  /** two years, lib/record/record-log.ts's DEFAULT_RETENTION_DAYS (runs in the browser too: not imported) */
  retentionDays: num(730, { min: 1 }),
  /** 0: a commit per event loop turn */
  groupCommitMs: num(10, { min: 0 }),
  low: optionalNum(),
  high: optionalNum(),
  /** "device-pattern = low..high" per line (lib/record/limits-table.ts) */
  ranges: text(),
  gapMin: num(30, { min: 1 }),
  /** comma-separated resource names; blank: every numeric resource */
  resources: text(),
  /** blank: only the admin routes */
  servePath: text("/edge-record"),
};

export type Settings = SettingsOf<typeof table>;

export function parseSettings(config: Record<string, unknown>): Settings {
  return parseWith(table, migrate(config, migrations).config);
}
