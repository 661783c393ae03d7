/**
 * edge-mqtt-bridge: subscribes on one broker (a core mqtt-broker config node, or the local edge-broker
 * in-process) and republishes what its rules match on an upstream broker (a core mqtt-broker config node).
 * While the upstream is unreachable, messages wait on disk in the shared durable queue and drain by priority.
 */
import * as path from "path";
import type { NodeAPI, Node, NodeDef } from "../_shared/node-red";
import { errorText, numberSetting } from "../_shared/node-red";
import { DurableQueue } from "../../lib/store/durable-queue";
import { BridgeRules, BridgeRuleConfig } from "../../lib/mqtt/bridge-rules";
import { MqttBridge } from "../../lib/mqtt/mqtt-bridge";
import { BridgeSource, EmbeddedSource, MqttSource, MqttUpstream } from "../../lib/mqtt/bridge-endpoints";
import { clientSettings, CoreBrokerFields } from "../../lib/mqtt/client-options";
import type { EmbeddedBrokerProvider } from "../../lib/mqtt/embedded-broker";

interface RuleDef {
  pattern: string;
  template: string;
  qos?: string | number;
  retain?: boolean;
  priority?: string | number;
  /** JSON object of user properties, as typed in the editor */
  userProperties?: string | Record<string, string>;
}

interface EdgeMqttBridgeDef extends NodeDef {
  sourceType: "mqtt" | "edge";
  source: string;
  localBroker: string;
  upstream: string;
  clientId: string;
  rules: RuleDef[];
  drainRatePerSec: string;
  bufferDir: string;
  bufferMB: string;
}

function ruleConfig(rule: RuleDef, index: number): BridgeRuleConfig {
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
  function EdgeMqttBridgeNode(this: Node, config: EdgeMqttBridgeDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const fail = (text: string) => {
      node.status({ fill: "red", shape: "ring", text: RED._("edge-mqtt-bridge.status.error") });
      node.error(text);
    };

    let rules: BridgeRules;
    try {
      rules = new BridgeRules((config.rules ?? []).map(ruleConfig));
    } catch (err) {
      return fail(RED._("edge-mqtt-bridge.errors.rules", { error: errorText(err) }));
    }
    const upstreamNode = RED.nodes.getNode(config.upstream) as (Node & CoreBrokerFields) | null;
    if (!upstreamNode) return fail(RED._("edge-mqtt-bridge.errors.no-upstream"));
    const baseId = config.clientId || `edge-bridge-${node.id.replace(/[^\w-]/g, "")}`;
    const up = clientSettings(upstreamNode, `${baseId}-up`);
    if (rules.hasUserProperties && up.protocolVersion !== 5) node.warn(RED._("edge-mqtt-bridge.warnings.user-properties-v5"));

    let source: BridgeSource;
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
      mqttSource.on("error", (err: Error) => node.warn(RED._("edge-mqtt-bridge.warnings.source", { error: errorText(err) })));
      sourceReady = Promise.resolve((source = mqttSource));
    }

    const userDir = RED.settings.userDir ?? process.cwd();
    const dir = config.bufferDir ? path.resolve(userDir, config.bufferDir) : path.join(userDir, "edge-buffer", `mqtt-bridge-${node.id.replace(/[^\w.-]/g, "_")}`);
    const upstream = new MqttUpstream(up.url, up.options);
    let statusTimer: NodeJS.Timeout | undefined;
    let lastLinkError = "";
    upstream.on("link-error", (err: Error) => {
      // log each distinct failure once, not every reconnect attempt
      if (err.message !== lastLinkError) node.warn(RED._("edge-mqtt-bridge.warnings.upstream", { error: err.message }));
      lastLinkError = err.message;
    });
    upstream.on("connect", () => (lastLinkError = ""));

    const running = (async () => {
      const queue = await DurableQueue.open({ dir, sync: "always", maxBytes: numberSetting(config.bufferMB, 256) * 1024 * 1024 });
      const bridge = new MqttBridge(rules, queue, upstream, { drainRatePerSec: numberSetting(config.drainRatePerSec, 500) });
      bridge.on("change", () => scheduleStatus(bridge));
      scheduleStatus(bridge);
      await bridge.start(await sourceReady);
      return { bridge, queue };
    })();
    running.catch((err) => fail(RED._("edge-mqtt-bridge.errors.start", { error: errorText(err) })));

    let closed = false;
    function scheduleStatus(bridge: MqttBridge) {
      if (statusTimer || closed) return;
      statusTimer = setTimeout(() => {
        statusTimer = undefined;
        const state = bridge.state;
        if (state === "connected") node.status({ fill: "green", shape: "dot", text: RED._("edge-mqtt-bridge.status.connected") });
        else if (state === "buffering") node.status({ fill: "yellow", shape: "ring", text: RED._("edge-mqtt-bridge.status.buffering", { count: bridge.buffered }) });
        else node.status({ fill: "red", shape: "ring", text: RED._("edge-mqtt-bridge.status.disconnected") });
        // keep the count moving while draining
        if (state === "buffering") scheduleStatus(bridge);
      }, 500);
    }

    node.on("close", (_removed: boolean, done: () => void) => {
      closed = true;
      clearTimeout(statusTimer);
      statusTimer = undefined;
      running
        .then(async ({ bridge, queue }) => {
          await bridge.close();
          await queue.close();
        })
        .catch(async () => {
          await source?.close().catch(() => undefined);
          await upstream.close();
        })
        .finally(() => {
          clearTimeout(statusTimer);
          done();
        });
    });
  }

  RED.nodes.registerType("edge-mqtt-bridge", EdgeMqttBridgeNode);
};
