/** CoAP numbers from RFC 7252, RFC 7641 (Observe), RFC 7959 (block-wise), RFC 8132 (FETCH) and RFC 8428 (SenML). */

export const COAP_VERSION = 1;

export enum MessageType {
  CON = 0,
  NON = 1,
  ACK = 2,
  RST = 3,
}

/** A code as class.detail packed in one byte: class << 5 | detail. */
export const code = (cls: number, detail: number): number => (cls << 5) | detail;
export const codeText = (c: number): string => `${c >> 5}.${String(c & 0x1f).padStart(2, "0")}`;
/** "2.05" or 2.05 or 205 → packed code; undefined when not a code. */
export function parseCode(value: unknown): number | undefined {
  if (typeof value === "string" && /^\d+(\.\d+)?$/.test(value.trim())) value = Number(value);
  const text = typeof value === "number" ? (value >= 100 ? `${Math.floor(value / 100)}.${String(value % 100).padStart(2, "0")}` : value.toFixed(2)) : String(value ?? "");
  const m = /^([0-7])\.(\d\d)$/.exec(text.trim());
  if (!m) return undefined;
  const detail = Number(m[2]);
  return detail < 32 ? code(Number(m[1]), detail) : undefined;
}

export const Method = { GET: 1, POST: 2, PUT: 3, DELETE: 4, FETCH: 5, PATCH: 6, iPATCH: 7 } as const;
export type MethodName = keyof typeof Method;
export const methodName = (c: number): MethodName | undefined => (Object.keys(Method) as MethodName[]).find((k) => Method[k] === c);

export const Code = {
  EMPTY: 0,
  CREATED: code(2, 1),
  DELETED: code(2, 2),
  VALID: code(2, 3),
  CHANGED: code(2, 4),
  CONTENT: code(2, 5),
  CONTINUE: code(2, 31),
  BAD_REQUEST: code(4, 0),
  BAD_OPTION: code(4, 2),
  NOT_FOUND: code(4, 4),
  METHOD_NOT_ALLOWED: code(4, 5),
  REQUEST_ENTITY_INCOMPLETE: code(4, 8),
  REQUEST_ENTITY_TOO_LARGE: code(4, 13),
  UNSUPPORTED_CONTENT_FORMAT: code(4, 15),
  INTERNAL_SERVER_ERROR: code(5, 0),
  SERVICE_UNAVAILABLE: code(5, 3),
  GATEWAY_TIMEOUT: code(5, 4),
} as const;

export const Option = {
  IF_MATCH: 1,
  URI_HOST: 3,
  ETAG: 4,
  IF_NONE_MATCH: 5,
  OBSERVE: 6,
  URI_PORT: 7,
  LOCATION_PATH: 8,
  URI_PATH: 11,
  CONTENT_FORMAT: 12,
  MAX_AGE: 14,
  URI_QUERY: 15,
  ACCEPT: 17,
  LOCATION_QUERY: 20,
  BLOCK2: 23,
  BLOCK1: 27,
  SIZE2: 28,
  PROXY_URI: 35,
  PROXY_SCHEME: 39,
  SIZE1: 60,
  NO_RESPONSE: 258,
} as const;

export const OPTION_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(Option).map(([k, v]) => [v, k.toLowerCase().replace(/_(\w)/g, (_m, c: string) => c.toUpperCase())]),
);

/** Options this implementation understands; any other critical (odd-numbered) option makes a request 4.02. */
export const KNOWN_OPTIONS = new Set<number>(Object.values(Option));
export const isCritical = (option: number): boolean => (option & 1) === 1;
/** Options that change what a request means (RFC 7252 §5.4.6): NoCacheKey options are not. */
export const isUnsafe = (option: number): boolean => (option & 2) === 2;

export const ContentFormat = {
  TEXT: 0,
  LINK_FORMAT: 40,
  XML: 41,
  OCTETS: 42,
  EXI: 47,
  JSON: 50,
  CBOR: 60,
  SENML_JSON: 110,
  SENML_CBOR: 112,
} as const;

export const CONTENT_FORMAT_NAMES: Record<string, number> = {
  "text/plain": ContentFormat.TEXT,
  "application/link-format": ContentFormat.LINK_FORMAT,
  "application/xml": ContentFormat.XML,
  "application/octet-stream": ContentFormat.OCTETS,
  "application/json": ContentFormat.JSON,
  "application/cbor": ContentFormat.CBOR,
  "application/senml+json": ContentFormat.SENML_JSON,
  "application/senml+cbor": ContentFormat.SENML_CBOR,
};

/** RFC 7252 §4.8 transmission parameters. */
export interface TransmissionParameters {
  ackTimeoutMs: number;
  ackRandomFactor: number;
  maxRetransmit: number;
}
export const DEFAULT_TRANSMISSION: TransmissionParameters = { ackTimeoutMs: 2000, ackRandomFactor: 1.5, maxRetransmit: 4 };
/** EXCHANGE_LIFETIME with the defaults (247 s): how long a message id is remembered for deduplication. */
export function exchangeLifetimeMs(p: TransmissionParameters): number {
  const maxTransmitSpan = p.ackTimeoutMs * (2 ** p.maxRetransmit - 1) * p.ackRandomFactor;
  return maxTransmitSpan + 2 * 100_000 + p.ackTimeoutMs;
}
