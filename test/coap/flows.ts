/** Node modules and flows shared by the CoAP node tests. */
import serverNode from "../../nodes/edge-coap-server/edge-coap-server";
import inNode from "../../nodes/edge-coap-in/edge-coap-in";
import responseNode from "../../nodes/edge-coap-response/edge-coap-response";
import requestNode from "../../nodes/edge-coap-request/edge-coap-request";

export const functionNode = require("@node-red/nodes/core/function/10-function.js");
export const catchNode = require("@node-red/nodes/core/common/25-catch.js");
export const coapNodes = [serverNode, inNode, responseNode, requestNode, functionNode, catchNode];

/**
 * A small key/value resource in a function node: PUT stores the body, GET returns it (4.04 when absent), POST
 * answers 2.01 with what it received, FETCH answers with the fields the body names, DELETE forgets.
 */
export const STORE_FUNCTION = `
const store = flow.get("store") || {};
const key = msg.req.path;
const body = msg.payload;
switch (msg.req.method) {
  case "GET":
    if (key in store) { msg.payload = store[key].value; msg.contentFormat = store[key].format; }
    else { msg.statusCode = "4.04"; msg.payload = "no " + key; }
    break;
  case "PUT":
    msg.statusCode = key in store ? "2.04" : "2.01";
    store[key] = { value: body, format: msg.req.contentFormat };
    msg.payload = null;
    break;
  case "POST":
    msg.statusCode = "2.01";
    msg.payload = { received: Buffer.isBuffer(body) ? body.length : body, contentFormat: msg.req.contentFormat === undefined ? null : msg.req.contentFormat };
    break;
  case "FETCH": {
    const doc = (store[key] && store[key].value) || {};
    msg.payload = Object.fromEntries((body || []).map((k) => [k, doc[k]]));
    msg.contentFormat = 50;
    break;
  }
  case "DELETE":
    delete store[key]; msg.payload = null;
    break;
}
flow.set("store", store);
return msg;`;

/** a flow as the test helper takes it (its typings know only the NodeDef fields) */
export type FlowNode = { id: string; type: string; wires?: string[][] } & Record<string, unknown>;
export const asFlow = (nodes: FlowNode[]): Parameters<typeof import("node-red-node-test-helper").load>[1] => nodes as unknown as Parameters<typeof import("node-red-node-test-helper").load>[1];
