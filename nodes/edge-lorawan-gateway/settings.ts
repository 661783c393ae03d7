/** edge-lorawan-gateway's settings: the editor's defaults and the runtime's parsing (see lib/settings/spec.ts). */
import { flag, num, parseWith, text, version, type SettingsOf } from "../../lib/settings/spec";
import { fillMissing, migrate, type Config, type Migration } from "../../lib/settings/migrate";

export const type = "edge-lorawan-gateway";

/** the regions LoRa Basics Station serves here (lib/lorawan/basics-station/station-settings.ts) */
export const STATION_REGIONS = ["EU868", "US915", "AU915", "AS923"] as const;
export const SUB_BANDS = ["1", "2", "3", "4", "5", "6", "7", "8"] as const;

export const migrations: readonly Migration[] = [
  // before versions the runtime filled in what a flow left out, and took a blank bind address for every interface
  {
    to: 1,
    why: "missing settings were the old runtime's; a blank bind address was 0.0.0.0",
    up: (c: Config) => {
      fillMissing({ port: "1700", dedupWindowMs: "200", txAckTimeoutMs: "3000", stationEnabled: false, stationPort: "6038", stationRegion: "EU868", stationSubBand: "2" })(c);
      if (!c.address) c.address = "0.0.0.0";
    },
  },
];

const port = (value: number) => num(value, { integer: true, min: 0, max: 65535 });

export const table = {
  version: version(1),
  name: text(),
  port: port(1700),
  address: text("0.0.0.0", { required: true }),
  dedupWindowMs: num(200, { min: 0 }),
  txAckTimeoutMs: num(3000, { min: 1 }),
  stationEnabled: flag(false),
  stationPort: port(6038),
  // checked when the Station starts (lib/lorawan/basics-station/station-settings.ts): one it cannot serve turns the
  // Station half red while the UDP half goes on serving
  stationRegion: text("EU868"),
  stationSubBand: text("2"),
  stationNetIds: text(),
  stationJoinEuis: text(),
};

export type Settings = SettingsOf<typeof table>;

export function parseSettings(config: Record<string, unknown>): Settings {
  return parseWith(table, migrate(config, migrations).config);
}
