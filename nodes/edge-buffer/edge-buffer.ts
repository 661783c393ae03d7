/**
 * edge-buffer: store & forward. Messages are written to a durable disk queue and sent on, highest priority first,
 * at least once; a message is acknowledged when it comes back into this node from a Complete node, and retried
 * when it comes back from a Catch node or is not acknowledged in time.
 */
import * as path from "path";
import type { NodeAPI, Node, NodeDef, Send, Done, Msg } from "../_shared/node-red";
import { errorText, numberSetting } from "../_shared/node-red";
import { DurableQueue } from "../../lib/store/durable-queue";
import { Forwarder, ForwarderState } from "../../lib/store/forwarder";
import type { QueuedRecord } from "../../lib/store/types";

interface EdgeBufferDef extends NodeDef {
  dir: string;
  lanes: string;
  sync: "always" | "group";
  groupCommitMs: string;
  maxMessages: string;
  maxMB: string;
  maxAgeH: string;
  evictCritical: boolean;
  window: string;
  ratePerSec: string;
  ackTimeoutS: string;
  backoffMaxS: string;
  breakerFailures: string;
  probeAfterS: string;
  metricsIntervalS: string;
}

/** what travels with a buffered message so its ack or nack finds the record */
interface BufferTag {
  id: string;
  node: string;
  attempt: number;
}

export = function register(RED: NodeAPI): void {
  function EdgeBufferNode(this: Node, config: EdgeBufferDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const userDir = RED.settings.userDir ?? process.cwd();
    const dir = config.dir ? path.resolve(userDir, config.dir) : path.join(userDir, "edge-buffer", node.id.replace(/[^\w.-]/g, "_"));
    const pending = new Map<string, { resolve: () => void; reject: (err: Error) => void }>();
    let queue: DurableQueue | undefined;
    let forwarder: Forwarder | undefined;
    let metricsTimer: NodeJS.Timeout | undefined;
    let statusTimer: NodeJS.Timeout | undefined;
    let closing = false;
    const ready = DurableQueue.open({
      dir,
      lanes: numberSetting(config.lanes, 4),
      sync: config.sync === "always" ? "always" : numberSetting(config.groupCommitMs, 10),
      maxMessages: numberSetting(config.maxMessages, 1_000_000),
      maxBytes: numberSetting(config.maxMB, 1024) * 1024 * 1024,
      maxAgeMs: numberSetting(config.maxAgeH, 0) * 3600 * 1000,
      evictCritical: config.evictCritical === true,
    }).then((q) => {
      queue = q;
      forwarder = new Forwarder(q, deliver, {
        window: numberSetting(config.window, 16),
        ratePerSec: numberSetting(config.ratePerSec, 0),
        ackTimeoutMs: numberSetting(config.ackTimeoutS, 30) * 1000,
        backoff: { initialMs: 500, maxMs: numberSetting(config.backoffMaxS, 30) * 1000, jitter: 0.2 },
        breaker: { failures: numberSetting(config.breakerFailures, 5), probeAfterMs: numberSetting(config.probeAfterS, 10) * 1000 },
      });
      forwarder.on("state", (state: ForwarderState) => showStatus(state));
      forwarder.start();
      const interval = numberSetting(config.metricsIntervalS, 10) * 1000;
      if (interval > 0) metricsTimer = setInterval(sendMetrics, interval);
      showStatus(forwarder.currentState);
      return q;
    });
    ready.catch((err) => {
      node.error(RED._("edge-buffer.errors.open", { dir, error: errorText(err) }));
      node.status({ fill: "red", shape: "ring", text: RED._("edge-buffer.status.error") });
    });

    function deliver(record: QueuedRecord): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        pending.set(record.id, { resolve, reject });
        const msg = record.data as Msg;
        const tag: BufferTag = { id: record.id, node: node.id, attempt: record.attempts + 1 };
        node.send([{ ...msg, _msgid: RED.util.generateId(), _buffer: tag } as Msg, null]);
      }).finally(() => pending.delete(record.id));
    }

    function showStatus(state: ForwarderState = forwarder?.currentState ?? "online") {
      if (closing || !queue) return;
      const s = queue.stats();
      const lanes = s.queuedPerLane.join("/");
      const fill = state === "online" ? "green" : state === "probing" ? "yellow" : "red";
      node.status({ fill, shape: state === "online" ? "dot" : "ring", text: RED._(`edge-buffer.status.${state}`, { queued: s.queued, lanes, mb: (s.bytesOnDisk / 2 ** 20).toFixed(1) }) });
    }

    function sendMetrics() {
      if (!queue || !forwarder) return;
      const s = queue.stats();
      node.send([null, { topic: "edge-buffer/metrics", payload: { ...s, retries: forwarder.retryCount, state: forwarder.currentState, dir } }]);
    }

    node.on("input", (msg: Msg, _send: Send, done: Done) => {
      const tag = msg._buffer as BufferTag | undefined;
      // a message that comes back from a Complete node (ack) or a Catch node (nack)
      if (tag && typeof tag === "object" && tag.node === node.id) {
        const waiter = pending.get(tag.id);
        if (waiter) {
          if (msg.error) waiter.reject(new Error(errorText((msg.error as { message?: string }).message ?? msg.error)));
          else waiter.resolve();
        }
        return done();
      }
      const priority = Number.isFinite(Number(msg.priority)) && msg.priority !== undefined && msg.priority !== null ? Number(msg.priority) : undefined;
      const { _msgid, _buffer, ...rest } = msg;
      void _msgid;
      void _buffer;
      ready
        .then((q) => q.push(rest, priority, typeof msg.eventId === "string" ? msg.eventId : undefined))
        .then(() => {
          forwarder?.kick();
          if (!statusTimer) statusTimer = setTimeout(() => {
            statusTimer = undefined;
            showStatus();
          }, 250);
          done();
        })
        .catch((err) => done(err instanceof Error ? err : new Error(String(err))));
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      closing = true;
      clearInterval(metricsTimer);
      clearTimeout(statusTimer);
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
