/**
 * edge-bundle: takes signed bundles (a model or a rule set) from the centre, verifies them against the public keys
 * in its credentials, refuses what does not verify, is for another gateway, or is older than what runs, and
 * activates the rest: output 1 carries msg.model to an edge-tflite node (or msg.rules for a rule set); output 2
 * reports every step upstream. msg.rollback goes back to the previous version.
 */
import type { NodeAPI, Node, NodeDef, Send, Done, Msg } from "../_shared/node-red";
import { errorText } from "../_shared/node-red";
import { readSettings } from "../_shared/read-settings";
import { gatewayIdOf } from "../_shared/gateway-id";
import * as settingsModule from "./settings";
import { flowsStarted } from "../_shared/flows-started";
import { onInput } from "../_shared/guarded-input";
import { contextState } from "../_shared/context-state";
import { BundleGate, GateState, InstalledBundle } from "../../lib/fleet/bundle-gate";
import { Probation } from "../../lib/fleet/probation";
import { BundleKind, BundleRefusal, BUNDLE_KINDS, bundleObject } from "../../lib/fleet/bundle-format";
import { parsePublicKeys, PublicKey } from "../../lib/fleet/bundle-signing";
import { GatewayIdentity, listSetting } from "../../lib/fleet/bundle-targets";
import { metrics } from "../../lib/fleet/metrics";
import { derivedEventId, eventIdOf, newEventId } from "../../lib/contract/message";

interface Credentials {
  publicKeys?: string;
}

type Step = "received" | "verified" | "active" | "already-active" | "refused" | "rolled-back" | "healthy";

const STATE_KEY = "edge-bundle-state";

