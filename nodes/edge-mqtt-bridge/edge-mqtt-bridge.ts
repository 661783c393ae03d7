/**
 * edge-mqtt-bridge: subscribes on one broker (a core mqtt-broker config node, or the local edge-broker
 * in-process) and republishes what its rules match on an upstream broker (a core mqtt-broker config node).
 * While the upstream is unreachable, messages wait on disk in the shared durable queue and drain by priority; the
 * queue is opened only when a message has to wait (or a backlog from before is on disk).
 */
import * as path from "path";
import type { NodeAPI, Node, NodeDef } from "../_shared/node-red";
import { errorText } from "../_shared/node-red";
import { readSettings } from "../_shared/read-settings";
import * as settingsModule from "./settings";
import type { RuleSetting } from "./settings";
import { LazyQueue } from "../../lib/store/lazy-queue";
import { LogOnce } from "../../lib/common/log-once";
import { flowsStarted } from "../_shared/flows-started";
import { BridgeRules, BridgeRuleConfig } from "../../lib/mqtt/bridge-rules";
import { MqttBridge, BridgeHealth } from "../../lib/mqtt/mqtt-bridge";
import { BridgeSource, EmbeddedSource, MqttSource, MqttUpstream } from "../../lib/mqtt/bridge-endpoints";
import { clientSettings, CoreBrokerFields } from "../../lib/mqtt/client-options";
import type { EmbeddedBrokerProvider } from "../../lib/mqtt/embedded-broker";

function ruleConfig(rule: RuleSetting, index: number): BridgeRuleConfig {
  let userProperties: Record<string, string> | undefined;
  if (typeof rule.userProperties === "string" && rule.userProperties.trim()) {
    try {
      userProperties = JSON.parse(rule.userProperties) as Record<string, string>;
    } catch {
      throw new Error(`rule ${index + 1}: user properties must be a JSON object`);
    }
  } else if (rule.userProperties && typeof rule.userProperties === "object") userProperties = rule.userProperties;
  if (userProperties && (typeof userProperties !== "object" || Array.isArray(userProperties))) throw new Error(`rule ${index + 1}: user properties must be a JSON object`);
  const stringProps = userProperties ? Object.fromEntries(Object.entries(userProperties).map(([k, v]) => [k, String(v)])) : undefined;
  return { pattern: rule.pattern, template: rule.template, qos: rule.qos, retain: rule.retain === true, priority: rule.priority, userProperties: stringProps };
}

