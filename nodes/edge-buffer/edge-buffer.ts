/**
 * edge-buffer: store & forward. Messages are written to a durable disk queue and sent on, highest priority first,
 * at least once. A message is acknowledged by the node that delivers it, directly (edge-kafka-out, through
 * lib/store/ack-bus), or when it comes back into this node from a Complete node; it is retried when that node
 * reports a failure, when it comes back from a Catch node, or when it is not acknowledged in time. Each answer
 * names the attempt it answers, and settles only that attempt: a late answer cannot acknowledge a retry.
 */
import * as path from "path";
import type { NodeAPI, Node, NodeDef, Send, Done, Msg } from "../_shared/node-red";
import { errorText } from "../_shared/node-red";
import { flowsStarted } from "../_shared/flows-started";
import { DurableQueue } from "../../lib/store/durable-queue";
import { MessageNotStorableError } from "../../lib/store/message-codec";
import { Forwarder } from "../../lib/store/forwarder";
import { conditionFill, deliveryCondition, DeliveryCondition } from "../../lib/store/delivery-status";
import { LogOnce } from "../../lib/common/log-once";
import { isNotConfigured, notConfiguredError } from "../../lib/common/not-configured";
import type { QueuedRecord, RecoveryReport } from "../../lib/store/types";
import { bufferTagOf, eventIdOf, priorityOf, BufferTag } from "../../lib/contract/message";
import { onInput } from "../_shared/guarded-input";
import { metrics, queueSamples } from "../../lib/fleet/metrics";
import { readSettings } from "../_shared/read-settings";
import { noteDelivered, registerBuffer } from "../../lib/store/ack-bus";
import * as settingsModule from "./settings";


/** records waiting this long with no ack (or the ack timeout, if shorter) and the status stops saying "online" */
const STALL_AFTER_MS = 5000;
const STATUS_EVERY_MS = 1000;

