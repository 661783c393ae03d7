/**
 * A summary batch as the bytes published upstream, and back. Compression is announced the way HTTP does it: the
 * content type stays application/json and an MQTT 5 user property `content-encoding` (deflate: zlib, RFC 1950;
 * gzip: RFC 1952) names the encoding, so a consumer that sees no such property reads plain JSON.
 */
import * as zlib from "zlib";
import { fromBatch, toBatch, type NamedSummary } from "./summary-batch";

export const ENCODINGS = ["none", "deflate", "gzip"] as const;
export type Encoding = (typeof ENCODINGS)[number];
export const CONTENT_TYPE = "application/json";
export const CONTENT_ENCODING_PROPERTY = "content-encoding";
/** what a batch may inflate to: a small payload must not unpack into gigabytes at the centre */
export const MAX_DECODED_BYTES = 16 * 1024 * 1024;

export interface EncodedBatch {
  /** the JSON text's bytes, compressed when an encoding is set */
  payload: Buffer;
  contentType: string;
  /** MQTT 5 user properties: `content-encoding` when compressed */
  userProperties?: Record<string, string>;
}

export function encodeSummaries(summaries: readonly NamedSummary[], encoding: Encoding): EncodedBatch {
  const json = Buffer.from(JSON.stringify(toBatch(summaries)));
  if (encoding === "none") return { payload: json, contentType: CONTENT_TYPE };
  const payload = encoding === "gzip" ? zlib.gzipSync(json, { level: 9 }) : zlib.deflateSync(json, { level: 9 });
  return { payload, contentType: CONTENT_TYPE, userProperties: { [CONTENT_ENCODING_PROPERTY]: encoding } };
}

/**
 * The centre's side: what arrived (the payload's bytes and the MQTT 5 user properties, as mqtt.js or Node-RED's
 * mqtt in gives them) back into one summary per device and resource. Throws on an unknown encoding or a body that
 * is not a summary batch.
 */
export function decodeSummaries(payload: Buffer | string, userProperties?: Record<string, string | string[]>): NamedSummary[] {
  const raw = userProperties?.[CONTENT_ENCODING_PROPERTY];
  const encoding = (Array.isArray(raw) ? raw[0] : raw)?.trim().toLowerCase() || "none";
  const bytes = typeof payload === "string" ? Buffer.from(payload) : payload;
  let json: Buffer;
  if (encoding === "none" || encoding === "identity") json = bytes;
  else if (encoding === "deflate") json = zlib.inflateSync(bytes, { maxOutputLength: MAX_DECODED_BYTES });
  else if (encoding === "gzip") json = zlib.gunzipSync(bytes, { maxOutputLength: MAX_DECODED_BYTES });
  else throw new Error(`unknown content-encoding: ${encoding}`);
  return fromBatch(JSON.parse(json.toString("utf8")));
}
