/**
 * MQTT 5 PUBACK / PUBREC packets with a reason code (and an optional Reason String), written by edge-broker itself
 * when the gateway's own subscriber refuses a publish: aedes answers every refused MQTT 5 publish with 0x87 (Not
 * authorized), which would tell a device with a full gateway buffer that it lacks a permission.
 */
import { QueueFullError } from "../store/durable-queue";

export const ReasonCode = {
  UNSPECIFIED_ERROR: 0x80,
  IMPLEMENTATION_SPECIFIC_ERROR: 0x83,
  NOT_AUTHORIZED: 0x87,
  QUOTA_EXCEEDED: 0x97,
} as const;

/** the reason code a failed delivery is answered with: an explicit `reasonCode` on the error, 0x97 for a full buffer or disk */
export function reasonCodeFor(err: unknown): number {
  const explicit = (err as { reasonCode?: unknown } | undefined)?.reasonCode;
  if (typeof explicit === "number" && Number.isInteger(explicit) && explicit >= 0x80 && explicit <= 0xff) return explicit;
  if (err instanceof QueueFullError) return ReasonCode.QUOTA_EXCEEDED;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOSPC" || code === "EDQUOT") return ReasonCode.QUOTA_EXCEEDED;
  return ReasonCode.UNSPECIFIED_ERROR;
}

function variableByteInteger(n: number): Buffer {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0 && out.length < 4);
  return Buffer.from(out);
}

/**
 * PUBACK (qos 1) or PUBREC (qos 2) for `messageId` with `reasonCode`; the Reason String only when the client did
 * not switch problem information off (MQTT 5 §3.1.2.11.7), and cut to fit well below any packet size limit.
 */
export function encodeV5Ack(qos: 1 | 2, messageId: number, reasonCode: number, reasonString?: string): Buffer {
  const head = Buffer.alloc(3);
  head.writeUInt16BE(messageId, 0);
  head[2] = reasonCode;
  let properties = Buffer.alloc(0);
  if (reasonString) {
    const text = Buffer.from(reasonString.slice(0, 200), "utf8");
    const property = Buffer.concat([Buffer.from([0x1f, text.length >> 8, text.length & 0xff]), text]);
    properties = Buffer.concat([variableByteInteger(property.length), property]);
  }
  const body = Buffer.concat([head, properties]);
  return Buffer.concat([Buffer.from([qos === 1 ? 0x40 : 0x50]), variableByteInteger(body.length), body]);
}
