/**
 * A node's settings, declared once. Each setting carries the value a new node gets in the editor, how to check
 * what the editor (or a flow file) holds, and how to turn it into the value the runtime uses. The same table
 * becomes the editor's `defaults` (bundled into the node's .html at build time) and parses the configuration on
 * the runtime side, so the two cannot disagree. Plain code: no Node-RED, no Node.js, no DOM.
 */

/** why a setting's value cannot be used; `code` names a message in locales/<lang>/_settings.json */
export interface Problem {
  code: "required" | "number" | "integer" | "min" | "max" | "choice" | "list" | "flag" | "typed" | "pattern" | "notList";
  params?: Record<string, string | number>;
}

export interface Setting<Raw, Value> {
  /** what a new node gets: the editor's `defaults[name].value` */
  readonly value: Raw;
  /** the editor refuses an empty value (Node-RED's `required`) */
  readonly required?: boolean;
  /** the config node type this setting points at (Node-RED's `type`) */
  readonly type?: string;
  /** undefined when `raw` is usable; a missing value always is (it takes the default) unless required */
  check(raw: unknown): Problem | undefined;
  /** the runtime value of a `raw` that passed `check` (the default when missing) */
  parse(raw: unknown): Value;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a table holds settings of every kind
export type Table = Record<string, Setting<any, any>>;
/** what the runtime reads: each setting parsed */
export type SettingsOf<T extends Table> = { [K in keyof T]: ReturnType<T[K]["parse"]> };
/** what the editor and the flow file hold */
export type ConfigOf<T extends Table> = { [K in keyof T]: T[K]["value"] };

const blank = (raw: unknown) => raw === undefined || raw === null || raw === "";

/** free text; `required` refuses an empty one, `pattern` one not of that form (`example` shows the form) */
export function text(value = "", options: { required?: boolean; pattern?: RegExp; example?: string } = {}): Setting<string, string> {
  return {
    value,
    required: options.required,
    check: (raw) => {
      if (options.required && (blank(raw) || String(raw).trim() === "")) return { code: "required" };
      if (options.pattern && !blank(raw) && !options.pattern.test(String(raw))) return { code: "pattern", params: { value: String(raw), example: options.example ?? String(value) } };
      return undefined;
    },
    parse: (raw) => (raw === undefined || raw === null ? value : String(raw)),
  };
}

interface NumberOptions {
  min?: number;
  max?: number;
  integer?: boolean;
}

function checkNumber(raw: unknown, options: NumberOptions): Problem | undefined {
  if (blank(raw)) return undefined;
  const n = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : NaN;
  if (!Number.isFinite(n)) return { code: "number", params: { value: String(raw) } };
  if (options.integer && !Number.isInteger(n)) return { code: "integer", params: { value: String(raw) } };
  if (options.min !== undefined && n < options.min) return { code: "min", params: { value: String(raw), min: options.min } };
  if (options.max !== undefined && n > options.max) return { code: "max", params: { value: String(raw), max: options.max } };
  return undefined;
}

/** a number, kept as text in the editor (as Node-RED's own nodes do); blank takes the default */
export function num(value: number, options: NumberOptions = {}): Setting<string, number> {
  return {
    value: String(value),
    check: (raw) => checkNumber(raw, options),
    parse: (raw) => (blank(raw) ? value : Number(raw)),
  };
}

/** a number that may be left blank, meaning "none" */
export function optionalNum(options: NumberOptions = {}): Setting<string, number | undefined> {
  return {
    value: "",
    check: (raw) => checkNumber(raw, options),
    parse: (raw) => (blank(raw) ? undefined : Number(raw)),
  };
}

/** one of a fixed list (a select); missing or blank takes the default */
export function choice<T extends string>(value: T, choices: readonly T[]): Setting<T, T> {
  return {
    value,
    check: (raw) => (blank(raw) || choices.includes(String(raw) as T) ? undefined : { code: "choice", params: { value: String(raw), choices: choices.join(", ") } }),
    parse: (raw) => (blank(raw) ? value : (String(raw) as T)),
  };
}

/** a checkbox; a flow file may hold "true"/"false" as text */
export function flag(value: boolean): Setting<boolean, boolean> {
  return {
    value,
    check: (raw) => (raw === undefined || raw === null || typeof raw === "boolean" || raw === "true" || raw === "false" ? undefined : { code: "flag", params: { value: String(raw) } }),
    parse: (raw) => (raw === undefined || raw === null ? value : raw === true || raw === "true"),
  };
}

/** the id of a config node of `type` */
export function configNode(type: string, options: { required?: boolean } = {}): Setting<string, string> {
  return {
    value: "",
    type,
    required: options.required,
    // Node-RED's editor checks a config node reference itself; the runtime says which is missing when it looks it up
    check: () => undefined,
    parse: (raw) => (typeof raw === "string" ? raw : ""),
  };
}

/** a list edited with an editableList (rules, sources); each entry checked by `checkItem` */
export function list<T>(value: T[], checkItem: (item: unknown) => boolean = () => true): Setting<T[], T[]> {
  return {
    value,
    check: (raw) => {
      if (raw === undefined || raw === null) return undefined;
      if (!Array.isArray(raw)) return { code: "notList" };
      const bad = raw.findIndex((item) => !checkItem(item));
      return bad >= 0 ? { code: "list", params: { index: bad + 1 } } : undefined;
    },
    parse: (raw) => (Array.isArray(raw) ? (raw as T[]) : value),
  };
}

/** the types a typedInput may offer; `str` is the node's own text (a template where the help says so) */
export type TypedSource = "str" | "num" | "msg" | "flow" | "global" | "env";

/** the type half of a typedInput: `<name>Type` beside `<name>` */
export function typedSource(value: TypedSource, allowed: readonly TypedSource[]): Setting<TypedSource, TypedSource> {
  const setting = choice(value, allowed);
  return { ...setting, check: (raw) => (setting.check(raw) ? { code: "typed", params: { value: String(raw), choices: allowed.join(", ") } } : undefined) };
}

/** the configuration's version: a flow saved before versions existed has none and is version 0 */
export function version(current: number): Setting<number, number> {
  return {
    value: current,
    check: () => undefined,
    parse: (raw) => (typeof raw === "number" && Number.isInteger(raw) && raw >= 0 ? raw : Number(raw) || 0),
  };
}

export interface FieldProblem extends Problem {
  field: string;
}

/** every field that cannot be used, in table order */
export function checkSettings(table: Table, config: Record<string, unknown>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const [field, setting] of Object.entries(table)) {
    // a config node left unset is the node's to report (it knows what it cannot do without it)
    const problem = setting.required && !setting.type && blank(config[field]) ? { code: "required" as const } : setting.check(config[field]);
    if (problem) problems.push({ field, ...problem });
  }
  return problems;
}

