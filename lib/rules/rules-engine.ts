/**
 * Evaluates an ordered list of cold-chain rules over readings, per state key (by default device and resource),
 * and gives alerts a life: raised once per excursion (after the condition held for the rule's duration),
 * updated as the peak grows, cleared when the condition ends (past the hysteresis), with start, end, duration
 * and peak. All state is plain data (snapshot/restore), and time comes from the readings or the caller, so a
 * restart resumes a 15-minute timer rather than starting it over.
 */
import jsonata from "jsonata";
import type { EdgeEvent, Reading } from "../ingest/event";
import { renderTemplate } from "../common/template";
import { DEFAULT_DELTA_H_OVER_R } from "./mkt";
import { pushArrheniusSample, pushOutOfRangeSample, pushSample, type SampleWindow, type WindowSum } from "./sample-window";
import { Rule, Severity } from "./rule-types";
import { alertPriority, newAlertId, type AlertIdentity, type AlertState } from "../contract/alert";
import { ProductClasses, type AppliedLimits, type LoadContext } from "./product-classes";
import { CALIBRATION_RULE, checkCalibration, type OverdueState, type OverdueTransition } from "./calibration-due";

export type { AlertState };

/** one transition of an alert; alertId (the same over its life) and causeEventId come from the contract */
export interface Alert extends AlertIdentity {
  rule: string;
  type: Rule["type"] | "calibration";
  severity: Severity;
  priority: number;
  state: AlertState;
  key: string;
  deviceName: string;
  resourceName: string;
  /** epoch ms */
  start: number;
  end?: number;
  /** epoch ms of this transition */
  at: number;
  durationS: number;
  value: number;
  peak: number;
  units?: string;
  /** the product class whose limits applied (absent: the rule's own) */
  productClass?: string;
  /** the limits that applied (°C for temperatures), and where they came from */
  limits?: AppliedLimits;
  detail?: Record<string, unknown>;
}

interface OpenAlert {
  alertId: string;
  start: number;
  peak: number;
  lastUpdate: number;
  deviceName: string;
  resourceName: string;
  units?: string;
}

interface KeyState {
  pendingSince?: number;
  alert?: OpenAlert;
  /** [time, value] samples of the rule's window (rate, tor, mkt); saved as an array of pairs */
  samples?: SampleWindow | Array<[number, number]>;
  /** the running sum over samples (tor, mkt) */
  windowSum?: WindowSum;
  lastSeen?: number;
  lastValue?: number;
  deviceName?: string;
  resourceName?: string;
}

export interface RulesSnapshot {
  version: 1;
  states: Record<string, Record<string, KeyState>>;
  /** probes past their calibration's due date */
  calibration?: Record<string, OverdueState>;
  /** per-trip product classes by device */
  trips?: Record<string, string>;
}

export interface Evaluation {
  alerts: Alert[];
  /** rule names active for each reading, by reading id */
  tripped: Map<string, string[]>;
}

const UPDATE_EVERY_MS = 60_000;


interface Condition {
  active: boolean;
  stillActive: boolean;
  value: number;
  lowerIsWorse?: boolean;
  /** what the alert's detail says, built only when an alert is (an object per reading and rule cost ~10 % of a reading) */
  detail: DetailKind;
  /** the detail's figures (see detailOf) */
  a: number;
  b: number;
}

const enum DetailKind {
  None,
  Rate,
  OutOfRange,
  Mkt,
  Stock,
}

/** the alert's detail of a condition */
function detailOf(c: Condition): Record<string, unknown> | undefined {
  switch (c.detail) {
    case DetailKind.Rate:
      return { perMinute: c.a };
    case DetailKind.OutOfRange:
      return { minutesOutOfRange: c.a, budgetMin: c.b };
    case DetailKind.Mkt:
      return { mkt: c.a, samples: c.b };
    case DetailKind.Stock:
      return { count: c.value, replenish: c.a, targetStock: c.b };
    default:
      return undefined;
  }
}

/**
 * a rule's fields the loop reads for every reading, in one shape for all rules: the rules themselves have a
 * shape per type and per set of optional fields, and reading them made every property access megamorphic
 */
interface RuleSlot {
  rule: Rule;
  name: string;
  resource: string | undefined;
  device: string | undefined;
  key: string | undefined;
  classLimits: boolean;
  jsonata: boolean;
  /** this.states[name] */
  table: Record<string, KeyState>;
  /** the rule's condition with its own limits (a class's limits make one per reading) */
  condition: ConditionFn;
}

