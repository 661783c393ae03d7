/**
 * Turns a Node-RED message into a Kafka record: topic and key from templates over the event, the value as JSON
 * or raw bytes, headers from msg.headers plus a message id and content type, and optionally the CloudEvents
 * Kafka protocol binding (binary mode: ce_* headers).
 */
import { randomUUID } from "crypto";
import { renderTemplate } from "../common/template";

export interface RecordSettings {
  topic: string;
  key: string;
  valueFormat: "json" | "raw";
  cloudEvents: boolean;
  ceSource: string;
  ceType: string;
}

export interface KafkaRecord {
  topic: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
}

/** a record as the durable queue stores it (JSON-serialisable: the value in base64) */
export interface StoredRecord extends Omit<KafkaRecord, "value"> {
  value: string;
}

export const toStored = (r: KafkaRecord): StoredRecord => ({ ...r, value: r.value.toString("base64") });
export const fromStored = (r: StoredRecord): KafkaRecord => ({ ...r, value: Buffer.from(r.value, "base64") });

export function toRecord(msg: Record<string, unknown>, s: RecordSettings, id: string = randomUUID()): KafkaRecord {
  const topic = (typeof msg.topic === "string" && msg.topic && !s.topic ? msg.topic : renderTemplate(s.topic || "", msg)).trim();
  if (!topic) throw new Error("no topic: set one on the node or in msg.topic");
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(topic)) throw new Error(`'${topic}' is not a valid Kafka topic name`);
  const key = s.key ? renderTemplate(s.key, msg) : null;
  let value: Buffer;
  let contentType: string;
  if (s.valueFormat === "raw") {
    if (Buffer.isBuffer(msg.payload)) value = msg.payload;
    else if (typeof msg.payload === "string") value = Buffer.from(msg.payload);
    else throw new Error("raw values need a Buffer or string payload");
    contentType = "application/octet-stream";
  } else {
    value = Buffer.from(JSON.stringify(msg.payload ?? null));
    contentType = "application/json";
  }
  const headers: Record<string, string> = {};
  if (msg.headers && typeof msg.headers === "object") {
    for (const [k, v] of Object.entries(msg.headers as Record<string, unknown>)) if (v !== undefined && v !== null) headers[k] = String(v);
  }
  headers["message-id"] = id;
  headers["content-type"] = contentType;
  if (s.cloudEvents) {
    const payload = (msg.payload ?? {}) as Record<string, unknown>;
    headers.ce_specversion = "1.0";
    headers.ce_id = id;
    headers.ce_source = renderTemplate(s.ceSource || "urn:edge-ai:{deviceName}", msg);
    headers.ce_type = renderTemplate(s.ceType || "io.edge-ai.event", msg);
    const origin = typeof payload.origin === "number" ? payload.origin : Date.now();
    headers.ce_time = new Date(origin).toISOString();
    headers["content-type"] = contentType;
  }
  return { topic, key: key || null, value, headers };
}
