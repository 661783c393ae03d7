/** Kafka client settings from the edge-kafka-broker node's configuration and credentials. */
import type { ClientOptions } from "./client";

export interface BrokerSettings {
  brokers: string;
  clientId: string;
  tls: boolean;
  rejectUnauthorized: boolean;
  sasl: "none" | "plain" | "scram-sha-256" | "scram-sha-512";
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
}

export interface BrokerCredentials {
  ca?: string;
  cert?: string;
  key?: string;
  username?: string;
  password?: string;
}

export function parseBrokers(list: string): string[] {
  const brokers = list
    .split(/[\s,]+/)
    .map((b) => b.trim())
    .filter(Boolean);
  if (brokers.length === 0) throw new Error("no bootstrap brokers given");
  for (const b of brokers) if (!/^[^:\s]+:\d{1,5}$/.test(b)) throw new Error(`'${b}' is not host:port`);
  return brokers;
}

/** the client's options; throws, saying what is wrong, when the configuration cannot work */
export function clientOptions(s: BrokerSettings, c: BrokerCredentials = {}): ClientOptions {
  const options: ClientOptions = {
    clientId: s.clientId || "edge-ai-gateway",
    brokers: parseBrokers(s.brokers),
    connectionTimeoutMs: s.connectionTimeoutMs,
    requestTimeoutMs: s.requestTimeoutMs,
    // the disk buffer is our retry: fail fast to it instead of blocking a flow for minutes
    retry: { retries: 2, initialRetryTimeMs: 200, maxRetryTimeMs: 2000 },
  };
  if (s.tls) options.tls = { ca: c.ca, cert: c.cert, key: c.key, rejectUnauthorized: s.rejectUnauthorized };
  if (s.sasl !== "none") {
    if (!["plain", "scram-sha-256", "scram-sha-512"].includes(s.sasl)) throw new Error(`unknown SASL mechanism '${s.sasl}'`);
    if (!c.username) throw new Error("SASL needs a username");
    options.sasl = { mechanism: s.sasl, username: c.username, password: c.password ?? "" };
  }
  return options;
}

export interface ProducerSettings {
  /** idempotent producer (needs InitProducerId: real brokers only); forces acks all */
  idempotent: boolean;
}

/**
 * The client library's producer settings. One produce request in flight per broker keeps each key in order across retries.
 * The idempotent producer numbers its batches, so the broker itself rejects duplicates and gaps; Kafka allows up to
 * five requests in flight with it (kafkajs still serialises produce requests per broker for the sequence numbers).
 */
export function producerConfig(p: ProducerSettings): { allowAutoTopicCreation: true; idempotent?: true; maxInFlightRequests: number } {
  return p.idempotent ? { allowAutoTopicCreation: true, idempotent: true, maxInFlightRequests: 5 } : { allowAutoTopicCreation: true, maxInFlightRequests: 1 };
}
