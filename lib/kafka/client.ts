/**
 * The pack's Kafka client: the one module that imports the client library (kafkajs, pinned exactly in
 * package.json: it is unmaintained upstream). Everything else uses the small interface below — a producer that
 * sends batches with acks, a consumer that subscribes, runs and commits — and our own error type, so moving to a
 * maintained client later changes this file only. test/kafka/client-boundary.test.ts checks that no other file
 * of lib/ or nodes/ imports kafkajs.
 *
 * Every callback handed to the library is guarded: an exception in our handler, or a library event we did not
 * expect, becomes an error passed to the caller, never an uncaught exception that ends Node-RED.
 */
import * as net from "net";
import * as tls from "tls";
import { CompressionTypes, Kafka, logLevel, Partitioners } from "kafkajs";
import type { KafkaConfig, SASLOptions, Consumer, Producer, IHeaders, ISocketFactory, ICustomPartitioner, RecordMetadata } from "kafkajs";
import { producerConfig } from "./client-config";
import { unacknowledged } from "./acknowledged";

export type Acks = -1 | 0 | 1;
export type Compression = "none" | "gzip";

export interface ClientOptions {
  brokers: string[];
  clientId: string;
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  /** the library's own retries of a request before it fails to us */
  retry: { retries: number; initialRetryTimeMs: number; maxRetryTimeMs: number };
  tls?: { ca?: string; cert?: string; key?: string; rejectUnauthorized: boolean };
  sasl?: { mechanism: "plain" | "scram-sha-256" | "scram-sha-512"; username: string; password: string };
}

/** a record to produce; a string value is written as UTF-8 */
export interface OutgoingRecord {
  key: string | null;
  value: Buffer | string;
  headers: Record<string, string>;
}

export interface ProduceRequest {
  acks: Acks;
  compression: Compression;
  topics: Array<{ topic: string; records: OutgoingRecord[] }>;
}

export interface ProducerOptions {
  /** numbered batches so the broker drops duplicates (InitProducerId: real brokers only); forces acks all */
  idempotent: boolean;
}

export interface KafkaProducer {
  connect(): Promise<void>;
  /** resolves when the broker acknowledged every record of the request (as `acks` says) */
  send(request: ProduceRequest): Promise<void>;
  disconnect(): Promise<void>;
}

export interface IncomingRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export interface ConsumerOptions {
  groupId: string;
}

export interface KafkaConsumer {
  connect(): Promise<void>;
  subscribe(topics: string[], fromBeginning: boolean): Promise<void>;
  /** records one at a time per partition; a rejected handler makes the record come again */
  run(handler: (record: IncomingRecord) => Promise<void>): Promise<void>;
  /** commits `nextOffset` (the offset after the last record handled) */
  commit(topic: string, partition: number, nextOffset: string): Promise<void>;
  disconnect(): Promise<void>;
  /** the consumer joined its group and has partitions assigned */
  onJoin(listener: () => void): void;
  /** the consumer stopped on an error; `restarting`: the library starts it again by itself */
  onCrash(listener: (err: KafkaClientError, restarting: boolean) => void): void;
}

export interface KafkaClient {
  producer(options: ProducerOptions): KafkaProducer;
  consumer(options: ConsumerOptions): KafkaConsumer;
}

/**
 * What went wrong, in terms the nodes act on: `unreachable` (no connection, or no answer in time: buffer and
 * retry), `unknown-topic` (on Kafka 4 / KRaft a topic must exist before it is subscribed to), `not-authorized`,
 * `rejected` (the broker refused the request itself), `other`.
 */
export type KafkaErrorKind = "unreachable" | "unknown-topic" | "not-authorized" | "rejected" | "other";

export class KafkaClientError extends Error {
  constructor(
    message: string,
    readonly kind: KafkaErrorKind,
    /** will the same request succeed later without a change of configuration? */
    readonly retriable: boolean,
  ) {
    super(message);
    this.name = "KafkaClientError";
  }
}

interface LibraryError {
  name?: string;
  message?: string;
  type?: string;
  retriable?: boolean;
  cause?: unknown;
  originalError?: unknown;
}

