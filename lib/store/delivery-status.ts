/**
 * What a store-and-forward node's status says, from what its forwarder and queue report: green only while the
 * downstream acknowledges; otherwise the reason, within seconds. Plain data: the node turns it into text.
 */
import type { ForwarderState } from "./forwarder";

export type DeliveryCondition =
  /** the flows have not started yet: nothing is sent */
  | "starting"
  /** delivering and acknowledged (or idle) */
  | "online"
  /** records handed out, none acknowledged for a while (a downstream that takes and never answers) */
  | "unacknowledged"
  /** the breaker is half open: one record at a time */
  | "probing"
  /** the breaker is open: waiting for the next probe */
  | "offline"
  /** a write to disk failed (the queue retries it) */
  | "write-error"
  /** the downstream refuses records as not configured yet (an environment variable not set): they wait, grey */
  | "not-configured";

export interface DeliveryFacts {
  started: boolean;
  state: ForwarderState;
  /** how long records have waited with no acknowledgement (Forwarder.unacknowledgedForMs) */
  unacknowledgedMs: number;
  /** from this long without an ack, "online" is no longer true */
  stallAfterMs: number;
  writeError?: string;
  /** the last failed delivery was "not configured" (lib/common/not-configured.ts), and none has succeeded since */
  notConfigured?: boolean;
}

export function deliveryCondition(f: DeliveryFacts): DeliveryCondition {
  if (f.writeError !== undefined) return "write-error";
  if (!f.started) return "starting";
  if (f.notConfigured) return "not-configured";
  if (f.state !== "online") return f.state;
  return f.unacknowledgedMs >= f.stallAfterMs ? "unacknowledged" : "online";
}

export function conditionFill(c: DeliveryCondition): "green" | "yellow" | "red" | "grey" {
  if (c === "online") return "green";
  if (c === "not-configured") return "grey";
  return c === "offline" || c === "write-error" ? "red" : "yellow";
}
