/**
 * edge-metrics: the gateway's health. Counts the messages every node of the pack receives, sends and finishes with
 * an error (Node-RED's message hooks, so no node has to report them), serves the metrics registry as a Prometheus
 * text endpoint when asked to (opt-in), and sends a heartbeat (uptime, versions, memory, queue depths) on its
 * output at an interval and on every input.
 */
import type { Request, Response } from "express";
import type { NodeAPI, Node, NodeDef, Send, Done, Msg } from "../_shared/node-red";
import { readSettings } from "../_shared/read-settings";
import { gatewayIdOf } from "../_shared/gateway-id";
import * as settingsModule from "./settings";
import { packVersion } from "../_shared/pack-version";
import { onInput } from "../_shared/guarded-input";
import { metrics } from "../../lib/fleet/metrics-registry";
import { exposition, heartbeat, processSamples, Versions } from "../../lib/fleet/gateway-health";
import { CONTENT_TYPE, renderPrometheus } from "../../lib/fleet/prometheus-text";
import { newEventId } from "../../lib/contract/message";

interface HookedNode {
  id: string;
  type: string;
}

interface Hooks {
  add(name: string, fn: (event: unknown) => void): void;
  remove(name: string): void;
}

type Router = { stack: Array<{ route?: { path: string; stack?: Array<{ handle: unknown }> } }> };

// the message hooks are installed once per process however many edge-metrics nodes there are
let hookUsers = 0;
let countAllNodes = false;
const HOOKS = ["onSend.edgeMetrics", "onReceive.edgeMetrics", "onComplete.edgeMetrics"];

export = function register(RED: NodeAPI): void {
  const hooks = (RED as unknown as { hooks?: Hooks }).hooks;
  const counted = (n: HookedNode | undefined): n is HookedNode => !!n && typeof n.type === "string" && (countAllNodes || n.type.startsWith("edge-"));

  function installHooks() {
    if (!hooks || hookUsers++ > 0) return;
    hooks.add(HOOKS[0], (events) => {
      for (const e of events as Array<{ source?: { node?: HookedNode } }>) {
        const n = e.source?.node;
        if (counted(n)) metrics.count("edge_messages_out_total", { node: n.id, type: n.type });
      }
    });
    hooks.add(HOOKS[1], (event) => {
      const n = (event as { destination?: { node?: HookedNode } }).destination?.node;
      if (counted(n)) metrics.count("edge_messages_in_total", { node: n.id, type: n.type });
    });
    hooks.add(HOOKS[2], (event) => {
      const e = event as { error?: unknown; node?: { node?: HookedNode } };
      const n = e.node?.node;
      if (e.error && counted(n)) metrics.count("edge_messages_rejected_total", { node: n.id, type: n.type });
    });
  }

  function removeHooks() {
    if (!hooks || --hookUsers > 0) return;
    for (const h of HOOKS) hooks.remove(h);
    countAllNodes = false;
  }

  const describe = (id: string) => {
    const n = RED.nodes.getNode(id) as (Node & { name?: string }) | null;
    return n ? { type: n.type, name: n.name ?? "" } : undefined;
  };

  function EdgeMetricsNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = readSettings(RED, node, settingsModule, def);
    if (!config) return;
    const gateway = gatewayIdOf(RED, node, config.gatewayId, config.gatewayIdType, "edge-metrics.errors.unset-gateway");
    const versions: Versions = { pack: packVersion(), nodeRed: String((RED.version as unknown as () => string)()), nodejs: process.version };
    const counting = config.countMessages;
    if (config.allNodes) countAllNodes = true;
    if (counting) installHooks();

    const scrape = () => {
      metrics.prune((id) => RED.nodes.getNode(id) !== null);
      return renderPrometheus(exposition(metrics, processSamples(versions, gateway), describe));
    };

    const path = normalisedPath(config.path);
    const app = config.endpoint === "admin" ? RED.httpAdmin : config.endpoint === "node" ? RED.httpNode : undefined;
    const handler = (_req: Request, res: Response) => {
      try {
        res.set("Content-Type", CONTENT_TYPE).send(scrape());
      } catch (err) {
        res.status(500).send(String(err));
      }
    };
    if (app) {
      if (config.endpoint === "admin") app.get(path, RED.auth.needsPermission("edge-metrics.read"), handler);
      else app.get(path, handler);
    }

    const beat = (base: Msg | undefined, send: (m: Msg) => void) =>
      send({ ...base, topic: `fleet/${gateway}/heartbeat`, eventId: newEventId(), priority: 3, payload: heartbeat(metrics, gateway, versions, describe) } as unknown as Msg);
    const intervalMs = config.heartbeatS * 1000;
    const timer = intervalMs > 0 ? setInterval(() => beat(undefined, (m) => node.send(m)), Math.max(1000, intervalMs)) : undefined;
    node.status({ fill: "green", shape: "dot", text: app ? RED._("edge-metrics.status.serving", { path }) : RED._("edge-metrics.status.heartbeat") });

    // a heartbeat on request answers the message that asked (an HTTP request keeps its response object)
    onInput(node, (msg: Msg, send: Send, done: Done) => {
      beat(msg, (m) => send(m));
      done();
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      clearInterval(timer);
      if (counting) removeHooks();
      if (app) removeRoute(app as unknown as { _router?: Router; router?: Router }, path, handler);
      done();
    });
  }

  function normalisedPath(p: string): string {
    const t = p.trim();
    return t.startsWith("/") ? t : `/${t}`;
  }

  /** express keeps no way to take a route back: the layer that holds this handler is removed from its stack */
  function removeRoute(app: { _router?: Router; router?: Router }, path: string, handler: unknown) {
    const router = app._router ?? app.router;
    if (!router?.stack) return;
    router.stack = router.stack.filter((layer) => !(layer.route && layer.route.path === path && layer.route.stack?.some((s) => s.handle === handler)));
  }

  RED.nodes.registerType("edge-metrics", EdgeMetricsNode);
};
