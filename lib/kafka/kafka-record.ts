/**
 * Turns a Node-RED message into a Kafka record: topic and key from templates over the event, the value as JSON
 * or raw bytes, headers from msg.headers plus a message id and content type, and optionally the CloudEvents
 * Kafka protocol binding (binary mode: ce_* headers).
 */
import { randomUUID } from "crypto";
import { lookup, renderTemplate } from "../common/template";

export interface RecordSettings {
  topic: string;
  key: string;
  valueFormat: "json" | "raw";
  cloudEvents: boolean;
  ceSource: string;
  ceType: string;
}

/** a record as the Kafka client takes it (plus its topic); a string value is written as UTF-8 */
export interface KafkaRecord {
  topic: string;
  key: string | null;
  value: Buffer | string;
  headers: Record<string, string>;
}

/**
 * a record as the durable queue stores it (JSON-serialisable): a text value as is (`text: true`), bytes in base64
 * (records buffered before text values existed have no `text` and are bytes)
 */
export interface StoredRecord extends Omit<KafkaRecord, "value"> {
  value: string;
  text?: true;
}

export const toStored = (r: KafkaRecord): StoredRecord =>
  typeof r.value === "string" ? { topic: r.topic, key: r.key, value: r.value, headers: r.headers, text: true } : { topic: r.topic, key: r.key, value: r.value.toString("base64"), headers: r.headers };
export const fromStored = (r: StoredRecord): KafkaRecord => ({ topic: r.topic, key: r.key, value: r.text ? r.value : Buffer.from(r.value, "base64"), headers: r.headers });

type Template = (msg: Record<string, unknown>) => string;

const asText = (value: unknown): string => (value === undefined || value === null ? "" : typeof value === "object" ? JSON.stringify(value) : String(value));

/** renderTemplate's result, with the template looked at once: a constant, a single placeholder, or the general case */
export function compileTemplate(template: string): Template {
  if (!template.includes("{")) return () => template;
  const single = /^\{([\w.$-]+)\}$/.exec(template);
  if (single) {
    const name = single[1];
    return (msg) => {
      const fromPayload = lookup(msg.payload, name);
      return asText(fromPayload !== undefined ? fromPayload : lookup(msg, name));
    };
  }
  return (msg) => renderTemplate(template, msg);
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** Builds records for one node's settings: templates compiled once, topic names validated once each. */
export class RecordBuilder {
  private readonly topic: Template;
  private readonly key: Template | undefined;
  private readonly ceSource: Template;
  private readonly ceType: Template;
  private readonly validTopics = new Set<string>();

  constructor(private readonly s: RecordSettings) {
    this.topic = compileTemplate(s.topic || "");
    this.key = s.key ? compileTemplate(s.key) : undefined;
    this.ceSource = compileTemplate(s.ceSource || "urn:edge-ai:{deviceName}");
    this.ceType = compileTemplate(s.ceType || "io.edge-ai.event");
  }

  build(msg: Record<string, unknown>, id: string = randomUUID()): KafkaRecord {
    const s = this.s;
    const topic = this.checkTopic((!s.topic && typeof msg.topic === "string" && msg.topic ? msg.topic : this.topic(msg)).trim());
    const key = this.key ? this.key(msg) : null;
    let value: Buffer | string;
    let contentType: string;
    if (s.valueFormat === "raw") {
      if (Buffer.isBuffer(msg.payload)) value = msg.payload;
      else if (typeof msg.payload === "string") value = Buffer.from(msg.payload);
      else throw new Error("raw values need a Buffer or string payload");
      contentType = "application/octet-stream";
    } else {
      // the client writes a string straight into the request as UTF-8: no Buffer per record
      value = JSON.stringify(msg.payload ?? null);
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
      headers.ce_source = this.ceSource(msg);
      headers.ce_type = this.ceType(msg);
      const origin = typeof payload.origin === "number" ? payload.origin : Date.now();
      headers.ce_time = new Date(origin).toISOString();
    }
    return { topic, key: key || null, value, headers };
  }

  private checkTopic(topic: string): string {
    if (this.validTopics.has(topic)) return topic;
    if (!topic) throw new Error("no topic: set one on the node or in msg.topic");
    if (!TOPIC_NAME.test(topic)) throw new Error(`'${topic}' is not a valid Kafka topic name`);
    if (this.validTopics.size >= 1000) this.validTopics.clear();
    this.validTopics.add(topic);
    return topic;
  }
}

export function toRecord(msg: Record<string, unknown>, s: RecordSettings, id: string = randomUUID()): KafkaRecord {
  return new RecordBuilder(s).build(msg, id);
}