export = function register(RED: NodeAPI): void {
  function EdgeMqttBridgeNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = readSettings(RED, node, settingsModule, def);
    if (!config) return;
    const fail = (text: string) => {
      node.status({ fill: "red", shape: "ring", text: RED._("edge-mqtt-bridge.status.error") });
      node.error(text);
    };

    let rules: BridgeRules;
    try {
      rules = new BridgeRules(config.rules.map(ruleConfig));
    } catch (err) {
      return fail(RED._("edge-mqtt-bridge.errors.rules", { error: errorText(err) }));
    }
    const upstreamNode = RED.nodes.getNode(config.upstream) as (Node & CoreBrokerFields) | null;
    if (!upstreamNode) return fail(RED._("edge-mqtt-bridge.errors.no-upstream"));
    const baseId = config.clientId || `edge-bridge-${node.id.replace(/[^\w-]/g, "")}`;
    // the editor's MQTT version wins over the broker config's (a shared config node may serve 3.1.1 flows too)
    const upstreamProtocol = config.upstreamProtocol || undefined;
    const up = clientSettings(upstreamProtocol ? { ...upstreamNode, protocolVersion: upstreamProtocol } : upstreamNode, `${baseId}-up`);
    if (rules.hasUserProperties && up.protocolVersion !== 5) node.warn(RED._("edge-mqtt-bridge.warnings.user-properties-v5"));

    const sourceErrors = new LogOnce();
    const upstreamErrors = new LogOnce();
    const otherErrors = new LogOnce();
    /** each distinct error once per outage (cleared when that side connects again), not once per reconnect attempt */
    const warnOnce = (seen: LogOnce, key: string, err: unknown) => {
      const text = errorText(err);
      if (!closed && seen.first(text)) node.warn(RED._(key, { error: text }));
    };

    let source: BridgeSource | undefined;
    let sourceReady: Promise<BridgeSource>;
    if (config.sourceType === "edge") {
      const local = RED.nodes.getNode(config.localBroker) as (Node & EmbeddedBrokerProvider) | null;
      if (!local || typeof local.broker !== "function") return fail(RED._("edge-mqtt-bridge.errors.no-source"));
      sourceReady = local.broker().then((b) => (source = new EmbeddedSource(b)));
    } else {
      const sourceNode = RED.nodes.getNode(config.source) as (Node & CoreBrokerFields) | null;
      if (!sourceNode) return fail(RED._("edge-mqtt-bridge.errors.no-source"));
      const settings = clientSettings(sourceNode, `${baseId}-src`);
      const mqttSource = new MqttSource(settings.url, settings.options);
      mqttSource.on("error", (err: Error) => warnOnce(sourceErrors, "edge-mqtt-bridge.warnings.source", err));
      mqttSource.on("connect", () => sourceErrors.reset());
      sourceReady = Promise.resolve((source = mqttSource));
    }

    const userDir = RED.settings.userDir ?? process.cwd();
    const dir = config.bufferDir ? path.resolve(userDir, config.bufferDir) : path.join(userDir, "edge-buffer", `mqtt-bridge-${node.id.replace(/[^\w.-]/g, "_")}`);
    const upstream = new MqttUpstream(up.url, up.options);
    upstream.on("link-error", (err: Error) => warnOnce(upstreamErrors, "edge-mqtt-bridge.warnings.upstream", err));
    upstream.on("connect", () => upstreamErrors.reset());
    let writeError: string | undefined;
    const queue = new LazyQueue({
      dir,
      sync: "always",
      maxBytes: config.bufferMB * 1024 * 1024,
      onError: (err: Error) => {
        writeError = errorText(err);
        warnOnce(otherErrors, "edge-mqtt-bridge.warnings.write", err);
      },
    });
    const bridge = new MqttBridge(rules, queue, upstream, { drainRatePerSec: config.drainRatePerSec, forwardProperties: config.forwardProperties });
    // MQTT 5 message expiry: a message that expired on disk is dropped, as the specification asks; said once a run
    // a message the MQTT 5 upstream refuses for good (0x87 not authorised, ...) is dropped: each reason once
    const refusals = new LogOnce((text) => node.error(text));
    bridge.on("upstream-refused", (topic: string, err: Error) => refusals.log(RED._("edge-mqtt-bridge.errors.upstream-refused", { topic, error: err.message })));
    let expiryLogged = false;
    bridge.on("expired", (topic: string) => {
      if (expiryLogged) return;
      expiryLogged = true;
      node.warn(RED._("edge-mqtt-bridge.warnings.expired", { topic }));
    });
    bridge.on("retry", (err: Error) => {
      // while the link is down its own error says why; a publish refused on a live link is news
      if (upstream.connected) warnOnce(otherErrors, "edge-mqtt-bridge.warnings.retry", err);
    });
    bridge.on("delivered", () => otherErrors.reset());
    let closed = false;
    let lastStatus = "";
    let recoveryReported = false;
    const statusTimer = setInterval(showStatus, 1000);
    const gate = flowsStarted(RED);

    const running = (async () => {
      await queue.openIfBacklog();
      // the drain, and the source's messages, only once every node of the flows exists
      await gate.ready;
      if (closed) return;
      await bridge.start(await sourceReady);
      showStatus();
    })();
    running.catch((err) => {
      clearInterval(statusTimer); // the red status stays
      fail(RED._("edge-mqtt-bridge.errors.start", { error: errorText(err) }));
    });
    showStatus();

    function statusOf(h: BridgeHealth): { fill: "green" | "yellow" | "red"; text: string } {
      const count = h.buffered;
      if (writeError !== undefined) return { fill: "red", text: RED._("edge-mqtt-bridge.status.write-error", { reason: writeError, count }) };
      switch (h.condition) {
        case "starting":
          return { fill: "yellow", text: RED._("edge-mqtt-bridge.status.starting", { count }) };
        case "connected":
          return { fill: "green", text: RED._("edge-mqtt-bridge.status.connected") };
        case "buffering":
          return { fill: "yellow", text: RED._("edge-mqtt-bridge.status.buffering", { count, reason: h.reason ?? RED._("edge-mqtt-bridge.status.draining") }) };
        case "unacknowledged":
          return { fill: "yellow", text: RED._("edge-mqtt-bridge.status.unacknowledged", { count, s: h.waitingS ?? 0 }) };
        case "upstream-unreachable":
          return { fill: "red", text: RED._("edge-mqtt-bridge.status.upstream-unreachable", { count, reason: h.reason ?? RED._("edge-mqtt-bridge.status.connecting") }) };
        case "source-unreachable":
          return { fill: "red", text: RED._("edge-mqtt-bridge.status.source-unreachable", { count, reason: h.reason ?? RED._("edge-mqtt-bridge.status.connecting") }) };
      }
    }

    function showStatus() {
      if (closed) return;
      if (queue.isOpen && !recoveryReported) {
        recoveryReported = true;
        const r = queue.recovery;
        if (r.damaged.length > 0 || r.tornTailBytes > 0) node.warn(RED._("edge-mqtt-bridge.warnings.recovered", { dir, damaged: r.damaged.length, bytes: r.damaged.reduce((n, d) => n + d.bytes, 0), torn: r.tornTailBytes }));
      }
      const { fill, text } = statusOf(bridge.health());
      // the editor hears only of changes, not of every tick
      if (`${fill}|${text}` === lastStatus) return;
      lastStatus = `${fill}|${text}`;
      node.status({ fill, shape: fill === "green" ? "dot" : "ring", text });
    }

    node.on("close", (_removed: boolean, done: () => void) => {
      closed = true;
      gate.cancel();
      clearInterval(statusTimer);
      running
        .catch(() => undefined)
        .then(async () => {
          await bridge.close();
          await source?.close().catch(() => undefined);
          await queue.close();
        })
        .catch(() => undefined)
        .finally(() => done());
    });
  }

  RED.nodes.registerType("edge-mqtt-bridge", EdgeMqttBridgeNode);
};
