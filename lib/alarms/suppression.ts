/**
 * Suppression windows: while a door is open (and for a grace period after it closes), during a defrost cycle,
 * a pull-down after loading, start-up or cleaning, alarms of the same unit are held back. Windows open from
 * readings (a suppression source watches a resource, e.g. a door contact) or from messages ("cleaning for 30
 * min"), and are matched to alarms by unit, so a door contact on one device suppresses the temperature alarms
 * of another device of the same unit. Plain data, so it survives restarts with the alarms.
 */

/** a reading-driven source, as configured */
export interface SuppressionSource {
  /** names the window (shown in the alarm's `suppressed`) */
  name: string;
  /** the resource whose readings drive it, e.g. "door" or "defrost" */
  resource: string;
  /** only readings of this device; empty: every device */
  device?: string;
  /** the window is open while the reading is true (open, on, 1) or, with "false", while it is false */
  activeWhen?: "true" | "false";
  /** the window stays open this long after the condition ends */
  graceMin: number;
  /** a window open longer than this stops suppressing (a door left open must alarm); 0: no limit */
  maxMin?: number;
  /** alert resources it suppresses; empty: every resource of the unit */
  resources?: string[];
  /** alert rules it suppresses; empty: every rule */
  rules?: string[];
}

export interface SuppressionWindow {
  name: string;
  /** "*": every unit */
  unit: string;
  /** set while the condition holds */
  activeSince?: number;
  /** the end (grace included) once the condition ended, or the end a message gave */
  until?: number;
  /** the cap on an open window (activeSince + maxMin) */
  capAt?: number;
  resources?: string[];
  rules?: string[];
}

export interface ReadingLike {
  deviceName: string;
  resourceName: string;
  value: unknown;
}

export interface Suppressible {
  deviceName: string;
  resourceName: string;
  rule: string;
}

/** how an alarm's or reading's device maps to the unit windows apply to */
export interface UnitMapping {
  /** device → unit, first */
  table?: Record<string, string>;
  /** then a regular expression whose first group is the unit, e.g. ^(truck-\d+) */
  pattern?: string;
}

const TRUE_WORDS = /^(true|on|open|opened|1|yes|active)$/i;

/** a contact's or flag's reading as on/off; undefined when it is neither */
export function truthOf(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value !== 0 : undefined;
  if (typeof value === "string") return TRUE_WORDS.test(value.trim()) ? true : /^(false|off|closed|0|no|inactive)$/i.test(value.trim()) ? false : undefined;
  return undefined;
}

export class Suppression {
  private windows: Record<string, SuppressionWindow> = {};
  private readonly pattern?: RegExp;

  constructor(
    private readonly sources: SuppressionSource[],
    private readonly mapping: UnitMapping = {},
  ) {
    if (mapping.pattern) {
      try {
        this.pattern = new RegExp(mapping.pattern);
      } catch (err) {
        throw new Error(`unit pattern ${JSON.stringify(mapping.pattern)} is not a regular expression: ${(err as Error).message}`);
      }
    }
    sources.forEach((s, i) => {
      if (!s.name) throw new Error(`suppression source ${i + 1} has no name`);
      if (!s.resource) throw new Error(`suppression source "${s.name}" watches no resource`);
      if (!(s.graceMin >= 0)) throw new Error(`suppression source "${s.name}": the grace period must be 0 or more minutes`);
    });
  }

  unitOf(deviceName: string): string {
    const mapped = this.mapping.table?.[deviceName];
    if (mapped) return mapped;
    const m = this.pattern?.exec(deviceName);
    return m ? (m[1] ?? m[0]) : deviceName;
  }

  /** readings open and close the sources' windows; true when a window changed */
  onReading(r: ReadingLike, now: number): boolean {
    let changed = false;
    for (const s of this.sources) {
      if (s.resource !== r.resourceName || (s.device && s.device !== r.deviceName)) continue;
      const on = truthOf(r.value);
      if (on === undefined) continue;
      const active = s.activeWhen === "false" ? !on : on;
      const unit = this.unitOf(r.deviceName);
      const id = `${s.name}|${unit}`;
      const w = this.windows[id];
      if (active) {
        if (w?.activeSince !== undefined) continue;
        this.windows[id] = { name: s.name, unit, activeSince: now, ...(s.maxMin ? { capAt: now + s.maxMin * 60000 } : {}), ...scope(s.resources, s.rules) };
        changed = true;
      } else if (w?.activeSince !== undefined) {
        this.windows[id] = { name: s.name, unit, until: now + s.graceMin * 60000, ...scope(s.resources, s.rules) };
        changed = true;
      }
    }
    return changed;
  }

  /** a window a message opens for a set time (pull-down, cleaning, start-up); unit "*" is every unit */
  open(name: string, unit: string, until: number, resources?: string[], rules?: string[]): void {
    this.windows[`${name}|${unit}`] = { name, unit, until, ...scope(resources, rules) };
  }

  /** ends a window now; false when there was none */
  close(name: string, unit: string): boolean {
    const id = `${name}|${unit}`;
    if (!this.windows[id]) return false;
    delete this.windows[id];
    return true;
  }

  /** names of the windows suppressing this alarm now; empty when none */
  suppressing(a: Suppressible, now: number): string[] {
    const unit = this.unitOf(a.deviceName);
    const names: string[] = [];
    for (const w of Object.values(this.windows)) {
      if (w.unit !== "*" && w.unit !== unit) continue;
      if (w.resources?.length && !w.resources.includes(a.resourceName)) continue;
      if (w.rules?.length && !w.rules.includes(a.rule)) continue;
      if (isOpen(w, now) && !names.includes(w.name)) names.push(w.name);
    }
    return names;
  }

  /** drops windows that have ended */
  prune(now: number): void {
    for (const [id, w] of Object.entries(this.windows)) if (w.activeSince === undefined && w.until !== undefined && now >= w.until) delete this.windows[id];
  }

  list(now: number): SuppressionWindow[] {
    return Object.values(this.windows).filter((w) => isOpen(w, now));
  }

  snapshot(): Record<string, SuppressionWindow> {
    return JSON.parse(JSON.stringify(this.windows));
  }

  restore(windows: Record<string, SuppressionWindow> | undefined): void {
    if (windows && typeof windows === "object") this.windows = { ...windows };
  }
}

function isOpen(w: SuppressionWindow, now: number): boolean {
  if (w.activeSince !== undefined) return w.capAt === undefined || now < w.capAt;
  return w.until !== undefined && now < w.until;
}

function scope(resources?: string[], rules?: string[]): Pick<SuppressionWindow, "resources" | "rules"> {
  return { ...(resources?.length ? { resources } : {}), ...(rules?.length ? { rules } : {}) };
}
