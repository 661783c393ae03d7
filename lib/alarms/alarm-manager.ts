/**
 * The alarm lifecycle (ISA-18.2 as continuous-monitoring systems run it) over edge-rules' alerts:
 * active-unacknowledged → active-acknowledged → normal, or active-unacknowledged → cleared-unacknowledged →
 * normal; acknowledgement with who, comment and when; shelving of an alarm point for a limited time; reminders
 * while unacknowledged; escalation steps; suppression windows that hold alarms back without touching the
 * record. Time is the caller's `now` and all state is plain data (snapshot/restore), so it is tested without
 * waiting and survives restarts.
 */
import {
  AlarmRecord, AlarmSettings, AlarmSeverity, AlarmState, AlarmView, AlertIn, Emission, SEVERITIES, SEVERITY_RANK, Shelf, Transition, severityPriority,
} from "./alarm-types";
import { Command, CommandError } from "./commands";
import { Suppression, SuppressionWindow } from "./suppression";

export interface AlarmsSnapshot {
  version: 1;
  alarms: Record<string, AlarmRecord>;
  shelves: Record<string, Shelf>;
  windows: Record<string, SuppressionWindow>;
}

/** what an alert did: its alarm's identity and whether it was held back, for the record output */
export interface AlertOutcome {
  alarmId: string;
  suppressed: string[];
  shelved: boolean;
  emissions: Emission[];
}

export interface CommandResult {
  /** the reply to the command (the alarm after it, or the list) */
  reply: unknown;
  emissions: Emission[];
}

/** the alarm's identity: the alert's own id when it has one, else its key and start (unique per excursion) */
export function alarmIdOf(a: AlertIn): string {
  return typeof a.alertId === "string" && a.alertId ? a.alertId : `${a.key}:${a.start}`;
}

export function validAlert(payload: unknown): payload is AlertIn {
  if (!payload || typeof payload !== "object") return false;
  const a = payload as Record<string, unknown>;
  return typeof a.rule === "string" && (a.state === "raised" || a.state === "updated" || a.state === "cleared") && typeof a.key === "string" && typeof a.start === "number";
}

export class AlarmManager {
  private alarms: Record<string, AlarmRecord> = {};
  private shelves: Record<string, Shelf> = {};

  constructor(
    private readonly settings: AlarmSettings,
    readonly suppression: Suppression = new Suppression([]),
  ) {
    for (const s of settings.escalation) {
      if (!(s.afterMin > 0)) throw new Error("an escalation step needs a number of minutes above 0");
      if (!SEVERITIES.includes(s.severity)) throw new Error(`escalation severity ${JSON.stringify(s.severity)} is not one of ${SEVERITIES.join(", ")}`);
    }
    this.settings = { ...settings, escalation: [...settings.escalation].sort((a, b) => a.afterMin - b.afterMin) };
  }

  onAlert(alert: AlertIn, now: number): AlertOutcome {
    const alarmId = alarmIdOf(alert);
    const point = `${alert.rule}|${alert.key}`;
    let a = this.alarms[alarmId];
    const emissions: Emission[] = [];
    if (alert.state === "cleared") {
      if (!a) return { alarmId, suppressed: [], shelved: !!this.shelfOf(point, now), emissions };
      a.alert = { ...a.alert, ...alert };
      a.active = false;
      const held = a.annunciatedAt === undefined;
      const shelved = !!this.shelfOf(point, now);
      // never annunciated (suppressed or shelved throughout): the excursion ends silently, it stays in the record
      if (held || a.acknowledged) delete this.alarms[alarmId];
      if (!held && !shelved) emissions.push(this.emit(a, "cleared"));
      return { alarmId, suppressed: a.suppressedBy ?? [], shelved, emissions };
    }
    if (!a) {
      const severity = asSeverity(alert.severity);
      a = { alarmId, point, alert, active: true, receivedAt: now, escalationLevel: 0, severity };
      this.alarms[alarmId] = a;
      const suppressed = this.suppression.suppressing(alert, now);
      const shelved = !!this.shelfOf(point, now);
      if (suppressed.length) a.suppressedBy = suppressed;
      if (!suppressed.length && !shelved) {
        this.annunciate(a, now);
        emissions.push(this.emit(a, "raised"));
      }
      return { alarmId, suppressed, shelved, emissions };
    }
    a.alert = { ...a.alert, ...alert };
    a.active = true;
    const shelved = !!this.shelfOf(point, now);
    if (a.annunciatedAt !== undefined && !shelved) emissions.push(this.emit(a, "updated"));
    return { alarmId, suppressed: a.suppressedBy ?? [], shelved, emissions };
  }

