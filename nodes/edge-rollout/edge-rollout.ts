/**
 * edge-rollout: the centre's staged rollout of signed bundles. A bundle in goes to the canary gateways first
 * (output 1: a retained MQTT message or a compacted Kafka record); the gateways' edge-bundle steps, edge-metrics
 * heartbeats and edge-model-watch drift checks coming back decide, after a health window, between promoting it to
 * the rest of the fleet and ordering the canaries back (output 1 again). Every decision is an event on output 2.
 * The decisions are lib/fleet/rollout.ts; this file routes messages to it and carries its decisions out.
 */
import type { NodeAPI, Node, NodeDef, Send, Done, Msg } from "../_shared/node-red";
import { errorText } from "../_shared/node-red";
import { readSettings } from "../_shared/read-settings";
import * as settingsModule from "./settings";
import { onInput } from "../_shared/guarded-input";
import { contextState } from "../_shared/context-state";
import { Decision, DriftReport, GatewayStep, HeartbeatReport, Rollout, RolloutBook, RolloutLimits } from "../../lib/fleet/rollout";
import { parseBundle, SignedBundle } from "../../lib/fleet/bundle-format";
import { parsePublicKeys, PublicKey, verifyBundle } from "../../lib/fleet/bundle-signing";
import { listSetting } from "../../lib/fleet/bundle-targets";
import { eventIdOf, newEventId } from "../../lib/contract/message";

const STATE_KEY = "edge-rollout-state";

