/**
 * edge-kafka-out: produces each message to Kafka and calls done() only when the broker has acknowledged it, so a
 * Complete node means "in Kafka". While the cluster is unreachable, messages wait in a durable disk buffer and
 * drain in priority order when it returns. A message from an edge-buffer (msg._buffer) is on that buffer's disk
 * already: when Kafka does not take it, it fails to the Catch node at once (edge-buffer retries it, most urgent
 * first) instead of being buffered a second time here, behind the bulk this node already holds.
 */
import * as path from "path";
import { randomUUID } from "crypto";
import { CompressionTypes } from "kafkajs";
import type { NodeAPI, Node, NodeDef, Send, Done, Msg } from "../_shared/node-red";
import { asError, errorText, numberSetting } from "../_shared/node-red";
import type { KafkaBrokerNode } from "../_shared/kafka-broker";
import { RecordBuilder, RecordSettings, KafkaRecord } from "../../lib/kafka/kafka-record";
import { KafkaExporter } from "../../lib/kafka/kafka-exporter";
import { DurableQueue } from "../../lib/store/durable-queue";

interface EdgeKafkaOutDef extends NodeDef {
  broker: string;
  topic: string;
  key: string;
  valueFormat: RecordSettings["valueFormat"];
  cloudEvents: boolean;
  ceSource: string;
  ceType: string;
  batchSize: string;
  lingerMs: string;
  stallMs: string;
  compression: "none" | "gzip";
  acks: string;
  idempotent: boolean;
  bufferDir: string;
  bufferMB: string;
  drainRatePerSec: string;
}

export = function register(RED: NodeAPI): void {
  function EdgeKafkaOutNode(this: Node, config: EdgeKafkaOutDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const broker = RED.nodes.getNode(config.broker) as KafkaBrokerNode | null;
    const settings: RecordSettings = {
      topic: config.topic ?? "",
      key: config.key ?? "{deviceName}",
      valueFormat: config.valueFormat === "raw" ? "raw" : "json",
      cloudEvents: config.cloudEvents === true,
      ceSource: config.ceSource,
      ceType: config.ceType,
    };
    if (!broker) {
      node.status({ fill: "red", shape: "ring", text: RED._("edge-kafka-out.status.no-broker") });
      node.on("input", (_msg: Msg, _send: Send, done: Done) => done(new Error(RED._("edge-kafka-out.errors.no-broker"))));
      return;
    }
    const records = new RecordBuilder(settings);
    const idempotent = config.idempotent === true;
    const acksSetting = numberSetting(config.acks, -1);
    // the idempotent producer needs every in-sync replica's ack
    const acks = (idempotent || ![-1, 0, 1].includes(acksSetting) ? -1 : acksSetting) as -1 | 0 | 1;
    const userDir = RED.settings.userDir ?? process.cwd();
    const dir = config.bufferDir ? path.resolve(userDir, config.bufferDir) : path.join(userDir, "edge-buffer", `kafka-${node.id.replace(/[^\w.-]/g, "_")}`);
    let statusTimer: NodeJS.Timeout | undefined;
    let closing = false;
    let showsConnected = false;
    /** set once the buffer is open: messages then go to it synchronously */
    let live: KafkaExporter | undefined;
    const ready = DurableQueue.open({ dir, sync: 10, maxBytes: numberSetting(config.bufferMB, 512) * 1024 * 1024 }).then((queue) => {
      const exporter = new KafkaExporter(() => broker.producer({ idempotent }), queue, {
        batchSize: Math.max(1, numberSetting(config.batchSize, 500)),
        lingerMs: Math.max(0, numberSetting(config.lingerMs, 10)),
        acks,
        compression: config.compression === "gzip" ? CompressionTypes.GZIP : CompressionTypes.None,
        drainBatch: Math.max(1, numberSetting(config.batchSize, 500)),
        drainRatePerSec: numberSetting(config.drainRatePerSec, 0),
        // a produce request unanswered this long: the records waiting behind it go where they drain most urgent
        // first (this node's disk buffer, or back to the edge-buffer that sent them) instead of waiting in memory
        stallMs: numberSetting(config.stallMs, 2000),
      });
      exporter.on("state", () => scheduleStatus(exporter));
      if (exporter.buffered > 0) scheduleStatus(exporter);
      live = exporter;
      return { queue, exporter };
    });
    ready.catch((err) => node.error(RED._("edge-kafka-out.errors.buffer", { dir, error: errorText(err) })));

    function scheduleStatus(exporter: KafkaExporter) {
      if (statusTimer || closing) return;
      statusTimer = setTimeout(() => {
        statusTimer = undefined;
        const n = exporter.buffered;
        showsConnected = n === 0;
        node.status(n > 0 ? { fill: "yellow", shape: "ring", text: RED._("edge-kafka-out.status.buffering", { count: n }) } : { fill: "green", shape: "dot", text: RED._("edge-kafka-out.status.connected") });
      }, 200);
    }

    function exportTo(exporter: KafkaExporter, record: KafkaRecord, priority: number, id: string, returnable: boolean, done: Done) {
      exporter.send(record, priority, id, (err) => {
        // the status follows the buffer: only when something is (or was just) buffered
        if (err || !showsConnected || exporter.buffered > 0) scheduleStatus(exporter);
        if (err) done(err);
        else done();
      }, returnable);
    }

    node.on("input", (msg: Msg, _send: Send, done: Done) => {
      let record: KafkaRecord;
      const tag = msg._buffer as { id?: unknown } | undefined;
      const id = typeof msg.eventId === "string" ? msg.eventId : typeof tag?.id === "string" ? tag.id : randomUUID();
      try {
        record = records.build(msg as Record<string, unknown>, id);
      } catch (err) {
        return done(asError(err));
      }
      // sent by an edge-buffer, which keeps it on disk until a Complete node acks it and retries it, most urgent
      // first, when a Catch node nacks it: it is not buffered here a second time (see KafkaExporter)
      const returnable = typeof tag?.id === "string" && typeof (tag as { node?: unknown }).node === "string";
      const priority = msg.priority === undefined || msg.priority === null || !Number.isFinite(Number(msg.priority)) ? 3 : Number(msg.priority);
      if (live) return exportTo(live, record, priority, id, returnable, done);
      ready.then(
        ({ exporter }) => exportTo(exporter, record, priority, id, returnable, done),
        (err) => done(asError(err)),
      );
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      closing = true;
      clearTimeout(statusTimer);
      ready
        .then(async ({ queue, exporter }) => {
          await exporter.close();
          await queue.close();
        })
        .catch(() => undefined)
        .finally(() => done());
    });
  }

  RED.nodes.registerType("edge-kafka-out", EdgeKafkaOutNode);
};
