/** edge-coap-request against libcoap's server (coap-server-openssl): methods, block-wise, Observe, DTLS-PSK. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { randomBytes } from "crypto";
import helper from "node-red-node-test-helper";
import { startCoapServer, coapClient, CoapPeer, tempDir } from "../harness/peers";
import { waitFor } from "../harness/wait";
import { messagesTo } from "../harness/node-events";
import { coapNodes, asFlow } from "./flows";
import { useTestHelper } from "../harness/test-helper-server";

interface OutMsg {
  payload: unknown;
  statusCode: string;
  contentFormat?: number;
  observe?: number;
  topic?: string;
}

describe("edge-coap-request with libcoap's server", function () {
  this.timeout(60000);
  let peer: CoapPeer;
  const dir = tempDir("coap-request");

  before(async function () {
    peer = await startCoapServer();
  });
  after(async function () {
    await peer?.stop();
  });
  useTestHelper();

  async function load(node: Record<string, unknown>, credentials?: Record<string, unknown>) {
    const flow = [
      { id: "t", type: "tab" },
      { id: "req", z: "t", type: "edge-coap-request", method: "GET", confirmable: true, output: "parsed", ackTimeoutS: "2", ackRandomFactor: "1.5", maxRetransmit: "4", responseTimeoutS: "10", blockSize: "1024", ...node, wires: [["out"]] },
      { id: "out", z: "t", type: "helper" },
      { id: "c", z: "t", type: "catch", scope: null, uncaught: false, wires: [["caught"]] },
      { id: "caught", z: "t", type: "helper" },
    ];
    await helper.load(coapNodes, asFlow(flow), credentials ? { req: credentials } : undefined);
    const out = messagesTo<OutMsg>("out");
    const caught = messagesTo<{ error: { message: string } }>("caught");
    return { out, caught, send: (msg: Record<string, unknown>) => helper.getNode("req").receive(msg) };
  }

  it("PUTs, GETs, POSTs and DELETEs a resource, with msg.url and msg.method overriding the node", async function () {
    const { out, send } = await load({ url: `${peer.url}/unused` });
    const url = `${peer.url}/cold-room-1`;
    send({ url, method: "PUT", payload: { setpoint: 3 }, topic: "put" });
    await waitFor(() => out.length === 1, "the PUT response");
    assert.strictEqual(out[0].statusCode, "2.01", "created");
    assert.strictEqual(out[0].topic, "put", "the message's own properties are kept");
    send({ url });
    await waitFor(() => out.length === 2, "the GET response");
    assert.deepStrictEqual(out[1].payload, { setpoint: 3 }, "JSON stored with Content-Format 50 comes back parsed");
    assert.strictEqual(out[1].contentFormat, 50);
    send({ url, method: "POST", payload: "x" });
    await waitFor(() => out.length === 3, "the POST response");
    assert.match(out[2].statusCode, /^[245]\.\d\d$/, "POST answered");
    send({ url, method: "DELETE" });
    await waitFor(() => out.length === 4, "the DELETE response");
    assert.strictEqual(out[3].statusCode, "2.02");
    send({ url, confirmable: false });
    await waitFor(() => out.length === 5, "a NON GET");
    assert.strictEqual(out[4].statusCode, "4.04", "deleted, and 4.xx answers are messages too");
    // libcoap's time resource answers text
    send({ url: `${peer.url}/time` });
    await waitFor(() => out.length === 6, "the time");
    assert.match(String(out[5].payload), /\d\d:\d\d:\d\d/);
  });

  it("uploads 64 KB block-wise (Block1) and downloads it back block-wise (Block2), checked against libcoap's own client", async function () {
    const { out, send } = await load({ url: `${peer.url}/big`, output: "buffer" });
    const body = randomBytes(65536);
    send({ method: "PUT", payload: body });
    await waitFor(() => out.length === 1, "the upload's response", { timeoutMs: 20000 });
    assert.match(out[0].statusCode, /^2\.0[14]$/);
    const file = path.join(dir, "big.bin");
    const check = coapClient(["-m", "get", "-o", file, `${peer.url}/big`]);
    assert.strictEqual(check.status, 0, check.stderr);
    assert.ok(body.equals(fs.readFileSync(file)), "libcoap's server holds the 64 KB we uploaded");
    send({});
    await waitFor(() => out.length === 2, "the download", { timeoutMs: 20000 });
    assert.ok(Buffer.isBuffer(out[1].payload) && body.equals(out[1].payload as Buffer), "64 KB downloaded intact");
  });

  it("observes a resource for 12 notifications, then stops on msg.observe = false", async function () {
    const url = `${peer.url}/truck-7/temp`;
    assert.strictEqual(coapClient(["-m", "put", "-e", "v0", url]).status, 0);
    const { out, send } = await load({ url, observe: true, output: "string" });
    send({ topic: "watch" });
    await waitFor(() => out.length === 1, "the registration response");
    assert.strictEqual(out[0].payload, "v0");
    for (let i = 1; i <= 12; i++) {
      assert.strictEqual(coapClient(["-m", "put", "-e", `v${i}`, url]).status, 0);
      await waitFor(() => out.length === i + 1, `notification ${i}`);
    }
    assert.deepStrictEqual(out.map((m) => m.payload), Array.from({ length: 13 }, (_, i) => `v${i}`));
    const seqs = out.map((m) => m.observe as number);
    assert.ok(seqs.every((s, i) => i === 0 || s > seqs[i - 1]), `Observe numbers increase: ${seqs}`);
    assert.ok(out.every((m) => m.topic === "watch"));

    send({ observe: false });
    // after the deregistration, a change brings no message; a GET on the same server orders us after it
    await waitFor(async () => {
      const r = coapClient(["-m", "put", "-e", "after", url]);
      return r.status === 0;
    }, "a PUT after cancelling");
    send({ observe: undefined, url: `${peer.url}/time`, method: "GET" });
    await waitFor(() => out.length === 14, "the GET after cancelling");
    assert.notStrictEqual(out[13].payload, "after", "no notification after cancelling");
    assert.strictEqual(out.length, 14);
  });

  it("speaks coaps:// (DTLS 1.2 PSK) with the right key, and reports a wrong key to a Catch node", async function () {
    const url = `coaps://127.0.0.1:${peer.dtlsPort}/secure-room`;
    const good = await load({ url, method: "PUT", output: "string" }, { identity: "gateway-7", key: peer.psk });
    good.send({ payload: "sealed" });
    await waitFor(() => good.out.length === 1, "the PUT over DTLS", { timeoutMs: 10000 });
    assert.match(good.out[0].statusCode, /^2\.0[14]$/);
    good.send({ method: "GET", payload: undefined });
    await waitFor(() => good.out.length === 2, "the GET over DTLS");
    assert.strictEqual(good.out[1].payload, "sealed");
    await helper.unload();

    const bad = await load({ url }, { identity: "gateway-7", key: "not-the-key" });
    bad.send({});
    await waitFor(() => bad.caught.length === 1, "the handshake failure", { timeoutMs: 15000 });
    assert.match(bad.caught[0].error.message, /DTLS session with coaps:\/\/127\.0\.0\.1:\d+ failed/);
    assert.strictEqual(bad.out.length, 0);
  });

  it("reports coaps:// without credentials, a bad method and a bad URL to a Catch node", async function () {
    const { caught, send } = await load({ url: `coaps://127.0.0.1:${peer.dtlsPort}/x` });
    send({});
    send({ url: `${peer.url}/x`, method: "BREW" });
    send({ url: "http://example.com/" });
    await waitFor(() => caught.length === 3, "three errors");
    // Node-RED reports done(err) as "Error: <message>"; the catalogue is not loaded for nodes loaded from source
    assert.deepStrictEqual(caught.map((c) => c.error.message.replace(/^Error: /, "")), ["edge-coap-request.errors.no-psk", "edge-coap-request.errors.method", "'http://example.com/' is not a coap:// or coaps:// URL"]);
  });
});