export = function register(RED: NodeAPI): void {
  function EdgeRolloutNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = readSettings(RED, node, settingsModule, def);
    if (!config) return;
    const limits: RolloutLimits = {
      canaries: listSetting(config.canaries),
      healthWindowMs: config.healthWindowS * 1000,
      activationTimeoutMs: config.activationTimeoutS * 1000,
      maxErrorRate: config.maxErrorRate,
      maxLatencyMs: config.maxLatencyMs,
      maxPsi: config.maxPsi,
      ksAlpha: config.ksAlpha,
      minMessages: config.minMessages,
    };
    const maxBytes = config.maxMB * 1024 * 1024;
    const topicOf = (template: string, values: Record<string, string>) =>
      template.replace(/\{(name|gateway|version)\}/g, (_, k: string) => values[k] ?? "");
    let keys: PublicKey[] = [];
    let setupError: string | undefined;
    try {
      keys = parsePublicKeys((node.credentials as { publicKeys?: string } | undefined)?.publicKeys);
    } catch (err) {
      setupError = RED._("edge-rollout.errors.key", { error: errorText(err) });
    }
    let rollout: Rollout | undefined;
    let noCanaries = false;
    try {
      rollout = new Rollout(limits);
    } catch {
      noCanaries = setupError === undefined;
      setupError ??= RED._("edge-rollout.errors.no-canaries");
    }
    if (setupError) {
      // no canary named yet is a rollout not configured yet (grey, one warning); a key that cannot be read is a fault
      if (noCanaries) node.warn(RED._("edge-rollout.errors.not-configured", { why: setupError }));
      else node.error(setupError);
      node.status({ fill: noCanaries ? "grey" : "red", shape: "ring", text: RED._(noCanaries ? "edge-rollout.status.no-canaries" : "edge-rollout.status.not-configured") });
      onInput(node, (_msg: Msg, _send: Send, done: Done) => done(new Error(setupError)));
      return;
    }
    let timer: NodeJS.Timeout | undefined;

    const showStatus = () => {
      const c = rollout!.current;
      if (!c) return node.status({ fill: "grey", shape: "ring", text: RED._("edge-rollout.status.idle") });
      const fill = c.phase === "rolled-back" ? "red" : c.phase === "promoted" ? "green" : "yellow";
      node.status({ fill, shape: c.phase === "promoted" || c.phase === "rolled-back" ? "dot" : "ring", text: RED._(`edge-rollout.status.${c.phase}`, { name: c.ref.name, version: c.ref.version }) });
    };

    const state = contextState<Partial<RolloutBook>>(node, STATE_KEY, config.store || undefined, () => rollout!.snapshot(), (err) => node.warn(RED._("edge-rollout.errors.restore", { error: errorText(err) })));

    const bundleMessage = (stage: "canary" | "fleet", bundle: SignedBundle): Msg =>
      ({
        topic: topicOf(stage === "canary" ? config.canaryTopic : config.fleetTopic, { name: bundle.manifest.name, version: bundle.manifest.version }),
        key: bundle.manifest.name,
        retain: true,
        qos: 1,
        eventId: newEventId(),
        payload: bundle,
      }) as unknown as Msg;

    /** a decision as messages: to publish (output 1) and the event (output 2) */
    const carryOut = (decisions: Decision[], cause: string | undefined): [Msg[], Msg[]] => {
      const out: Msg[] = [];
      const events: Msg[] = [];
      for (const d of decisions) {
        if (d.action === "publish") out.push(bundleMessage(d.stage, d.bundle));
        if (d.action === "rollback") {
          for (const gateway of d.gateways) {
            out.push({ topic: topicOf(config.commandTopic, { gateway, name: d.ref.name, version: d.ref.version }), key: gateway, retain: false, qos: 1, eventId: newEventId(), payload: { kind: d.ref.kind, name: d.ref.name, version: d.ref.version, reason: `edge-rollout: ${d.reason}` } } as unknown as Msg);
          }
          // new canaries (and a retained message read on reconnect) get the fleet's good version, not the failed one
          if (d.restore) out.push(bundleMessage("canary", d.restore));
        }
        events.push({ topic: `fleet/rollout/${d.event.name}/${d.event.step}`, eventId: newEventId(), ...(cause ? { causeEventId: cause } : {}), payload: d.event } as unknown as Msg);
      }
      return [out, events];
    };

    const emit = (decisions: Decision[], send: Send, cause?: string) => {
      if (decisions.length === 0) return;
      const [out, events] = carryOut(decisions, cause);
      send([out.length ? out : null, events]);
      state.scheduleSave();
      showStatus();
      arm();
    };

    // the next deadline (canaries late, the window's end) as one timer; a timer's limit is about 24.8 days
    const arm = () => {
      clearTimeout(timer);
      const at = rollout!.nextDeadline();
      if (at === undefined) return;
      timer = setTimeout(() => {
        const decisions = rollout!.tick(Date.now());
        // woken before the deadline (a timer capped at its limit): wait again
        if (decisions.length) emit(decisions, (m) => node.send(m));
        else arm();
      }, Math.min(2 ** 31 - 1, Math.max(0, at - Date.now() + 5)));
    };

    const ready = state.restored.then((book) => {
      if (book && typeof book === "object") rollout = new Rollout(limits, book);
      showStatus();
      // deadlines passed while Node-RED was down are decided now
      emit(rollout!.tick(Date.now()), (m) => node.send(m));
      arm();
    });

    onInput(node, async (msg: Msg, send: Send, done: Done) => {
      await ready;
      const cause = eventIdOf(msg);
      const now = Date.now();
      const p = objectOf(msg.payload, maxBytes);
      try {
        if (msg.rollback) {
          const why = typeof msg.rollback === "object" && typeof (msg.rollback as { reason?: unknown }).reason === "string" ? (msg.rollback as { reason: string }).reason : RED._("edge-rollout.events.requested");
          emit(rollout!.abort(why.slice(0, 500), now), send, cause);
          return done();
        }
        if (p && "manifest" in p) {
          const bundle = parseBundle(p, maxBytes);
          if (keys.length) verifyBundle(bundle, keys);
          emit(rollout!.start(bundle, now), send, cause);
          return done();
        }
        const gateway = gatewayOf(msg, p);
        if (p && typeof p === "object" && gateway) {
          if (typeof p.step === "string") {
            emit(rollout!.gatewayStep({ ...(p as unknown as GatewayStep), gateway }, now), send, cause);
            return done();
          }
          if (Array.isArray(p.traffic)) {
            emit(rollout!.heartbeat({ ...(p as unknown as HeartbeatReport), gateway }, now), send, cause);
            return done();
          }
          if (typeof p.modelVersion === "string") {
            emit(rollout!.drift({ ...(p as unknown as DriftReport), gateway }, now), send, cause);
            return done();
          }
        }
        done(new Error(RED._("edge-rollout.errors.unknown-input")));
      } catch (err) {
        done(new Error(RED._("edge-rollout.errors.refused", { error: errorText(err) })));
      }
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      clearTimeout(timer);
      state.cancel();
      void ready.then(() => state.save()).then(() => done());
    });
  }

  /** the payload as an object: as it came, or parsed from JSON text (MQTT and Kafka may deliver text) */
  function objectOf(payload: unknown, maxBytes: number): Record<string, unknown> | undefined {
    let v = payload;
    if (Buffer.isBuffer(v)) v = v.length <= maxBytes * 1.4 + 65536 ? v.toString("utf8") : undefined;
    if (typeof v === "string" && v.length <= maxBytes * 1.4 + 65536) {
      try {
        v = JSON.parse(v);
      } catch {
        return undefined;
      }
    }
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  }

  /** payload.gateway (edge-bundle's events, heartbeats), msg.gateway, or the topic's fleet/<gateway>/… */
  function gatewayOf(msg: Msg, p: Record<string, unknown> | undefined): string | undefined {
    const fromPayload = p && typeof p === "object" ? p.gateway : undefined;
    if (typeof fromPayload === "string" && fromPayload) return fromPayload.slice(0, 128);
    if (typeof msg.gateway === "string" && msg.gateway) return msg.gateway.slice(0, 128);
    const m = typeof msg.topic === "string" ? /^fleet\/([^/]+)\//.exec(msg.topic) : null;
    return m && m[1] !== "rollout" && m[1] !== "bundles" ? m[1].slice(0, 128) : undefined;
  }

  RED.nodes.registerType("edge-rollout", EdgeRolloutNode, { credentials: { publicKeys: { type: "text" } } });
};