type ConditionFn = (s: KeyState, t: number, v: number) => Condition | undefined;

/** a key's state with every field in place, so that all states share one shape (JSON leaves the undefined out) */
function newKeyState(): KeyState {
  return { pendingSince: undefined, alert: undefined, samples: undefined, windowSum: undefined, lastSeen: undefined, lastValue: undefined, deviceName: undefined, resourceName: undefined };
}

/** a default key's states by rule index, and the key itself */
interface KeyRow {
  key: string;
  states: Array<KeyState | undefined>;
}

export class RulesEngine {
  private states: Record<string, Record<string, KeyState>> = {};
  private calibration: Record<string, OverdueState> = {};
  private readonly expressions = new Map<string, ReturnType<typeof jsonata>>();
  /**
   * each default key's states by rule index, the same objects as in `states`, by device then resource: two map
   * lookups per reading, not a key string built and hashed per reading and a lookup per rule
   */
  private keyIndex = new Map<string, Map<string, KeyRow>>();
  /** the condition of the rule being stepped: one object per engine, not one per reading and rule */
  private readonly scratch: Condition = { active: false, stillActive: false, value: 0, lowerIsWorse: false, detail: DetailKind.None, a: 0, b: 0 };
  private readonly classLimits: boolean;
  private slots: RuleSlot[] = [];

  constructor(
    private readonly rules: Rule[],
    readonly classes = new ProductClasses({}),
  ) {
    rules.forEach((r, i) => {
      if (!r.name) throw new Error(`rule ${i + 1} has no name`);
      if (r.type === "jsonata") this.expressions.set(r.name, jsonata(r.expression));
      this.states[r.name] = {};
    });
    this.classLimits = rules.some((r) => r.limits === "class");
    this.slots = this.slotsOf();
  }

  private slotsOf(): RuleSlot[] {
    return this.rules.map((rule) => ({ rule, name: rule.name, resource: rule.resource || undefined, device: rule.device || undefined, key: rule.key || undefined, classLimits: rule.limits === "class", jsonata: rule.type === "jsonata", table: this.states[rule.name], condition: this.conditionOf(rule) }));
  }

  snapshot(): RulesSnapshot {
    return { version: 1, states: JSON.parse(JSON.stringify(this.states)), calibration: JSON.parse(JSON.stringify(this.calibration)), trips: this.classes.tripSnapshot() };
  }

  restore(s: RulesSnapshot | undefined): void {
    if (!s || s.version !== 1) return;
    this.calibration = s.calibration ?? {};
    this.classes.restoreTrips(s.trips);
    this.keyIndex = new Map();
    for (const r of this.rules) {
      if (!s.states[r.name]) continue;
      this.states[r.name] = s.states[r.name];
      // alerts opened before alerts had ids keep one from now on
      for (const k of Object.values(this.states[r.name])) if (k.alert && !k.alert.alertId) k.alert.alertId = newAlertId();
    }
    this.slots = this.slotsOf();
  }