/** the library's error (possibly wrapped in retries) as ours */
export function toKafkaError(err: unknown): KafkaClientError {
  if (err instanceof KafkaClientError) return err;
  let e = (err ?? {}) as LibraryError;
  const outer = e;
  // "retries exceeded" wraps the error of the last attempt: that one says what happened
  for (let i = 0; i < 10 && (e.cause || e.originalError) && typeof (e.cause ?? e.originalError) === "object"; i++) {
    e = (e.cause ?? e.originalError) as LibraryError;
    if (e instanceof KafkaClientError) return e;
  }
  const message = e.message || outer.message || String(err);
  const name = e.name ?? "";
  const type = e.type ?? "";
  if (/Connection|RequestTimeout|BrokerNotFound|NoBrokerAvailable|^KafkaJSTimeout|LockTimeout/.test(name)) return new KafkaClientError(message, "unreachable", true);
  if (type === "UNKNOWN_TOPIC_OR_PARTITION" || /does not host this topic-partition/i.test(message) || name === "KafkaJSTopicMetadataNotLoaded") return new KafkaClientError(message, "unknown-topic", true);
  if (/AUTHORIZATION_FAILED|SASL_AUTHENTICATION_FAILED/.test(type) || name === "KafkaJSSASLAuthenticationError") return new KafkaClientError(message, "not-authorized", false);
  if (name === "KafkaJSProtocolError") return new KafkaClientError(message, "rejected", e.retriable === true);
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|ECONNRESET/.test(message)) return new KafkaClientError(message, "unreachable", true);
  return new KafkaClientError(message, "other", e.retriable !== false);
}

/** runs a library callback's body so that nothing it throws escapes into the library (and from there the process) */
function guarded<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
  return (...args: A) => {
    try {
      fn(...args);
    } catch {
      // a listener of ours failed: the library must go on; the listener reports its own failures
    }
  };
}

/**
 * The library's own socket factory, with its data handler guarded: it decodes responses inside the socket's "data"
 * event, and a peer that sends a malformed frame (a size shorter than a correlation id, a half frame) makes it
 * throw there — an uncaught exception that would end Node-RED. The connection is destroyed with the error
 * instead, which the library handles as a broken connection (its requests fail, it reconnects).
 */
const guardedSockets: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const socket: net.Socket = ssl ? tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }), ...ssl }, onConnect) : net.connect({ host, port }, onConnect);
  socket.setKeepAlive(true, 60000);
  const on = socket.on.bind(socket);
  socket.on = ((event: string, listener: (...args: unknown[]) => void) => {
    if (event !== "data") return on(event, listener);
    return on(event, (...args: unknown[]) => {
      try {
        listener(...args);
      } catch (err) {
        socket.destroy(new Error(`malformed response from ${host}:${port}: ${err instanceof Error ? err.message : String(err)}`));
      }
    });
  }) as typeof socket.on;
  return socket;
};

function libraryConfig(o: ClientOptions): KafkaConfig {
  const config: KafkaConfig = {
    clientId: o.clientId,
    brokers: o.brokers,
    connectionTimeout: o.connectionTimeoutMs,
    requestTimeout: o.requestTimeoutMs,
    logLevel: logLevel.NOTHING,
    socketFactory: guardedSockets,
    retry: { retries: o.retry.retries, initialRetryTime: o.retry.initialRetryTimeMs, maxRetryTime: o.retry.maxRetryTimeMs },
  };
  if (o.tls) config.ssl = { ca: o.tls.ca ? [o.tls.ca] : undefined, cert: o.tls.cert || undefined, key: o.tls.key || undefined, rejectUnauthorized: o.tls.rejectUnauthorized };
  if (o.sasl) config.sasl = { mechanism: o.sasl.mechanism, username: o.sasl.username, password: o.sasl.password } as SASLOptions;
  return config;
}

/** the partition the library's partitioner gave each record object, on the request's last attempt */
const partitionOf = new WeakMap<object, number>();

/**
 * The library's default partitioner (murmur2, as Java's), noting where each record went, so that `send` can tell
 * whether every partition it wrote to acknowledged (see acknowledged.ts).
 */
export const notingPartitioner: ICustomPartitioner = () => {
  const partition = Partitioners.DefaultPartitioner();
  return (args) => {
    const p = partition(args);
    partitionOf.set(args.message, p);
    return p;
  };
};

/** the partition `notingPartitioner` gave this record on its last request */
export function partitionGiven(record: object): number | undefined {
  return partitionOf.get(record);
}

