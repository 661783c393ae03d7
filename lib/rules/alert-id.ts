/**
 * Ids for the rules engine's alerts: a UUID-shaped string (version 8, RFC 9562 variant) whose first 74 bits are
 * random once per process and whose last 48 bits count the alerts it raised. Unique across restarts (a new process
 * draws a new prefix) as the message contract asks of an alertId, without a random draw per alert: alerts come by
 * the thousand per second when a fleet's readings cross a band.
 * A local helper, not lib/contract/alert.ts's newAlertId (a random UUID per alert), which other producers keep.
 */
import { randomBytes } from "crypto";

function processPrefix(): string {
  const b = randomBytes(10);
  b[6] = (b[6] & 0x0f) | 0x80; // version 8: custom
  b[8] = (b[8] & 0x3f) | 0x80; // RFC 9562 variant
  const x = b.toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-`;
}

const PREFIX = processPrefix();
let counter = 0;

/** a fresh alert id, unique in this process and, through its random prefix, across processes */
export function nextAlertId(): string {
  counter++;
  return PREFIX + counter.toString(16).padStart(12, "0");
}
