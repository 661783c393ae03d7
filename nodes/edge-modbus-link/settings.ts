/** edge-modbus-link's settings: the editor's defaults and the runtime's parsing (see lib/settings/spec.ts). */
import { choice, num, parseWith, text, typedSource, version, type SettingsOf, type TypedSource } from "../../lib/settings/spec";
import { fillMissing, migrate, type Config, type Migration } from "../../lib/settings/migrate";

export const type = "edge-modbus-link";

/** the host: typed, or from an environment variable (read at deploy: a gateway per store, configured by its environment) */
export const HOST_SOURCES: readonly TypedSource[] = ["str", "env"];

export const migrations: readonly Migration[] = [
  // before versions a link that left out its host or serial port had none (said as a configuration that cannot
  // work), not the editor's 127.0.0.1 and /dev/ttyUSB0: kept
  { to: 1, why: "versions begin; a missing host or serial port keeps the runtime's old meaning (none)", up: fillMissing({ host: "", serialPath: "" }) },
  // the host became a typed input; every earlier host is typed text
  { to: 2, why: "the host is a typed input", up: (c: Config) => void (c.hostType ??= "str") },
];

export const table = {
  version: version(2),
  name: text(),
  transport: choice("tcp", ["tcp", "rtu"] as const),
  host: text("127.0.0.1"),
  hostType: typedSource("str", HOST_SOURCES),
  port: num(502, { integer: true, min: 1, max: 65535 }),
  /** requests sent before the first answer (Modbus TCP transaction ids); 1 for gateways that take one at a time */
  maxInFlight: num(1, { integer: true, min: 1, max: 16 }),
  serialPath: text("/dev/ttyUSB0"),
  baudRate: num(19200, { integer: true, min: 300, max: 921600 }),
  dataBits: choice("8", ["8", "7"] as const),
  parity: choice("even", ["even", "odd", "none"] as const),
  stopBits: choice("1", ["1", "2"] as const),
  timeoutMs: num(1000, { min: 10, max: 60000 }),
};

export type Settings = SettingsOf<typeof table>;

export function parseSettings(config: Record<string, unknown>): Settings {
  return parseWith(table, migrate(config, migrations).config);
}
