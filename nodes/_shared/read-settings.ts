/**
 * How a node adapter reads its configuration: migrated from the release that saved it, then parsed by the node's
 * settings module. A configuration that cannot be used shows red with the first problem, is logged once with all
 * of them, and fails every message to the Catch node with the same text; the node does nothing else.
 */
import type { NodeAPI, Node, Msg, Send, Done } from "./node-red";
import { onInput } from "./guarded-input";
import type { Config, Migration } from "../../lib/settings/migrate";
import { migrate } from "../../lib/settings/migrate";
import type { FieldProblem, SettingsOf, Table } from "../../lib/settings/spec";
import { checkSettings, describeProblem } from "../../lib/settings/spec";

export interface SettingsModule<T extends Table> {
  type: string;
  table: T;
  migrations: readonly Migration[];
}

/** the translated text of one problem (locales/<lang>/_settings.json, merged into each node's catalogue by the build) */
export function problemText(RED: NodeAPI, type: string, p: FieldProblem): string {
  const key = `${type}.settings.${p.code}`;
  const text = RED._(key, { field: p.field, ...(p.params ?? {}) });
  return text === key ? describeProblem(p) : text;
}

/** the node's settings, or undefined when they cannot be used (the node is then red and refuses every message) */
export function readSettings<T extends Table>(RED: NodeAPI, node: Node, module: SettingsModule<T>, config: object): SettingsOf<T> | undefined {
  const migrated = migrate(config as Config, module.migrations);
  if (migrated.from > migrated.to) {
    node.warn(RED._(`${module.type}.settings.newer`, { version: migrated.from, supported: migrated.to }));
  }
  const problems = checkSettings(module.table, migrated.config);
  if (problems.length === 0) {
    const out: Record<string, unknown> = {};
    for (const [field, setting] of Object.entries(module.table)) out[field] = setting.parse(migrated.config[field]);
    return out as SettingsOf<T>;
  }
  const texts = problems.map((p) => problemText(RED, module.type, p));
  const message = RED._(`${module.type}.settings.invalid`, { problems: texts.join("; ") });
  node.error(message);
  node.status({ fill: "red", shape: "ring", text: RED._(`${module.type}.settings.status`, { problem: texts[0] }) });
  onInput(node, (_msg: Msg, _send: Send, done: Done) => done(new Error(message)));
  return undefined;
}
