/** edge-coap-request talking to edge-coap-in in one Node-RED runtime: FETCH, SenML CBOR, 200 KB both ways, Observe and close. */
import * as assert from "assert";
import { randomBytes } from "crypto";
import helper from "node-red-node-test-helper";
import { freeUdpPort } from "../harness/ports";
import { waitFor } from "../harness/wait";
import { messagesTo } from "../harness/node-events";
import { coapNodes, STORE_FUNCTION, asFlow } from "./flows";
import type { CoapServerNode } from "../../nodes/edge-coap-server/coap-server-node";
import type { CoapServer } from "../../lib/coap/coap-server";
import { useTestHelper } from "../harness/test-helper-server";

interface Msg {
  payload: unknown;
  statusCode?: string;
  contentFormat?: number;
  observe?: number;
  req?: { method: string; contentFormat?: number };
}

describe("edge-coap-request ↔ edge-coap-in", function () {
  this.timeout(30000);
  let base: string;
  useTestHelper();

  async function load(request: Record<string, unknown>, response: Record<string, unknown> = {}) {
    const port = await freeUdpPort();
    base = `coap://127.0.0.1:${port}`;
    await helper.load(coapNodes, asFlow([
      { id: "t", type: "tab" },
      { id: "srv", type: "edge-coap-server", port: String(port), address: "127.0.0.1", maxPayloadKB: "512" },
      { id: "in", z: "t", type: "edge-coap-in", server: "srv", path: "/store", methods: ["GET", "PUT", "POST", "FETCH", "DELETE"], wires: [["fn", "seen"]] },
      { id: "fn", z: "t", type: "function", func: STORE_FUNCTION, outputs: 1, wires: [["resp"]] },
      { id: "resp", z: "t", type: "edge-coap-response", ...response },
      { id: "seen", z: "t", type: "helper" },
      { id: "obs", z: "t", type: "edge-coap-in", server: "srv", path: "/door", methods: ["GET"], observable: true, notify: "con", wires: [[]] },
      { id: "req", z: "t", type: "edge-coap-request", method: "GET", confirmable: true, output: "parsed", ackTimeoutS: "2", ackRandomFactor: "1.5", maxRetransmit: "4", responseTimeoutS: "10", blockSize: "512", ...request, wires: [["out"]] },
      { id: "out", z: "t", type: "helper" },
    ]));
    await waitFor(() => (helper.getNode("srv") as CoapServerNode).server(), "listening");
    const out = messagesTo<Msg>("out");
    const seen = messagesTo<Msg>("seen");
    return { out, seen, send: (msg: Record<string, unknown>) => helper.getNode("req").receive(msg) };
  }

  it("answers with the node's Code and Format when they are set, and with msg.statusCode and msg.contentFormat when blank", async function () {
    // the resource's function says 4.04 and text for an absent key, 2.05 by default: the node's fixed 2.03 and JSON win
    const fixed = await load({ url: "" }, { code: "2.03", contentFormat: "50" });
    fixed.send({ url: `${base}/store`, method: "GET" });
    await waitFor(() => fixed.out.length === 1, "GET answered");
    assert.strictEqual(fixed.out[0].statusCode, "2.03");
    assert.strictEqual(fixed.out[0].contentFormat, 50);
    await helper.unload();
    const open = await load({ url: "" });
    open.send({ url: `${base}/store`, method: "GET" });
    await waitFor(() => open.out.length === 1, "GET answered");
    assert.strictEqual(open.out[0].statusCode, "4.04");
    assert.strictEqual(open.out[0].contentFormat, 0, "text, as the automatic format encodes a string");
    assert.strictEqual(open.out[0].payload, "no /store");
  });

  it("sends SenML CBOR that arrives as SenML JSON names, and FETCHes fields with a JSON body", async function () {
    const { out, seen, send } = await load({ url: "" });
    const pack = [{ bn: "urn:dev:mac:0024befffe804ff1/", bt: 1.7e9, n: "temp", u: "Cel", v: 4.5 }, { n: "door", vb: false }];
    send({ url: `${base}/store`, method: "PUT", payload: pack, contentFormat: "application/senml+cbor" });
    await waitFor(() => out.length === 1, "PUT answered");
    assert.strictEqual(seen[0].req?.contentFormat, 112);
    assert.deepStrictEqual(seen[0].payload, pack, "integer labels turned back into names");
    send({ url: `${base}/store`, method: "PUT", payload: { temp: 4.5, door: "closed", battery: 88 }, contentFormat: 60 });
    await waitFor(() => out.length === 2, "second PUT");
    send({ url: `${base}/store`, method: "FETCH", payload: ["temp", "battery"], contentFormat: 50 });
    await waitFor(() => out.length === 3, "FETCH answered");
    assert.strictEqual(out[2].statusCode, "2.05");
    assert.deepStrictEqual(out[2].payload, { temp: 4.5, battery: 88 });
  });

  it("moves 200 KB up (Block1) and down (Block2) in 512-byte blocks", async function () {
    const { out, seen, send } = await load({ url: "", output: "buffer" });
    const body = randomBytes(200 * 1024);
    send({ url: `${base}/store`, method: "PUT", payload: body });
    await waitFor(() => out.length === 1, "upload answered", { timeoutMs: 20000 });
    assert.strictEqual(seen.length, 1);
    assert.ok(body.equals(seen[0].payload as Buffer));
    send({ url: `${base}/store`, method: "GET" });
    await waitFor(() => out.length === 2, "download", { timeoutMs: 20000 });
    assert.ok(body.equals(out[1].payload as Buffer));
    assert.strictEqual(seen.length, 2, "the flow answered the download once");
  });

  it("observes our own observable resource (CON notifications) and deregisters when the flow stops", async function () {
    const { out, send } = await load({ url: "", observe: true, output: "parsed" });
    const door = helper.getNode("obs");
    door.receive({ payload: { open: false, n: 0 } });
    send({ url: `${base}/door` });
    await waitFor(() => out.length === 1, "registered");
    const server = (helper.getNode("srv") as CoapServerNode).server() as CoapServer;
    const observers = () => [...(server as unknown as { resources: Map<string, { observers: Map<string, unknown> }> }).resources.values()].reduce((n, r) => n + r.observers.size, 0);
    assert.strictEqual(observers(), 1);
    for (let i = 1; i <= 10; i++) {
      door.receive({ payload: { open: i % 2 === 1, n: i } });
      await waitFor(() => out.length === i + 1, `notification ${i}`);
    }
    assert.deepStrictEqual(out.map((m) => (m.payload as { n: number }).n), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // a value bigger than a block is notified block-wise and joined by the client
    const big = "x".repeat(3000);
    door.receive({ payload: { open: true, n: 11, note: big } });
    await waitFor(() => out.length === 12, "a block-wise notification");
    assert.strictEqual((out[11].payload as { note: string }).note, big);
    // stopping the request node deregisters: keep the server, remove the request node
    await new Promise<void>((resolve) => helper.getNode("req").close(false).then(() => resolve()));
    await waitFor(() => observers() === 0, "the observer gone after close");
  });
});
