/** Flows and a verifying consumer shared by the edge-kafka-out tests. */
import * as fs from "fs";
import * as path from "path";
import { Kafka, KafkaConfig, logLevel } from "kafkajs";
import { tempDir } from "../harness/peers";
import { waitFor } from "../harness/wait";

/** broker "kb" → edge-kafka-out "out" → Complete "done" → helper "acked"; Catch → helper "failed" */
export function outFlow(brokers: string[], topic: string, extra: Record<string, unknown> = {}, brokerExtra: Record<string, unknown> = {}) {
  return [
    { id: "t", type: "tab" },
    { id: "kb", type: "edge-kafka-broker", brokers: brokers.join(","), clientId: "edge-test", sasl: "none", connectionTimeoutMs: "1000", requestTimeoutMs: "3000", ...brokerExtra },
    { id: "out", z: "t", type: "edge-kafka-out", broker: "kb", topic, key: "{deviceName}", valueFormat: "json", cloudEvents: true, batchSize: "500", lingerMs: "5", compression: "gzip", acks: "-1", drainRatePerSec: "0", bufferDir: tempDir("kafka-buffer"), ...extra },
    { id: "done", z: "t", type: "complete", scope: ["out"], uncaught: false, wires: [["acked"]] },
    { id: "acked", z: "t", type: "helper" },
    { id: "errors", z: "t", type: "catch", scope: ["out"], uncaught: false, wires: [["failed"]] },
    { id: "failed", z: "t", type: "helper" },
  ];
}

export interface Consumed {
  key: string;
  value: { deviceName: string; seq: number; kind?: string };
  headers: Record<string, string>;
  partition: number;
}

/** reads `topic` from the beginning with a fresh group until `expected` records arrived */
export async function consumeAll(brokers: string[], topic: string, expected: number, timeoutMs = 60000, client: Partial<KafkaConfig> = {}): Promise<Consumed[]> {
  const kafka = new Kafka({ clientId: "verify", brokers, logLevel: logLevel.NOTHING, ...client });
  const consumer = kafka.consumer({ groupId: `verify-${topic}-${Date.now()}` });
  const got: Consumed[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
        got.push({ key: message.key!.toString(), value: JSON.parse(message.value!.toString()), headers, partition });
      },
    });
    await waitFor(() => got.length >= expected, `${expected} records consumed from ${topic}`, { timeoutMs, intervalMs: 100 });
  } finally {
    await consumer.disconnect();
  }
  return got;
}

/**
 * A node module whose RED._ speaks the pack's English catalogue (locales/en-US/*.json, __name__ filled in): the
 * test helper's RED._ returns the key, and a status is only worth asserting with its reason in it.
 */
export function withMessages<R>(register: (RED: R) => void): (RED: R) => void {
  const dir = path.resolve(__dirname, "../../locales/en-US");
  const catalogue: Record<string, unknown> = {};
  for (const f of fs.readdirSync(dir)) if (f.endsWith(".json")) Object.assign(catalogue, JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")));
  const translate = (key: string, args: Record<string, unknown> = {}) => {
    let v: unknown = catalogue;
    for (const part of key.split(".")) v = (v as Record<string, unknown> | undefined)?.[part];
    if (typeof v !== "string") return key;
    return v.replace(/__(\w+)__/g, (_m, name: string) => String(args[name] ?? ""));
  };
  const wrapped = (RED: R) => {
    const red = Object.create(RED as object) as R & { _: typeof translate };
    red._ = translate;
    return register(red);
  };
  return wrapped;
}