  /**
   * every reading of the event against every rule, in order. Not re-entrant: the caller awaits one evaluation
   * before the next (edge-rules queues its messages), or a key's state would see readings out of order.
   * causeEventId: msg.eventId of the message that carried the event (default: the event's id).
   * load: what the message says of the load (msg.productClass, msg.limits); the event's metadata is added here.
   */
  async evaluate(event: EdgeEvent, causeEventId: string = event.id, load: LoadContext = {}): Promise<Evaluation> {
    const alerts: Alert[] = [];
    const tripped = new Map<string, string[]>();
    // only rules with the class's limits need the load's context
    const context: LoadContext | undefined = this.classLimits ? { ...load, metadata: event.metadata } : undefined;
    const limitsOf = this.classLimits ? new Map<string, AppliedLimits | undefined>() : undefined;
    const slots = this.slots;
    for (const reading of event.readings) {
      const row = this.rowOf(reading.deviceName, reading.resourceName);
      const overdue = checkCalibration(this.calibration, reading, newAlertId);
      if (overdue) alerts.push(this.calibrationAlert(overdue, causeEventId));
      const numeric = typeof reading.value === "number" || typeof reading.value === "boolean";
      for (let index = 0; index < slots.length; index++) {
        const slot = slots[index];
        if (slot.resource !== undefined && slot.resource !== reading.resourceName) continue;
        if (slot.device !== undefined && slot.device !== reading.deviceName) continue;
        if (slot.resource === undefined && !slot.jsonata && !numeric) continue;
        let applied: AppliedLimits | undefined;
        if (slot.classLimits) {
          if (!limitsOf!.has(reading.deviceName)) limitsOf!.set(reading.deviceName, this.classes.resolve(reading.deviceName, context!));
          applied = limitsOf!.get(reading.deviceName);
        }
        const rule = applied ? withLimits(slot.rule, applied) : slot.rule;
        const key = slot.key !== undefined ? renderTemplate(slot.key, { payload: reading }) : row.key;
        const state = slot.key !== undefined ? (slot.table[key] ??= newKeyState()) : (row.states[index] ??= slot.table[key] ??= newKeyState());
        // stored only when they change: each reading's fresh strings written into long-lived states were kept
        // alive by them and promoted, for the collector to find again
        if (state.deviceName !== reading.deviceName) state.deviceName = reading.deviceName;
        if (state.resourceName !== reading.resourceName) state.resourceName = reading.resourceName;
        // only JSONata rules are asynchronous: the others cost no promise per rule and reading
        const alert = slot.jsonata ? await this.stepJsonata(rule, key, state, reading, event, causeEventId) : this.step(rule, key, state, reading, causeEventId, applied ? this.conditionOf(rule) : slot.condition);
        if (alert) {
          const limits = applied ?? ruleLimits(rule);
          if (limits) {
            if (limits.productClass) alert.productClass = limits.productClass;
            alert.limits = limits;
          }
          alerts.push(alert);
        }
        if (state.alert) {
          const names = tripped.get(reading.id);
          if (names) names.push(rule.name);
          else tripped.set(reading.id, [rule.name]);
        }
      }
    }
    return { alerts, tripped };
  }

  private rowOf(deviceName: string, resourceName: string): KeyRow {
    let byResource = this.keyIndex.get(deviceName);
    if (!byResource) this.keyIndex.set(deviceName, (byResource = new Map()));
    let row = byResource.get(resourceName);
    if (!row) byResource.set(resourceName, (row = { key: `${deviceName}/${resourceName}`, states: new Array<KeyState | undefined>(this.rules.length) }));
    return row;
  }

  /** timer-driven rules (no data): call every second or so with the current time */
  tick(now: number): Alert[] {
    const alerts: Alert[] = [];
    for (const rule of this.rules) {
      if (rule.type !== "nodata") continue;
      for (const [key, s] of Object.entries(this.states[rule.name])) {
        if (s.alert || s.lastSeen === undefined) continue;
        if (now - s.lastSeen >= rule.seconds * 1000) {
          s.alert = { alertId: newAlertId(), start: s.lastSeen, peak: (now - s.lastSeen) / 1000, lastUpdate: now, deviceName: s.deviceName ?? "", resourceName: s.resourceName ?? "" };
          alerts.push(this.alert(rule, key, s.alert, "raised", now, (now - s.lastSeen) / 1000));
        }
      }
    }
    return alerts;
  }

  private step(rule: Rule, key: string, s: KeyState, reading: Reading, cause: string, condition: ConditionFn): Alert | undefined {
    const t = reading.origin;
    if (rule.type === "nodata") {
      s.lastSeen = Date.now();
      if (s.alert) return this.close(rule, key, s, t, 0, undefined, cause);
      return undefined;
    }
    const v = typeof reading.value === "number" ? reading.value : Number(reading.value);
    if (!Number.isFinite(v)) return this.transition(rule, key, s, reading, undefined, cause);
    return this.transition(rule, key, s, reading, condition(s, t, v), cause);
  }

  private async stepJsonata(rule: Rule, key: string, s: KeyState, reading: Reading, event: EdgeEvent, cause: string): Promise<Alert | undefined> {
    return this.transition(rule, key, s, reading, await this.condition(rule, Number(reading.value), reading, event), cause);
  }

