/**
 * edge-model-watch: watches a model's predictions (edge-tflite's output) per device class. A prediction less
 * confident than the threshold is escalated; the scores' distribution is compared with a reference window (PSI,
 * Kolmogorov–Smirnov) and drift raised and cleared as an alert; ground truth that comes back for an event gives
 * precision and recall per model version. Output 1: escalations and drift alerts; output 2: quality reports.
 */
import type { NodeAPI, Node, NodeDef, Send, Done, Msg } from "../_shared/node-red";
import { throttledStatus } from "../_shared/node-red";
import { readSettings } from "../_shared/read-settings";
import * as settingsModule from "./settings";
import { onInput } from "../_shared/guarded-input";
import { ScoreMonitor, DriftCheck } from "../../lib/fleet/score-monitor";
import { PrecisionRecall } from "../../lib/fleet/precision-recall";
import { predictionOf } from "../../lib/fleet/prediction";
import { metrics } from "../../lib/fleet/metrics";
import { alertMessage, AlertSeverity, newAlertId } from "../../lib/contract/alert";
import { derivedEventId, eventIdOf, newEventId } from "../../lib/contract/message";

export = function register(RED: NodeAPI): void {
  function EdgeModelWatchNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = readSettings(RED, node, settingsModule, def);
    if (!config) return;
    const monitor = new ScoreMonitor({ ...settingsModule.windows(config), bins: config.bins, psiLimit: config.psiLimit, ksAlpha: config.ksAlpha });
    const truth = new PrecisionRecall(config.maxPending);
    const confidenceBelow = config.confidenceBelow;
    const severity: AlertSeverity = config.severity;
    const classProperty = config.classProperty.trim();
    const driftAlerts = new Map<string, string>();
    let predictions = 0;
    let escalations = 0;

    // a status per prediction would flood the editor: coalesced
    const status = throttledStatus(node, () => {
      const drifting = driftAlerts.size;
      return { fill: drifting ? "yellow" : "green", shape: "dot", text: RED._(drifting ? "edge-model-watch.status.drift" : "edge-model-watch.status.watching", { predictions, escalations, drifting }) };
    });
    metrics.source(node.id, () =>
      monitor.summaries().flatMap((c) => (c.lastCheck ? [{ name: "edge_model_drift", labels: { device_class: c.deviceClass, model: c.model, statistic: "psi" }, value: c.lastCheck.psi }, { name: "edge_model_drift", labels: { device_class: c.deviceClass, model: c.model, statistic: "ks" }, value: c.lastCheck.ks.d }] : [])),
    );

    const report = (kind: string, payload: unknown): Msg => ({ topic: `model-quality/${kind}`, eventId: newEventId(), priority: 3, payload }) as unknown as Msg;
    const summaryReport = () => report("summary", { at: Date.now(), classes: monitor.summaries(), versions: truth.versions(), waitingForTruth: truth.waiting });

    const driftAlert = (c: DriftCheck, cause: string | undefined): Msg => {
      const key = `${c.deviceClass}/${c.model}`;
      const alertId = driftAlerts.get(key) ?? newAlertId();
      if (c.transition === "raised") driftAlerts.set(key, alertId);
      else driftAlerts.delete(key);
      const at = Date.now();
      const payload = { alertId, state: c.transition!, severity, kind: "model-drift", deviceClass: c.deviceClass, model: c.model, modelVersion: c.modelVersion, psi: c.psi, ks: c.ks, reasons: c.reasons, ...(cause ? { causeEventId: cause } : {}), at };
      metrics.count("edge_model_escalations_total", { node: node.id, kind: "drift" });
      return alertMessage(payload, `model-quality/drift/${c.deviceClass}/${c.model}`, at) as unknown as Msg;
    };

    const timer = config.reportS > 0 ? setInterval(() => node.send([null, summaryReport()]), Math.max(1, config.reportS) * 1000) : undefined;

    onInput(node, (msg: Msg, send: Send, done: Done) => {
      const cause = eventIdOf(msg);
      if (msg.resetReference) {
        monitor.resetReference(typeof msg.resetReference === "string" ? msg.resetReference : undefined);
        send([null, summaryReport()]);
        return done();
      }
      if (msg.groundTruth !== undefined) {
        const g = msg.groundTruth as { eventId?: unknown; label?: unknown } | null;
        if (!g || typeof g !== "object" || typeof g.eventId !== "string" || typeof g.label !== "string") return done(new Error(RED._("edge-model-watch.errors.truth")));
        const counted = truth.truth(g.eventId, g.label);
        if (!counted) return done(new Error(RED._("edge-model-watch.errors.unknown-event", { eventId: g.eventId.slice(0, 100) })));
        send([null, report("truth", { at: Date.now(), eventId: g.eventId, predicted: counted.prediction.label, actual: g.label, deviceClass: counted.prediction.deviceClass, quality: counted.quality })]);
        return done();
      }
      const prediction = predictionOf(msg.payload);
      if (!prediction) return done(new Error(RED._("edge-model-watch.errors.not-prediction")));
      const inference = (msg.inference ?? {}) as { model?: unknown };
      const model = typeof inference.model === "string" && inference.model ? inference.model : "model";
      const rawClass = msg[classProperty];
      const deviceClass = typeof rawClass === "string" && rawClass ? rawClass.slice(0, 100) : "all";
      predictions++;
      // ground truth may name the prediction (an escalation's causeEventId) or the reading it was made from
      const ids = [cause, typeof msg.causeEventId === "string" ? msg.causeEventId : undefined].filter((id): id is string => !!id);
      if (ids.length) truth.predicted(ids, { label: prediction.label, modelVersion: model, deviceClass, at: Date.now() });
      const out: Msg[] = [];
      if (prediction.confidence !== undefined && prediction.confidence < confidenceBelow) {
        escalations++;
        metrics.count("edge_model_escalations_total", { node: node.id, kind: "low-confidence" });
        const at = Date.now();
        const alertId = cause ? derivedEventId(cause, `${node.id}/escalation`) : newAlertId();
        out.push(alertMessage({ alertId, state: "raised" as const, severity, kind: "low-confidence", deviceClass, model, label: prediction.label, confidence: prediction.confidence, threshold: confidenceBelow, ...(cause ? { causeEventId: cause } : {}), at, prediction: msg.payload }, `model-quality/escalation/${deviceClass}`, at) as unknown as Msg);
      }
      const check = monitor.add(deviceClass, model, prediction.score, prediction.label);
      const reports: Msg[] = [];
      if (check) {
        reports.push(report("drift", check));
        if (check.transition) out.push(driftAlert(check, cause));
      }
      if (out.length || reports.length) send([out, reports]);
      status.update();
      done();
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      clearInterval(timer);
      status.stop();
      done();
    });
    status.update();
  }

  RED.nodes.registerType("edge-model-watch", EdgeModelWatchNode);
};
