/**
 * A probe used past its calibration's due date: edge-ingest puts the calibration that corrected a reading on it
 * (reading.calibration {offset, certificate, due}); a reading taken after the due date raises an info alert for
 * that probe (device and resource), repeated once a day of the readings' time while it stays overdue, cleared
 * once the probe's readings carry a calibration that is due later (a new certificate).
 */
import type { Reading } from "../ingest/event";

export const CALIBRATION_RULE = "calibration overdue";
const DAY_MS = 86_400_000;

export interface Calibration {
  offset: number;
  certificate?: string;
  /** epoch ms */
  due?: number;
}

export interface OverdueState {
  alertId: string;
  /** the due date it is overdue since */
  start: number;
  lastNotified: number;
  certificate?: string;
  deviceName: string;
  resourceName: string;
}

export type OverdueTransition = { state: "raised" | "updated" | "cleared"; key: string; open: OverdueState; at: number; daysOverdue: number; certificate?: string; due?: number };

export function calibrationOf(reading: Reading): Calibration | undefined {
  const c = (reading as Reading & { calibration?: unknown }).calibration;
  if (!c || typeof c !== "object") return undefined;
  const { offset, certificate, due } = c as Record<string, unknown>;
  if (typeof offset !== "number") return undefined;
  return { offset, ...(typeof certificate === "string" ? { certificate } : {}), ...(typeof due === "number" && Number.isFinite(due) ? { due } : {}) };
}

/** the transition (if any) this reading causes; states is changed in place */
export function checkCalibration(states: Record<string, OverdueState>, reading: Reading, newId: () => string): OverdueTransition | undefined {
  const c = calibrationOf(reading);
  if (!c || c.due === undefined) return undefined;
  const key = `${reading.deviceName}/${reading.resourceName}`;
  const t = reading.origin;
  const open = states[key];
  const days = (t - c.due) / DAY_MS;
  if (t > c.due) {
    if (!open) {
      const fresh: OverdueState = { alertId: newId(), start: c.due, lastNotified: t, certificate: c.certificate, deviceName: reading.deviceName, resourceName: reading.resourceName };
      states[key] = fresh;
      return { state: "raised", key, open: fresh, at: t, daysOverdue: days, certificate: c.certificate, due: c.due };
    }
    if (t - open.lastNotified >= DAY_MS) {
      open.lastNotified = t;
      return { state: "updated", key, open, at: t, daysOverdue: days, certificate: c.certificate, due: c.due };
    }
    return undefined;
  }
  if (open) {
    delete states[key];
    return { state: "cleared", key, open, at: t, daysOverdue: 0, certificate: c.certificate, due: c.due };
  }
  return undefined;
}
