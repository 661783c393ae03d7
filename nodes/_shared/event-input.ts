/**
 * The normalised event a node receives: an edge-ingest event in msg.payload, an EdgeX v3 event DTO (converted:
 * ns → ms, string values typed), or, for flows of the user's own, a single reading or a bare number (named by
 * msg.topic). What is not an event throws an error that says why.
 */
import type { EdgeEvent } from "../../lib/ingest/event";
import { isEdgexDto, toEdgeEvent } from "../../lib/contract/edgex";

export function asEvent(payload: unknown, topic: unknown, now = Date.now()): EdgeEvent {
  if (payload && typeof payload === "object" && (Array.isArray((payload as EdgeEvent).readings) || isEdgexDto(payload))) {
    return toEdgeEvent(payload as Record<string, unknown>, now);
  }
  const name = typeof topic === "string" && topic ? topic : "value";
  const [deviceName, resourceName] = name.includes("/") ? [name.slice(0, name.lastIndexOf("/")), name.slice(name.lastIndexOf("/") + 1)] : [name, "value"];
  let reading: Record<string, unknown>;
  if (payload && typeof payload === "object" && "value" in (payload as object)) {
    const given = Object.entries(payload as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== null);
    reading = { deviceName, resourceName, profileName: "", valueType: "Float64", ...Object.fromEntries(given) };
  } else if (typeof payload === "number" || typeof payload === "boolean") {
    reading = { deviceName, resourceName, profileName: "", valueType: typeof payload === "number" ? "Float64" : "Bool", value: payload };
  } else {
    throw new Error("msg.payload must be a normalised event (from edge-ingest), an EdgeX event DTO, a reading {value, …}, or a number");
  }
  const event = toEdgeEvent({ readings: [reading] }, now);
  const r = event.readings[0];
  return { ...event, deviceName: r.deviceName, profileName: r.profileName, sourceName: r.resourceName };
}
