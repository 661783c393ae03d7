/** edge-lorawan-keys' settings: the editor's defaults and the runtime's parsing (see lib/settings/spec.ts). */
import { choice, num, parseWith, text, version, type Setting, type SettingsOf } from "../../lib/settings/spec";
import { fillMissing, migrate, type Config, type Migration } from "../../lib/settings/migrate";
import { DEMO_SEED } from "../../lib/settings/shared-defaults";

export const type = "edge-lorawan-keys";

/** lib/lorawan/regions.ts' REGION_NAMES (the editor cannot bundle that module; a test keeps the two the same) */
export const REGIONS = ["EU868", "US915", "AU915", "AS923", "AS923-2", "AS923-3", "AS923-4", "IN865"] as const;
export type RegionName = (typeof REGIONS)[number];
/** the secret fields of a device entry: kept in `password` credentials, never in the flow */
export const KEY_FIELDS = ["nwkSKey", "appSKey", "appKey"] as const;
export type KeyField = (typeof KEY_FIELDS)[number];

/** one device of the table as the flow holds it: identities and radio settings, never its keys */
export interface DeviceRow {
  name?: string;
  devEui: string;
  devAddr?: string;
  joinEui?: string;
  codec?: string;
  class?: "C";
  region?: string;
  rxWindow?: "rx2";
  fCntStart?: number;
  rx1DrOffset?: number;
  rx2DataRate?: number;
  rx2Frequency?: number;
  rxDelay?: number;
}

export interface CodecScript {
  name: string;
  script: string;
}

/**
 * A list kept in the flow as JSON text (as every release has saved the device table and the codecs), each entry an
 * object. Blank is the empty list.
 */
function jsonList<T>(): Setting<string, T[]> {
  const decode = (raw: unknown): unknown => {
    if (raw === undefined || raw === null || String(raw).trim() === "") return [];
    try {
      return JSON.parse(String(raw));
    } catch {
      return undefined;
    }
  };
  return {
    value: "[]",
    check: (raw) => {
      const value = decode(raw);
      if (!Array.isArray(value)) return { code: "notList" };
      const bad = value.findIndex((item) => item === null || typeof item !== "object" || Array.isArray(item));
      return bad >= 0 ? { code: "list", params: { index: bad + 1 } } : undefined;
    },
    parse: (raw) => decode(raw) as T[],
  };
}

export const migrations: readonly Migration[] = [
  // before versions the runtime filled in what a flow left out or blank: the table's region EU868, the simulator's
  // seed 1 and site store-001 (today's seed is edge-sim's, so that the two dropped from the palette agree)
  {
    to: 1,
    why: "a missing or blank simulator seed was 1, region EU868, site store-001",
    up: (c: Config) => {
      fillMissing({ source: "table", codecTimeoutMs: "100", codecMemoryMb: "16", simColdRooms: "2", simFreezers: "2" })(c);
      // the old runtime took a blank as missing too
      for (const [field, fallback] of [["simSeed", "1"], ["region", "EU868"], ["simSite", "store-001"]]) {
        if (c[field] === undefined || c[field] === null || c[field] === "") c[field] = fallback;
      }
    },
  },
];

const count = (value: number) => num(value, { integer: true, min: 0, max: 100 });

export const table = {
  version: version(1),
  name: text(),
  source: choice("table", ["table", "simulator"] as const),
  devices: jsonList<DeviceRow>(),
  region: choice<RegionName>("EU868", REGIONS),
  codecs: jsonList<CodecScript>(),
  counterFile: text(),
  codecTimeoutMs: num(100, { min: 1 }),
  codecMemoryMb: num(16, { min: 1 }),
  simSeed: num(DEMO_SEED, { integer: true }),
  simSite: text("store-001"),
  simColdRooms: count(2),
  simFreezers: count(2),
};

export type Settings = SettingsOf<typeof table>;

export function parseSettings(config: Record<string, unknown>): Settings {
  return parseWith(table, migrate(config, migrations).config);
}
