/** edge-tflite's settings: the editor's defaults and the runtime's parsing (see lib/settings/spec.ts). */
import { choice, num, parseWith, text, version, type SettingsOf } from "../../lib/settings/spec";
import { fillMissing, migrate, type Migration } from "../../lib/settings/migrate";

export const type = "edge-tflite";

export const migrations: readonly Migration[] = [
  // before versions, a flow without a threshold ran with 0 (every result above) while the editor offered 0.5
  { to: 1, why: "a missing threshold was 0", up: fillMissing({ threshold: "0" }) },
];

export const table = {
  version: version(1),
  name: text(),
  modelPath: text(),
  labelsPath: text(),
  output: choice("classify", ["classify", "anomaly", "detect", "segment", "tensors"] as const),
  input: choice("auto", ["auto", "window"] as const),
  normalise: choice("0..1", ["0..1", "-1..1", "0..255"] as const),
  threshold: num(0.5),
  windowResources: text(),
  poolSize: num(1, { integer: true, min: 1, max: 8 }),
  maxQueue: num(16, { integer: true, min: 0 }),
  // absent in older flows: "reference", what they ran with
  arithmetic: choice("reference", ["reference", "xnnpack"] as const),
};

export type Settings = SettingsOf<typeof table>;

export function parseSettings(config: Record<string, unknown>): Settings {
  return parseWith(table, migrate(config, migrations).config);
}
