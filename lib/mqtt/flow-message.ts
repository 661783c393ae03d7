/**
 * The messages between edge-broker and its flow: a Node-RED message to publish (msg.topic, msg.payload, msg.qos,
 * msg.retain and the MQTT 5 properties under the names Node-RED's core mqtt nodes use), checked as the broker
 * would check a client's PUBLISH; and a routed message's payload as the flow gets it.
 */
import type { BrokerMessage, MessageProperties } from "./embedded-broker";
import { isValidTopic } from "./topic-filter";
import { DEFAULT_MAX_BYTES, formatBytes, jsonTextDepth, parseJsonWithin, DEFAULT_MAX_DEPTH } from "../common/payload-limits";

/** why a message cannot be published; `code` names the refusal, `detail` what was wrong */
export class FlowPublishError extends Error {
  override name = "FlowPublishError";
  constructor(
    readonly code: "topic" | "topic-reserved" | "qos" | "retain" | "payload" | "payload-size" | "property",
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (Buffer.isBuffer(value)) return "a Buffer";
  const text = typeof value === "string" ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : typeof value === "object" ? "an object" : String(value);
  return `${typeof value} ${text}`;
}

function qosOf(value: unknown): 0 | 1 | 2 {
  if (value === undefined || value === null || value === "") return 0;
  const n = typeof value === "string" ? Number(value) : value;
  if (n === 0 || n === 1 || n === 2) return n;
  throw new FlowPublishError("qos", describe(value));
}

function retainOf(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === "false" || value === "") return false;
  if (value === true || value === "true") return true;
  throw new FlowPublishError("retain", describe(value));
}

function payloadOf(value: unknown, maxBytes: number): Buffer {
  let bytes: Buffer;
  if (value === undefined || value === null) bytes = Buffer.alloc(0);
  else if (Buffer.isBuffer(value)) bytes = value;
  else if (typeof value === "string") {
    if (value.length > maxBytes) throw new FlowPublishError("payload-size", `${value.length} characters, over ${formatBytes(maxBytes)}`);
    bytes = Buffer.from(value, "utf8");
  } else if (typeof value === "number" || typeof value === "boolean") bytes = Buffer.from(String(value), "utf8");
  else if (typeof value === "object") {
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (err) {
      // a cycle, a BigInt, or a nesting too deep for the stack
      throw new FlowPublishError("payload", `not JSON (${(err as Error).message})`);
    }
    bytes = Buffer.from(text ?? "", "utf8");
  } else throw new FlowPublishError("payload", describe(value));
  if (bytes.length > maxBytes) throw new FlowPublishError("payload-size", `${bytes.length} bytes, over ${formatBytes(maxBytes)}`);
  return bytes;
}

const UINT32_MAX = 0xffffffff;

function propertiesOf(msg: Record<string, unknown>): MessageProperties | undefined {
  const out: MessageProperties = {};
  const bad = (name: string) => new FlowPublishError("property", `msg.${name}: ${describe(msg[name])}`);
  if (msg.userProperties !== undefined) {
    const up = msg.userProperties;
    if (up === null || typeof up !== "object" || Array.isArray(up) || Buffer.isBuffer(up)) throw bad("userProperties");
    const copy: Record<string, string | string[]> = {};
    for (const [key, value] of Object.entries(up as Record<string, unknown>)) {
      if (typeof value === "string") copy[key] = value;
      else if (typeof value === "number" || typeof value === "boolean") copy[key] = String(value);
      else if (Array.isArray(value) && value.every((v) => typeof v === "string")) copy[key] = [...(value as string[])];
      else throw bad("userProperties");
    }
    if (Object.keys(copy).length > 0) out.userProperties = copy;
  }
  if (msg.contentType !== undefined) {
    if (typeof msg.contentType !== "string") throw bad("contentType");
    out.contentType = msg.contentType;
  }
  if (msg.responseTopic !== undefined) {
    if (typeof msg.responseTopic !== "string" || !isValidTopic(msg.responseTopic)) throw bad("responseTopic");
    out.responseTopic = msg.responseTopic;
  }
  if (msg.correlationData !== undefined) {
    if (Buffer.isBuffer(msg.correlationData)) out.correlationData = msg.correlationData;
    else if (typeof msg.correlationData === "string") out.correlationData = Buffer.from(msg.correlationData, "utf8");
    else throw bad("correlationData");
  }
  if (msg.messageExpiryInterval !== undefined) {
    const n = msg.messageExpiryInterval;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > UINT32_MAX) throw bad("messageExpiryInterval");
    out.messageExpiryInterval = n;
  }
  if (msg.payloadFormatIndicator !== undefined) {
    if (typeof msg.payloadFormatIndicator !== "boolean") throw bad("payloadFormatIndicator");
    out.payloadFormatIndicator = msg.payloadFormatIndicator;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** the message a flow's msg publishes; throws FlowPublishError for what a broker would refuse from a client */
export function flowPublish(msg: Record<string, unknown>, maxBytes = DEFAULT_MAX_BYTES): BrokerMessage {
  const topic = msg.topic;
  if (typeof topic !== "string" || !isValidTopic(topic)) throw new FlowPublishError("topic", describe(topic));
  if (topic.startsWith("$")) throw new FlowPublishError("topic-reserved", topic);
  const message: BrokerMessage = { topic, payload: payloadOf(msg.payload, maxBytes), qos: qosOf(msg.qos), retain: retainOf(msg.retain) };
  const properties = propertiesOf(msg);
  if (properties) message.properties = properties;
  return message;
}

export type PayloadFormat = "auto" | "json" | "utf8" | "buffer";

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A routed payload for the flow: "buffer" as received, "utf8" as text, "json" parsed (throws on bad JSON), "auto"
 * parsed when it is JSON (an object or array, at most 64 levels deep), else text when it is UTF-8, else the bytes.
 */
export function flowPayload(payload: Buffer, format: PayloadFormat): unknown {
  if (format === "buffer") return payload;
  if (format === "utf8") return payload.toString("utf8");
  if (format === "json") return parseJsonWithin(payload, { maxBytes: payload.length + 1 }, "the MQTT payload");
  let text: string;
  try {
    text = UTF8.decode(payload);
  } catch {
    return payload;
  }
  const first = text.trimStart()[0];
  // text nested deeper than the pack's limit stays text: an object that deep would overflow Node-RED's message copy
  if ((first === "{" || first === "[") && jsonTextDepth(text, DEFAULT_MAX_DEPTH) <= DEFAULT_MAX_DEPTH) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}
