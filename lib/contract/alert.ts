/**
 * Alert identity, for every producer of alerts (edge-rules today, alarms later). An alert has a life — raised,
 * updated, cleared — and two identities:
 * - `alertId` (in the payload): the same over the whole life, so a consumer folds the transitions into one alert;
 * - `msg.eventId`: one per transition, never the id of the event that caused it, so a durable queue that holds
 *   that event as well keeps both (it de-duplicates on msg.eventId).
 * `causeEventId` (in the payload) names the event that raised, updated or cleared the alert.
 */
import { randomUUID } from "crypto";
import { PRIORITY } from "./message";
import { nameHashUuid } from "./name-hash";

export type AlertState = "raised" | "updated" | "cleared";
export type AlertSeverity = "critical" | "major" | "minor" | "info";

export const SEVERITY_PRIORITY: Record<AlertSeverity, number> = {
  critical: PRIORITY.critical,
  major: PRIORITY.major,
  minor: PRIORITY.minor,
  info: PRIORITY.bulk,
};

/** msg.priority for an alert of this severity; an unknown severity is bulk */
export function alertPriority(severity: unknown): number {
  return typeof severity === "string" && severity in SEVERITY_PRIORITY ? SEVERITY_PRIORITY[severity as AlertSeverity] : PRIORITY.bulk;
}

/** what every alert payload carries, whoever raised it */
export interface AlertIdentity {
  /** the same from raised through updated to cleared */
  alertId: string;
  state: AlertState;
  /** msg.eventId of the event that raised, updated or cleared the alert; absent when a timer did */
  causeEventId?: string;
}

/** the id of a new alert's life (at its raise) */
export function newAlertId(): string {
  return randomUUID();
}

/**
 * msg.eventId of one transition: unique per alert, state and time (an alert is updated at most once per instant),
 * and the same when the same transition is sent again. A name-based UUID from a non-cryptographic 128-bit hash
 * (see name-hash.ts for why that is enough): alerts come by the thousand per second when a fleet crosses a band.
 */
export function alertEventId(identity: AlertIdentity, at: number): string {
  return nameHashUuid(`${identity.alertId}\u0000${identity.state}@${at}`);
}

export interface AlertMessage<P extends AlertIdentity> {
  topic: string;
  payload: P;
  eventId: string;
  priority: number;
}

/** the message of one transition of an alert: its own eventId, the priority of its severity */
export function alertMessage<P extends AlertIdentity & { severity?: unknown }>(payload: P, topic: string, at: number): AlertMessage<P> {
  return { topic, payload, eventId: alertEventId(payload, at), priority: alertPriority(payload.severity) };
}
