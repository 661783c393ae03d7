/**
 * What changed in a node's configuration between two deploys: the fields added, removed or given another value,
 * for the record's `config` entry. Layout fields (position, wires, group) are not configuration.
 */
import { canonicalJson } from "./canonical-json";

const NOT_CONFIGURATION = new Set(["x", "y", "z", "g", "wires", "_users", "type", "id", "credentials"]);

export interface ConfigChange {
  field: string;
  from: unknown;
  to: unknown;
}

export function configurationOf(def: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(def).filter(([k, v]) => !NOT_CONFIGURATION.has(k) && v !== undefined && typeof v !== "function"));
}

export function configChanges(previous: Record<string, unknown> | undefined, current: Record<string, unknown>): ConfigChange[] {
  const before = previous ?? {};
  const fields = [...new Set([...Object.keys(before), ...Object.keys(current)])].sort();
  return fields.filter((f) => canonicalJson(before[f]) !== canonicalJson(current[f])).map((field) => ({ field, from: before[field] ?? null, to: current[field] ?? null }));
}
