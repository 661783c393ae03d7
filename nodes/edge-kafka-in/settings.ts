/** edge-kafka-in's settings: the editor's defaults and the runtime's parsing (see lib/settings/spec.ts). */
import { choice, configNode, flag, num, parseWith, text, typedSource, version, type SettingsOf, type TypedSource } from "../../lib/settings/spec";
import { fillMissing, migrate, type Config, type Migration } from "../../lib/settings/migrate";

export const type = "edge-kafka-in";

/** the topics are subscribed once, when the node starts: typed here, or from an environment variable */
export const TOPICS_SOURCES: readonly TypedSource[] = ["str", "env"];
export const DEFAULT_GROUP = "edge-ai-gateway";

export const migrations: readonly Migration[] = [
  {
    to: 1,
    why: "Topics became a typed input; a blank consumer group was the default group",
    up: (c: Config) => {
      fillMissing({ topicsType: "str", groupId: DEFAULT_GROUP })(c);
      if (typeof c.groupId === "string" && c.groupId.trim() === "") c.groupId = DEFAULT_GROUP;
    },
  },
];

export const table = {
  version: version(1),
  name: text(),
  broker: configNode("edge-kafka-broker", { required: true }),
  // none yet (a node dropped from the palette): "not configured", grey, until topics are given
  topics: text(),
  topicsType: typedSource("str", TOPICS_SOURCES),
  groupId: text(DEFAULT_GROUP, { required: true }),
  fromBeginning: flag(false),
  valueFormat: choice("json", ["json", "string", "buffer"] as const),
  completionTimeoutS: num(60, { min: 0.1 }),
};

export type Settings = SettingsOf<typeof table>;

export function parseSettings(config: Record<string, unknown>): Settings {
  return parseWith(table, migrate(config, migrations).config);
}
