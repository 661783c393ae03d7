/**
 * Payloads by Content-Format: bytes from the wire → a JavaScript value for msg.payload, and back.
 * SenML CBOR (112) uses RFC 8428's integer labels on the wire and SenML JSON's names in msg.payload, so a flow
 * sees the same pack whichever the sensor sent.
 */
import { decodeFirstSync, encode as encodeCbor } from "cbor";
import { ContentFormat, CONTENT_FORMAT_NAMES } from "./constants";
import { assertWithinLimits, isPayloadLimitError, jsonTextDepth, depthError, PayloadLimits, resolveLimits, sizeError } from "../common/payload-limits";
import { assertCborDepthWithin } from "../common/cbor-depth";

/**
 * Bounds on what is decoded or encoded: 64 levels (the pack's default), and 16 MiB, the largest body the client
 * assembles; the server refuses bodies over its own maxPayloadKB before decoding. Beyond them a decoder would block
 * the event loop (1 MB of nested CBOR arrays takes seconds) and JSON.stringify or a deep clone would overflow.
 */
export const COAP_PAYLOAD_LIMITS: Readonly<Required<PayloadLimits>> = { maxBytes: 16 * 1024 * 1024, maxDepth: 64 };

const SENML_CBOR_LABELS: Record<string, number> = { bver: -1, bn: -2, bt: -3, bu: -4, bv: -5, bs: -6, n: 0, u: 1, v: 2, vs: 3, vb: 4, s: 5, t: 6, ut: 7, vd: 8 };
const SENML_CBOR_NAMES: Record<number, string> = Object.fromEntries(Object.entries(SENML_CBOR_LABELS).map(([k, v]) => [v, k]));

export class PayloadFormatError extends Error {
  override name = "PayloadFormatError";
}

/** A Content-Format given as a number, a numeric string or a media type; undefined when blank or unknown. */
export function contentFormatOf(value: unknown): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "number") return Number.isInteger(value) && value >= 0 && value <= 0xffff ? value : undefined;
  const text = String(value).trim().toLowerCase();
  if (/^\d+$/.test(text)) return contentFormatOf(Number(text));
  return CONTENT_FORMAT_NAMES[text];
}

export function contentFormatName(format: number | undefined): string | undefined {
  return Object.entries(CONTENT_FORMAT_NAMES).find(([, v]) => v === format)?.[0];
}

/**
 * Decodes a payload. Text and JSON-like formats become strings/objects, CBOR becomes objects (maps with non-string
 * keys stay Maps), octets, unknown formats and no Content-Format at all stay Buffers (RFC 7252 leaves such bodies
 * unspecified, so they are not guessed at).
 */
export function decodePayload(payload: Buffer, format: number | undefined, limits: PayloadLimits = COAP_PAYLOAD_LIMITS): unknown {
  if (payload.length === 0 && format === undefined) return "";
  const { maxBytes } = resolveLimits(limits);
  if (payload.length > maxBytes && format !== undefined && DECODED_FORMATS.has(format)) throw new PayloadFormatError(sizeError("payload", payload.length, maxBytes).message);
  switch (format) {
    case ContentFormat.TEXT:
    case ContentFormat.LINK_FORMAT:
    case ContentFormat.XML:
      return payload.toString("utf8");
    case ContentFormat.JSON:
    case ContentFormat.SENML_JSON:
      return parseJson(payload, format, limits);
    case ContentFormat.CBOR:
      return decodeCbor(payload, limits);
    case ContentFormat.SENML_CBOR:
      return senmlFromCbor(decodeCbor(payload, limits));
    default:
      return payload;
  }
}

const DECODED_FORMATS = new Set<number>([ContentFormat.TEXT, ContentFormat.LINK_FORMAT, ContentFormat.XML, ContentFormat.JSON, ContentFormat.SENML_JSON, ContentFormat.CBOR, ContentFormat.SENML_CBOR]);