/** a delivery waiting for its answer: only an answer to this attempt settles it */
interface Waiter {
  attempt: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** The message as stored: without the buffer's own fields (a redelivery gets a new _msgid and tag). */
function storableMessage(msg: Msg): Record<string, unknown> {
  // the queue's message codec leaves out what cannot be stored (req/res, sockets, functions); these two are ours
  const { _msgid, _buffer, ...rest } = msg;
  void _msgid;
  void _buffer;
  return rest;
}

/** what recovery skipped: a summary for the status, and where, for the log */
function recoveryText(RED: NodeAPI, r: RecoveryReport | undefined): { summary: string; where: string } | undefined {
  if (!r || (r.damaged.length === 0 && r.tornTailBytes === 0)) return undefined;
  const bytes = r.damaged.reduce((sum, d) => sum + d.bytes, 0);
  const where = r.damaged.map((d) => `${path.basename(d.file)}@${d.offset} (${d.bytes} B)`).join(", ");
  return { summary: RED._("edge-buffer.recovery", { damaged: r.damaged.length, bytes, torn: r.tornTailBytes }), where: where || "-" };
}

export = function register(RED: NodeAPI): void {
  function EdgeBufferNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = readSettings(RED, node, settingsModule, def);
    if (!config) return;
    const userDir = RED.settings.userDir ?? process.cwd();
    const dir = config.dir ? path.resolve(userDir, config.dir) : path.join(userDir, "edge-buffer", node.id.replace(/[^\w.-]/g, "_"));
    const lanes = config.lanes;
    const ackTimeoutMs = config.ackTimeoutS * 1000;
    const stallAfterMs = Math.min(STALL_AFTER_MS, ackTimeoutMs);
    const pending = new Map<string, Waiter>();
    const logged = new LogOnce();
    const writeErrorsLogged = new LogOnce();
    let queue: DurableQueue | undefined;
    let forwarder: Forwarder | undefined;
    let metricsTimer: NodeJS.Timeout | undefined;
    let statusTimer: NodeJS.Timeout | undefined;
    let inputStatusTimer: NodeJS.Timeout | undefined;
    let started = false;
    let writeError: string | undefined;
    let recovered: string | undefined;
    let lastStatus = "";
    let lastCondition: DeliveryCondition | undefined;
    let closing = false;
    const gate = flowsStarted(RED);
    const ready = DurableQueue.open({
      dir,
      lanes,
      sync: config.sync === "group" ? config.groupCommitMs : config.sync,
      maxMessages: config.maxMessages,
      maxBytes: config.maxMB * 1024 * 1024,
      maxAgeMs: config.maxAgeH * 3600 * 1000,
      evictCritical: config.evictCritical,
      onError: (err: Error) => {
        if (closing) return;
        writeError = errorText(err);
        if (writeErrorsLogged.first(writeError)) node.error(RED._("edge-buffer.errors.write", { dir, error: writeError }));
        showStatus();
      },
    }).then((q) => {
      queue = q;
      const report = recoveryText(RED, q.recovery);
      recovered = report?.summary;
      if (report) node.warn(RED._("edge-buffer.warnings.recovered", { dir, report: report.summary, where: report.where }));
      forwarder = new Forwarder(q, deliver, {
        window: config.window,
        ratePerSec: config.ratePerSec,
        ackTimeoutMs,
        backoff: { initialMs: 500, maxMs: config.backoffMaxS * 1000, jitter: 0.2 },
        breaker: { failures: config.breakerFailures, probeAfterMs: config.probeAfterS * 1000 },
      });
      forwarder.on("state", () => showStatus());
      forwarder.on("delivered", (r: QueuedRecord) => {
        logged.reset();
        noteDelivered(node.id, r.data);
      });
      forwarder.on("delivered", (r: QueuedRecord) => metrics.observe("edge_delivery_latency_seconds", { node: node.id }, (Date.now() - r.enqueuedAt) / 1000));
      metrics.source(node.id, () => queueSamples(q.stats()));
      forwarder.on("failed", (record: QueuedRecord, err: Error) => {
        pending.delete(record.id);
        const text = errorText(err);
        if (!closing && logged.first(text)) node.warn(RED._("edge-buffer.warnings.delivery", { error: text }));
      });
      showStatus();
      return q;
    });
    ready.catch((err) => {
      node.error(RED._("edge-buffer.errors.open", { dir, error: errorText(err) }));
      node.status({ fill: "red", shape: "ring", text: RED._("edge-buffer.status.error") });
    });
    // nothing goes downstream before Node-RED has created every node of the flows (the backlog after a restart)
    void Promise.all([ready, gate.ready]).then(() => {
      if (closing || !forwarder) return;
      started = true;
      forwarder.start();
      const interval = config.metricsIntervalS * 1000;
      if (interval > 0) metricsTimer = setInterval(sendMetrics, interval);
      // time passes without events while nothing is acknowledged: the status is re-read on a clock
      statusTimer = setInterval(showStatus, STATUS_EVERY_MS);
      showStatus();
    }, () => undefined);

    /** settles the delivery of `id` that waits under `attempt`; false if none does (settled, timed out, retried) */
    function settle(id: string, attempt: number, err?: Error): boolean {
      const waiter = pending.get(id);
      if (!waiter || waiter.attempt !== attempt) return false;
      pending.delete(id);
      if (err) waiter.reject(err);
      else waiter.resolve();
      return true;
    }
    const unregister = registerBuffer(node.id, settle);

    function deliver(record: QueuedRecord): Promise<void> {
      // the waiter leaves `pending` when the answer comes (settle: from the delivering node, or a Complete or Catch
      // node through onInput) or the forwarder gives up on it ("failed": a timeout), so no closure is kept per
      // record beyond its delivery
      return new Promise<void>((resolve, reject) => {
        const attempt = record.attempts + 1;
        pending.set(record.id, { attempt, resolve, reject });
        // record.data is this delivery's own message to send: the stored copy on the first delivery (lib/store's queue
        // lets go of it once taken), decoded afresh from disk for a redelivery
        const msg = record.data as Msg;
        msg._msgid = RED.util.generateId();
        msg._buffer = { id: record.id, node: node.id, attempt } satisfies BufferTag;
        node.send([msg, null]);
      });
    }

    function showStatus() {
      if (closing || !queue || !forwarder) return;
      const s = queue.stats();
      const notConfigured = isNotConfigured(forwarder.lastFailure);
      const condition = deliveryCondition({ started, state: forwarder.currentState, unacknowledgedMs: forwarder.unacknowledgedForMs(), stallAfterMs, writeError, notConfigured });
      if (condition === "unacknowledged" && lastCondition !== "unacknowledged") node.warn(RED._("edge-buffer.warnings.unacknowledged", { s: Math.round(stallAfterMs / 1000) }));
      lastCondition = condition;
      let text = RED._(`edge-buffer.status.${condition}`, {
        queued: s.queued,
        inFlight: s.inFlight,
        lanes: s.queuedPerLane.join("/"),
        mb: (s.bytesOnDisk / 2 ** 20).toFixed(1),
        s: Math.floor(forwarder.unacknowledgedForMs() / 1000),
        error: writeError ?? (forwarder.lastFailure ? errorText(forwarder.lastFailure) : "-"),
      });
      if (recovered) text += ` · ${recovered}`;
      const fill = conditionFill(condition);
      // the editor gets a message only when the status changes, not every tick
      const key = `${fill}|${text}`;
      if (key === lastStatus) return;
      lastStatus = key;
      node.status({ fill, shape: fill === "green" ? "dot" : "ring", text });
    }

    function sendMetrics() {
      if (!queue || !forwarder) return;
      const s = queue.stats();
      node.send([null, { topic: "edge-buffer/metrics", payload: { ...s, retries: forwarder.retryCount, state: forwarder.currentState, dir } }]);
    }

    onInput(node, (msg: Msg, _send: Send, done: Done) => {
      // a message that comes back from a Complete node (ack) or a Catch node (nack); when the delivering node has
      // settled it directly already, or it answers an earlier attempt, it settles nothing
      const tag: BufferTag | undefined = bufferTagOf(msg);
      if (tag && tag.node === node.id) {
        if (!msg.error) settle(tag.id, tag.attempt);
        else {
          const failure = new Error(errorText((msg.error as { message?: string }).message ?? msg.error));
          // downstream not configured yet (KAFKA_BROKERS unset): kept as such for the status
          // (a Catch node's msg.error.message is the error's toString(): "Error: …")
          settle(tag.id, tag.attempt, isNotConfigured(msg.error) ? notConfiguredError(failure.message.replace(/^Error: /, "")) : failure);
        }
        return done();
      }
      const stored = storableMessage(msg);
      const pushed = () => {
        writeError = undefined; // a confirmed push: the disk takes writes again
        forwarder?.kick();
        if (!inputStatusTimer) inputStatusTimer = setTimeout(showInputStatus, 250);
        done();
      };
      const refused = (err: unknown) => {
        // what the codec cannot hold (nested deeper than its limit) is refused, clearly, to Catch
        if (err instanceof MessageNotStorableError) return done(new Error(RED._("edge-buffer.errors.unstorable", { error: err.message })));
        done(err instanceof Error ? err : new Error(String(err)));
      };
      // once the queue is open, one promise per message (the push's own), not a chain of three
      if (queue) queue.push(stored, priorityOf(msg, lanes), eventIdOf(msg)).then(pushed, refused);
      else ready.then((q) => q.push(stored, priorityOf(msg, lanes), eventIdOf(msg))).then(pushed, refused);
    });

    function showInputStatus() {
      inputStatusTimer = undefined;
      showStatus();
    }

    node.on("close", (_removed: boolean, done: () => void) => {
      closing = true;
      unregister();
      gate.cancel();
      clearInterval(metricsTimer);
      clearInterval(statusTimer);
      clearTimeout(inputStatusTimer);
      for (const w of pending.values()) w.reject(new Error("the node is closing"));
      ready
        .then(async (q) => {
          await forwarder?.stop();
          q.nackAll();
          await q.close();
        })
        .catch(() => undefined)
        .finally(() => done());
    });
  }

  RED.nodes.registerType("edge-buffer", EdgeBufferNode);
};
