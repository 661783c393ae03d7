/** edge-lorawan-downlink's settings: the editor's defaults and the runtime's parsing (see lib/settings/spec.ts). */
import { choice, configNode, flag, num, parseWith, text, typedSource, version, type SettingsOf, type TypedSource } from "../../lib/settings/spec";
import { fillMissing, migrate, type Config, type Migration } from "../../lib/settings/migrate";

export const type = "edge-lorawan-downlink";

export const FORMATS = ["chirpstack", "ttn", "raw"] as const;
/** the node's device (a DevEUI or a device name): typed, or read per message; msg.devEui, msg.deviceName and msg.lorawan.devEui win */
export const DEVICE_SOURCES: readonly TypedSource[] = ["str", "flow", "global", "env"];
/** the node's FPort: typed, or read per message; msg.fPort and the codec's FPort win */
export const FPORT_SOURCES: readonly TypedSource[] = ["num", "flow", "global", "env"];

export const migrations: readonly Migration[] = [
  // before versions the runtime filled in a missing (or blank) format, ChirpStack application and FPort; the device
  // and the FPort became typed inputs (a blank device: the message's, as before)
  {
    to: 1,
    why: "missing settings were the old runtime's; the device and the FPort are typed inputs",
    up: (c: Config) => {
      fillMissing({ format: "chirpstack", confirmed: false, rx1BudgetMs: "800", maxQueued: "8", device: "", deviceType: "str", fPortType: "num" })(c);
      if (c.format === "") c.format = "chirpstack";
      if (c.format === "chirpstack" && !c.applicationId) c.applicationId = "cold-chain";
      if (c.fPort === undefined || c.fPort === null || c.fPort === "") c.fPort = "10";
    },
  },
];

export const table = {
  version: version(1),
  name: text(),
  keys: configNode("edge-lorawan-keys", { required: true }),
  format: choice("chirpstack", FORMATS),
  applicationId: text("cold-chain"),
  tenantId: text(),
  device: text(),
  deviceType: typedSource("str", DEVICE_SOURCES),
  // a number when typed (the typedInput checks it); the name of a context value or variable otherwise
  fPort: text("10", { required: true }),
  fPortType: typedSource("num", FPORT_SOURCES),
  confirmed: flag(false),
  /** how long after an uplink a raw downlink still makes its RX1 window */
  rx1BudgetMs: num(800, { min: 0 }),
  maxQueued: num(8, { integer: true, min: 1 }),
};

export type Settings = SettingsOf<typeof table>;

export function parseSettings(config: Record<string, unknown>): Settings {
  return parseWith(table, migrate(config, migrations).config);
}