/** English text of a problem, for logs and tests; the nodes show the translated text from _settings.json */
export function describeProblem(p: FieldProblem): string {
  const params = p.params ?? {};
  const texts: Record<Problem["code"], string> = {
    required: "is required",
    number: `must be a number, not "${params.value}"`,
    integer: `must be a whole number, not "${params.value}"`,
    min: `must be at least ${params.min}, not ${params.value}`,
    max: `must be at most ${params.max}, not ${params.value}`,
    choice: `must be one of ${params.choices}, not "${params.value}"`,
    list: `entry ${params.index} is not valid`,
    notList: "must be a list",
    flag: `must be true or false, not "${params.value}"`,
    typed: `must take its value from one of ${params.choices}, not "${params.value}"`,
    pattern: `is not of the form "${params.example}": "${params.value}"`,
  };
  return `${p.field} ${texts[p.code]}`;
}

export class SettingsError extends Error {
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map(describeProblem).join("; "));
    this.name = "SettingsError";
  }
}

/** the runtime's settings from a node's configuration; throws SettingsError naming every field that cannot be used */
export function parseWith<T extends Table>(table: T, config: Record<string, unknown>): SettingsOf<T> {
  const problems = checkSettings(table, config);
  if (problems.length > 0) throw new SettingsError(problems);
  const out: Record<string, unknown> = {};
  for (const [field, setting] of Object.entries(table)) out[field] = setting.parse(config[field]);
  return out as SettingsOf<T>;
}

/** the values a new node gets, as the editor writes them into a flow */
export function defaultConfig<T extends Table>(table: T): ConfigOf<T> {
  const out: Record<string, unknown> = {};
  for (const [field, setting] of Object.entries(table)) out[field] = structuredCloneable(setting.value);
  return out as ConfigOf<T>;
}

function structuredCloneable(value: unknown): unknown {
  return value !== null && typeof value === "object" ? JSON.parse(JSON.stringify(value)) : value;
}
