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
import { alertPriority, type AlertIdentity, type AlertState } from "../contract/alert";
import { nextAlertId } from "./alert-id";
import { ProductClasses, type AppliedLimits, type LoadContext } from "./product-classes";
import { ReadingTrips } from "./reading-trips";
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
  /** in order; none: one shared, frozen empty array */
  alerts: Alert[];
  /** rule names active for each reading, by reading id (frozen arrays, shared between results: copy to change one) */
  tripped: ReadonlyMap<string, readonly string[]>;
}

const UPDATE_EVERY_MS = 60_000;

/** frozen: a caller that pushed onto a shared result would fail loudly rather than alter later ones */
const NO_ALERTS = Object.freeze([]) as unknown as Alert[];
const NO_TRIPS: ReadonlyMap<string, readonly string[]> = new Map();
/** the load when the caller says nothing of it: one shared object, not one per call */
const NO_LOAD: LoadContext = Object.freeze({});
/** what most readings yield (no transition, no alert open): one shared result, not three objects per event */
const NOTHING: Evaluation = Object.freeze({ alerts: NO_ALERTS, tripped: NO_TRIPS });


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
  type: Rule["type"];
  severity: Severity;
  priority: number;
  resource: string | undefined;
  device: string | undefined;
  key: string | undefined;
  classLimits: boolean;
  jsonata: boolean;
  nodata: boolean;
  /** a reading that is neither a number nor a boolean is skipped (no resource named, not JSONata) */
  numericOnly: boolean;
  /** how long the condition must hold before the alert is raised */
  forMs: number;
  /** this.states[name] */
  table: Record<string, KeyState>;
  /** the rule's condition with its own limits */
  condition: ConditionFn;
  /** the class limits last applied (a fleet's devices mostly share a few classes) and the rule and condition made of them */
  classLow: number | undefined;
  classHigh: number | undefined;
  classMkt: number | undefined;
  classRule: Rule | undefined;
  classCondition: ConditionFn | undefined;
}

/**
 * the reading a condition judges: its time and value in one object with double fields, written in place once per
 * reading. As arguments of a condition (a call through a function value, which the compiler does not inline) the
 * two doubles were boxed for every rule and reading: a fifth of what an evaluation allocated.
 */
interface Judged {
  t: number;
  v: number;
}

type ConditionFn = (s: KeyState, r: Judged) => Condition | undefined;

/** a key's state with every field in place, so that all states share one shape (JSON leaves the undefined out) */
function newKeyState(): KeyState {
  return { pendingSince: undefined, alert: undefined, samples: undefined, windowSum: undefined, lastSeen: undefined, lastValue: undefined, deviceName: undefined, resourceName: undefined };
}

/** a device and resource's default key, the rules that watch it (by index) and its states by rule index */
interface KeyRow {
  deviceName: string;
  resourceName: string;
  key: string;
  /** the rules whose device and resource match, in rule order: filtered once per key, not per reading */
  slots: number[];
  states: Array<KeyState | undefined>;
}

/** a device's rows: its first resource's directly (most devices have one), the others by name */
interface DeviceRows {
  first: KeyRow;
  others: Map<string, KeyRow> | undefined;
}

/** what one evaluation yields, made only when something is (most readings raise nothing and trip nothing) */
class Outcome {
  alerts: Alert[] | undefined = undefined;
  tripped: ReadingTrips | undefined = undefined;
  /** the load's context for rules with the class's limits, made at their first reading */
  context: LoadContext | undefined = undefined;
  /** the class limits of the last device resolved (the readings of an event mostly share a device) */
  limitsDevice: string | undefined = undefined;
  limits: AppliedLimits | undefined = undefined;
  event: EdgeEvent | undefined = undefined;
  load: LoadContext | undefined = undefined;

  begin(event: EdgeEvent, load: LoadContext): this {
    this.alerts = undefined;
    this.tripped = undefined;
    this.context = undefined;
    this.limitsDevice = undefined;
    this.limits = undefined;
    this.event = event;
    this.load = load;
    return this;
  }

