/**
 * mqtt.js connection settings from the fields of Node-RED's core `mqtt-broker` config node (broker, port, usetls,
 * clientid, protocolVersion, keepalive, the user/password credentials, and the TLS options its `tls-config`
 * node adds). The bridge opens its own connection with them, because it must decide itself when a received
 * message is acknowledged.
 */
import type { IClientOptions } from "mqtt";

/** the runtime fields of a core mqtt-broker node that matter for a connection */
export interface CoreBrokerFields {
  broker?: string;
  port?: string | number;
  usetls?: boolean;
  clientid?: string;
  protocolVersion?: string | number;
  keepalive?: string | number;
  /** built by the core node at start: mqtt.js options, including the TLS ones from its tls-config node */
  options?: Record<string, unknown>;
  credentials?: { user?: string; password?: string };
  /** the URL the core node computed, when it did */
  brokerurl?: string;
}

export interface ClientSettings {
  url: string;
  options: IClientOptions;
  protocolVersion: 3 | 4 | 5;
}

const TLS_KEYS = ["ca", "cert", "key", "passphrase", "servername", "ALPNProtocols", "rejectUnauthorized"] as const;

export function brokerUrl(fields: CoreBrokerFields): string {
  if (fields.brokerurl) return fields.brokerurl;
  const broker = (fields.broker ?? "").trim();
  if (broker.includes("://")) return broker;
  const host = broker === "" ? "localhost" : broker.includes(":") ? `[${broker}]` : broker;
  const port = Number(fields.port) || (fields.usetls ? 8883 : 1883);
  return `${fields.usetls ? "mqtts" : "mqtt"}://${host}:${port}`;
}

export function clientSettings(fields: CoreBrokerFields, clientId: string, overrides: IClientOptions = {}): ClientSettings {
  const version = Number(fields.protocolVersion) === 5 ? 5 : Number(fields.protocolVersion) === 3 ? 3 : 4;
  const options: IClientOptions = {
    clientId,
    protocolVersion: version,
    keepalive: Number(fields.keepalive) || 60,
    reconnectPeriod: 1000,
    connectTimeout: 10000,
    ...(version === 3 ? { protocolId: "MQIsdp" } : {}),
  };
  if (fields.credentials?.user) options.username = fields.credentials.user;
  if (fields.credentials?.password) options.password = fields.credentials.password;
  const built = fields.options ?? {};
  const tlsOptions = options as Record<string, unknown>;
  for (const key of TLS_KEYS) if (built[key] !== undefined) tlsOptions[key] = built[key];
  return { url: brokerUrl(fields), options: { ...options, ...overrides }, protocolVersion: version };
}
