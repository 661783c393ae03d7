/** Faults a simulation can inject, on a schedule or by message. */
export type FaultKind = "door-open" | "compressor-failure" | "power-cut" | "sensor-dropout" | "network-outage";

export const FAULT_KINDS: readonly FaultKind[] = ["door-open", "compressor-failure", "power-cut", "sensor-dropout", "network-outage"];

export interface Fault {
  kind: FaultKind;
  /** device name, or "*" for every device (network outages are gateway-wide) */
  device: string;
  /** simulated seconds since the start of the run */
  startS: number;
  /** simulated seconds; Infinity for a fault that lasts until cleared */
  durationS: number;
}

export function isFaultKind(value: unknown): value is FaultKind {
  return typeof value === "string" && (FAULT_KINDS as readonly string[]).includes(value);
}

export function faultActive(fault: Fault, device: string, nowS: number): boolean {
  return (fault.device === "*" || fault.device === device) && nowS >= fault.startS && nowS < fault.startS + fault.durationS;
}

/** The editor's fault schedule: a JSON array of {fault, device, atS, durationS}. */
export function parseFaultSchedule(text: string | undefined): Fault[] {
  if (!text || !text.trim()) return [];
  const list: unknown = JSON.parse(text);
  if (!Array.isArray(list)) throw new Error("the fault schedule must be a JSON array");
  return list.map((item, i) => {
    const f = item as Record<string, unknown>;
    if (!isFaultKind(f.fault)) throw new Error(`entry ${i}: unknown fault '${String(f.fault)}'`);
    const startS = Number(f.atS ?? 0);
    const durationS = f.durationS === undefined ? Infinity : Number(f.durationS);
    if (!Number.isFinite(startS) || startS < 0 || Number.isNaN(durationS) || durationS < 0) throw new Error(`entry ${i}: atS and durationS must be non-negative numbers`);
    return { kind: f.fault, device: typeof f.device === "string" && f.device ? f.device : "*", startS, durationS };
  });
}
