/** edge-aggregate's settings: the editor's defaults and the runtime's parsing (see lib/settings/spec.ts). */
import { choice, flag, num, optionalNum, parseWith, text, version, type SettingsOf } from "../../lib/settings/spec";
import { migrate, type Config, type Migration } from "../../lib/settings/migrate";

export const type = "edge-aggregate";

export const migrations: readonly Migration[] = [
  {
    to: 1,
    why: "versions begin; summaries are rounded to `decimals` (new nodes: 2), so a flow saved before keeps full precision, and a blank size keeps the old fallback (10 readings by count)",
    up: (c: Config) => {
      c.decimals ??= "";
      if (c.size === undefined || c.size === "") c.size = c.by === "count" ? "10" : "300";
    },
  },
];

export const table = {
  version: version(1),
  name: text(),
  kind: choice("tumbling", ["tumbling", "sliding"] as const),
  by: choice("time", ["time", "count"] as const),
  size: num(300, { min: 0 }),
  slide: optionalNum({ min: 0 }),
  latenessS: num(0, { min: 0 }),
  resources: text(),
  percentiles: text("50,90,99"),
  mkt: flag(false),
  rangeLow: optionalNum(),
  rangeHigh: optionalNum(),
  // a sensor's resolution is 0.1 °C or coarser: digits beyond it are only bytes upstream; blank: full precision
  decimals: { ...optionalNum({ integer: true, min: 0, max: 15 }), value: "2" },
  // report by exception: blank sends every summary (as before the setting existed); alerts never pass here
  deadband: optionalNum({ min: 0 }),
  heartbeat: num(4, { integer: true, min: 1 }),
  // each: one message per summary (as before); batch: one message per window, columnar, optionally compressed
  output: choice("each", ["each", "batch"] as const),
  encoding: choice("none", ["none", "deflate", "gzip"] as const),
};

export type Settings = SettingsOf<typeof table>;

export function parseSettings(config: Record<string, unknown>): Settings {
  return parseWith(table, migrate(config, migrations).config);
}
