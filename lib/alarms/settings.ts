/** The alarm settings as the editor saves them (text and strings), parsed once with errors that name the field. */
import { AlarmSeverity, EscalationStep, SEVERITIES } from "./alarm-types";
import type { SuppressionSource } from "./suppression";

/** "15:major, 30:critical": after 15 minutes unacknowledged major, after 30 critical */
export function parseEscalation(text: string | undefined): EscalationStep[] {
  if (!text || !text.trim()) return [];
  return text.split(",").map((part) => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*:\s*(\w+)\s*$/.exec(part);
    if (!m) throw new Error(`escalation step ${JSON.stringify(part.trim())} is not "minutes:severity" (e.g. 15:major)`);
    const severity = m[2].toLowerCase();
    if (!(SEVERITIES as readonly string[]).includes(severity)) throw new Error(`escalation step ${JSON.stringify(part.trim())}: severity must be one of ${SEVERITIES.join(", ")}`);
    return { afterMin: Number(m[1]), severity: severity as AlarmSeverity };
  });
}

/** one "device = unit" per line (or comma), for suppression across devices */
export function parseUnitTable(text: string | undefined): Record<string, string> {
  const table: Record<string, string> = {};
  if (!text) return table;
  for (const line of text.split(/[\n,]/)) {
    if (!line.trim()) continue;
    const m = /^\s*([^=]+?)\s*=\s*(.+?)\s*$/.exec(line);
    if (!m) throw new Error(`unit mapping ${JSON.stringify(line.trim())} is not "device = unit"`);
    table[m[1]] = m[2];
  }
  return table;
}

export interface SourceDef {
  name?: string;
  resource?: string;
  device?: string;
  activeWhen?: string;
  graceMin?: string | number;
  maxMin?: string | number;
  resources?: string;
  rules?: string;
}

const names = (s: string | undefined) => (s ? s.split(",").map((x) => x.trim()).filter(Boolean) : []);
const minutes = (v: string | number | undefined) => (v === undefined || v === "" ? 0 : Number(v));

export function parseSources(defs: SourceDef[] | undefined): SuppressionSource[] {
  return (defs ?? []).map((d, i) => {
    const graceMin = minutes(d.graceMin);
    const maxMin = minutes(d.maxMin);
    if (!Number.isFinite(graceMin) || graceMin < 0) throw new Error(`suppression source ${i + 1}: grace must be 0 or more minutes`);
    if (!Number.isFinite(maxMin) || maxMin < 0) throw new Error(`suppression source ${i + 1}: the limit must be 0 or more minutes`);
    return {
      name: (d.name ?? "").trim(),
      resource: (d.resource ?? "").trim(),
      ...(d.device?.trim() ? { device: d.device.trim() } : {}),
      activeWhen: d.activeWhen === "false" ? "false" : "true",
      graceMin,
      ...(maxMin ? { maxMin } : {}),
      resources: names(d.resources),
      rules: names(d.rules),
    };
  });
}