  /** the alert's life after one reading's condition: raise after the rule's duration, update at a new peak, clear */
  private transition(rule: Rule, key: string, s: KeyState, reading: Reading, c: Condition | undefined, cause: string): Alert | undefined {
    const t = reading.origin;
    if (!c) return undefined;
    if (!s.alert) {
      if (!c.active) {
        s.pendingSince = undefined;
        return undefined;
      }
      s.pendingSince ??= t;
      const forMs = ("forS" in rule && rule.forS ? rule.forS : 0) * 1000;
      if (t - s.pendingSince < forMs) return undefined;
      s.alert = { alertId: newAlertId(), start: s.pendingSince, peak: c.value, lastUpdate: t, deviceName: reading.deviceName, resourceName: reading.resourceName, units: reading.units };
      return this.alert(rule, key, s.alert, "raised", t, c.value, detailOf(c), cause);
    }
    if (!c.stillActive) return this.close(rule, key, s, t, c.value, detailOf(c), cause);
    const worse = c.lowerIsWorse ? c.value < s.alert.peak : c.value > s.alert.peak;
    if (worse) {
      s.alert.peak = c.value;
      if (t - s.alert.lastUpdate >= UPDATE_EVERY_MS) {
        s.alert.lastUpdate = t;
        return this.alert(rule, key, s.alert, "updated", t, c.value, detailOf(c), cause);
      }
    }
    return undefined;
  }

  private calibrationAlert(o: OverdueTransition, cause: string): Alert {
    const a: Alert = {
      alertId: o.open.alertId,
      causeEventId: cause,
      rule: CALIBRATION_RULE,
      type: "calibration",
      severity: "info",
      priority: alertPriority("info"),
      state: o.state,
      key: o.key,
      deviceName: o.open.deviceName,
      resourceName: o.open.resourceName,
      start: o.open.start,
      at: o.at,
      durationS: Math.max(0, (o.at - o.open.start) / 1000),
      value: Math.round(o.daysOverdue * 10) / 10,
      peak: Math.round(o.daysOverdue * 10) / 10,
      units: "d",
      detail: { certificate: o.certificate ?? o.open.certificate, due: o.due },
    };
    if (o.state === "cleared") a.end = o.at;
    return a;
  }

  private close(rule: Rule, key: string, s: KeyState, t: number, value: number, detail: Record<string, unknown> | undefined, cause: string): Alert {
    const open = s.alert!;
    s.alert = undefined;
    s.pendingSince = undefined;
    const a = this.alert(rule, key, open, "cleared", t, value, detail, cause);
    a.end = t;
    return a;
  }

  private alert(rule: Rule, key: string, open: OpenAlert, state: AlertState, t: number, value: number, detail?: Record<string, unknown>, cause?: string): Alert {
    const a: Alert = {
      alertId: open.alertId,
      ...(cause !== undefined ? { causeEventId: cause } : {}),
      rule: rule.name,
      type: rule.type,
      severity: rule.severity,
      priority: alertPriority(rule.severity),
      state,
      key,
      deviceName: open.deviceName,
      resourceName: open.resourceName,
      start: open.start,
      at: t,
      durationS: Math.max(0, (t - open.start) / 1000),
      value,
      peak: open.peak,
    };
    if (open.units) a.units = open.units;
    if (detail) a.detail = detail;
    return a;
  }

  private async condition(rule: Rule, v: number, reading: Reading, event: EdgeEvent): Promise<Condition> {
    const result = await this.expressions.get(rule.name)!.evaluate({ reading, event, value: reading.value });
    const active = result === true;
    return { active, stillActive: active, value: Number.isFinite(v) ? v : 0, detail: DetailKind.None, a: 0, b: 0 };
  }