export = function register(RED: NodeAPI): void {
  function EdgeBundleNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = readSettings(RED, node, settingsModule, def);
    if (!config) return;
    const gateway: GatewayIdentity = {
      gatewayId: gatewayIdOf(RED, node, config.gatewayId, config.gatewayIdType, "edge-bundle.errors.unset-gateway"),
      groups: listSetting(config.groups),
      deviceClasses: listSetting(config.deviceClasses),
    };
    const maxBytes = config.maxMB * 1024 * 1024;
    const store = config.store || undefined;
    let keys: PublicKey[] = [];
    let keyError: string | undefined;
    try {
      keys = parsePublicKeys((node.credentials as Credentials | undefined)?.publicKeys);
    } catch (err) {
      keyError = RED._("edge-bundle.errors.key", { error: errorText(err) });
      node.error(keyError);
    }
    if (!keyError && keys.length === 0) node.warn(RED._("edge-bundle.errors.no-key"));
    let gate = new BundleGate();
    const probation = new Probation(config.probationS * 1000, config.maxErrors);
    let probationTimer: NodeJS.Timeout | undefined;
    const started = flowsStarted(RED);

    const showStatus = (refused?: string) => {
      const active = gate.active();
      if (keyError) node.status({ fill: "red", shape: "ring", text: RED._("edge-bundle.status.bad-key") });
      // no key yet (as dropped from the palette): a gateway not configured yet, not a fault; each bundle is refused
      else if (keys.length === 0) node.status({ fill: "grey", shape: "ring", text: RED._("edge-bundle.status.no-key") });
      else if (refused) node.status({ fill: "yellow", shape: "ring", text: RED._("edge-bundle.status.refused", { reason: refused, count: active.length }) });
      else if (active.length === 0) node.status({ fill: "yellow", shape: "ring", text: RED._("edge-bundle.status.waiting") });
      else node.status({ fill: "green", shape: "dot", text: active.map((b) => `${b.manifest.name} v${b.manifest.version}`).join(", ") });
    };

    const event = (step: Step, details: Record<string, unknown>, cause?: string): Msg => {
      metrics.count("edge_bundle_events_total", { node: node.id, step });
      return {
        topic: `fleet/${gateway.gatewayId}/bundle/${step}`,
        eventId: newEventId(),
        ...(cause ? { causeEventId: cause } : {}),
        payload: { step, gateway: gateway.gatewayId, groups: gateway.groups, at: Date.now(), ...details },
      } as unknown as Msg;
    };

    const about = (m: InstalledBundle["manifest"]) => ({ kind: m.kind, name: m.name, version: m.version, contentSha256: m.contentSha256 });

    const activation = (installed: InstalledBundle, content: Buffer, cause: string | undefined): Msg => {
      const m = installed.manifest;
      const base = { topic: `${m.kind}/${m.name}`, bundle: { ...m, keyId: installed.keyId }, eventId: derivedEventId(cause ?? `${m.kind}/${m.name}@${m.version}/${installed.activatedAt}`, node.id) };
      if (m.kind === "model") return { ...base, model: content, modelName: `${m.name}@${m.version}` } as unknown as Msg;
      const rules = JSON.parse(content.toString("utf8")) as unknown[];
      return { ...base, rules, payload: rules } as unknown as Msg;
    };

    const state = contextState<Partial<GateState>>(node, STATE_KEY, store, () => gate.snapshot(), (err) => node.warn(RED._("edge-bundle.errors.restore", { error: errorText(err) })));
    const save = state.save;

    // one bundle at a time, in arrival order, after the stored state is back
    let queue: Promise<void> = state.restored.then((value) => {
      if (value && typeof value === "object") gate = new BundleGate(value);
      showStatus();
    });
    const serially = (work: () => Promise<void>) => (queue = queue.then(work).catch((err) => node.error(errorText(err))));

    // edge-tflite forgets a model it was sent when Node-RED restarts: the active bundles are sent again once the
    // flows run (before that the nodes after this one may not exist yet)
    if (config.reactivate) {
      void serially(async () => {
        if ((await started.ready) === "cancelled") return;
        for (const installed of gate.active()) {
          const content = Buffer.from(installed.content, "base64");
          node.send([activation(installed, content, undefined), event("active", { ...about(installed.manifest), keyId: installed.keyId, restored: true })]);
        }
      });
    }

    const rollBack = async (send: Send, kind: BundleKind | undefined, name: string | undefined, why: string, cause: string | undefined, automatic: boolean, version?: string) => {
      let result: ReturnType<BundleGate["rollback"]>;
      try {
        result = gate.rollback(kind, name, Date.now(), version);
      } finally {
        // an order for a version not active here still bars it: kept like any rollback
        if (version !== undefined) await save();
      }
      const { restored, content, from } = result;
      probation.cancel();
      clearTimeout(probationTimer);
      await save();
      send([activation(restored, content, cause), event("rolled-back", { ...about(restored.manifest), from: from.manifest.version, reason: why, automatic }, cause)]);
      showStatus();
    };

    // the health window of a version just activated: quiet to its end → healthy; too many errors → rolled back
    const startProbation = (installed: InstalledBundle): number | undefined => {
      clearTimeout(probationTimer);
      const until = probation.start(`${installed.manifest.kind}/${installed.manifest.name}`, installed.manifest.version, Date.now());
      if (until !== undefined) {
        probationTimer = setTimeout(() => {
          void serially(async () => {
            const verdict = probation.expire(Date.now());
            if (verdict) node.send([null, event("healthy", { ...about(installed.manifest), errors: verdict.errors })]);
          });
        }, until - Date.now() + 5);
      }
      return until;
    };

    const reportError = async (reason: string, immediately: boolean, cause: string | undefined) => {
      const verdict = probation.error(reason.slice(0, 500), Date.now(), immediately);
      if (!verdict) return;
      const [kind, name] = verdict.key.split("/") as [BundleKind, string];
      try {
        await rollBack((m) => node.send(m), kind, name, RED._("edge-bundle.events.automatic", { reason: verdict.reason ?? "" }), cause, true);
      } catch (err) {
        node.send([null, event("refused", { kind, name, version: verdict.version, rollback: true, code: err instanceof BundleRefusal ? err.code : "not-active", reason: errorText(err) }, cause)]);
        node.warn(RED._("edge-bundle.errors.no-rollback", { version: verdict.version, reason: verdict.reason ?? "", error: errorText(err) }));
      }
    };

    const refuse = (send: Send, done: Done, err: unknown, cause: string | undefined, what: Record<string, unknown>) => {
      const code = err instanceof BundleRefusal ? err.code : "malformed";
      const reason = errorText(err);
      send([null, event("refused", { ...what, code, reason }, cause)]);
      showStatus(code);
      done(new Error(RED._("edge-bundle.errors.refused", { code, reason })));
    };

    onInput(node, (msg: Msg, send: Send, done: Done) => {
      const cause = eventIdOf(msg);
      void serially(async () => {
        // health reports: an error from a Catch node (on the model) or a drift alert from edge-model-watch; they
        // count only within a health window, outside one they are taken and nothing follows
        const health = msg.payload as { kind?: unknown; state?: unknown; reasons?: unknown } | undefined;
        if (msg.error !== undefined || (health && typeof health === "object" && health.kind === "model-drift")) {
          if (msg.error !== undefined) await reportError(errorText((msg.error as { message?: unknown })?.message ?? msg.error), false, cause);
          else if (health!.state === "raised") await reportError(RED._("edge-bundle.events.drift", { reasons: Array.isArray(health!.reasons) ? health!.reasons.join("; ") : "" }), true, cause);
          return done();
        }
        if (msg.rollback) {
          const r = typeof msg.rollback === "object" ? (msg.rollback as Record<string, unknown>) : {};
          const kind = BUNDLE_KINDS.includes(r.kind as BundleKind) ? (r.kind as BundleKind) : undefined;
          const name = typeof r.name === "string" && r.name ? r.name : undefined;
          const why = typeof r.reason === "string" ? r.reason : typeof msg.reason === "string" ? msg.reason : undefined;
          const version = typeof r.version === "string" && r.version ? r.version.slice(0, 128) : undefined;
          try {
            await rollBack(send, kind, name, why ?? RED._("edge-bundle.events.rollback-requested"), cause, false, version);
            done();
          } catch (err) {
            refuse(send, done, err, cause, { kind, name, ...(version ? { version } : {}), rollback: true });
          }
          return;
        }
        if (keyError) return refuse(send, done, new BundleRefusal("no-key", keyError), cause, {});
        let input: unknown;
        try {
          input = bundleObject(msg.payload, maxBytes);
        } catch (err) {
          send([null, event("received", {}, cause)]);
          return refuse(send, done, err, cause, {});
        }
        // what the bundle claims to be, for the "received" event, before anything about it is trusted
        const claimed = claimedManifest(input);
        send([null, event("received", claimed, cause)]);
        try {
          const admission = gate.admit(input, keys, gateway, maxBytes, Date.now(), (b) => send([null, event("verified", { ...about(b.manifest), keyId: b.manifest.keyId }, cause)]));
          const m = admission.installed.manifest;
          if (admission.outcome === "already-active") {
            send([null, event("already-active", about(m), cause)]);
            return done();
          }
          await save();
          const probationUntil = startProbation(admission.installed);
          send([activation(admission.installed, admission.content, cause), event("active", { ...about(m), keyId: admission.installed.keyId, previousVersion: admission.previousVersion, ...(probationUntil ? { probationUntil } : {}) }, cause)]);
          showStatus();
          done();
        } catch (err) {
          refuse(send, done, err, cause, claimed);
        }
      });
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      started.cancel();
      clearTimeout(probationTimer);
      void queue.then(() => done());
    });
  }

  /** kind, name and version as the bundle states them (unverified), for the events; {} when unreadable */
  function claimedManifest(input: unknown): Record<string, unknown> {
    const m = input && typeof input === "object" ? (input as { manifest?: Record<string, unknown> }).manifest : undefined;
    if (!m || typeof m !== "object") return {};
    const pick = (v: unknown) => (typeof v === "string" ? v.slice(0, 128) : undefined);
    return { kind: pick(m.kind), name: pick(m.name), version: pick(m.version) };
  }

  RED.nodes.registerType("edge-bundle", EdgeBundleNode, { credentials: { publicKeys: { type: "text" } } });
};
