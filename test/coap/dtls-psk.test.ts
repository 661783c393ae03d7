/**
 * edge-coap-request over DTLS-PSK against libcoap's server with and without a PSK identity hint (RFC 4279 §2), and
 * against a hostile UDP peer that answers the ClientHello with a crafted, a malformed or a random record: the request
 * fails with a clear error on the node (Catch), and the process — in one case a real Node-RED child — stays up.
 */
import * as assert from "assert";
import * as dgram from "dgram";
import { randomBytes } from "crypto";
import helper from "node-red-node-test-helper";
import { requireBinary, spawnTracked, Spawned } from "../harness/processes";
import { freeUdpPort } from "../harness/ports";
import { coapClient, httpRequest, tempDir } from "../harness/peers";
import { startNodeRed } from "../harness/node-red-process";
import { ensureBuilt, linkPack } from "../harness/build";
import { waitFor } from "../harness/wait";
import { messagesTo } from "../harness/node-events";
import { coapNodes, asFlow } from "./flows";
import { useTestHelper } from "../harness/test-helper-server";

const KEY = "edge-secret";

/** libcoap's DTLS server; `hint` undefined leaves libcoap's default, which sends the hint "CoAP" */
async function startLibcoap(hint: string | undefined): Promise<{ dtlsPort: number; proc: Spawned }> {
  const bin = requireBinary("coap-server-openssl");
  const port = await freeUdpPort(true);
  const args = ["-A", "127.0.0.1", "-p", String(port), "-k", KEY, "-v", "4", ...(hint === undefined ? [] : ["-h", hint])];
  const proc = spawnTracked(bin, args);
  await waitFor(() => {
    if (proc.child.exitCode !== null) throw new Error(`coap-server exited: ${proc.output()}`);
    const probe = coapClient(["-B", "1", "-m", "get", `coap://127.0.0.1:${port}/.well-known/core`], { timeoutMs: 3000 });
    return probe.status === 0 && probe.stdout.length > 0;
  }, `libcoap server on ${port}`, { timeoutMs: 10000, intervalMs: 50 });
  return { dtlsPort: port + 1, proc };
}

/** DTLS 1.2 record header (RFC 6347 §4.1) around `body` */
function record(contentType: number, body: Buffer, sequence = 1): Buffer {
  const header = Buffer.alloc(13);
  header[0] = contentType;
  header.writeUInt16BE(0xfefd, 1);
  header.writeUInt16BE(0, 3); // epoch
  header.writeUIntBE(sequence, 5, 6);
  header.writeUInt16BE(body.length, 11);
  return Buffer.concat([header, body]);
}

/** the 27-byte record: a ServerKeyExchange (type 12) carrying an empty PSK identity hint, alone, out of any flight */
export const CRAFTED_SERVER_KEY_EXCHANGE = (() => {
  const handshake = Buffer.alloc(14);
  handshake[0] = 12; // server_key_exchange
  handshake.writeUIntBE(2, 1, 3); // length
  handshake.writeUInt16BE(0, 4); // message_seq
  handshake.writeUIntBE(0, 6, 3); // fragment_offset
  handshake.writeUIntBE(2, 9, 3); // fragment_length
  handshake.writeUInt16BE(0, 12); // psk_identity_hint<0..2^16-1>: empty
  return record(22, handshake);
})();

/** a ServerHello cut short (4 bytes where 38 at least are due): the library's parser throws a RangeError */
const MALFORMED_HANDSHAKE = record(22, Buffer.from("02000004000000000000000401020304", "hex"));

/** a Certificate message (type 11), which a PSK client has no parser for */
const CERTIFICATE = record(22, Buffer.from("0b000002000000000000000200ff", "hex"));

