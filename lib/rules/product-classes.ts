/**
 * Product classes: the temperature limits a load must keep, so one rule set serves a mixed fleet. A rule that
 * takes its limits "from the product class" uses the class of the device that sent the reading, found (first
 * match wins) in the message, the node's per-device / per-trip table, the device's labels or tags, and else keeps
 * the rule's own limits.
 */

export interface ClassLimits {
  /** °C; absent: no lower limit */
  low?: number;
  /** °C; absent: no upper limit */
  high?: number;
  /** limit of the mean kinetic temperature; default: high */
  mkt?: number;
  description?: string;
}

export type ClassTable = Record<string, ClassLimits>;

/**
 * Built-in classes (editable: the node's table replaces or adds entries by name). Air temperatures, as a reefer
 * or a cold room measures them. Frozen food must be kept at −18 °C or colder, with brief rises of up to 3 °C in
 * transport (Directive 89/108/EEC, art. 5): "frozen" alarms above −15 °C, "frozen-strict" above −18 °C.
 * Produce: the usual carrying ranges per commodity (USDA Agriculture Handbook 66), chilling injury below.
 */
export const BUILTIN_CLASSES: ClassTable = {
  chilled: { low: 2, high: 8, description: "chilled food, 2–8 °C" },
  frozen: { high: -15, description: "frozen food, ≤ −18 °C, −15 °C tolerated briefly in transport" },
  "frozen-strict": { high: -18, description: "frozen food, ≤ −18 °C" },
  "ice-cream": { high: -18, description: "ice cream, ≤ −18 °C" },
  "pharma-2-8": { low: 2, high: 8, description: "medicines, refrigerated 2–8 °C" },
  "pharma-15-25": { low: 15, high: 25, description: "medicines, controlled room temperature 15–25 °C" },
  "produce-leafy-greens": { low: 0, high: 2, description: "lettuce, spinach, herbs 0–2 °C" },
  "produce-berries": { low: 0, high: 2, description: "strawberries, raspberries, blueberries 0–2 °C" },
  "produce-apples": { low: 0, high: 4, description: "apples 0–4 °C" },
  "produce-citrus": { low: 4, high: 8, description: "oranges, lemons 4–8 °C" },
  "produce-tomatoes": { low: 10, high: 13, description: "tomatoes 10–13 °C" },
  "produce-bananas": { low: 13, high: 15, description: "bananas 13–15 °C" },
};

/** where the limits that applied came from, in order of precedence */
export type LimitsSource = "message" | "trip" | "device-table" | "device-labels" | "rule";

export interface AppliedLimits {
  productClass?: string;
  low?: number;
  high?: number;
  mkt?: number;
  source: LimitsSource;
}

/** what the message and the event say about the load (msg.productClass / msg.limits, event.metadata) */
export interface LoadContext {
  msgClass?: unknown;
  msgLimits?: unknown;
  metadata?: Record<string, unknown>;
}

/** whether the table has a class of that name (its own: "constructor" or "__proto__" are no classes) */
export function hasClass(classes: ClassTable, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(classes, name);
}

/** one "device = class" per line (or comma); a device name may end in * to match a prefix */
export function parseDeviceClasses(text: string | undefined, classes: ClassTable): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (!text) return out;
  for (const line of text.split(/[\n,]/)) {
    if (!line.trim()) continue;
    const m = /^\s*([^=]+?)\s*=\s*(.+?)\s*$/.exec(line);
    if (!m) throw new Error(`device class ${JSON.stringify(line.trim())} is not "device = class"`);
    if (!hasClass(classes, m[2])) throw new Error(`device class ${JSON.stringify(line.trim())}: unknown class '${m[2]}' (known: ${Object.keys(classes).join(", ")})`);
    out.push([m[1], m[2]]);
  }
  return out;
}

