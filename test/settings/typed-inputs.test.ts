/**
 * Values from the environment and the context (typedInput `env`, `flow`), through the nodes in Node-RED:
 * edge-ingest's fixed device name read at deploy, with a clear "not configured" status when the variable is not
 * set; edge-coap-request's URL from the flow context or the environment against libcoap's server, msg.url winning.
 */
import * as assert from "assert";
import helper from "node-red-node-test-helper";
import profileNode from "../../nodes/edge-device-profile/edge-device-profile";
import ingestNode from "../../nodes/edge-ingest/edge-ingest";
import { waitFor } from "../harness/wait";
import { messagesTo } from "../harness/node-events";
import { speaking } from "./catalogue";
import { ensureBuilt } from "../harness/build";
import { coapClient, startCoapServer, type CoapPeer } from "../harness/peers";
import coapRequestNode from "../../nodes/edge-coap-request/edge-coap-request";
import { useTestHelper } from "../harness/test-helper-server";

interface Status {
  fill?: string;
  text?: string;
}
function statusesOf(id: string): Status[] {
  const spy = (helper as unknown as { _NodePrototype: { status: { getCalls(): Array<{ thisValue: { id: string }; args: [Status] }> } } })._NodePrototype.status;
  return spy
    .getCalls()
    .filter((c) => c.thisValue?.id === id)
    .map((c) => c.args[0]);
}

const VAR = "EDGE_TEST_DEVICE_NAME";

describe("typed inputs: values from the environment", function () {
  this.timeout(180000);
  before(function () {
    ensureBuilt(); // the shared settings messages are merged into the built catalogues
  });
  afterEach(function () {
    delete process.env[VAR];
  });
  useTestHelper();

  const flow: Array<Record<string, unknown> & { id: string; type: string }> = [
    { id: "p", type: "edge-device-profile", source: "builtin", builtin: "reefer-unit" },
    { id: "in", type: "edge-ingest", version: 1, profile: "p", deviceNameFrom: "fixed", deviceName: VAR, deviceNameType: "env", wires: [["events"], ["errors"]] },
    { id: "events", type: "helper" },
    { id: "errors", type: "helper" },
  ];

  it("edge-ingest: a fixed device name from an environment variable names every event", async function () {
    process.env[VAR] = "truck-env-7";
    await helper.load([profileNode, speaking(ingestNode)], flow);
    const received = messagesTo<{ payload: { deviceName: string }; topic: string }>("events");
    helper.getNode("in").receive({ payload: { ret_air_f: 40 } });
    await waitFor(() => received.length === 1, "one event");
    assert.strictEqual(received[0].payload.deviceName, "truck-env-7");
    assert.strictEqual(received[0].topic, "edge/reefer-unit/truck-env-7");
  });

  it("edge-ingest: the variable not set shows red 'not configured' naming it, and each message goes to Catch", async function () {
    const catchNode = require("@node-red/nodes/core/common/25-catch.js");
    await helper.load([profileNode, speaking(ingestNode), catchNode], [...flow, { id: "c", type: "catch", scope: ["in"], uncaught: false, wires: [["caught"]] }, { id: "caught", type: "helper" }] as typeof flow);
    const caught = messagesTo<{ error: { message: string } }>("caught");
    const red = statusesOf("in").find((s) => s.fill === "red");
    assert.ok(red, `red status (${JSON.stringify(statusesOf("in"))})`);
    assert.match(red.text ?? "", new RegExp(`not configured: .*${VAR}`));
    helper.getNode("in").receive({ payload: { ret_air_f: 40 } });
    await waitFor(() => caught.length === 1, "the message at the Catch node");
    assert.match(caught[0].error.message, new RegExp(VAR));
  });
});

describe("typed inputs: edge-coap-request's URL from the flow context or the environment (libcoap's server)", function () {
  this.timeout(60000);
  let peer: CoapPeer;
  const URL_VAR = "EDGE_TEST_COAP_URL";
  before(async function () {
    peer = await startCoapServer();
    for (const [name, value] of [["from-env", "env"], ["from-flow", "flow"], ["from-msg", "msg"]]) {
      assert.strictEqual(coapClient(["-m", "put", "-e", value, `${peer.url}/${name}`]).status, 0);
    }
  });
  after(async function () {
    await peer?.stop();
  });
  afterEach(function () {
    delete process.env[URL_VAR];
  });
  useTestHelper();

  async function load(url: string, urlType: string) {
    await helper.load(speaking(coapRequestNode), [
      { id: "t", type: "tab" },
      { id: "req", z: "t", type: "edge-coap-request", version: 1, url, urlType, output: "string", wires: [["out"]] },
      { id: "out", z: "t", type: "helper" },
    ] as Parameters<typeof helper.load>[1]);
    const out = messagesTo<{ payload: string }>("out");
    return out;
  }

  it("reads the URL from an environment variable, and msg.url wins over it", async function () {
    process.env[URL_VAR] = `${peer.url}/from-env`;
    const out = await load(URL_VAR, "env");
    helper.getNode("req").receive({});
    await waitFor(() => out.length === 1, "the response");
    assert.strictEqual(out[0].payload, "env");
    helper.getNode("req").receive({ url: `${peer.url}/from-msg` });
    await waitFor(() => out.length === 2, "the second response");
    assert.strictEqual(out[1].payload, "msg");
  });

  it("reads the URL from the flow context for each message", async function () {
    const out = await load("coapTarget", "flow");
    const node = helper.getNode("req") as unknown as { context(): { flow: { set(k: string, v: unknown): void } }; receive(m: object): void };
    node.context().flow.set("coapTarget", `${peer.url}/from-flow`);
    node.receive({});
    await waitFor(() => out.length === 1, "the response");
    assert.strictEqual(out[0].payload, "flow");
    node.context().flow.set("coapTarget", `${peer.url}/from-env`);
    node.receive({});
    await waitFor(() => out.length === 2, "the response to the changed URL");
    assert.strictEqual(out[1].payload, "env");
  });
});
