/**
 * Refuses a CONNECT of a protocol level the broker does not speak, with the CONNACK the specifications ask for,
 * before aedes sees it: aedes' parser (mqtt-packet) fails such a CONNECT and aedes destroys the socket without any
 * answer, so the device cannot tell a refusal from a network fault. MQTT 5 §3.1.2.2: a level above 5 is answered
 * CONNACK 0x84 (Unsupported Protocol Version) in MQTT 5's format; MQTT 3.1.1 §3.1.2.2: a lower one gets return code
 * 0x01 (unacceptable protocol level). Every other stream passes through untouched (what was read is put back).
 */
import type { Duplex } from "stream";

/** the CONNECT's protocol level, undefined when the bytes are not (yet) a CONNECT with a known protocol name */
export function connectProtocolLevel(bytes: Buffer): number | "incomplete" | undefined {
  if (bytes.length < 1) return "incomplete";
  if (bytes[0] !== 0x10) return undefined;
  // remaining length: up to 4 bytes of 7 bits
  let at = 1;
  for (let i = 0; i < 4; i++, at++) {
    if (at >= bytes.length) return "incomplete";
    if ((bytes[at] & 0x80) === 0) break;
    if (i === 3) return undefined;
  }
  at++;
  if (at + 2 > bytes.length) return "incomplete";
  const nameLength = bytes.readUInt16BE(at);
  if (nameLength !== 4 && nameLength !== 6) return undefined;
  at += 2;
  if (at + nameLength + 1 > bytes.length) return "incomplete";
  const name = bytes.toString("latin1", at, at + nameLength);
  if (name !== "MQTT" && name !== "MQIsdp") return undefined;
  // bit 7 is the (non-standard) bridge flag Mosquitto sets; aedes strips it too
  return bytes[at + nameLength] & 0x7f;
}

/** the refusal CONNACK for a level the broker does not speak */
export function unsupportedLevelConnack(level: number): Buffer {
  // MQTT 5 CONNACK: flags 0, reason 0x84, no properties; MQTT 3.1.1 CONNACK: flags 0, return code 1
  return level > 5 ? Buffer.from([0x20, 0x03, 0x00, 0x84, 0x00]) : Buffer.from([0x20, 0x02, 0x00, 0x01]);
}

export const SUPPORTED_LEVELS: ReadonlySet<number> = new Set([3, 4, 5]);

/** bytes read before deciding: a CONNECT's level is at most 1 + 4 + 2 + 6 + 1 bytes in */
const MAX_SNIFF_BYTES = 14;

/**
 * Waits for the first bytes of a connection; hands the stream on (data put back) unless they are a CONNECT of an
 * unsupported level, which is answered and closed (`refused` is called with the level). Gives up waiting after
 * `timeoutMs` and hands the stream on: aedes' own connect timeout then ends it.
 */
export function gateProtocolLevel(stream: Duplex, onAccepted: (stream: Duplex) => void, refused: (level: number) => void, timeoutMs = 30000): void {
  const chunks: Buffer[] = [];
  let length = 0;
  let settled = false;
  const finish = (level: number | undefined) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    stream.off("readable", onReadable);
    stream.off("error", onEnd);
    stream.off("end", onEnd);
    stream.off("close", onEnd);
    if (level !== undefined) {
      refused(level);
      stream.end(unsupportedLevelConnack(level));
      setTimeout(() => stream.destroy(), 1000).unref();
      return;
    }
    if (length > 0) stream.unshift(Buffer.concat(chunks, length));
    onAccepted(stream);
  };
  const onReadable = () => {
    for (let i = 0; i < 16 && length < MAX_SNIFF_BYTES; i++) {
      const chunk = stream.read() as Buffer | string | null;
      if (chunk === null) break;
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      chunks.push(bytes);
      length += bytes.length;
    }
    const level = connectProtocolLevel(Buffer.concat(chunks, length));
    if (level === "incomplete" && length < MAX_SNIFF_BYTES) return;
    finish(typeof level === "number" && !SUPPORTED_LEVELS.has(level) ? level : undefined);
  };
  // a stream that ends or fails while we wait: aedes sees the same end (a destroyed stream is handed on as it is)
  const onEnd = () => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    stream.destroy();
  };
  const timer = setTimeout(() => finish(undefined), timeoutMs);
  timer.unref();
  stream.on("readable", onReadable);
  stream.once("error", onEnd);
  stream.once("end", onEnd);
  stream.once("close", onEnd);
}
