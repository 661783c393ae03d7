/**
 * edge-coap-response: answers the request an edge-coap-in turned into this message, with a response code,
 * Content-Format and payload (block-wise when larger than a block), as http response does for http in.
 */
import type { NodeAPI, Node, NodeDef, Send, Done, Msg } from "../_shared/node-red";
import { asError } from "../_shared/node-red";
import { Code, parseCode } from "../../lib/coap/constants";
import { contentFormatOf, encodePayload } from "../../lib/coap/content-format";
import { takeResponse } from "../../lib/coap/pending-responses";
import { onInput } from "../_shared/guarded-input";
import { readSettings } from "../_shared/read-settings";
import * as settingsModule from "./settings";

export = function register(RED: NodeAPI): void {
  function EdgeCoapResponseNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = readSettings(RED, node, settingsModule, def);
    if (!config) return;

    onInput(node, (msg: Msg, _send: Send, done: Done) => {
      const exchange = msg._coap as { id?: unknown } | undefined;
      if (!exchange || typeof exchange.id !== "string") return done(new Error(RED._("edge-coap-response.errors.no-request")));
      // the node's Code wins when set, then msg.statusCode, then the method's: as core's http response node does,
      // so a fixed answer cannot be changed by a field a message happens to carry
      const given = config.code ?? msg.statusCode;
      const responseCode = given === undefined ? defaultCode(msg) : parseCode(given);
      if (responseCode === undefined || responseCode >> 5 < 2) return done(new Error(RED._("edge-coap-response.errors.bad-code", { code: String(given) })));
      const format = contentFormatOf(config.contentFormat) ?? contentFormatOf(msg.contentFormat);
      let encoded;
      try {
        encoded = encodePayload(msg.payload, format);
      } catch (err) {
        return done(asError(err));
      }
      const respond = takeResponse(exchange.id);
      if (!respond) return done(new Error(RED._("edge-coap-response.errors.expired")));
      respond({ code: responseCode, payload: encoded.payload, contentFormat: encoded.payload.length > 0 || format !== undefined ? encoded.format : undefined });
      done();
    });
  }

  /** 2.05 Content for GET and FETCH, 2.04 Changed for POST and PUT, 2.02 Deleted for DELETE */
  function defaultCode(msg: Msg): number {
    const method = (msg.req as { method?: string } | undefined)?.method;
    if (method === "DELETE") return Code.DELETED;
    if (method === "POST" || method === "PUT") return Code.CHANGED;
    return Code.CONTENT;
  }

  RED.nodes.registerType("edge-coap-response", EdgeCoapResponseNode);
};
