/** kafkajs client settings from the edge-kafka-broker node's configuration and credentials. */
import type { KafkaConfig, ProducerConfig, SASLOptions } from "kafkajs";
import { logLevel } from "kafkajs";

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

export function kafkaConfig(s: BrokerSettings, c: BrokerCredentials = {}): KafkaConfig {
  const config: KafkaConfig = {
    clientId: s.clientId || "edge-ai-gateway",
    brokers: parseBrokers(s.brokers),
    connectionTimeout: s.connectionTimeoutMs,
    requestTimeout: s.requestTimeoutMs,
    logLevel: logLevel.NOTHING,
    // the disk buffer is our retry: fail fast to it instead of blocking a flow for minutes
    retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2000 },
  };
  if (s.tls) config.ssl = { ca: c.ca ? [c.ca] : undefined, cert: c.cert || undefined, key: c.key || undefined, rejectUnauthorized: s.rejectUnauthorized };
  if (s.sasl !== "none") {
    if (!c.username) throw new Error("SASL needs a username");
    config.sasl = { mechanism: s.sasl, username: c.username, password: c.password ?? "" } as SASLOptions;
  }
  return config;
}

export interface ProducerSettings {
  /** kafkajs idempotent producer (needs InitProducerId: real brokers only); forces acks all */
  idempotent: boolean;
}

/**
 * kafkajs producer settings. One produce request in flight per broker keeps each key in order across retries.
 * The idempotent producer numbers its batches, so the broker itself rejects duplicates and gaps; Kafka allows up to
 * five requests in flight with it (kafkajs still serialises produce requests per broker for the sequence numbers).
 */
export function producerConfig(p: ProducerSettings): ProducerConfig {
  return p.idempotent ? { allowAutoTopicCreation: true, idempotent: true, maxInFlightRequests: 5 } : { allowAutoTopicCreation: true, maxInFlightRequests: 1 };
}
