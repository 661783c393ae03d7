/**
 * edge-kafka-in: a consumer group for cloud-to-edge commands. A message's offset is committed only after the
 * flow has completed it: wire a Complete node back into this node (a Catch node back makes it retry).
 *
 * A start that fails (cluster unreachable, or on Kafka 4 a topic not created yet) is retried with backoff, and the
 * status says why until the consumer has joined its group.
 */
import type { NodeAPI, Node, NodeDef, Send, Done, Msg } from "../_shared/node-red";
import { errorText } from "../_shared/node-red";
import type { KafkaBrokerNode } from "../_shared/kafka-broker";
import { readSettings } from "../_shared/read-settings";
import * as settingsModule from "./settings";
import { IncomingRecord, KafkaClientError, KafkaConsumer, toKafkaError } from "../../lib/kafka/client";
import { LogOnce } from "../../lib/common/log-once";
import { shortReason } from "../../lib/common/status-text";
import { unsetSetting } from "../../lib/common/unset-setting";
import { Backoff } from "../../lib/kafka/backoff";
import { onInput } from "../_shared/guarded-input";

interface KafkaTag {
  node: string;
  topic: string;
  partition: number;
  offset: string;
}

export = function register(RED: NodeAPI): void {
  function EdgeKafkaInNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = readSettings(RED, node, settingsModule, def);
    if (!config) return;
    const broker = config.broker ? (RED.nodes.getNode(config.broker) as KafkaBrokerNode | null) : null;
    const waiting = new Map<string, { resolve: () => void; reject: (err: Error) => void }>();
    const timeoutMs = config.completionTimeoutS * 1000;
    const log = new LogOnce((text) => node.error(text), 100);
    const backoff = new Backoff(1000, 30000);
    let consumer: KafkaConsumer | undefined;
    let retryTimer: NodeJS.Timeout | undefined;
    let closed = false;
    // subscribed once, at start: typed, or an environment variable's value
    const typedTopics = config.topicsType === "env" ? RED.util.evaluateNodeProperty(config.topics, "env", node, {} as Msg) : config.topics;
    const list = typeof typedTopics === "string" ? typedTopics : typedTopics === undefined || typedTopics === null ? "" : String(typedTopics);
    const unsetTopics = unsetSetting(list);
    const topics = unsetTopics ? [] : list.split(/[\s,]+/).filter(Boolean);
    const unusable = !broker ? RED._("edge-kafka-in.errors.no-broker") : broker.configError;
    if (unusable || topics.length === 0) {
      // no topic yet, or brokers from an unset environment variable: a gateway not configured yet, grey; the broker
      // node says its own once; no broker node at all (or one that cannot work) is a broken flow, red
      const variable = config.topicsType === "env" ? config.topics : unsetTopics?.variable;
      const why = unusable ?? (variable ? RED._("edge-kafka-in.errors.unset-topics", { name: variable }) : RED._("edge-kafka-in.errors.no-topic"));
      const calm = unusable === undefined || broker?.notConfigured === true;
      if (unusable === undefined) node.warn(RED._("edge-kafka-in.errors.not-configured", { why }));
      else if (!calm) log.log(why);
      node.status({ fill: calm ? "grey" : "red", shape: "ring", text: RED._("edge-kafka-in.status.not-configured", { error: shortReason(why) }) });
      onInput(node, (_msg: Msg, _send: Send, done: Done) => done(new Error(why)));
      return;
    }
    const kafka = broker as KafkaBrokerNode;

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

    const handle = async (r: IncomingRecord) => {
      const c = consumer;
      const tag: KafkaTag = { node: node.id, topic: r.topic, partition: r.partition, offset: r.offset };
      const key = `${r.topic}/${r.partition}/${r.offset}`;
      const completed = new Promise<void>((resolve, reject) => {
        waiting.set(key, { resolve, reject });
        setTimeout(() => reject(new Error(RED._("edge-kafka-in.errors.timeout"))), timeoutMs).unref();
      }).finally(() => waiting.delete(key));
      node.send({ topic: r.topic, payload: decode(r.value), key: r.key?.toString() ?? null, headers: r.headers, _kafka: tag } as unknown as Msg);
      await completed; // a rejection makes the consumer deliver this offset again
      await c?.commit(r.topic, r.partition, (BigInt(r.offset) + 1n).toString());
    };

    /** why the consumer is not consuming, in the status (red) and once in the log */
    const notConsuming = (err: KafkaClientError, retryInMs?: number) => {
      const reason = err.kind === "unknown-topic" ? RED._("edge-kafka-in.status.unknown-topic", { topics: topics.join(", ") }) : shortReason(err.message);
      log.log(RED._("edge-kafka-in.errors.start", { error: err.kind === "unknown-topic" ? `${reason} (${err.message})` : err.message }));
      const text = retryInMs === undefined ? reason : RED._("edge-kafka-in.status.retrying", { error: reason, seconds: Math.ceil(retryInMs / 1000) });
      node.status({ fill: "red", shape: "ring", text });
    };

    const start = async (c: KafkaConsumer) => {
      c.onJoin(() => {
        if (closed || consumer !== c) return;
        backoff.reset();
        log.reset();
        node.status({ fill: "green", shape: "dot", text: RED._("edge-kafka-in.status.connected") });
      });
      c.onCrash((err, restarting) => {
        if (closed || consumer !== c) return;
        if (restarting) return notConsuming(err);
        restart(err); // the library gave up: start again with our backoff
      });
      await c.connect();
      if (closed) return;
      node.status({ fill: "red", shape: "ring", text: RED._("edge-kafka-in.status.joining") });
      await c.subscribe(topics, config.fromBeginning);
      await c.run(handle);
    };

    const attempt = () => {
      retryTimer = undefined;
      if (closed) return;
      node.status({ fill: "red", shape: "ring", text: RED._("edge-kafka-in.status.connecting") });
      let c: KafkaConsumer;
      try {
        c = kafka.client().consumer({ groupId: config.groupId });
      } catch (err) {
        return restart(toKafkaError(err));
      }
      consumer = c;
      start(c).catch((err: unknown) => {
        if (!closed && consumer === c) restart(toKafkaError(err));
      });
    };

    const restart = (err: KafkaClientError) => {
      const c = consumer;
      consumer = undefined;
      const wait = backoff.next();
      notConsuming(err, wait);
      clearTimeout(retryTimer);
      retryTimer = setTimeout(attempt, wait);
      c?.disconnect().catch(() => undefined);
    };

    attempt();

    onInput(node, (msg: Msg, _send: Send, done: Done) => {
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
      clearTimeout(retryTimer);
      for (const w of waiting.values()) w.reject(new Error("closing"));
      const c = consumer;
      consumer = undefined;
      (c ? c.disconnect() : Promise.resolve()).catch(() => undefined).finally(() => done());
    });
  }

  RED.nodes.registerType("edge-kafka-in", EdgeKafkaInNode);
};