  /** readings drive the suppression sources (door contacts, defrost flags) */
  onReading(r: { deviceName: string; resourceName: string; value: unknown }, now: number): boolean {
    return this.suppression.onReading(r, now);
  }

  command(c: Command, now: number): CommandResult {
    switch (c.command) {
      case "list":
        return { reply: this.list(), emissions: [] };
      case "ack": {
        const a = this.find(c.alarmId);
        if (a.acknowledged) throw new CommandError(`alarm ${c.alarmId} was already acknowledged by ${a.acknowledged.by}`);
        a.acknowledged = { by: c.by, comment: c.comment, at: now };
        if (!a.active) delete this.alarms[a.alarmId];
        const e = this.emit(a, "acknowledged");
        return { reply: e.view, emissions: this.shelfOf(a.point, now) ? [] : [e] };
      }
      case "shelve": {
        const a = this.find(c.alarmId);
        if (c.minutes > this.settings.maxShelveMin) throw new CommandError(`alarms may be shelved for at most ${this.settings.maxShelveMin} minutes`);
        this.shelves[a.point] = { alarmId: a.alarmId, until: now + c.minutes * 60000, reason: c.reason, by: c.by, at: now, alert: a.alert };
        const e = this.emit(a, "shelved");
        return { reply: e.view, emissions: [e] };
      }
      case "unshelve": {
        const entry = Object.entries(this.shelves).find(([point, s]) => s.alarmId === c.alarmId || this.alarms[c.alarmId]?.point === point);
        if (!entry) throw new CommandError(`alarm ${c.alarmId} is not shelved`);
        const emissions = this.unshelve(entry[0], now);
        return { reply: emissions[0]?.view ?? { alarmId: c.alarmId, state: "normal" }, emissions };
      }
      case "suppress":
        this.suppression.open(c.name, c.unit, now + c.minutes * 60000, c.resources, c.rules);
        return { reply: this.suppression.list(now), emissions: [] };
      case "unsuppress":
        if (!this.suppression.close(c.name, c.unit)) throw new CommandError(`no suppression "${c.name}" for ${c.unit}`);
        return { reply: this.suppression.list(now), emissions: this.tick(now) };
    }
  }

  /**
   * call every second or so: expired shelves, alarms whose suppression ended while the condition persists,
   * reminders and escalation steps
   */
  tick(now: number): Emission[] {
    const out: Emission[] = [];
    for (const [point, s] of Object.entries(this.shelves)) if (now >= s.until) out.push(...this.unshelve(point, now));
    this.suppression.prune(now);
    for (const a of Object.values(this.alarms)) {
      if (this.shelfOf(a.point, now)) continue;
      if (a.annunciatedAt === undefined) {
        if (!a.active) continue;
        const still = this.suppression.suppressing(a.alert, now);
        if (still.length) {
          a.suppressedBy = still;
          continue;
        }
        // the condition outlasted its suppression: the operator hears of it now
        a.suppressedBy = undefined;
        this.annunciate(a, now);
        out.push(this.emit(a, "raised"));
        continue;
      }
      if (!a.active || a.acknowledged) continue;
      const step = this.settings.escalation[a.escalationLevel];
      if (step && now - a.annunciatedAt >= step.afterMin * 60000) {
        a.escalationLevel++;
        if (SEVERITY_RANK[step.severity] < SEVERITY_RANK[a.severity]) a.severity = step.severity;
        out.push({ output: "escalations", view: this.view(a, "escalated") });
      }
      const every = this.settings.reminderMin * 60000;
      if (every > 0 && a.notifiedAt !== undefined && now - a.notifiedAt >= every) {
        a.notifiedAt = now;
        out.push(this.emit(a, "reminder"));
      }
    }
    return out;
  }