function parseJson(payload: Buffer, format: number, limits: PayloadLimits): unknown {
  const text = payload.toString("utf8");
  const { maxDepth } = resolveLimits(limits);
  if (jsonTextDepth(text, maxDepth) > maxDepth) throw new PayloadFormatError(depthError("payload", maxDepth).message);
  try {
    const value = JSON.parse(text) as unknown;
    if (format === ContentFormat.SENML_JSON && !Array.isArray(value)) throw new PayloadFormatError("a SenML pack is a JSON array");
    return value;
  } catch (err) {
    if (err instanceof PayloadFormatError) throw err;
    throw new PayloadFormatError(`payload is not valid JSON: ${(err as Error).message}`);
  }
}

function decodeCbor(payload: Buffer, limits: PayloadLimits): unknown {
  try {
    assertCborDepthWithin(payload, limits, "payload");
  } catch (err) {
    throw new PayloadFormatError((err as Error).message);
  }
  try {
    return decodeFirstSync(payload, { required: true }) as unknown;
  } catch (err) {
    throw new PayloadFormatError(`payload is not valid CBOR: ${(err as Error).message}`);
  }
}

function senmlFromCbor(value: unknown): Array<Record<string, unknown>> {
  if (!Array.isArray(value)) throw new PayloadFormatError("a SenML CBOR pack is an array");
  return value.map((record: unknown) => {
    if (record === null || typeof record !== "object" || Array.isArray(record)) throw new PayloadFormatError("a SenML record is a map");
    const entries = record instanceof Map ? [...record.entries()] : Object.entries(record);
    const out: Record<string, unknown> = {};
    for (const [key, v] of entries) {
      const label = typeof key === "number" || /^-?\d+$/.test(String(key)) ? SENML_CBOR_NAMES[Number(key)] ?? String(key) : String(key);
      out[label] = v;
    }
    return out;
  });
}

/**
 * Encodes msg.payload for the wire. Without a format: Buffers go as octets, strings as text, numbers/booleans as
 * text, objects as JSON. With a format the value is encoded as that format says (a Buffer is sent as is).
 */
export function encodePayload(value: unknown, format: number | undefined, limits: PayloadLimits = COAP_PAYLOAD_LIMITS): { payload: Buffer; format: number | undefined } {
  if (value === undefined || value === null) return { payload: Buffer.alloc(0), format };
  if (typeof value === "object" || typeof value === "string") {
    try {
      assertWithinLimits(value, limits, "msg.payload");
    } catch (err) {
      if (isPayloadLimitError(err)) throw new PayloadFormatError(err.message);
      throw err;
    }
  }
  if (Buffer.isBuffer(value)) return { payload: value, format: format ?? ContentFormat.OCTETS };
  if (value instanceof Uint8Array) return { payload: Buffer.from(value), format: format ?? ContentFormat.OCTETS };
  switch (format) {
    case ContentFormat.CBOR:
      return { payload: encodeCbor(value), format };
    case ContentFormat.SENML_CBOR:
      return { payload: encodeCbor(senmlToCbor(value)), format };
    case ContentFormat.JSON:
    case ContentFormat.SENML_JSON:
      return { payload: Buffer.from(typeof value === "string" ? value : JSON.stringify(value)), format };
    case undefined:
      if (typeof value === "object") return { payload: Buffer.from(JSON.stringify(value)), format: ContentFormat.JSON };
      return { payload: Buffer.from(String(value)), format: ContentFormat.TEXT };
    default:
      return { payload: Buffer.from(typeof value === "object" ? JSON.stringify(value) : String(value)), format };
  }
}

function senmlToCbor(value: unknown): unknown {
  if (!Array.isArray(value)) throw new PayloadFormatError("a SenML pack is an array of records");
  return value.map((record: unknown) => {
    if (record === null || typeof record !== "object") throw new PayloadFormatError("a SenML record is an object");
    const out = new Map<number | string, unknown>();
    for (const [k, v] of Object.entries(record)) out.set(SENML_CBOR_LABELS[k] ?? k, v);
    return out;
  });
}
