/**
 * edge-coap-request: sends a CoAP request (GET, POST, PUT, DELETE, FETCH) to a coap:// or coaps:// (DTLS 1.2 PSK)
 * URL and sends the response on, or observes the resource and sends a message per notification until cancelled.
 */
import type { NodeAPI, Node, NodeDef, Send, Done, Msg } from "../_shared/node-red";
import { asError } from "../_shared/node-red";
import { readSettings } from "../_shared/read-settings";
import * as settingsModule from "./settings";
import { CoapClient, ClientRequest, ClientResponse, Observation } from "../../lib/coap/coap-client";
import { MethodName } from "../../lib/coap/constants";
import { contentFormatOf, contentFormatName, decodePayload, encodePayload } from "../../lib/coap/content-format";
import { optionsByName } from "../../lib/coap/coap-server";
import { onInput } from "../_shared/guarded-input";


interface Credentials {
  identity?: string;
  key?: string;
}

const METHODS: MethodName[] = [...settingsModule.METHODS];

export = function register(RED: NodeAPI): void {
  function EdgeCoapRequestNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const settings = readSettings(RED, node, settingsModule, def);
    if (!settings) return;
    const config = settings;
    const credentials = (node.credentials ?? {}) as Credentials;
    const client = new CoapClient({
      transmission: {
        ackTimeoutMs: config.ackTimeoutS * 1000,
        ackRandomFactor: config.ackRandomFactor,
        maxRetransmit: config.maxRetransmit,
      },
      responseTimeoutMs: config.responseTimeoutS * 1000,
      blockBytes: Number(config.blockSize),
      psk: credentials.identity !== undefined && credentials.key ? { identity: credentials.identity, key: credentials.key } : undefined,
    });
    const observations = new Map<string, Observation>();
    let inFlight = 0;

    function setStatus(error?: string) {
      if (error) return node.status({ fill: "red", shape: "ring", text: error });
      if (observations.size > 0) return node.status({ fill: "green", shape: "dot", text: RED._("edge-coap-request.status.observing", { count: observations.size }) });
      if (inFlight > 0) return node.status({ fill: "yellow", shape: "ring", text: RED._("edge-coap-request.status.requesting") });
      node.status({});
    }

    function toMessage(base: Msg, url: string, response: ClientResponse): Msg {
      let payload: unknown = response.payload;
      if (config.output === "string") payload = response.payload.toString("utf8");
      else if (config.output !== "buffer") {
        try {
          payload = decodePayload(response.payload, response.contentFormat);
        } catch {
          payload = response.payload; // a malformed body is passed on as bytes, the Content-Format says what it claimed
        }
      }
      const out = RED.util.cloneMessage(base) as Msg;
      out.payload = payload;
      out.statusCode = response.status;
      out.contentFormat = response.contentFormat;
      out.contentType = contentFormatName(response.contentFormat);
      out.responseOptions = optionsByName(response.options);
      out.url = url;
      if (response.observe !== undefined) out.observe = response.observe;
      else delete out.observe;
      return out;
    }

    onInput(node, (msg: Msg, send: Send, done: Done) => {
      // msg.url wins; then the node's URL, typed or from the flow, global context or environment
      const configured = config.urlType === "str" ? config.url : String(RED.util.evaluateNodeProperty(config.url, config.urlType, node, msg) ?? "");
      const url = typeof msg.url === "string" && msg.url ? msg.url : configured;
      // a message asking to stop: msg.observe === false (or msg.cancel) ends the observation of its URL, or all
      if (msg.observe === false || msg.cancel === true) {
        const targets = [...observations.entries()].filter(([u]) => !msg.url || u === url);
        Promise.all(targets.map(([u, o]) => (observations.delete(u), o.cancel()))).then(() => {
          setStatus();
          done();
        }, (err) => done(asError(err)));
        return;
      }
      const method = (typeof msg.method === "string" && msg.method ? msg.method : config.method || "GET").toUpperCase() as MethodName;
      if (!METHODS.includes(method)) return done(new Error(RED._("edge-coap-request.errors.method", { method })));
      if (!url) return done(new Error(RED._("edge-coap-request.errors.no-url")));
      const hasBody = method === "POST" || method === "PUT" || method === "FETCH";
      let request: ClientRequest;
      try {
        const format = contentFormatOf(msg.contentFormat) ?? contentFormatOf(config.contentFormat);
        const encoded = hasBody ? encodePayload(msg.payload, format) : { payload: Buffer.alloc(0), format: undefined };
        request = {
          url,
          method,
          payload: encoded.payload,
          contentFormat: encoded.format,
          accept: contentFormatOf(msg.accept) ?? contentFormatOf(config.accept),
          confirmable: typeof msg.confirmable === "boolean" ? msg.confirmable : config.confirmable !== false,
        };
        if (url.startsWith("coaps:") && (!credentials.key || credentials.identity === undefined)) throw new Error(RED._("edge-coap-request.errors.no-psk"));
      } catch (err) {
        return done(asError(err));
      }

      if (msg.observe === true || (config.observe === true && method === "GET" && msg.observe === undefined)) {
        if (observations.has(url)) return done(new Error(RED._("edge-coap-request.errors.observing", { url })));
        let first = true;
        const observation = client.observe(request);
        observations.set(url, observation);
        setStatus();
        observation.on("notification", (response: ClientResponse) => {
          let out: Msg;
          try {
            out = toMessage(msg, url, response);
          } catch (err) {
            // reached from a promise callback in the client: a throw would be an unhandled rejection
            if (first) {
              first = false;
              done(asError(err));
            } else node.error(asError(err), msg);
            return;
          }
          if (first) {
            first = false;
            send(out);
            done();
          } else node.send(out);
        });
        observation.on("error", (err: Error) => {
          if (first) {
            first = false;
            done(err);
          } else node.error(err, msg);
        });
        observation.on("end", () => {
          if (observations.get(url) === observation) observations.delete(url);
          setStatus();
        });
        return;
      }

      inFlight++;
      setStatus();
      client.request(request).then(
        (response) => {
          inFlight--;
          setStatus();
          // a throw here (e.g. cloning a message too deep to copy) would be an unhandled rejection, ending Node-RED
          try {
            send(toMessage(msg, url, response));
          } catch (err) {
            return done(asError(err));
          }
          done();
        },
        (err: Error) => {
          inFlight--;
          setStatus(err.name === "DtlsError" ? RED._("edge-coap-request.status.dtls-failed") : RED._("edge-coap-request.status.failed"));
          done(err);
        },
      );
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      observations.clear();
      client.close().finally(() => done());
    });
  }

  RED.nodes.registerType("edge-coap-request", EdgeCoapRequestNode, {
    credentials: { identity: { type: "text" }, key: { type: "password" } },
  });
};