  /** the open alarms, most urgent first, then oldest */
  list(): AlarmView[] {
    return Object.values(this.alarms)
      .map((a) => this.view(a))
      .sort((x, y) => x.priority - y.priority || x.receivedAt - y.receivedAt);
  }

  counts(now: number): { active: number; unacknowledged: number; escalated: number; suppressed: number; shelved: number } {
    let active = 0, unacknowledged = 0, escalated = 0, suppressed = 0, shelved = 0;
    for (const a of Object.values(this.alarms)) {
      if (this.shelfOf(a.point, now)) {
        shelved++;
        continue;
      }
      if (a.annunciatedAt === undefined) {
        suppressed++;
        continue;
      }
      if (a.active) active++;
      if (!a.acknowledged) unacknowledged++;
      if (!a.acknowledged && a.escalationLevel > 0) escalated++;
    }
    return { active, unacknowledged, escalated, suppressed, shelved };
  }

  snapshot(): AlarmsSnapshot {
    return JSON.parse(JSON.stringify({ version: 1, alarms: this.alarms, shelves: this.shelves, windows: this.suppression.snapshot() }));
  }

  restore(s: AlarmsSnapshot | undefined): void {
    if (!s || s.version !== 1) return;
    this.alarms = { ...(s.alarms ?? {}) };
    this.shelves = { ...(s.shelves ?? {}) };
    this.suppression.restore(s.windows);
  }

  private unshelve(point: string, now: number): Emission[] {
    const shelf = this.shelves[point];
    delete this.shelves[point];
    const open = Object.values(this.alarms).filter((a) => a.point === point);
    const emissions: Emission[] = [];
    for (const a of open) {
      // re-evaluated: a condition that is still there is annunciated again, reminders and escalation start over
      if (a.annunciatedAt === undefined && !a.active) {
        delete this.alarms[a.alarmId];
        continue;
      }
      this.annunciate(a, now);
      emissions.push(this.emit(a, "unshelved"));
    }
    if (!emissions.length && shelf) {
      // the alarm ended while shelved: the operator's view drops it
      const ended: AlarmRecord = { alarmId: shelf.alarmId, point, alert: shelf.alert, active: false, receivedAt: shelf.at, escalationLevel: 0, severity: asSeverity(shelf.alert.severity) };
      emissions.push({ output: "alarms", view: { ...this.view(ended, "unshelved"), state: "normal" } });
    }
    return emissions;
  }

  private annunciate(a: AlarmRecord, now: number): void {
    a.annunciatedAt = now;
    a.notifiedAt = now;
  }

  private find(alarmId: string): AlarmRecord {
    const a = this.alarms[alarmId];
    if (!a) throw new CommandError(`no open alarm ${alarmId}`);
    return a;
  }

  private shelfOf(point: string, now: number): Shelf | undefined {
    const s = this.shelves[point];
    return s && now < s.until ? s : undefined;
  }

  private emit(a: AlarmRecord, transition: Transition): Emission {
    return { output: "alarms", view: this.view(a, transition) };
  }

  private view(a: AlarmRecord, transition?: Transition): AlarmView {
    const { state: alertState, ...fields } = a.alert;
    const shelf = this.shelves[a.point];
    const v: AlarmView = {
      ...fields,
      alarmId: a.alarmId,
      state: stateOf(a),
      alertState,
      severity: a.severity,
      priority: severityPriority(a.severity),
      acknowledged: a.acknowledged ?? null,
      shelved: shelf ? { until: shelf.until, reason: shelf.reason, by: shelf.by } : null,
      escalationLevel: a.escalationLevel,
      suppressed: a.suppressedBy ?? [],
      receivedAt: a.receivedAt,
      annunciatedAt: a.annunciatedAt ?? null,
    };
    if (transition) v.transition = transition;
    return v;
  }
}

function stateOf(a: Pick<AlarmRecord, "active" | "acknowledged">): AlarmState {
  if (a.active) return a.acknowledged ? "active-acknowledged" : "active-unacknowledged";
  return a.acknowledged ? "normal" : "cleared-unacknowledged";
}

function asSeverity(s: unknown): AlarmSeverity {
  return typeof s === "string" && (SEVERITIES as readonly string[]).includes(s) ? (s as AlarmSeverity) : "info";
}