  /**
   * the rule's condition as a function of a key's state, the reading's time and value (in the engine's one scratch
   * condition; undefined when it cannot be judged yet), its limits read once: one switch on the rule's type per
   * rule, not per reading and rule
   */
  private conditionOf(rule: Rule): ConditionFn {
    const judged = this.judged.bind(this);
    switch (rule.type) {
      case "threshold": {
        const raise = rule.raise;
        const clear = rule.clear ?? rule.raise;
        if (rule.direction !== "below") return (_s, _t, v) => judged(v > raise, v > clear, v, false);
        return (_s, _t, v) => judged(v < raise, v < clear, v, true);
      }
      case "band": {
        const { low, high } = rule;
        const h = rule.hysteresis ?? 0;
        if (rule.when === "inside") return (_s, _t, v) => judged(!(v < low || v > high), !(v < low - h || v > high + h), v, false);
        return (_s, _t, v) => judged(v < low || v > high, v < low + h || v > high - h, v, v < low);
      }
      case "rate": {
        const windowMs = rule.windowS * 1000;
        const dir = rule.direction ?? "either";
        const perMinute = rule.perMinute;
        return (s, t, v) => {
          const samples = pushSample(s, t, v, windowMs);
          if (samples.length < 2) return judged(false, false, 0, false);
          const minutes = (t - samples.time(0)) / 60000;
          if (minutes <= 0) return undefined;
          const slope = (v - samples.value(0)) / minutes;
          const fast = dir === "rise" ? slope > perMinute : dir === "fall" ? slope < -perMinute : Math.abs(slope) > perMinute;
          return judged(fast, fast, Math.round(slope * 1000) / 1000, dir === "fall", DetailKind.Rate, slope);
        };
      }
      case "tor": {
        const { low, high, budgetMin } = rule;
        const windowMs = rule.windowH * 3600 * 1000;
        return (s, t, v) => {
          // time out of range: each sample's out-of-range state lasts until the next sample
          pushOutOfRangeSample(s, t, v, windowMs, low, high);
          const minutes = s.windowSum!.sum / 60000;
          return judged(minutes > budgetMin, minutes > budgetMin, Math.round(minutes * 10) / 10, false, DetailKind.OutOfRange, minutes, budgetMin);
        };
      }
      case "mkt": {
        const deltaHOverR = rule.deltaHOverR ?? DEFAULT_DELTA_H_OVER_R;
        const windowMs = rule.windowH * 3600 * 1000;
        const limit = rule.limit;
        return (s, t, v) => {
          const samples = pushArrheniusSample(s, t, v, windowMs, deltaHOverR);
          // T_mk = (ΔH/R) / −ln(Σ e^(−ΔH/(R·T_i)) / n) − 273.15, as lib/rules/mkt.ts, from the running sum
          const mkt = deltaHOverR / -Math.log(s.windowSum!.sum / samples.length) - 273.15;
          const rounded = Math.round(mkt * 100) / 100;
          return judged(mkt > limit, mkt > limit, rounded, false, DetailKind.Mkt, rounded, samples.length);
        };
      }
      case "stock": {
        const { unitWeight, reorderPoint, targetStock } = rule;
        const tare = rule.tare ?? 0;
        if (!(unitWeight > 0)) return () => undefined;
        return (_s, _t, v) => {
          // the nearest whole number of units: a weight cell's noise around an exact count must not flip it by one
          // (a floor made 6 units read 5 or 6 by turns, raising and clearing the same shortage every few readings)
          const count = Math.max(0, Math.round((v - tare) / unitWeight));
          const quantity = Math.max(0, targetStock - count);
          return judged(count < reorderPoint, count < reorderPoint, count, true, DetailKind.Stock, quantity, targetStock);
        };
      }
    }
    return () => undefined;
  }

  private judged(active: boolean, stillActive: boolean, value: number, lowerIsWorse: boolean, detail = DetailKind.None, a = 0, b = 0): Condition {
    const c = this.scratch;
    c.active = active;
    c.stillActive = stillActive;
    c.value = value;
    c.lowerIsWorse = lowerIsWorse;
    c.detail = detail;
    c.a = a;
    c.b = b;
    return c;
  }
}

/** the rule with the class's limits in place of its own; a side the class has no limit on never trips */
function withLimits(rule: Rule, l: AppliedLimits): Rule {
  const low = l.low ?? -Infinity;
  const high = l.high ?? Infinity;
  switch (rule.type) {
    case "threshold": {
      const raise = rule.direction === "below" ? low : high;
      const gap = rule.clear !== undefined ? rule.raise - rule.clear : 0;
      return { ...rule, raise, clear: raise - gap };
    }
    case "band":
    case "tor":
      return { ...rule, low, high };
    case "mkt":
      return { ...rule, limit: l.mkt ?? high };
    default:
      return rule;
  }
}

/** the rule's own limits, for the alert to say what applied */
function ruleLimits(rule: Rule): AppliedLimits | undefined {
  switch (rule.type) {
    case "threshold":
      return rule.direction === "below" ? { low: rule.raise, source: "rule" } : { high: rule.raise, source: "rule" };
    case "band":
    case "tor":
      return { low: rule.low, high: rule.high, source: "rule" };
    case "mkt":
      return { mkt: rule.limit, source: "rule" };
    default:
      return undefined;
  }
}
