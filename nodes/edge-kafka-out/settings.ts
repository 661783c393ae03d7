/** edge-kafka-out's settings: the editor's defaults and the runtime's parsing (see lib/settings/spec.ts). */
import { choice, configNode, flag, num, parseWith, text, typedSource, version, type SettingsOf, type TypedSource } from "../../lib/settings/spec";
import { fillMissing, migrate, type Config, type Migration } from "../../lib/settings/migrate";

export const type = "edge-kafka-out";

/** where Topic and Key may come from: the node's own template, or a property of the message, the flow, the global context or the environment */
export const TOPIC_SOURCES: readonly TypedSource[] = ["str", "msg", "flow", "global", "env"];

export const migrations: readonly Migration[] = [
  // before versions, a flow without a topic sent to msg.topic while the editor offered coldchain.{profileName}
  { to: 1, why: "a missing topic was msg.topic", up: fillMissing({ topic: "", key: "{deviceName}" }) },
  {
    to: 2,
    why: "Topic and Key became typed inputs: an empty Topic (msg.topic) is now Topic from msg.topic",
    up: (c: Config) => {
      if (c.topicType === undefined) {
        if (c.topic === "") {
          c.topic = "topic";
          c.topicType = "msg";
        } else c.topicType = "str";
      }
      if (c.keyType === undefined) c.keyType = "str";
    },
  },
];

export const table = {
  version: version(2),
  name: text(),
  broker: configNode("edge-kafka-broker", { required: true }),
  topic: text("coldchain.{profileName}"),
  topicType: typedSource("str", TOPIC_SOURCES),
  key: text("{deviceName}"),
  keyType: typedSource("str", TOPIC_SOURCES),
  valueFormat: choice("json", ["json", "raw"] as const),
  cloudEvents: flag(false),
  ceSource: text("urn:edge-ai:{deviceName}"),
  ceType: text("io.edge-ai.event"),
  batchSize: num(500, { integer: true, min: 1 }),
  lingerMs: num(10, { min: 0 }),
  stallMs: num(2000, { min: 0 }),
  compression: choice("gzip", ["none", "gzip"] as const),
  acks: choice("-1", ["-1", "1", "0"] as const),
  idempotent: flag(false),
  bufferDir: text(),
  bufferMB: num(512, { min: 1 }),
  drainRatePerSec: num(0, { min: 0 }),
};

export type Settings = SettingsOf<typeof table>;

export function parseSettings(config: Record<string, unknown>): Settings {
  return parseWith(table, migrate(config, migrations).config);
}