  push(a: Alert): void {
    if (this.alerts) this.alerts.push(a);
    else this.alerts = [a];
  }

  trip(readingId: string, names: readonly string[]): void {
    if (this.tripped) this.tripped.add(readingId, names);
    else this.tripped = new ReadingTrips(readingId, names);
  }

  limitsOf(deviceName: string, classes: ProductClasses): AppliedLimits | undefined {
    if (this.limitsDevice !== deviceName) {
      // the caller's load when it carries the event's metadata already (edge-rules' does): no copy per event
      this.context ??= this.load!.metadata === this.event!.metadata ? this.load! : { ...this.load, metadata: this.event!.metadata };
      this.limits = classes.resolve(deviceName, this.context);
      this.limitsDevice = deviceName;
    }
    return this.limits;
  }

  /** the result; the outcome lets go of it (and of the event) */
  end(): Evaluation {
    const { alerts, tripped } = this;
    this.alerts = undefined;
    this.tripped = undefined;
    this.context = undefined;
    this.limits = undefined;
    this.limitsDevice = undefined;
    this.event = undefined;
    this.load = undefined;
    if (!alerts && !tripped) return NOTHING;
    return { alerts: alerts ?? NO_ALERTS, tripped: tripped ?? NO_TRIPS };
  }
}

export class RulesEngine {
  private states: Record<string, Record<string, KeyState>> = {};
  private calibration: Record<string, OverdueState> = {};
  private readonly expressions = new Map<string, ReturnType<typeof jsonata>>();
  /** each default key's row, by device then resource: one map lookup per reading (see DeviceRows) */
  private keyIndex = new Map<string, DeviceRows>();
  /** the condition of the rule being stepped: one object per engine, not one per reading and rule */
  /** the time and value of the reading being stepped (see Judged) */
  private readonly judging: Judged = { t: 0.5, v: 0.5 };
  private readonly scratch: Condition = { active: false, stillActive: false, value: 0, lowerIsWorse: false, detail: DetailKind.None, a: 0, b: 0 };
  /** evaluateSync's outcome, reused: a synchronous evaluation cannot overlap another */
  private readonly syncOutcome = new Outcome();
  private slots: RuleSlot[] = [];
  /**
   * the names of the rules with an alert open for a reading, by the bit set of their indexes (rules 0–30): one
   * frozen array per set, shared by every result that names it, not an array per reading
   */
  private readonly tripNames = new Map<number, readonly string[]>();
  /** no JSONata rule: every evaluation can be synchronous (evaluateSync) */
  readonly synchronous: boolean;

  constructor(
    private readonly rules: Rule[],
    readonly classes = new ProductClasses({}),
  ) {
    rules.forEach((r, i) => {
      if (!r.name) throw new Error(`rule ${i + 1} has no name`);
      if (r.type === "jsonata") this.expressions.set(r.name, jsonata(r.expression));
      this.states[r.name] = {};
    });
    this.synchronous = !rules.some((r) => r.type === "jsonata");
    this.slots = this.slotsOf();
  }