/** the built-in classes with the node's own JSON table ({"name": {low, high, mkt}}) over them */
export function classTable(json: string | undefined): ClassTable {
  const table: ClassTable = { ...BUILTIN_CLASSES };
  if (!json || !json.trim()) return table;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw new Error(`the product classes are not valid JSON: ${(err as Error).message}`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error('the product classes must be a JSON object {"name": {"low": 2, "high": 8}}');
  for (const [name, raw] of Object.entries(parsed as Record<string, unknown>)) {
    if (name === "__proto__") throw new Error("'__proto__' cannot name a product class");
    table[name] = checkLimits(raw, `product class '${name}'`);
  }
  return table;
}

/** {low?, high?, mkt?} as numbers, at least one bound, low below high */
export function checkLimits(raw: unknown, what: string): ClassLimits {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new Error(`${what} must be an object {low, high}`);
  const r = raw as Record<string, unknown>;
  const out: ClassLimits = {};
  for (const k of ["low", "high", "mkt"] as const) {
    if (r[k] === undefined || r[k] === null || r[k] === "") continue;
    const n = typeof r[k] === "string" ? Number(r[k]) : r[k];
    if (typeof n !== "number" || !Number.isFinite(n)) throw new Error(`${what}: ${k} must be a number`);
    out[k] = n;
  }
  if (out.low === undefined && out.high === undefined) throw new Error(`${what} needs a low or a high limit`);
  if (out.low !== undefined && out.high !== undefined && out.low >= out.high) throw new Error(`${what}: low must be below high`);
  if (typeof r.description === "string") out.description = r.description;
  return out;
}

export class ProductClasses {
  /** per-trip assignments, set by message at run time (a truck loaded with another product) */
  private trips = new Map<string, string>();

  constructor(
    readonly classes: ClassTable,
    private readonly deviceTable: Array<[string, string]> = [],
  ) {}

  /** the limits for a device's reading; undefined when nothing names a class or limits (the rule keeps its own) */
  resolve(deviceName: string, load: LoadContext): AppliedLimits | undefined {
    if (load.msgLimits !== undefined && load.msgLimits !== null) return { ...pick(checkLimits(load.msgLimits, "msg.limits")), source: "message" };
    if (load.msgClass !== undefined && load.msgClass !== null && load.msgClass !== "") return this.named(String(load.msgClass), "message", "msg.productClass");
    const trip = this.trips.get(deviceName);
    if (trip) return this.named(trip, "trip", "the trip's class");
    for (const [pattern, name] of this.deviceTable) if (matches(pattern, deviceName)) return this.named(name, "device-table", "the device table");
    const labelled = labelClass(load.metadata);
    if (labelled) return this.named(labelled, "device-labels", "the device's labels");
    return undefined;
  }

  /** a trip's class for a device (null or "" ends the trip: the device table applies again) */
  setTrip(deviceName: string, productClass: string | null | undefined): void {
    if (!productClass) {
      this.trips.delete(deviceName);
      return;
    }
    if (!hasClass(this.classes, productClass)) throw new Error(`unknown product class '${productClass}' (known: ${Object.keys(this.classes).join(", ")})`);
    this.trips.set(deviceName, productClass);
  }

  tripSnapshot(): Record<string, string> {
    return Object.fromEntries(this.trips);
  }

  restoreTrips(trips: Record<string, string> | undefined): void {
    this.trips = new Map();
    for (const [d, c] of Object.entries(trips ?? {})) if (typeof c === "string" && hasClass(this.classes, c)) this.trips.set(d, c);
  }

  private named(name: string, source: LimitsSource, where: string): AppliedLimits {
    const c = hasClass(this.classes, name) ? this.classes[name] : undefined;
    if (!c) throw new Error(`${where} names the unknown product class '${name}' (known: ${Object.keys(this.classes).join(", ")})`);
    return { productClass: name, ...pick(c), source };
  }
}

function pick(c: ClassLimits): Omit<AppliedLimits, "source"> {
  const out: Omit<AppliedLimits, "source"> = {};
  if (c.low !== undefined) out.low = c.low;
  if (c.high !== undefined) out.high = c.high;
  if (c.mkt !== undefined) out.mkt = c.mkt;
  return out;
}

function matches(pattern: string, name: string): boolean {
  return pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

/** event.metadata.productClass, or a "class:<name>" among event.metadata.labels or .tags */
function labelClass(metadata: Record<string, unknown> | undefined): string | undefined {
  if (!metadata) return undefined;
  if (typeof metadata.productClass === "string" && metadata.productClass) return metadata.productClass;
  for (const list of [metadata.labels, metadata.tags]) {
    if (Array.isArray(list)) {
      const label = list.find((l): l is string => typeof l === "string" && l.startsWith("class:"));
      if (label) return label.slice("class:".length);
    } else if (list && typeof list === "object" && typeof (list as Record<string, unknown>).productClass === "string") {
      return (list as Record<string, string>).productClass;
    }
  }
  return undefined;
}
