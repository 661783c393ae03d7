/**
 * Rule limits that come from elsewhere than the rule: a threshold, band, rate, budget or stock level typed into a
 * rule may instead name an environment variable (read once, at deploy) or a key of the flow or global context
 * (read for every reading, so a per-store limit can change while the flow runs). Each such parameter has a
 * `<param>Type` beside it in the rule ("num", the default, is the rule's own number). Which parameters may be typed
 * is edge-rules' settings (LIMIT_PARAMS there, which the editor shares). This module finds those references and
 * makes the rules the engine runs from the values read; reading them is the node's. Plain code.
 */

/** where a rule parameter's value comes from */
export type LimitSource = "num" | "env" | "flow" | "global";

export type RuleParams = Record<string, unknown> & { name?: unknown };

export interface LimitRef {
  /** the rule's index and name */
  index: number;
  rule: string;
  param: string;
  source: Exclude<LimitSource, "num">;
  /** the variable's name or the context key */
  key: string;
}

/** the limits (`params`) of `rules` that are not the rule's own number */
export function limitRefs(rules: readonly RuleParams[], params: readonly string[]): LimitRef[] {
  const refs: LimitRef[] = [];
  rules.forEach((r, index) => {
    for (const param of params) {
      const source = r[`${param}Type`];
      if (source !== "env" && source !== "flow" && source !== "global") continue;
      refs.push({ index, rule: String(r.name ?? index + 1), param, source, key: String(r[param] ?? "").trim() });
    }
  });
  return refs;
}

/** a value read from the environment or the context as a limit: a finite number, or a string holding one */
export function limitValue(raw: unknown): number | undefined {
  if (typeof raw === "number") return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw === "string" && raw.trim() !== "") {
    const n = Number(raw);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** `rules` with each reference replaced by its value (values[i] for refs[i]) and without the `<param>Type` fields */
export function withLimits<R extends RuleParams>(rules: readonly R[], params: readonly string[], refs: readonly LimitRef[], values: readonly number[]): R[] {
  const out = rules.map((r) => {
    const copy: RuleParams = { ...r };
    for (const param of params) delete copy[`${param}Type`];
    return copy as R;
  });
  refs.forEach((ref, i) => {
    (out[ref.index] as RuleParams)[ref.param] = values[i];
  });
  return out;
}
