/** edge-model-watch's settings: the editor's defaults and the runtime's parsing (see lib/settings/spec.ts). */
import { choice, num, optionalNum, parseWith, text, version, type SettingsOf } from "../../lib/settings/spec";
import { migrate, type Config, type Migration } from "../../lib/settings/migrate";

export const type = "edge-model-watch";

export const SEVERITIES = ["critical", "major", "minor", "info"] as const;

export const migrations: readonly Migration[] = [
  // before versions the runtime read a blank device class property as deviceClass (now required), and a missing
  // reference window and check interval as derived from the current window, as blank still means
  {
    to: 1,
    why: "versions begin; a blank device class property is deviceClass",
    up: (c: Config) => {
      if (c.classProperty === undefined || c.classProperty === null || String(c.classProperty).trim() === "") c.classProperty = "deviceClass";
    },
  },
];

export const table = {
  version: version(1),
  name: text(),
  classProperty: text("deviceClass", { required: true }),
  confidenceBelow: num(0.6, { min: 0 }),
  severity: choice("minor", SEVERITIES),
  windowSize: num(200, { integer: true, min: 10 }),
  /** blank: as large as the current window */
  referenceSize: optionalNum({ integer: true, min: 10 }),
  /** blank: a quarter of the current window */
  checkEvery: optionalNum({ integer: true, min: 1 }),
  bins: num(10, { integer: true, min: 2, max: 50 }),
  psiLimit: num(0.25, { min: 0 }),
  ksAlpha: num(0.001, { min: 0, max: 1 }),
  /** 0: no summary reports */
  reportS: num(60, { min: 0 }),
  maxPending: num(10000, { integer: true, min: 1 }),
};

export type Settings = SettingsOf<typeof table>;

export function parseSettings(config: Record<string, unknown>): Settings {
  return parseWith(table, migrate(config, migrations).config);
}

/** the reference window and check interval, blank meaning derived from the current window */
export function windows(s: Pick<Settings, "windowSize" | "referenceSize" | "checkEvery">): { windowSize: number; referenceSize: number; checkEvery: number } {
  return { windowSize: s.windowSize, referenceSize: s.referenceSize ?? s.windowSize, checkEvery: s.checkEvery ?? Math.ceil(s.windowSize / 4) };
}
