/**
 * The bridge's topic mapping rules: a source pattern with named wildcards (`edge/+site/+device/alerts`, `#rest`
 * for the remaining levels) and a target template (`stores/{site}/alerts`), with the QoS, retain flag, buffer
 * priority and MQTT 5 user properties of what is republished. The first rule that matches a topic wins; a topic
 * no rule matches is not forwarded.
 */
import { compileTopicPattern, TopicMatcher } from "../ingest/topic-pattern";
import { isValidFilter } from "./topic-filter";

export interface BridgeRuleConfig {
  pattern: string;
  template: string;
  qos?: number | string;
  retain?: boolean;
  /** 0 (critical, drains first) … 3 (bulk) */
  priority?: number | string;
  /** upstream MQTT 5 user properties; values may use the same `{name}` placeholders as the template */
  userProperties?: Record<string, string>;
}

export interface Republish {
  topic: string;
  qos: 0 | 1 | 2;
  retain: boolean;
  priority: number;
  userProperties?: Record<string, string>;
}

export class BridgeRuleError extends Error {}

interface CompiledRule {
  filter: string;
  match: TopicMatcher;
  config: BridgeRuleConfig;
  qos: 0 | 1 | 2;
  priority: number;
}

const PLACEHOLDER = /\{([\w-]+)\}/g;

function namesIn(pattern: string): string[] {
  return pattern
    .split("/")
    .filter((level) => /^[+#][\w-]+$/.test(level))
    .map((level) => level.slice(1));
}

/** the MQTT subscription filter of a pattern: named wildcards become plain ones */
export function filterOf(pattern: string): string {
  return pattern
    .split("/")
    .map((level) => (level.startsWith("+") ? "+" : level.startsWith("#") ? "#" : level))
    .join("/");
}

function fill(template: string, captures: Record<string, string>, topic: string): string {
  return template.replace(PLACEHOLDER, (_, name: string) => (name === "topic" ? topic : (captures[name] ?? "")));
}

export class BridgeRules {
  private readonly rules: CompiledRule[];

  constructor(configs: BridgeRuleConfig[], lanes = 4) {
    if (configs.length === 0) throw new BridgeRuleError("the bridge has no mapping rule");
    this.rules = configs.map((config, i) => {
      const where = `rule ${i + 1} (${config.pattern} → ${config.template})`;
      for (const level of config.pattern.split("/")) {
        if (/^[+#]/.test(level) && !/^[+#][\w-]*$/.test(level)) throw new BridgeRuleError(`${where}: a wildcard level must be + or # followed by a name of letters, digits, _ or -`);
      }
      const filter = filterOf(config.pattern);
      if (!isValidFilter(filter)) throw new BridgeRuleError(`${where}: "${config.pattern}" is not a valid topic pattern`);
      if (!config.template || /[+#]/.test(config.template)) throw new BridgeRuleError(`${where}: the target must be a topic without wildcards`);
      const names = new Set([...namesIn(config.pattern), "topic"]);
      const used = [config.template, ...Object.values(config.userProperties ?? {})].flatMap((t) => [...t.matchAll(PLACEHOLDER)].map((m) => m[1]));
      const unknown = used.filter((n) => !names.has(n));
      if (unknown.length) throw new BridgeRuleError(`${where}: {${unknown[0]}} is not a wildcard name of the pattern`);
      const qos = Number(config.qos ?? 1);
      if (![0, 1, 2].includes(qos)) throw new BridgeRuleError(`${where}: QoS must be 0, 1 or 2`);
      const priority = Number(config.priority ?? lanes - 1);
      if (!Number.isInteger(priority) || priority < 0 || priority >= lanes) throw new BridgeRuleError(`${where}: priority must be 0 … ${lanes - 1}`);
      return { filter, match: compileTopicPattern(config.pattern), config, qos: qos as 0 | 1 | 2, priority };
    });
  }

  /** the filters to subscribe to on the source broker (duplicates removed) */
  filters(): string[] {
    return [...new Set(this.rules.map((r) => r.filter))];
  }

  get hasUserProperties(): boolean {
    return this.rules.some((r) => Object.keys(r.config.userProperties ?? {}).length > 0);
  }

  /** where a source topic goes, or undefined when no rule forwards it */
  map(topic: string): Republish | undefined {
    for (const rule of this.rules) {
      const captures = rule.match(topic);
      if (!captures) continue;
      const target = fill(rule.config.template, captures, topic);
      // an empty capture could leave an empty level or a wildcard-free but invalid topic: skip rather than publish garbage
      if (!target || target.includes("//") || target.startsWith("/") || target.endsWith("/")) continue;
      const props = rule.config.userProperties;
      const userProperties = props && Object.keys(props).length ? Object.fromEntries(Object.entries(props).map(([k, v]) => [k, fill(v, captures, topic)])) : undefined;
      return { topic: target, qos: rule.qos, retain: rule.config.retain === true, priority: rule.priority, ...(userProperties ? { userProperties } : {}) };
    }
    return undefined;
  }
}
