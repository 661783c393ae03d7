/** edge-sim's settings: the editor's defaults and the runtime's parsing (see lib/settings/spec.ts). */
import { choice, flag, num, parseWith, text, version, type SettingsOf } from "../../lib/settings/spec";
import { fillMissing, migrate, type Migration } from "../../lib/settings/migrate";
import { DEMO_SEED } from "../../lib/settings/shared-defaults";

export const type = "edge-sim";

export const migrations: readonly Migration[] = [
  // before versions, a flow without a seed ran with seed 1 while the editor offered 42
  { to: 1, why: "a missing seed was 1", up: fillMissing({ seed: "1" }) },
];

const count = (value: number) => num(value, { integer: true, min: 0, max: 1000 });

export const table = {
  version: version(1),
  name: text(),
  // the same seed as edge-lorawan-keys' demo tags, so the two dropped from the palette decode each other
  seed: num(DEMO_SEED, { integer: true }),
  trucks: count(3),
  coldRooms: count(2),
  freezers: count(2),
  shelves: count(3),
  coapSensors: count(2),
  cameras: count(0),
  intervalMs: num(1000, { min: 10 }),
  stepS: num(60, { min: 0.001 }),
  lorawan: choice("chirpstack", ["chirpstack", "packet-forwarder"] as const),
  forwarderHost: text("127.0.0.1"),
  forwarderPort: num(1700, { integer: true, min: 1, max: 65535 }),
  wearOutHours: num(48, { min: 0 }),
  faults: text(),
  autostart: flag(true),
  /** cold-room controllers served over Modbus TCP, unit ids 1…n (0: none) */
  modbusRooms: num(0, { integer: true, min: 0, max: 16 }),
  modbusAddress: text("127.0.0.1"),
  modbusPort: num(1502, { integer: true, min: 1, max: 65535 }),
};

export type Settings = SettingsOf<typeof table>;

export function parseSettings(config: Record<string, unknown>): Settings {
  return parseWith(table, migrate(config, migrations).config);
}
