/**
 * edge-kafka-out: produces each message to Kafka and calls done() only when the broker has acknowledged it, so a
 * Complete node means "in Kafka". While the cluster is unreachable, messages wait in a durable disk buffer and
 * drain in priority order when it returns. A message from an edge-buffer (msg._buffer) is on that buffer's disk
 * already: when Kafka does not take it, it fails to the Catch node at once (edge-buffer retries it, most urgent
 * first) instead of being buffered a second time here, behind the bulk this node already holds. The disk buffer
 * is opened only when a message arrives that no edge-buffer holds (or one is left on disk from an earlier run).
 * Such a message is acknowledged (or failed) to its edge-buffer directly, from the broker's answer, through
 * lib/store/ack-bus: no Complete and Catch nodes need be wired back to the buffer (when they are, their echo finds
 * the delivery settled already and changes nothing).
 *
 * A configuration that can never work (no broker, a broker list that does not parse) fails every message to the
 * Catch node and shows red; an unreachable cluster buffers and shows yellow with the reason. Green only while the
 * cluster answers.
 */
import * as fs from "fs";
import * as path from "path";
import type { NodeAPI, Node, NodeDef, Send, Done, Msg } from "../_shared/node-red";
import { asError, errorText } from "../_shared/node-red";
import type { KafkaBrokerNode } from "../_shared/kafka-broker";
import { RecordBuilder, RecordSettings, KafkaRecord } from "../../lib/kafka/kafka-record";
import { readSettings } from "../_shared/read-settings";
import * as settingsModule from "./settings";
import { KafkaExporter } from "../../lib/kafka/kafka-exporter";
import { KafkaClientError } from "../../lib/kafka/client";
import { StalledError } from "../../lib/kafka/batcher";
import { DurableQueue } from "../../lib/store/durable-queue";
import { bufferTagOf, eventIdOf, newEventId, priorityOf } from "../../lib/contract/message";
import { settleDelivery } from "../../lib/store/ack-bus";
import { LogOnce } from "../../lib/common/log-once";
import { notConfiguredError } from "../../lib/common/not-configured";
import { shortReason } from "../../lib/common/status-text";
import { onInput } from "../_shared/guarded-input";
import { metrics, queueSamples } from "../../lib/fleet/metrics";