const UNACKNOWLEDGED = "no broker acknowledged the records for";

/**
 * The library's result for a request, checked: every topic-partition written to is acknowledged. kafkajs can
 * report a request sent although it never sent some of it (acknowledged.ts); that request failed and is sent again.
 */
export function checkAcknowledged(request: ProduceRequest, result: RecordMetadata[]): void {
  if (request.acks === 0) return; // no answer asked for: nothing to check
  const missing = unacknowledged(
    request.topics.map((t) => ({ topic: t.topic, partitions: t.records.map(partitionGiven) })),
    result.map((r) => ({ topic: r.topicName, partition: r.partition, errorCode: r.errorCode })),
  );
  if (missing.length > 0) throw new KafkaClientError(`${UNACKNOWLEDGED} ${missing.join(", ")} (a broker failed during the request): not confirmed, sent again`, "unreachable", true);
}

const mapped = <T>(p: Promise<T>): Promise<T> =>
  p.then(
    (v) => v,
    (err: unknown) => {
      throw toKafkaError(err);
    },
  );

class Producing implements KafkaProducer {
  constructor(
    private readonly producer: Producer,
    private readonly probe: () => Promise<void>,
  ) {}
  /** connected once the cluster has answered a metadata request: the library's connect alone proves little (a peer that never completes a response passes it) */
  connect = async () => {
    await mapped(this.producer.connect());
    try {
      await this.probe();
    } catch (err) {
      await this.producer.disconnect().catch(() => undefined);
      throw toKafkaError(err);
    }
  };
  disconnect = () => mapped(this.producer.disconnect());
  async send(request: ProduceRequest): Promise<void> {
    let sent: Promise<RecordMetadata[]>;
    try {
      sent = this.producer.sendBatch({
        acks: request.acks,
        compression: request.compression === "gzip" ? CompressionTypes.GZIP : CompressionTypes.None,
        // the library reads key, value and headers of each record as they are
        topicMessages: request.topics.map((t) => ({ topic: t.topic, messages: t.records })),
      });
    } catch (err) {
      throw toKafkaError(err);
    }
    checkAcknowledged(request, await mapped(sent));
  }
}

function headersOf(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.map(String).join(",") : Buffer.isBuffer(v) ? v.toString() : String(v);
  }
  return out;
}

class Consuming implements KafkaConsumer {
  constructor(private readonly consumer: Consumer) {}
  connect = () => mapped(this.consumer.connect());
  disconnect = () => mapped(this.consumer.disconnect());
  async subscribe(topics: string[], fromBeginning: boolean): Promise<void> {
    await mapped(this.consumer.subscribe({ topics, fromBeginning }));
  }
  run(handler: (record: IncomingRecord) => Promise<void>): Promise<void> {
    return mapped(
      this.consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic, partition, message }) => {
          await handler({ topic, partition, offset: message.offset, key: message.key ?? null, value: message.value ?? null, headers: headersOf(message.headers) });
        },
      }),
    );
  }
  commit(topic: string, partition: number, nextOffset: string): Promise<void> {
    return mapped(this.consumer.commitOffsets([{ topic, partition, offset: nextOffset }]));
  }
  onJoin(listener: () => void): void {
    this.consumer.on(this.consumer.events.GROUP_JOIN, guarded(() => listener()));
  }
  onCrash(listener: (err: KafkaClientError, restarting: boolean) => void): void {
    this.consumer.on(
      this.consumer.events.CRASH,
      guarded((e: { payload?: { error?: unknown; restart?: boolean } }) => listener(toKafkaError(e.payload?.error), e.payload?.restart === true)),
    );
  }
}

export function createKafkaClient(options: ClientOptions): KafkaClient {
  const kafka = new Kafka(libraryConfig(options));
  /** one metadata round trip (no admin rights needed; the mock cluster answers it too) */
  const probe = async () => {
    const admin = kafka.admin();
    try {
      await admin.connect();
      await admin.describeCluster();
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  };
  return {
    producer: (p) => new Producing(kafka.producer({ ...producerConfig(p), createPartitioner: notingPartitioner }), probe),
    consumer: (c) => new Consuming(kafka.consumer({ groupId: c.groupId, retry: { retries: 1000, initialRetryTime: 500, maxRetryTime: 10000 } })),
  };
}
