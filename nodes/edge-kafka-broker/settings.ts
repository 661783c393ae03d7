/** edge-kafka-broker's settings: the editor's defaults and the runtime's parsing (see lib/settings/spec.ts). */
import { choice, flag, num, parseWith, text, version, type SettingsOf } from "../../lib/settings/spec";
import { fillMissing, migrate, type Migration } from "../../lib/settings/migrate";

export const type = "edge-kafka-broker";

export const SASL = ["none", "plain", "scram-sha-256", "scram-sha-512"] as const;

export const migrations: readonly Migration[] = [
  // before versions, a configuration without brokers had none ("not configured", grey) while the editor offered 127.0.0.1:9092
  { to: 1, why: "missing brokers were none (not configured)", up: fillMissing({ brokers: "" }) },
];

export const table = {
  version: version(1),
  name: text(),
  // blank, or an environment variable that is not set (${KAFKA_BROKERS}), is "not configured": grey, not a fault
  brokers: text("127.0.0.1:9092"),
  clientId: text("edge-ai-gateway"),
  tls: flag(false),
  rejectUnauthorized: flag(true),
  sasl: choice("none", SASL),
  connectionTimeoutMs: num(3000, { min: 1 }),
  requestTimeoutMs: num(10000, { min: 1 }),
};

export type Settings = SettingsOf<typeof table>;

export function parseSettings(config: Record<string, unknown>): Settings {
  return parseWith(table, migrate(config, migrations).config);
}
