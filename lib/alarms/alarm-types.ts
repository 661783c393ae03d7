/**
 * The alarms edge-alarms keeps: an alert from edge-rules (raised, updated, cleared) becomes an alarm with an
 * operator's life on top of the condition's (ISA-18.2): acknowledged or not, shelved, suppressed, escalated.
 * Times are epoch ms of the caller's clock (the gateway's), never the readings'.
 */
import { PRIORITY } from "../contract/message";

export type AlarmSeverity = "critical" | "major" | "minor" | "info";
export const SEVERITIES: readonly AlarmSeverity[] = ["critical", "major", "minor", "info"];
export const SEVERITY_RANK: Record<AlarmSeverity, number> = { critical: PRIORITY.critical, major: PRIORITY.major, minor: PRIORITY.minor, info: PRIORITY.bulk };

/** msg.priority for a severity; unknown ones are bulk */
export function severityPriority(severity: unknown): number {
  return typeof severity === "string" && severity in SEVERITY_RANK ? SEVERITY_RANK[severity as AlarmSeverity] : PRIORITY.bulk;
}

/** an alert as edge-rules sends it (alertId and causeEventId once alerts carry an identity of their own) */
export interface AlertIn {
  rule: string;
  type?: string;
  severity: string;
  priority?: number;
  state: "raised" | "updated" | "cleared";
  key: string;
  deviceName: string;
  resourceName: string;
  start: number;
  end?: number;
  durationS?: number;
  value?: number;
  peak?: number;
  units?: string;
  alertId?: string;
  causeEventId?: string;
  [field: string]: unknown;
}

/**
 * ISA-18.2's alarm states: the condition (active or cleared) crossed with the operator (acknowledged or not).
 * "normal" is cleared and acknowledged: the alarm is closed.
 */
export type AlarmState = "active-unacknowledged" | "active-acknowledged" | "cleared-unacknowledged" | "normal";

/** what happened to the alarm in the message that reports it */
export type Transition = "raised" | "updated" | "cleared" | "acknowledged" | "shelved" | "unshelved" | "reminder" | "escalated";

export interface Acknowledgement {
  by: string;
  comment: string;
  at: number;
}

export interface Shelf {
  /** the alarm it was shelved by; the shelf covers its point (rule and key), so a re-raise stays shelved */
  alarmId: string;
  until: number;
  reason: string;
  by: string;
  at: number;
  /** the alert as it was when shelved, to report the point when it is unshelved after the alarm ended */
  alert: AlertIn;
}

export interface EscalationStep {
  /** minutes after annunciation, while still unacknowledged */
  afterMin: number;
  severity: AlarmSeverity;
}

export interface AlarmRecord {
  alarmId: string;
  /** rule and key: the alarm point, which shelving acts on */
  point: string;
  alert: AlertIn;
  active: boolean;
  /** when the alert reached us */
  receivedAt: number;
  /** when the operator was first (or, after unshelving, again) told; undefined while held back */
  annunciatedAt?: number;
  /** the last message to the operator (annunciation or reminder), for the reminder interval */
  notifiedAt?: number;
  acknowledged?: Acknowledgement;
  escalationLevel: number;
  severity: AlarmSeverity;
  /** suppression windows that held it back, while they do */
  suppressedBy?: string[];
}

/** an alarm as every message and the list show it */
export interface AlarmView extends Omit<AlertIn, "state"> {
  alarmId: string;
  transition?: Transition;
  state: AlarmState;
  /** the alert's own state (raised, updated, cleared) */
  alertState: AlertIn["state"];
  severity: AlarmSeverity;
  priority: number;
  acknowledged: Acknowledgement | null;
  shelved: { until: number; reason: string; by: string } | null;
  escalationLevel: number;
  /** names of the suppression windows holding it back; empty when annunciated */
  suppressed: string[];
  receivedAt: number;
  annunciatedAt: number | null;
}

export type AlarmOutput = "alarms" | "escalations";

export interface Emission {
  output: AlarmOutput;
  view: AlarmView;
}

export interface AlarmSettings {
  /** minutes between reminders of an unacknowledged active alarm; 0: none */
  reminderMin: number;
  /** in order of afterMin */
  escalation: EscalationStep[];
  /** the longest an operator may shelve for (ISA-18.2: shelving is always time-limited) */
  maxShelveMin: number;
}
