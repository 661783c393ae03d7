/** edge-aggregate: windows per device and resource, one summary per window — what a store gateway forwards instead of raw streams. */
import type { NodeAPI, Node, NodeDef, Send, Done, Msg } from "../_shared/node-red";
import { asError, throttledStatus } from "../_shared/node-red";
import { asEvent } from "../_shared/event-input";
import { WindowAggregator, Summary } from "../../lib/aggregate/window-aggregator";
import { DeadbandFilter } from "../../lib/aggregate/report-by-exception";
import { WindowBatcher } from "../../lib/aggregate/window-batcher";
import type { NamedSummary } from "../../lib/aggregate/summary-batch";
import { batchMessage, summaryMessage } from "./summary-output";
import { onInput } from "../_shared/guarded-input";
import { readSettings } from "../_shared/read-settings";
import * as settingsModule from "./settings";

export = function register(RED: NodeAPI): void {
  function EdgeAggregateNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = readSettings(RED, node, settingsModule, def);
    if (!config) return;
    const byTime = config.by !== "count";
    const unit = byTime ? 1000 : 1;
    const resources = new Set((config.resources || "").split(/[\s,]+/).filter(Boolean));
    const low = config.rangeLow;
    const high = config.rangeHigh;
    let aggregator: WindowAggregator;
    let deadband: DeadbandFilter | undefined;
    try {
      if (config.deadband !== undefined) deadband = new DeadbandFilter({ deadband: config.deadband, heartbeat: config.heartbeat });
      aggregator = new WindowAggregator({
        kind: config.kind,
        by: byTime ? "time" : "count",
        size: config.size * unit,
        slide: config.slide ? config.slide * unit : undefined,
        latenessMs: config.latenessS * 1000,
        percentiles: (config.percentiles || "50,90,99").split(/[\s,]+/).filter(Boolean).map(Number).filter((p) => p >= 0 && p <= 100),
        mkt: config.mkt === true,
        range: low !== undefined && high !== undefined ? { low, high } : undefined,
        decimals: config.decimals,
      });
    } catch (err) {
      node.status({ fill: "red", shape: "ring", text: (err as Error).message });
      onInput(node, (_m: Msg, _s: Send, done: Done) => done(asError(err)));
      return;
    }
    let windows = 0;
    let sent = 0;
    const names = new Map<string, { deviceName: string; resourceName: string; units?: string }>();
    const batcher = config.output === "batch" ? new WindowBatcher<NamedSummary>() : undefined;
    // count windows have no common end: their batch is what one message closed
    const stillOpen = byTime ? (end: number) => aggregator.isOpen(end) : () => false;
    // windows close by the thousand per second across a fleet: the status (an i18n lookup and an editor message) is coalesced
    const status = throttledStatus(node, () => ({
      fill: "green",
      shape: "dot",
      text: deadband ? RED._("edge-aggregate.status.windowsSent", { windows, sent, late: aggregator.droppedLate }) : RED._("edge-aggregate.status.windows", { windows, late: aggregator.droppedLate }),
    }));
    const emit = (send: Send, summaries: Summary[]) => {
      const passed = summaries.filter((s) => !deadband || deadband.pass(s)).map((s): NamedSummary => ({ ...names.get(s.key)!, ...s }));
      const msgs = batcher ? batcher.take(passed, stillOpen).map((rows) => batchMessage(rows, config.encoding)) : passed.map(summaryMessage);
      if (!summaries.length && !msgs.length) return;
      windows += summaries.length;
      sent += passed.length;
      if (msgs.length) send([msgs as unknown as Msg[]]);
      status.update();
    };
    const timer = byTime ? setInterval(() => emit((m) => node.send(m as never), aggregator.flush(Date.now())), 1000) : undefined;

    onInput(node, (msg: Msg, send: Send, done: Done) => {
      try {
        const event = asEvent(msg.payload, msg.topic);
        const out: Summary[] = [];
        for (const r of event.readings) {
          if (resources.size && !resources.has(r.resourceName)) continue;
          const v = typeof r.value === "boolean" ? Number(r.value) : r.value;
          if (typeof v !== "number" || !Number.isFinite(v)) continue;
          const key = `${r.deviceName}/${r.resourceName}`;
          if (!names.has(key)) names.set(key, { deviceName: r.deviceName, resourceName: r.resourceName, units: r.units });
          // readings annotated by edge-rules carry their product class's limits: time in range follows them
          const limits = readingRange(r);
          if (limits) aggregator.setRange(key, limits);
          out.push(...aggregator.add(key, r.origin, v));
        }
        emit(send, out);
        done();
      } catch (err) {
        done(asError(err));
      }
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      clearInterval(timer);
      status.stop();
      done();
    });
  }

  RED.nodes.registerType("edge-aggregate", EdgeAggregateNode);
};

/** a reading's own limits (reading.limits {low?, high?}, as edge-rules annotates them), open ends unbounded */
function readingRange(r: object): { low: number; high: number } | undefined {
  const limits = (r as { limits?: { low?: unknown; high?: unknown } }).limits;
  if (!limits || typeof limits !== "object") return undefined;
  const low = typeof limits.low === "number" && Number.isFinite(limits.low) ? limits.low : -Infinity;
  const high = typeof limits.high === "number" && Number.isFinite(limits.high) ? limits.high : Infinity;
  return low === -Infinity && high === Infinity ? undefined : { low, high };
}
