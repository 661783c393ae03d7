/**
 * What of a message goes into the record: readings (a normalised event's, or one reading), alert transitions
 * (edge-rules' alerts, or edge-alarms' record output with the alarm's id), alarm transitions and acknowledgements
 * (edge-alarms' alarms and escalations), and configuration changes an operator declares (topic "config").
 * Undefined when the message is none of these, so the node can refuse it with the reason.
 */
import { eventIdOf, toEpochMs } from "../contract/message";
import type { EntryKind } from "./entry";

export interface Recordable {
  kind: EntryKind;
  data: Record<string, unknown>;
}

export class RecordInputError extends Error {}

const ALARM_STATES = ["active-unacknowledged", "active-acknowledged", "cleared-unacknowledged", "normal"];
const ALERT_STATES = ["raised", "updated", "cleared"];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v) && !Buffer.isBuffer(v);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

export function recordablesOf(msg: Obj): Recordable[] | undefined {
  const p = msg.payload;
  if (msg.topic === "config") return [configNote(p)];
  if (!isObj(p)) return undefined;
  if (str(p.alarmId) && typeof p.transition === "string" && ALARM_STATES.includes(p.state as string)) return [alarmEntry(p, msg)];
  if (typeof p.rule === "string" && ALERT_STATES.includes(p.state as string) && str(p.deviceName)) return [alertEntry(p, msg)];
  if (Array.isArray(p.readings)) {
    const readings = p.readings.filter(isObj).filter((r) => str(r.deviceName ?? p.deviceName) && str(r.resourceName));
    return readings.length ? readings.map((r) => readingEntry(r, p, msg)) : undefined;
  }
  if (str(p.deviceName) && str(p.resourceName) && "value" in p) return [readingEntry(p, p, msg)];
  return undefined;
}

function readingEntry(r: Obj, event: Obj, msg: Obj): Recordable {
  const value = r.value;
  const metadata = isObj(event.metadata) ? event.metadata : {};
  return {
    kind: "reading",
    data: {
      device: str(r.deviceName) ?? str(event.deviceName),
      resource: r.resourceName,
      value: typeof value === "number" || typeof value === "boolean" || typeof value === "string" ? value : value === undefined ? null : value,
      units: str(r.units),
      origin: toEpochMs(r.origin) ?? toEpochMs(event.origin),
      readingId: str(r.id),
      eventId: eventIdOf(msg),
      trip: str(msg.trip) ?? str(event.trip) ?? str(metadata.trip),
      flags: Array.isArray(r.flags) ? r.flags : undefined,
      // calibration as edge-ingest or edge-rules attach it: the offset applied and the raw value
      calibration: isObj(r.calibration) ? r.calibration : undefined,
    },
  };
}

function alertEntry(p: Obj, msg: Obj): Recordable {
  return {
    kind: "alert",
    data: {
      alertId: str(p.alertId),
      alarmId: str(p.alarmId),
      rule: p.rule,
      type: str(p.type),
      severity: str(p.severity),
      state: p.state,
      key: str(p.key),
      device: p.deviceName,
      resource: str(p.resourceName),
      start: num(p.start),
      end: num(p.end),
      value: num(p.value),
      peak: num(p.peak),
      units: str(p.units),
      durationS: num(p.durationS),
      suppressed: Array.isArray(p.suppressed) && p.suppressed.length ? p.suppressed : undefined,
      shelved: p.shelved === true ? true : undefined,
      eventId: eventIdOf(msg),
      causeEventId: str(p.causeEventId),
    },
  };
}

function alarmEntry(p: Obj, msg: Obj): Recordable {
  const ack = isObj(p.acknowledged) ? p.acknowledged : undefined;
  const common = { alarmId: p.alarmId, alertId: str(p.alertId), rule: str(p.rule), device: str(p.deviceName), resource: str(p.resourceName), state: p.state, eventId: eventIdOf(msg) };
  if (p.transition === "acknowledged" && ack) return { kind: "ack", data: { ...common, by: str(ack.by), comment: typeof ack.comment === "string" ? ack.comment : "", ackAt: num(ack.at) } };
  return {
    kind: "alarm",
    data: {
      ...common,
      transition: p.transition,
      severity: str(p.severity),
      alertState: str(p.alertState),
      start: num(p.start),
      end: num(p.end),
      value: num(p.value),
      peak: num(p.peak),
      units: str(p.units),
      escalationLevel: num(p.escalationLevel),
      shelved: isObj(p.shelved) ? p.shelved : undefined,
      suppressed: Array.isArray(p.suppressed) && p.suppressed.length ? p.suppressed : undefined,
      acknowledged: ack,
    },
  };
}

/** a configuration change made elsewhere (a controller's setpoint, a probe swapped), declared by an operator */
function configNote(p: unknown): Recordable {
  if (!isObj(p)) throw new RecordInputError("a configuration note (topic config) needs payload {by, what}");
  const by = str(p.by);
  const what = str(p.what);
  if (!by || !what) throw new RecordInputError("a configuration note (topic config) needs payload.by and payload.what, non-empty strings");
  return { kind: "config", data: { source: "operator", by, what, device: str(p.device), details: isObj(p.details) ? p.details : undefined } };
}