export = function register(RED: NodeAPI): void {
  function EdgeKafkaOutNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = readSettings(RED, node, settingsModule, def);
    if (!config) return;
    const broker = config.broker ? (RED.nodes.getNode(config.broker) as KafkaBrokerNode | null) : null;
    const log = new LogOnce((text) => node.error(text), 100);
    // Topic and Key from msg/flow/global/env are read per message below; the node's own text is a template
    const typedTopic = config.topicType !== "str";
    const typedKey = config.keyType !== "str";
    const settings: RecordSettings = {
      topic: typedTopic ? "" : config.topic,
      key: typedKey ? "" : config.key,
      valueFormat: config.valueFormat,
      cloudEvents: config.cloudEvents,
      ceSource: config.ceSource,
      ceType: config.ceType,
    };
    // a configuration that can never work: every message reaches the Catch node with the reason
    const unusable = !broker ? RED._("edge-kafka-out.errors.no-broker") : broker.configError;
    if (unusable) {
      // brokers from an unset environment variable: the broker node has said so once; grey, as nothing is wrong here
      const calm = broker?.notConfigured === true;
      node.status({ fill: calm ? "grey" : "red", shape: "ring", text: RED._("edge-kafka-out.status.not-configured", { error: shortReason(unusable) }) });
      if (!calm) log.log(unusable);
      // marked, so that an edge-buffer this message came from shows "not configured" too rather than "offline"
      onInput(node, (msg: Msg, _send: Send, done: Done) => {
        const err = calm ? notConfiguredError(unusable) : new Error(unusable);
        const tag = bufferTagOf(msg);
        const handedBack = tag !== undefined && settleDelivery(tag.node, tag.id, tag.attempt, err);
        // not configured yet: a message its edge-buffer took back waits on its disk, and the buffer says so once,
        // grey; an error per message would only repeat it (a Catch node of the old wiring is not needed for it)
        if (handedBack && calm) return;
        done(err);
      });
      return;
    }
    const kafka = broker as KafkaBrokerNode;
    const records = new RecordBuilder(settings);
    const idempotent = config.idempotent;
    // the idempotent producer needs every in-sync replica's ack
    const acks = (idempotent ? -1 : Number(config.acks)) as -1 | 0 | 1;
    const userDir = RED.settings.userDir ?? process.cwd();
    const dir = config.bufferDir ? path.resolve(userDir, config.bufferDir) : path.join(userDir, "edge-buffer", `kafka-${node.id.replace(/[^\w.-]/g, "_")}`);
    let statusTimer: NodeJS.Timeout | undefined;
    let closing = false;
    /** the disk buffer's last failure (opening it, or a write no message waits for), shown until it works again */
    let diskError: string | undefined;

    const exporter = new KafkaExporter(
      () => kafka.producer({ idempotent }),
      () =>
        DurableQueue.open({
          dir,
          sync: 10,
          maxBytes: config.bufferMB * 1024 * 1024,
          onError: (err) => {
            diskError = errorText(err);
            log.log(RED._("edge-kafka-out.errors.disk", { dir, error: diskError }));
            scheduleStatus();
          },
        }).then(
          (queue) => {
            diskError = undefined;
            // what recovery skipped (damaged records, a torn tail) is said once, where the user looks
            const { damaged, tornTailBytes } = queue.recovery ?? { damaged: [], tornTailBytes: 0 };
            if (damaged.length > 0 || tornTailBytes > 0) {
              const where = damaged.map((d) => `${d.file}@${d.offset} (${d.bytes} bytes)`).join(", ");
              node.warn(RED._("edge-kafka-out.errors.recovered", { dir, damaged: damaged.length, where: where || "-", torn: tornTailBytes }));
            }
            scheduleStatus();
            return queue;
          },
          (err: unknown) => {
            diskError = errorText(err);
            log.log(RED._("edge-kafka-out.errors.buffer", { dir, error: diskError }));
            scheduleStatus();
            throw err;
          },
        ),
      {
        batchSize: config.batchSize,
        lingerMs: config.lingerMs,
        acks,
        compression: config.compression,
        drainBatch: config.batchSize,
        drainRatePerSec: config.drainRatePerSec,
        // a produce request unanswered this long: the records waiting behind it go where they drain most urgent
        // first (this node's disk buffer, or back to the edge-buffer that sent them) instead of waiting in memory
        stallMs: config.stallMs,
      },
    );
    exporter.on("refused", (id: string, err: Error) => log.log(RED._("edge-kafka-out.errors.refused", { id, error: errorText(err) })));
    exporter.on("state", (state: string, err?: Error) => {
      if (state === "connected") log.reset();
      else if (err) log.log(RED._("edge-kafka-out.errors.kafka", { error: errorText(err) }));
      scheduleStatus();
    });
    node.status({ fill: "yellow", shape: "ring", text: RED._("edge-kafka-out.status.connecting") });
    // a backlog left on disk by an earlier run drains now; otherwise the disk buffer waits for a message that needs it
    if (hasFiles(dir)) exporter.ensureQueue().catch(() => undefined);
    exporter.start();
    metrics.source(node.id, () => queueSamples({ queued: exporter.buffered }));

    function render(): Parameters<Node["status"]>[0] {
      const { state, error, buffered } = exporter.current;
      if (diskError) return { fill: "red", shape: "ring", text: RED._("edge-kafka-out.status.disk", { error: shortReason(diskError) }) };
      if (state === "connecting") return { fill: "yellow", shape: "ring", text: RED._("edge-kafka-out.status.connecting") };
      if (state === "connected") return { fill: "green", shape: "dot", text: RED._("edge-kafka-out.status.connected") };
      if (state === "draining") return { fill: "yellow", shape: "dot", text: RED._("edge-kafka-out.status.draining", { count: buffered }) };
      const reason = shortReason(error ? errorText(error) : "");
      // a request left unanswered (a frozen broker) is as unreachable as a refused connection
      if ((error instanceof KafkaClientError && error.kind === "unreachable") || error instanceof StalledError) {
        return { fill: "red", shape: "ring", text: buffered > 0 ? RED._("edge-kafka-out.status.unreachable", { count: buffered }) : RED._("edge-kafka-out.status.unreachable-why", { error: reason }) };
      }
      if (!error) return { fill: "yellow", shape: "ring", text: RED._("edge-kafka-out.status.buffering", { count: buffered }) };
      return { fill: "red", shape: "ring", text: RED._("edge-kafka-out.status.failing", { count: buffered, error: reason }) };
    }

    function scheduleStatus() {
      if (statusTimer || closing) return;
      statusTimer = setTimeout(() => {
        statusTimer = undefined;
        if (!closing) node.status(render());
      }, 200);
    }

    onInput(node, (msg: Msg, _send: Send, done: Done) => {
      let record: KafkaRecord;
      const m = msg as Record<string, unknown>;
      const tag = bufferTagOf(m);
      const id = eventIdOf(m) ?? tag?.id ?? newEventId();
      try {
        // a typed Topic stands where msg.topic would (and is checked as a topic name there); a typed Key replaces the template's
        const typed = (value: string, type: string) => RED.util.evaluateNodeProperty(value, type, node, msg) as unknown;
        record = records.build(typedTopic ? { ...m, topic: typed(config.topic, config.topicType) } : m, id);
        if (typedKey) {
          const key = typed(config.key, config.keyType);
          record.key = key === undefined || key === null || key === "" ? null : typeof key === "object" ? JSON.stringify(key) : String(key);
        }
      } catch (err) {
        const e = asError(err);
        if (tag) settleDelivery(tag.node, tag.id, tag.attempt, e);
        return done(e);
      }
      // sent by an edge-buffer, which keeps it on disk until it is acknowledged here (or by a Complete node) and
      // retries it, most urgent first, when it fails: it is not buffered here a second time (see KafkaExporter)
      exporter.send(
        record,
        priorityOf(m),
        id,
        (err) => {
          if (exporter.buffered > 0 || err) scheduleStatus();
          if (tag) settleDelivery(tag.node, tag.id, tag.attempt, err);
          if (!err) done();
          // failed because this node closes: still on its edge-buffer's disk and sent again after the restart, so
          // not an error to log once per message (the Catch nodes of the old wiring are closing too)
          else if (!(tag && closing)) done(err);
        },
        tag !== undefined,
      );
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      closing = true;
      clearTimeout(statusTimer);
      exporter
        .close()
        .catch(() => undefined)
        .finally(() => done());
    });
  }

  RED.nodes.registerType("edge-kafka-out", EdgeKafkaOutNode);
};

function hasFiles(dir: string): boolean {
  try {
    return fs.readdirSync(dir).length > 0;
  } catch {
    return false;
  }
}
