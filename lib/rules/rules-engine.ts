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
import { pushSample, type WindowSum } from "./sample-window";
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
  /** [time, value] samples of the rule's window (rate, tor, mkt) */
  samples?: Array<[number, number]>;
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
  detail?: Record<string, unknown>;
}

export class RulesEngine {
  private states: Record<string, Record<string, KeyState>> = {};
  private calibration: Record<string, OverdueState> = {};
  private readonly expressions = new Map<string, ReturnType<typeof jsonata>>();
  /** each default key's states by rule index, the same objects as in `states`: one lookup per reading, not per rule */
  private keyIndex = new Map<string, Array<KeyState | undefined>>();

  constructor(
    private readonly rules: Rule[],
    readonly classes = new ProductClasses({}),
  ) {
    rules.forEach((r, i) => {
      if (!r.name) throw new Error(`rule ${i + 1} has no name`);
      if (r.type === "jsonata") this.expressions.set(r.name, jsonata(r.expression));
      this.states[r.name] = {};
    });
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
    const context: LoadContext = { ...load, metadata: event.metadata };
    const limitsOf = new Map<string, AppliedLimits | undefined>();
    for (const reading of event.readings) {
      const defaultKey = `${reading.deviceName}/${reading.resourceName}`;
      let row = this.keyIndex.get(defaultKey);
      if (!row) this.keyIndex.set(defaultKey, (row = new Array<KeyState | undefined>(this.rules.length)));
      let index = -1;
      const overdue = checkCalibration(this.calibration, reading, newAlertId);
      if (overdue) alerts.push(this.calibrationAlert(overdue, causeEventId));
      for (const raw of this.rules) {
        index++;
        let applied: AppliedLimits | undefined;
        if (raw.limits === "class") {
          if (!limitsOf.has(reading.deviceName)) limitsOf.set(reading.deviceName, this.classes.resolve(reading.deviceName, context));
          applied = limitsOf.get(reading.deviceName);
        }
        const rule = applied ? withLimits(raw, applied) : raw;
        if (rule.resource && rule.resource !== reading.resourceName) continue;
        if (rule.device && rule.device !== reading.deviceName) continue;
        if (!rule.resource && rule.type !== "jsonata" && typeof reading.value !== "number" && typeof reading.value !== "boolean") continue;
        const key = rule.key ? renderTemplate(rule.key, { payload: reading }) : defaultKey;
        const state = rule.key ? (this.states[rule.name][key] ??= {}) : (row[index] ??= this.states[rule.name][key] ??= {});
        state.deviceName = reading.deviceName;
        state.resourceName = reading.resourceName;
        // only JSONata rules are asynchronous: the others cost no promise per rule and reading
        const alert = rule.type === "jsonata" ? await this.stepJsonata(rule, key, state, reading, event, causeEventId) : this.step(rule, key, state, reading, causeEventId);
        if (alert) {
          const limits = applied ?? ruleLimits(rule);
          if (limits) alerts.push({ ...alert, ...(limits.productClass ? { productClass: limits.productClass } : {}), limits });
          else alerts.push(alert);
        }
        if (state.alert) tripped.set(reading.id, [...(tripped.get(reading.id) ?? []), rule.name]);
      }
    }
    return { alerts, tripped };
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

  private step(rule: Rule, key: string, s: KeyState, reading: Reading, cause: string): Alert | undefined {
    const t = reading.origin;
    if (rule.type === "nodata") {
      s.lastSeen = Date.now();
      if (s.alert) return this.close(rule, key, s, t, 0, undefined, cause);
      return undefined;
    }
    return this.transition(rule, key, s, reading, this.syncCondition(rule, s, t, Number(reading.value)), cause);
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
      return this.alert(rule, key, s.alert, "raised", t, c.value, c.detail, cause);
    }
    if (!c.stillActive) return this.close(rule, key, s, t, c.value, c.detail, cause);
    const worse = c.lowerIsWorse ? c.value < s.alert.peak : c.value > s.alert.peak;
    if (worse) {
      s.alert.peak = c.value;
      if (t - s.alert.lastUpdate >= UPDATE_EVERY_MS) {
        s.alert.lastUpdate = t;
        return this.alert(rule, key, s.alert, "updated", t, c.value, c.detail, cause);
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
    return { ...this.alert(rule, key, open, "cleared", t, value, detail, cause), end: t };
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
    return { active, stillActive: active, value: Number.isFinite(v) ? v : 0 };
  }

  /** whether the rule's condition holds now; undefined when it cannot be judged yet */
  private syncCondition(rule: Rule, s: KeyState, t: number, v: number): Condition | undefined {
    if (!Number.isFinite(v)) return undefined;
    switch (rule.type) {
      case "threshold": {
        const clear = rule.clear ?? rule.raise;
        const above = rule.direction !== "below";
        return { active: above ? v > rule.raise : v < rule.raise, stillActive: above ? v > clear : v < clear, value: v, lowerIsWorse: !above };
      }
      case "band": {
        const h = rule.hysteresis ?? 0;
        const outside = v < rule.low || v > rule.high;
        const stillOutside = v < rule.low + h || v > rule.high - h;
        if (rule.when === "inside") return { active: !outside, stillActive: !(v < rule.low - h || v > rule.high + h), value: v };
        return { active: outside, stillActive: stillOutside, value: v, lowerIsWorse: v < rule.low };
      }
      case "rate": {
        const samples = pushSample(s, t, v, rule.windowS * 1000);
        if (samples.length < 2) return { active: false, stillActive: false, value: 0 };
        const [t0, v0] = samples[0];
        const minutes = (t - t0) / 60000;
        if (minutes <= 0) return undefined;
        const slope = (v - v0) / minutes;
        const dir = rule.direction ?? "either";
        const fast = dir === "rise" ? slope > rule.perMinute : dir === "fall" ? slope < -rule.perMinute : Math.abs(slope) > rule.perMinute;
        return { active: fast, stillActive: fast, value: Math.round(slope * 1000) / 1000, lowerIsWorse: dir === "fall", detail: { perMinute: slope } };
      }
      case "tor": {
        // time out of range: each sample's out-of-range state lasts until the next sample
        pushSample(s, t, v, rule.windowH * 3600 * 1000, { kind: "tor", low: rule.low, high: rule.high, sum: 0, removals: 0 });
        const minutes = s.windowSum!.sum / 60000;
        return { active: minutes > rule.budgetMin, stillActive: minutes > rule.budgetMin, value: Math.round(minutes * 10) / 10, detail: { minutesOutOfRange: minutes, budgetMin: rule.budgetMin } };
      }
      case "mkt": {
        const deltaHOverR = rule.deltaHOverR ?? DEFAULT_DELTA_H_OVER_R;
        const samples = pushSample(s, t, v, rule.windowH * 3600 * 1000, { kind: "mkt", deltaHOverR, sum: 0, removals: 0 });
        // T_mk = (ΔH/R) / −ln(Σ e^(−ΔH/(R·T_i)) / n) − 273.15, as lib/rules/mkt.ts, from the running sum
        const mkt = deltaHOverR / -Math.log(s.windowSum!.sum / samples.length) - 273.15;
        const rounded = Math.round(mkt * 100) / 100;
        return { active: mkt > rule.limit, stillActive: mkt > rule.limit, value: rounded, detail: { mkt: rounded, samples: samples.length } };
      }
      case "stock": {
        if (!(rule.unitWeight > 0)) return undefined;
        const count = Math.max(0, Math.floor((v - (rule.tare ?? 0)) / rule.unitWeight + 1e-9));
        const quantity = Math.max(0, rule.targetStock - count);
        return { active: count < rule.reorderPoint, stillActive: count < rule.reorderPoint, value: count, lowerIsWorse: true, detail: { count, replenish: quantity, targetStock: rule.targetStock } };
      }
    }
    return undefined;
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
