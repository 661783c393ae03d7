/**
 * edge-coap-in: a resource on an edge-coap-server. Each request becomes a message (payload decoded by its
 * Content-Format, msg.req describing the request) for an edge-coap-response to answer, as http in does. An
 * observable resource answers GET itself with the value last given to this node's input and notifies its
 * observers of every new value (RFC 7641).
 */
import type { NodeAPI, Node, NodeDef, Send, Done, Msg } from "../_shared/node-red";
import { errorText } from "../_shared/node-red";
import type { CoapServerNode } from "../edge-coap-server/coap-server-node";
import type { IncomingRequest, Resource, Respond } from "../../lib/coap/coap-server";
import { Code, ContentFormat, MethodName } from "../../lib/coap/constants";
import { contentFormatOf, contentFormatName, decodePayload, encodePayload } from "../../lib/coap/content-format";
import { holdResponse } from "../../lib/coap/pending-responses";
import { onInput } from "../_shared/guarded-input";
import { LogOnce } from "../../lib/common/log-once";
import { readSettings } from "../_shared/read-settings";
import * as settingsModule from "./settings";

export = function register(RED: NodeAPI): void {
  function EdgeCoapInNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = readSettings(RED, node, settingsModule, def);
    if (!config) return;
    const serverNode = RED.nodes.getNode(config.server) as CoapServerNode | null;
    const methods = config.methods.map((m) => m.toUpperCase() as MethodName);
    const observable = config.observable;
    const identities = config.identities.split(",").map((i) => i.trim()).filter(Boolean);
    const denials = new LogOnce((text) => node.warn(text));
    let resource: Resource | undefined;
    let closed = false;
    let requests = 0;
    let rejected = 0;

    if (!serverNode) {
      node.status({ fill: "red", shape: "ring", text: RED._("edge-coap-in.status.no-server") });
      onInput(node, (_msg: Msg, _send: Send, done: Done) => done(new Error(RED._("edge-coap-in.errors.no-server"))));
      return;
    }
    const path = "/" + (config.path || "").split("/").filter(Boolean).join("/");

    const handler = (request: IncomingRequest, respond: Respond) => {
      requests++;
      let payload: unknown;
      try {
        payload = config.output === "buffer" ? request.payload : decodePayload(request.payload, request.contentFormat);
      } catch (err) {
        rejected++;
        respond({ code: Code.BAD_REQUEST, payload: Buffer.from(errorText(err)), contentFormat: ContentFormat.TEXT });
        node.error(RED._("edge-coap-in.errors.payload", { method: request.method, path: request.path, source: `${request.source.address}:${request.source.port}`, error: errorText(err) }), { payload: request.payload, req: describe(request) } as unknown as Msg);
        updateStatus();
        return;
      }
      const held = holdResponse(respond, serverNode.responseTimeoutMs);
      node.send({ payload, topic: request.path, req: describe(request), _coap: { id: held.id } } as unknown as Msg);
      updateStatus();
    };

    serverNode
      .addResource(path, { methods, observable, confirmableNotifications: config.notify === "con", identities, handler })
      .then((r) => {
        if (closed) return r.remove();
        resource = r;
        updateStatus();
        serverNode.server()?.on("observers", onObservers);
        serverNode.server()?.on("denied", onDenied);
      })
      .catch((err: Error) => {
        node.status({ fill: "red", shape: "ring", text: RED._("edge-coap-in.status.error") });
        node.error(err.message);
      });

    function onObservers(changed: Resource) {
      if (changed === resource) updateStatus();
    }

    // a device retrying without access would log a line per request: once per identity (or plain client address)
    function onDenied(denied: Resource, source: IncomingRequest["source"]) {
      if (denied !== resource) return;
      rejected++;
      updateStatus();
      if (source.identity === undefined) denials.log(RED._("edge-coap-in.warnings.denied-plain", { path, source: source.address }));
      else denials.log(RED._("edge-coap-in.warnings.denied-identity", { path, identity: source.identity, source: source.address }));
    }

    let statusTimer: NodeJS.Timeout | undefined;
    function updateStatus() {
      if (statusTimer) return;
      statusTimer = setTimeout(() => {
        statusTimer = undefined;
        if (!resource || closed) return;
        const text = observable
          ? RED._("edge-coap-in.status.observed", { path, observers: resource.observers.size, requests })
          : RED._("edge-coap-in.status.serving", { path, requests });
        node.status({ fill: rejected > 0 ? "yellow" : "green", shape: "dot", text: rejected > 0 ? `${text} (${RED._("edge-coap-in.status.rejected", { count: rejected })})` : text });
      }, 250);
    }

    // the input sets the value of an observable resource
    onInput(node, (msg: Msg, _send: Send, done: Done) => {
      if (!observable) return done(new Error(RED._("edge-coap-in.errors.not-observable")));
      if (!resource) return done(new Error(RED._("edge-coap-in.errors.not-ready")));
      const format = contentFormatOf(msg.contentFormat) ?? contentFormatOf(config.valueFormat);
      try {
        const { payload, format: used } = encodePayload(msg.payload, format);
        resource.setValue({ payload, contentFormat: used });
      } catch (err) {
        return done(err instanceof Error ? err : new Error(String(err)));
      }
      updateStatus();
      done();
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      closed = true;
      clearTimeout(statusTimer);
      serverNode.server()?.off("observers", onObservers);
      serverNode.server()?.off("denied", onDenied);
      resource?.remove();
      resource = undefined;
      done();
    });
  }

  function describe(request: IncomingRequest) {
    return {
      method: request.method,
      path: request.path,
      query: request.query,
      options: request.options,
      contentFormat: request.contentFormat,
      contentType: contentFormatName(request.contentFormat),
      accept: request.accept,
      source: request.source,
      confirmable: request.confirmable,
      token: request.token,
      messageId: request.messageId,
    };
  }

  RED.nodes.registerType("edge-coap-in", EdgeCoapInNode);
};
