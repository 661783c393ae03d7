/**
 * edge-kafka-in: a consumer group for cloud-to-edge commands. A message's offset is committed only after the
 * flow has completed it: wire a Complete node back into this node (a Catch node back makes it retry).
 */
import type { Consumer, EachMessagePayload } from "kafkajs";
import type { NodeAPI, Node, NodeDef, Send, Done, Msg } from "../_shared/node-red";
import { errorText, numberSetting } from "../_shared/node-red";
import type { KafkaBrokerNode } from "../_shared/kafka-broker";

interface EdgeKafkaInDef extends NodeDef {
  broker: string;
  topics: string;
  groupId: string;
  fromBeginning: boolean;
  valueFormat: "json" | "string" | "buffer";
  completionTimeoutS: string;
}

interface KafkaTag {
  node: string;
  topic: string;
  partition: number;
  offset: string;
}

export = function register(RED: NodeAPI): void {
  function EdgeKafkaInNode(this: Node, config: EdgeKafkaInDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const broker = RED.nodes.getNode(config.broker) as KafkaBrokerNode | null;
    const waiting = new Map<string, { resolve: () => void; reject: (err: Error) => void }>();
    const timeoutMs = numberSetting(config.completionTimeoutS, 60) * 1000;
    let consumer: Consumer | undefined;
    let closed = false;
    if (!broker) {
      node.status({ fill: "red", shape: "ring", text: RED._("edge-kafka-in.status.no-broker") });
      return;
    }
    const topics = (config.topics || "").split(/[\s,]+/).filter(Boolean);

    const decode = (value: Buffer | null): unknown => {
      if (!value) return null;
      if (config.valueFormat === "buffer") return value;
      const text = value.toString("utf8");
      if (config.valueFormat === "string") return text;
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
    };

    const handle = async ({ topic, partition, message }: EachMessagePayload) => {
      const tag: KafkaTag = { node: node.id, topic, partition, offset: message.offset };
      const key = `${topic}/${partition}/${message.offset}`;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = Buffer.isBuffer(v) ? v.toString() : String(v);
      const completed = new Promise<void>((resolve, reject) => {
        waiting.set(key, { resolve, reject });
        setTimeout(() => reject(new Error(RED._("edge-kafka-in.errors.timeout"))), timeoutMs).unref();
      }).finally(() => waiting.delete(key));
      node.send({ topic, payload: decode(message.value), key: message.key?.toString() ?? null, headers, _kafka: tag } as unknown as Msg);
      await completed; // a rejection makes kafkajs retry from this offset
      await consumer?.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
    };

    const start = async () => {
      consumer = broker.kafka().consumer({ groupId: config.groupId || "edge-ai-gateway", retry: { retries: 1000, initialRetryTime: 500, maxRetryTime: 10000 } });
      node.status({ fill: "yellow", shape: "ring", text: RED._("edge-kafka-in.status.connecting") });
      consumer.on(consumer.events.GROUP_JOIN, () => node.status({ fill: "green", shape: "dot", text: RED._("edge-kafka-in.status.connected") }));
      consumer.on(consumer.events.CRASH, (e) => node.status({ fill: "red", shape: "ring", text: errorText(e.payload.error) }));
      await consumer.connect();
      for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: config.fromBeginning === true });
      await consumer.run({ autoCommit: false, eachMessage: handle });
    };
    if (topics.length === 0) node.status({ fill: "red", shape: "ring", text: RED._("edge-kafka-in.status.no-topic") });
    else
      start().catch((err) => {
        if (!closed) {
          node.error(RED._("edge-kafka-in.errors.start", { error: errorText(err) }));
          node.status({ fill: "red", shape: "ring", text: errorText(err) });
        }
      });

    node.on("input", (msg: Msg, _send: Send, done: Done) => {
      const tag = msg._kafka as KafkaTag | undefined;
      if (!tag || tag.node !== node.id) return done(new Error(RED._("edge-kafka-in.errors.not-ours")));
      const w = waiting.get(`${tag.topic}/${tag.partition}/${tag.offset}`);
      if (w) {
        if (msg.error) w.reject(new Error(errorText((msg.error as { message?: string }).message ?? msg.error)));
        else w.resolve();
      }
      done();
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      closed = true;
      for (const w of waiting.values()) w.reject(new Error("closing"));
      (consumer ? consumer.disconnect() : Promise.resolve()).catch(() => undefined).finally(() => done());
    });
  }

  RED.nodes.registerType("edge-kafka-in", EdgeKafkaInNode);
};
