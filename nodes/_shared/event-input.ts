/**
 * The normalised event a node receives: an edge-ingest event in msg.payload, or, for flows of the user's own,
 * a single reading or a bare number (named by msg.topic).
 */
import { randomUUID } from "crypto";
import type { EdgeEvent, Reading } from "../../lib/ingest/event";

export function asEvent(payload: unknown, topic: unknown, now = Date.now()): EdgeEvent {
  if (payload && typeof payload === "object" && Array.isArray((payload as EdgeEvent).readings)) return payload as EdgeEvent;
  const name = typeof topic === "string" && topic ? topic : "value";
  const [deviceName, resourceName] = name.includes("/") ? [name.slice(0, name.lastIndexOf("/")), name.slice(name.lastIndexOf("/") + 1)] : [name, "value"];
  let reading: Reading;
  if (payload && typeof payload === "object" && "value" in (payload as object)) {
    const r = payload as Partial<Reading>;
    reading = { id: r.id ?? randomUUID(), origin: r.origin ?? now, deviceName: r.deviceName ?? deviceName, resourceName: r.resourceName ?? resourceName, profileName: r.profileName ?? "", valueType: r.valueType ?? "Float64", value: r.value as Reading["value"], units: r.units };
  } else if (typeof payload === "number" || typeof payload === "boolean") {
    reading = { id: randomUUID(), origin: now, deviceName, resourceName, profileName: "", valueType: typeof payload === "number" ? "Float64" : "Bool", value: payload };
  } else {
    throw new Error("msg.payload must be a normalised event (from edge-ingest), a reading {value, …}, or a number");
  }
  return { id: randomUUID(), deviceName: reading.deviceName, profileName: reading.profileName, sourceName: reading.resourceName, origin: reading.origin, readings: [reading] };
}
