/**
 * Operators' commands as they arrive from a dashboard, MQTT or HTTP: the command is payload.command or the
 * topic's last segment ("ack", "alarms/store-1/shelve"), its arguments the payload. A command that cannot be
 * carried out is refused with an error that says why (the node hands it to done(err), so a Catch node sees it).
 */
export type Command =
  | { command: "ack"; alarmId: string; by: string; comment: string }
  | { command: "shelve"; alarmId: string; by: string; minutes: number; reason: string }
  | { command: "unshelve"; alarmId: string; by: string }
  | { command: "list" }
  | { command: "suppress"; name: string; unit: string; minutes: number; resources?: string[]; rules?: string[] }
  | { command: "unsuppress"; name: string; unit: string };

export const COMMANDS = ["ack", "shelve", "unshelve", "list", "suppress", "unsuppress"] as const;
const ALIASES: Record<string, Command["command"]> = { acknowledge: "ack" };

/** a refused command; named plain "Error" so Node-RED's error.message is the reason alone */
export class CommandError extends Error {}

/** a command's payload as an object: MQTT and raw HTTP bodies may carry it as JSON text or a Buffer */
export function commandPayload(payload: unknown): unknown {
  const text = Buffer.isBuffer(payload) ? payload.toString("utf8") : payload;
  if (typeof text !== "string" || !/^\s*\{/.test(text)) return payload;
  try {
    return JSON.parse(text);
  } catch {
    throw new CommandError("the command's payload is not valid JSON");
  }
}

/** the command a message names, or undefined when it names none */
export function commandName(topic: unknown, payload: unknown): Command["command"] | undefined {
  const fromPayload = payload && typeof payload === "object" ? (payload as Record<string, unknown>).command : undefined;
  const raw = typeof fromPayload === "string" ? fromPayload : typeof topic === "string" ? topic.slice(topic.lastIndexOf("/") + 1) : "";
  const name = raw.trim().toLowerCase();
  if ((COMMANDS as readonly string[]).includes(name)) return name as Command["command"];
  return ALIASES[name];
}

export function parseCommand(name: Command["command"], payload: unknown): Command {
  const p = payload && typeof payload === "object" ? (payload as Record<string, unknown>) : {};
  switch (name) {
    case "list":
      return { command: "list" };
    case "ack":
      return { command: "ack", alarmId: text(p, "alarmId", name), by: text(p, "by", name), comment: optionalText(p, "comment") };
    case "shelve": {
      const minutes = positive(p, "minutes", name);
      return { command: "shelve", alarmId: text(p, "alarmId", name), by: text(p, "by", name), minutes, reason: text(p, "reason", name) };
    }
    case "unshelve":
      return { command: "unshelve", alarmId: text(p, "alarmId", name), by: text(p, "by", name) };
    case "suppress":
      return { command: "suppress", name: text(p, "reason", name), unit: text(p, "unit", name), minutes: positive(p, "minutes", name), resources: list(p.resources), rules: list(p.rules) };
    case "unsuppress":
      return { command: "unsuppress", name: text(p, "reason", name), unit: text(p, "unit", name) };
  }
}

function text(p: Record<string, unknown>, field: string, command: string): string {
  const v = p[field];
  if (typeof v !== "string" || v.trim() === "") throw new CommandError(`${command}: payload.${field} must be a non-empty string`);
  return v.trim();
}

function optionalText(p: Record<string, unknown>, field: string): string {
  const v = p[field];
  return typeof v === "string" ? v.trim() : "";
}

function positive(p: Record<string, unknown>, field: string, command: string): number {
  const v = typeof p[field] === "string" ? Number(p[field]) : p[field];
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) throw new CommandError(`${command}: payload.${field} must be a number of minutes above 0`);
  return v;
}

function list(v: unknown): string[] | undefined {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string" && x !== "");
  if (typeof v === "string" && v.trim()) return v.split(",").map((s) => s.trim()).filter(Boolean);
  return undefined;
}
