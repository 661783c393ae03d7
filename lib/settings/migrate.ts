/**
 * Migrations of a node's configuration saved by an older release. Each node type has an ordered list of steps;
 * step N turns a version N-1 configuration into version N. A configuration without `version` was saved before
 * versions existed and is version 0. The runtime applies the steps when a node is created and the editor when its
 * dialog opens, so a flow keeps behaving as it did when it was saved. Plain code: no Node-RED.
 */

export type Config = Record<string, unknown>;

export interface Migration {
  /** the version this step produces */
  readonly to: number;
  /** what changed, for the log and the tests */
  readonly why: string;
  /** changes `config` (a copy) in place */
  up(config: Config): void;
}

/** the version a configuration declares (0 when it has none) */
export function versionOf(config: Config): number {
  const v = Number(config.version);
  return Number.isInteger(v) && v >= 0 ? v : 0;
}

/** the version a node type's configuration has after every step */
export function currentVersion(steps: readonly Migration[]): number {
  return steps.length === 0 ? 0 : steps[steps.length - 1].to;
}

export interface Migrated {
  config: Config;
  from: number;
  to: number;
  /** the steps applied, oldest first */
  applied: string[];
}

/**
 * A copy of `config` brought to the current version. A configuration from a newer release than this one is left
 * as it is (its `from` is above `to`): the caller says so rather than guess.
 */
export function migrate(config: Config, steps: readonly Migration[]): Migrated {
  checkSteps(steps);
  const from = versionOf(config);
  const to = currentVersion(steps);
  const out: Config = JSON.parse(JSON.stringify(config ?? {}));
  const applied: string[] = [];
  if (from > to) return { config: out, from, to, applied };
  for (const step of steps) {
    if (step.to <= from) continue;
    step.up(out);
    applied.push(step.why);
  }
  out.version = to;
  return { config: out, from, to, applied };
}

/** steps numbered 1, 2, 3… in order: a gap or a repeat is a mistake in the node's settings module */
export function checkSteps(steps: readonly Migration[]): void {
  steps.forEach((step, i) => {
    if (step.to !== i + 1) throw new Error(`migration ${i + 1} is numbered ${step.to}: steps must be 1, 2, 3… in order`);
  });
}

/**
 * The step every node starts with: a version 0 configuration that left a setting out got the runtime's fallback,
 * which was not always the editor's default. Filling in that fallback keeps the node doing what it did.
 */
export function fillMissing(fallbacks: Config): (config: Config) => void {
  return (config) => {
    for (const [field, value] of Object.entries(fallbacks)) {
      if (config[field] === undefined) config[field] = value;
    }
  };
}