  private slotsOf(): RuleSlot[] {
    return this.rules.map((rule) => {
      const resource = rule.resource || undefined;
      const jsonata = rule.type === "jsonata";
      return {
        rule,
        name: rule.name,
        type: rule.type,
        severity: rule.severity,
        priority: alertPriority(rule.severity),
        resource,
        device: rule.device || undefined,
        key: rule.key || undefined,
        classLimits: rule.limits === "class",
        jsonata,
        nodata: rule.type === "nodata",
        numericOnly: resource === undefined && !jsonata,
        forMs: ("forS" in rule && rule.forS ? rule.forS : 0) * 1000,
        table: this.states[rule.name],
        condition: this.conditionOf(rule),
        classLow: undefined,
        classHigh: undefined,
        classMkt: undefined,
        classRule: undefined,
        classCondition: undefined,
      };
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
      for (const k of Object.values(this.states[r.name])) if (k.alert && !k.alert.alertId) k.alert.alertId = nextAlertId();
    }
    this.slots = this.slotsOf();
  }

  /**
   * every reading of the event against every rule, in order, without a promise: for an engine without JSONata
   * rules (see `synchronous`; throws otherwise). causeEventId: msg.eventId of the message that carried the event
   * (default: the event's id). load: what the message says of the load (msg.productClass, msg.limits); the
   * event's metadata is added here. The result is the caller's to keep; when nothing happened it is one shared,
   * frozen result.
   */
  evaluateSync(event: EdgeEvent, causeEventId: string = event.id, load: LoadContext = NO_LOAD): Evaluation {
    if (!this.synchronous) throw new Error("the rules include a JSONata rule, which is asynchronous: use evaluate()");
    const out = this.syncOutcome.begin(event, load);
    try {
      const readings = event.readings;
      for (let i = 0; i < readings.length; i++) {
        const reading = readings[i];
        this.stepReading(reading, this.rowOf(reading.deviceName, reading.resourceName), causeEventId, out, undefined);
      }
    } catch (err) {
      out.end(); // an error (an unknown class) still lets go of the event
      throw err;
    }
    return out.end();
  }

  /**
   * evaluateSync for any engine. Not re-entrant: the caller awaits one evaluation before the next (edge-rules
   * queues its messages), or a key's state would see readings out of order.
   */
  async evaluate(event: EdgeEvent, causeEventId: string = event.id, load: LoadContext = {}): Promise<Evaluation> {
    if (this.synchronous) return this.evaluateSync(event, causeEventId, load);
    const out = new Outcome().begin(event, load);
    for (const reading of event.readings) {
      const row = this.rowOf(reading.deviceName, reading.resourceName);
      // a JSONata condition reads the reading and the event, never the state: each is judged before the reading
      // steps the rules, which then run without a wait in between
      const conditions = await this.jsonataConditions(row, reading, event);
      this.stepReading(reading, row, causeEventId, out, conditions);
    }
    return out.end();
  }

  private async jsonataConditions(row: KeyRow, reading: Reading, event: EdgeEvent): Promise<Array<Condition | undefined> | undefined> {
    let conditions: Array<Condition | undefined> | undefined;
    for (const index of row.slots) {
      const slot = this.slots[index];
      if (!slot.jsonata) continue;
      (conditions ??= [])[index] = await this.condition(slot.rule, Number(reading.value), reading, event);
    }
    return conditions;
  }

  /** one reading against the rules of its row; JSONata rules' conditions judged beforehand */
  private stepReading(reading: Reading, row: KeyRow, cause: string, out: Outcome, conditions: Array<Condition | undefined> | undefined): void {
    if ((reading as { calibration?: unknown }).calibration !== undefined) {
      const overdue = checkCalibration(this.calibration, reading, nextAlertId);
      if (overdue) out.push(this.calibrationAlert(overdue, cause));
    }
    const value = reading.value;
    const numeric = typeof value === "number" || typeof value === "boolean";
    const v = typeof value === "number" ? value : Number(value);
    const judging = this.judging;
    judging.t = reading.origin;
    judging.v = v;
    const slots = this.slots;
    const indexes = row.slots;
    /** the rules with an alert open, as bits of their indexes (see tripNames); past rule 30, their names */
    let open = 0;
    let openNames: string[] | undefined;
    for (let j = 0; j < indexes.length; j++) {
      const index = indexes[j];
      const slot = slots[index];
      if (slot.numericOnly && !numeric) continue;
      let applied: AppliedLimits | undefined;
      let condition = slot.condition;
      if (slot.classLimits) {
        applied = out.limitsOf(reading.deviceName, this.classes);
        if (applied) condition = this.classCondition(slot, applied);
      }
      let key: string;
      let state: KeyState;
      if (slot.key === undefined) {
        key = row.key;
        state = row.states[index] ?? this.bindState(row, index, slot);
      } else {
        key = renderTemplate(slot.key, { payload: reading });
        state = slot.table[key] ??= newKeyState();
        // stored only when they change: each reading's fresh strings written into long-lived states were kept
        // alive by them and promoted, for the collector to find again
        if (state.deviceName !== reading.deviceName) state.deviceName = reading.deviceName;
        if (state.resourceName !== reading.resourceName) state.resourceName = reading.resourceName;
      }
      const alert = slot.jsonata ? this.transition(slot, key, state, reading, conditions![index], cause) : this.step(slot, key, state, reading, judging, cause, condition);
      if (alert) {
        const limits = applied ?? ruleLimits(slot.rule);
        if (limits) {
          if (limits.productClass) alert.productClass = limits.productClass;
          alert.limits = limits;
        }
        out.push(alert);
      }
      if (state.alert) {
        if (index < 31) open |= 1 << index;
        else (openNames ??= []).push(slot.name);
      }
    }
    if (open !== 0 || openNames) out.trip(reading.id, openNames ? [...this.namesOf(open), ...openNames] : this.namesOf(open));
  }

  /** the rules' names for a set of rule indexes (bits 0–30), in rule order */
  private namesOf(open: number): readonly string[] {
    let names = this.tripNames.get(open);
    if (!names) {
      const list: string[] = [];
      for (let i = 0; i < 31 && i < this.slots.length; i++) if (open & (1 << i)) list.push(this.slots[i].name);
      names = Object.freeze(list);
      this.tripNames.set(open, names);
    }
    return names;
  }

  /** the condition of a rule with the class's limits, made again only when the limits differ from the last ones */
  private classCondition(slot: RuleSlot, l: AppliedLimits): ConditionFn {
    if (slot.classCondition === undefined || slot.classLow !== l.low || slot.classHigh !== l.high || slot.classMkt !== l.mkt) {
      slot.classLow = l.low;
      slot.classHigh = l.high;
      slot.classMkt = l.mkt;
      slot.classRule = withLimits(slot.rule, l);
      slot.classCondition = this.conditionOf(slot.classRule);
    }
    return slot.classCondition;
  }

  /** a default key's state for a rule, kept in the row: the row's device and resource are the state's for good */
  private bindState(row: KeyRow, index: number, slot: RuleSlot): KeyState {
    const state = (slot.table[row.key] ??= newKeyState());
    if (state.deviceName !== row.deviceName) state.deviceName = row.deviceName;
    if (state.resourceName !== row.resourceName) state.resourceName = row.resourceName;
    row.states[index] = state;
    return state;
  }

  private rowOf(deviceName: string, resourceName: string): KeyRow {
    const rows = this.keyIndex.get(deviceName);
    if (rows) {
      if (rows.first.resourceName === resourceName) return rows.first;
      const row = rows.others?.get(resourceName);
      if (row) return row;
    }
    const row = this.newRow(deviceName, resourceName);
    if (!rows) this.keyIndex.set(deviceName, { first: row, others: undefined });
    else (rows.others ??= new Map()).set(resourceName, row);
    return row;
  }

  private newRow(deviceName: string, resourceName: string): KeyRow {
    const slots: number[] = [];
    this.slots.forEach((slot, i) => {
      if (slot.resource !== undefined && slot.resource !== resourceName) return;
      if (slot.device !== undefined && slot.device !== deviceName) return;
      slots.push(i);
    });
    return { deviceName, resourceName, key: `${deviceName}/${resourceName}`, slots, states: new Array<KeyState | undefined>(this.slots.length) };
  }

  /** timer-driven rules (no data): call every second or so with the current time */
  tick(now: number): Alert[] {
    const alerts: Alert[] = [];
    for (const slot of this.slots) {
      if (slot.rule.type !== "nodata") continue;
      const seconds = slot.rule.seconds;
      for (const [key, s] of Object.entries(this.states[slot.name])) {
        if (s.alert || s.lastSeen === undefined) continue;
        if (now - s.lastSeen >= seconds * 1000) {
          s.alert = { alertId: nextAlertId(), start: s.lastSeen, peak: (now - s.lastSeen) / 1000, lastUpdate: now, deviceName: s.deviceName ?? "", resourceName: s.resourceName ?? "" };
          alerts.push(this.alert(slot, key, s.alert, "raised", now, (now - s.lastSeen) / 1000));
        }
      }
    }
    return alerts;
  }

  private step(slot: RuleSlot, key: string, s: KeyState, reading: Reading, judging: Judged, cause: string, condition: ConditionFn): Alert | undefined {
    if (slot.nodata) {
      s.lastSeen = Date.now();
      if (s.alert) return this.close(slot, key, s, reading.origin, 0, undefined, cause);
      return undefined;
    }
    if (!Number.isFinite(judging.v)) return undefined;
    return this.transition(slot, key, s, reading, condition(s, judging), cause);
  }

  /** the alert's life after one reading's condition: raise after the rule's duration, update at a new peak, clear */
  private transition(slot: RuleSlot, key: string, s: KeyState, reading: Reading, c: Condition | undefined, cause: string): Alert | undefined {
    if (!c) return undefined;
    const t = reading.origin;
    const open = s.alert;
    if (!open) {
      if (!c.active) {
        s.pendingSince = undefined;
        return undefined;
      }
      s.pendingSince ??= t;
      if (t - s.pendingSince < slot.forMs) return undefined;
      s.alert = { alertId: nextAlertId(), start: s.pendingSince, peak: c.value, lastUpdate: t, deviceName: reading.deviceName, resourceName: reading.resourceName, units: reading.units };
      return this.alert(slot, key, s.alert, "raised", t, c.value, detailOf(c), cause);
    }
    if (!c.stillActive) return this.close(slot, key, s, t, c.value, detailOf(c), cause);
    const worse = c.lowerIsWorse ? c.value < open.peak : c.value > open.peak;
    if (worse) {
      open.peak = c.value;
      if (t - open.lastUpdate >= UPDATE_EVERY_MS) {
        open.lastUpdate = t;
        return this.alert(slot, key, open, "updated", t, c.value, detailOf(c), cause);
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

  private close(slot: RuleSlot, key: string, s: KeyState, t: number, value: number, detail: Record<string, unknown> | undefined, cause: string): Alert {
    const open = s.alert!;
    s.alert = undefined;
    s.pendingSince = undefined;
    const a = this.alert(slot, key, open, "cleared", t, value, detail, cause);
    a.end = t;
    return a;
  }

  private alert(slot: RuleSlot, key: string, open: OpenAlert, state: AlertState, t: number, value: number, detail?: Record<string, unknown>, cause?: string): Alert {
    const durationS = Math.max(0, (t - open.start) / 1000);
    // two literals rather than a spread of an optional field: the same fields in the same order, without an object per alert
    const a: Alert =
      cause !== undefined
        ? { alertId: open.alertId, causeEventId: cause, rule: slot.name, type: slot.type, severity: slot.severity, priority: slot.priority, state, key, deviceName: open.deviceName, resourceName: open.resourceName, start: open.start, at: t, durationS, value, peak: open.peak }
        : { alertId: open.alertId, rule: slot.name, type: slot.type, severity: slot.severity, priority: slot.priority, state, key, deviceName: open.deviceName, resourceName: open.resourceName, start: open.start, at: t, durationS, value, peak: open.peak };
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
    // a module function called with the engine's scratch condition, not a bound method: every engine (one per
    // set of limits) bound its own, so the conditions' calls saw many targets, were not inlined and boxed their doubles
    const c = this.scratch;
    switch (rule.type) {
      case "threshold": {
        const raise = rule.raise;
        const clear = rule.clear ?? rule.raise;
        if (rule.direction !== "below") return (_s, { v }) => judge(c, v > raise, v > clear, v, false, DetailKind.None, 0, 0);
        return (_s, { v }) => judge(c, v < raise, v < clear, v, true, DetailKind.None, 0, 0);
      }
      case "band": {
        const { low, high } = rule;
        const h = rule.hysteresis ?? 0;
        if (rule.when === "inside") return (_s, { v }) => judge(c, !(v < low || v > high), !(v < low - h || v > high + h), v, false, DetailKind.None, 0, 0);
        return (_s, { v }) => judge(c, v < low || v > high, v < low + h || v > high - h, v, v < low, DetailKind.None, 0, 0);
      }
      case "rate": {
        const windowMs = rule.windowS * 1000;
        const dir = rule.direction ?? "either";
        const perMinute = rule.perMinute;
        return (s, { t, v }) => {
          const samples = pushSample(s, t, v, windowMs);
          if (samples.length < 2) return judge(c, false, false, 0, false, DetailKind.None, 0, 0);
          const minutes = (t - samples.time(0)) / 60000;
          if (minutes <= 0) return undefined;
          const slope = (v - samples.value(0)) / minutes;
          const fast = dir === "rise" ? slope > perMinute : dir === "fall" ? slope < -perMinute : Math.abs(slope) > perMinute;
          return judge(c, fast, fast, Math.round(slope * 1000) / 1000, dir === "fall", DetailKind.Rate, slope, 0);
        };
      }
      case "tor": {
        const { low, high, budgetMin } = rule;
        const windowMs = rule.windowH * 3600 * 1000;
        return (s, { t, v }) => {
          // time out of range: each sample's out-of-range state lasts until the next sample
          pushOutOfRangeSample(s, t, v, windowMs, low, high);
          const minutes = s.windowSum!.sum / 60000;
          return judge(c, minutes > budgetMin, minutes > budgetMin, Math.round(minutes * 10) / 10, false, DetailKind.OutOfRange, minutes, budgetMin);
        };
      }
      case "mkt": {
        const deltaHOverR = rule.deltaHOverR ?? DEFAULT_DELTA_H_OVER_R;
        const windowMs = rule.windowH * 3600 * 1000;
        const limit = rule.limit;
        return (s, { t, v }) => {
          const samples = pushArrheniusSample(s, t, v, windowMs, deltaHOverR);
          // T_mk = (ΔH/R) / −ln(Σ e^(−ΔH/(R·T_i)) / n) − 273.15, as lib/rules/mkt.ts, from the running sum
          const mkt = deltaHOverR / -Math.log(s.windowSum!.sum / samples.length) - 273.15;
          const rounded = Math.round(mkt * 100) / 100;
          return judge(c, mkt > limit, mkt > limit, rounded, false, DetailKind.Mkt, rounded, samples.length);
        };
      }
      case "stock": {
        const { unitWeight, reorderPoint, targetStock } = rule;
        const tare = rule.tare ?? 0;
        if (!(unitWeight > 0)) return () => undefined;
        return (_s, { v }) => {
          // the nearest whole number of units: a weight cell's noise around an exact count must not flip it by one
          // (a floor made 6 units read 5 or 6 by turns, raising and clearing the same shortage every few readings)
          const count = Math.max(0, Math.round((v - tare) / unitWeight));
          const quantity = Math.max(0, targetStock - count);
          return judge(c, count < reorderPoint, count < reorderPoint, count, true, DetailKind.Stock, quantity, targetStock);
        };
      }
    }
    return () => undefined;
  }
}

/** the condition's verdict, written into the engine's one scratch condition */
function judge(c: Condition, active: boolean, stillActive: boolean, value: number, lowerIsWorse: boolean, detail: DetailKind, a: number, b: number): Condition {
  c.active = active;
  c.stillActive = stillActive;
  c.value = value;
  c.lowerIsWorse = lowerIsWorse;
  c.detail = detail;
  c.a = a;
  c.b = b;
  return c;
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