/** a ServerHello choosing a cipher suite we never offered (0xffff), then ServerHelloDone */
const UNKNOWN_SUITE_HELLO = (() => {
  const fragment = (type: number, seq: number, body: Buffer) => {
    const h = Buffer.alloc(12);
    h[0] = type;
    h.writeUIntBE(body.length, 1, 3);
    h.writeUInt16BE(seq, 4);
    h.writeUIntBE(0, 6, 3);
    h.writeUIntBE(body.length, 9, 3);
    return Buffer.concat([h, body]);
  };
  const hello = Buffer.concat([Buffer.from([0xfe, 0xfd]), randomBytes(32), Buffer.from([0]), Buffer.from([0xff, 0xff]), Buffer.from([0])]);
  return Buffer.concat([record(22, fragment(2, 0, hello), 1), record(22, fragment(14, 1, Buffer.alloc(0)), 2)]);
})();

/** a UDP peer on 127.0.0.1 that answers every datagram (the ClientHello) with `answer()` */
async function hostilePeer(answer: () => Buffer): Promise<{ port: number; received: () => number; close: () => Promise<void> }> {
  const socket = dgram.createSocket("udp4");
  let received = 0;
  socket.on("message", (_data, rinfo) => {
    received++;
    socket.send(answer(), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return { port: socket.address().port, received: () => received, close: () => new Promise<void>((resolve) => socket.close(() => resolve())) };
}

describe("edge-coap-request over DTLS-PSK: identity hints and hostile peers", function () {
  this.timeout(90000);

  describe("in the test's Node-RED", function () {
    let uncaught: Error[] = [];
    const onUncaught = (err: Error) => uncaught.push(err);
    before(function () {
      // mocha would report an uncaught exception too, but only as a failure of whatever test runs then
      process.prependListener("uncaughtException", onUncaught);
    });
    after(function () {
      process.off("uncaughtException", onUncaught);
    });
    beforeEach(function () {
      uncaught = [];
    });
    useTestHelper();
    afterEach(function () {
      assert.deepStrictEqual(uncaught.map((e) => e.message), [], "no uncaught exception");
    });

    async function load(url: string) {
      const flow = [
        { id: "t", type: "tab" },
        { id: "req", z: "t", type: "edge-coap-request", url, method: "GET", confirmable: true, output: "string", ackTimeoutS: "2", maxRetransmit: "2", responseTimeoutS: "10", wires: [["out"]] },
        { id: "out", z: "t", type: "helper" },
        { id: "c", z: "t", type: "catch", scope: null, uncaught: false, wires: [["caught"]] },
        { id: "caught", z: "t", type: "helper" },
      ];
      await helper.load(coapNodes, asFlow(flow), { req: { identity: "gateway-7", key: KEY } });
      const out = messagesTo<{ payload: string; statusCode: string }>("out");
      const caught = messagesTo<{ error: { message: string } }>("caught");
      const statuses: Array<{ fill?: string; text?: string }> = [];
      const req = helper.getNode("req") as unknown as { status: (s: object) => void; receive: (m: object) => void };
      const status = req.status.bind(req);
      req.status = (s: { fill?: string; text?: string }) => {
        statuses.push(s);
        status(s);
      };
      return { out, caught, statuses, send: (msg: Record<string, unknown>) => req.receive(msg) };
    }

    for (const [label, hint] of [
      ["libcoap's default hint (\"CoAP\", no -h)", undefined],
      ["a hint of its own (-h cold-room-7)", "cold-room-7"],
      ["no hint (-h \"\")", ""],
    ] as const) {
      it(`GETs from coap-server-openssl -k KEY with ${label}`, async function () {
        const server = await startLibcoap(hint);
        try {
          const { out, caught, send } = await load(`coaps://127.0.0.1:${server.dtlsPort}/.well-known/core`);
          send({});
          await waitFor(() => out.length + caught.length > 0, "the GET over DTLS", { timeoutMs: 15000 });
          assert.deepStrictEqual(caught, []);
          assert.strictEqual(out[0].statusCode, "2.05");
          assert.match(out[0].payload, /<\/time>/);
          send({});
          await waitFor(() => out.length === 2, "a second GET on the same session");
        } finally {
          await server.proc.stop();
        }
      });
    }

    for (const [label, answer, why] of [
      ["the crafted 27-byte ServerKeyExchange record", () => CRAFTED_SERVER_KEY_EXCHANGE, /DTLS session with coaps:\/\/127\.0\.0\.1:\d+ failed: The DTLS handshake timed out/],
      ["a malformed handshake record", () => MALFORMED_HANDSHAKE, /DTLS session with coaps:\/\/127\.0\.0\.1:\d+ failed: malformed DTLS record from the peer/],
      ["a Certificate message", () => CERTIFICATE, /DTLS session with coaps:\/\/127\.0\.0\.1:\d+ failed: malformed DTLS record from the peer: unsupported message type 11/],
      ["a ServerHello with a cipher suite never offered", () => UNKNOWN_SUITE_HELLO, /DTLS session with coaps:\/\/127\.0\.0\.1:\d+ failed/],
      ["random garbage", () => randomBytes(1 + Math.floor(Math.random() * 200)), /DTLS session with coaps:\/\/127\.0\.0\.1:\d+ failed/],
    ] as const) {
      it(`fails the request with a clear error to Catch, and a red status, when the peer answers with ${label}`, async function () {
        assert.strictEqual(CRAFTED_SERVER_KEY_EXCHANGE.length, 27);
        const peer = await hostilePeer(answer);
        try {
          const { out, caught, statuses, send } = await load(`coaps://127.0.0.1:${peer.port}/x`);
          send({});
          await waitFor(() => caught.length === 1, "the DTLS error at the Catch node", { timeoutMs: 15000 });
          assert.ok(peer.received() >= 1, "the peer saw the ClientHello");
          assert.match(caught[0].error.message, why);
          assert.strictEqual(out.length, 0);
          assert.strictEqual(statuses.at(-1)?.fill, "red");
        } finally {
          await peer.close();
        }
      });
    }
  });

  it("keeps a real Node-RED process up when a peer answers the ClientHello with the crafted record, and reports it to Catch", async function () {
    ensureBuilt();
    const peer = await hostilePeer(() => CRAFTED_SERVER_KEY_EXCHANGE);
    const userDir = tempDir("coap-dtls-hostile");
    linkPack(userDir);
    const red = await startNodeRed({ userDir });
    try {
      await red.deploy([
        { id: "t", type: "tab", label: "dtls" },
        { id: "in", z: "t", type: "http in", url: "/ask", method: "post", wires: [["req"]] },
        { id: "req", z: "t", type: "edge-coap-request", url: `coaps://127.0.0.1:${peer.port}/x`, method: "GET", confirmable: true, output: "string", ackTimeoutS: "2", maxRetransmit: "2", responseTimeoutS: "10", credentials: { identity: "gateway-7", key: KEY }, wires: [["answer"]] },
        { id: "c", z: "t", type: "catch", scope: ["req"], uncaught: false, wires: [["error-text"]] },
        { id: "error-text", z: "t", type: "change", rules: [{ t: "set", p: "payload", pt: "msg", to: "error.message", tot: "msg" }], wires: [["answer"]] },
        { id: "answer", z: "t", type: "http response", statusCode: "", wires: [] },
      ]);
      // the deploy answers before the flows have started: 404 until the http in node is there
      const res = await waitFor(async () => {
        const r = await httpRequest("POST", `${red.url}/ask`, "{}", { "Content-Type": "application/json" });
        return r.status === 404 ? undefined : r;
      }, "the flow's endpoint", { timeoutMs: 30000, intervalMs: 200 });
      assert.strictEqual(res.status, 200, red.output().slice(-3000));
      assert.match(res.body, /DTLS session with coaps:\/\/127\.0\.0\.1:\d+ failed/);
      assert.ok(peer.received() >= 1);
      // the process is still up and serving
      const again = await httpRequest("GET", `${red.url}/settings`);
      assert.strictEqual(again.status, 200);
      assert.doesNotMatch(red.output(), /unsupported message type|uncaught/i);
    } finally {
      await red.stop();
      await peer.close();
    }
  });
});
