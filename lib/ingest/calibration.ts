/**
 * Probe calibration: an offset per probe (device and resource) from its calibration certificate, added to the
 * reading after unit conversion (so in the resource's units), with the certificate's id and due date kept on
 * every reading it corrected. The table is one probe per line:
 *   truck-01/returnAir  -0.3  CAL-2026-0114  2027-03-31
 * (device/resource, offset, then optionally the certificate id and the due date, in either order). A due date
 * alone (YYYY-MM-DD) is valid through that day, UTC.
 */

export interface ProbeCalibration {
  offset: number;
  certificate?: string;
  /** epoch ms: the last instant the calibration is valid */
  due?: number;
}

export type CalibrationTable = Map<string, ProbeCalibration>;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T/;

export function probeKey(deviceName: string, resourceName: string): string {
  return `${deviceName}/${resourceName}`;
}

export function parseCalibrationTable(text: string | undefined): CalibrationTable {
  const table: CalibrationTable = new Map();
  if (!text) return table;
  text.split("\n").forEach((line, i) => {
    const tokens = line.replace(/#.*$/, "").trim().split(/\s+/).filter(Boolean);
    if (tokens.length === 0) return;
    const where = `calibration line ${i + 1}`;
    const slash = tokens[0].lastIndexOf("/");
    if (slash <= 0 || slash === tokens[0].length - 1) throw new Error(`${where}: '${tokens[0]}' is not device/resource`);
    if (tokens.length < 2) throw new Error(`${where}: no offset after ${tokens[0]}`);
    const offset = Number(tokens[1]);
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(tokens[1]) || !Number.isFinite(offset)) throw new Error(`${where}: the offset '${tokens[1]}' is not a number`);
    const entry: ProbeCalibration = { offset };
    for (const t of tokens.slice(2)) {
      if (DATE_ONLY.test(t) || DATE_TIME.test(t)) {
        if (entry.due !== undefined) throw new Error(`${where}: two due dates`);
        const ms = DATE_ONLY.test(t) ? Date.parse(`${t}T00:00:00Z`) + 86_400_000 - 1 : Date.parse(t);
        if (!Number.isFinite(ms)) throw new Error(`${where}: the due date '${t}' is not a date`);
        entry.due = ms;
      } else {
        if (entry.certificate !== undefined) throw new Error(`${where}: '${t}' is neither a due date (YYYY-MM-DD) nor the only certificate id`);
        entry.certificate = t;
      }
    }
    const key = tokens[0];
    if (table.has(key)) throw new Error(`${where}: ${key} is calibrated twice`);
    table.set(key, entry);
  });
  return table;
}
