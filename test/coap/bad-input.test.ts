/** What the server does with bad input: answers (RST, 4.0x, 4.13) or drops and counts, and keeps serving. */
import * as assert from "assert";
import * as dgram from "dgram";
import fc from "fast-check";
import helper from "node-red-node-test-helper";
import { CoapServer, IncomingRequest } from "../../lib/coap/coap-server";
import { CoapMessage, decodeMessage, encodeMessage, uintOptionOf, firstOption } from "../../lib/coap/message";
import { Code, MessageType, Option, codeText } from "../../lib/coap/constants";
import { encodeBlock, decodeBlock } from "../../lib/coap/block";
import { freeUdpPort } from "../harness/ports";
import { waitFor } from "../harness/wait";
import { messagesTo } from "../harness/node-events";
import { coapNodes, asFlow } from "./flows";
import { libcoap } from "./libcoap";
import type { CoapServerNode } from "../../nodes/edge-coap-server/coap-server-node";
import { useTestHelper } from "../harness/test-helper-server";

/** a raw UDP peer that sends datagrams and collects what comes back */
async function rawPeer() {
  const socket = dgram.createSocket("udp4");
  const replies: CoapMessage[] = [];
  socket.on("message", (data) => replies.push(decodeMessage(data)));
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
  return {
    replies,
    send: (data: Buffer, port: number) => new Promise<void>((resolve, reject) => socket.send(data, port, "127.0.0.1", (err) => (err ? reject(err) : resolve()))),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

const request = (messageId: number, options: CoapMessage["options"], payload = Buffer.alloc(0), code: number = Code.EMPTY + 3): Buffer =>
  encodeMessage({ type: MessageType.CON, code, messageId, token: Buffer.from([messageId & 0xff, 7]), options, payload });
const path = (p: string) => p.split("/").map((s) => ({ number: Option.URI_PATH, value: Buffer.from(s) }));

describe("CoAP server: bad input", function () {
  this.timeout(30000);
  let server: CoapServer;
  let peer: Awaited<ReturnType<typeof rawPeer>>;
  let calls: IncomingRequest[];

  beforeEach(async function () {
    server = new CoapServer({ port: await freeUdpPort(), address: "127.0.0.1", maxPayloadBytes: 4096 });
    await server.listen();
    calls = [];
    server.addResource("data", { methods: ["GET", "PUT"], observable: false, confirmableNotifications: false, handler: (req, respond) => (calls.push(req), respond({ code: Code.CHANGED })) });
    peer = await rawPeer();
  });
  afterEach(async function () {
    await peer.close();
    await server.close();
  });

  const replyTo = (messageId: number) => waitFor(() => peer.replies.find((r) => r.messageId === messageId), `the reply to message ${messageId}`, { timeoutMs: 3000 });

  it("answers a malformed confirmable message with RST, drops other garbage, and counts both", async function () {
    await peer.send(Buffer.from("4001abcdf0", "hex"), server.port); // CON, MID 0xabcd, option delta nibble 15
    const rst = await replyTo(0xabcd);
    assert.strictEqual(rst.type, MessageType.RST);
    await peer.send(Buffer.from("ffff", "hex"), server.port);
    await peer.send(request(1, path("data")), server.port);
    await replyTo(1);
    assert.strictEqual(server.stats.malformed, 2);
    assert.strictEqual(peer.replies.length, 2, "nothing answered the two-byte datagram");
  });

  it("answers 4.02 to an unknown critical option and ignores an unknown elective one", async function () {
    await peer.send(request(2, [...path("data"), { number: 2049, value: Buffer.from("x") }]), server.port);
    assert.strictEqual(codeText((await replyTo(2)).code), "4.02");
    await peer.send(request(3, [...path("data"), { number: 2048, value: Buffer.from("x") }]), server.port);
    assert.strictEqual(codeText((await replyTo(3)).code), "2.04");
    assert.strictEqual(server.stats.badOption, 1);
    assert.strictEqual(calls.length, 1, "only the acceptable request reached the handler");
  });

  it("answers 4.13 with Size1 to an oversize body, whole or block-wise, and 4.08 to a block out of sequence", async function () {
    await peer.send(request(4, path("data"), Buffer.alloc(5000, 1)), server.port);
    const tooBig = await replyTo(4);
    assert.strictEqual(codeText(tooBig.code), "4.13");
    assert.strictEqual(uintOptionOf(tooBig, Option.SIZE1), 4096);
    for (let num = 0; num < 5; num++) await peer.send(request(10 + num, [...path("data"), { number: Option.BLOCK1, value: encodeBlock({ num, more: true, szx: 6 }) }], Buffer.alloc(1024, 2)), server.port);
    const codes = await waitFor(() => (peer.replies.length >= 6 ? peer.replies.slice(1).map((r) => codeText(r.code)) : undefined), "five block answers");
    assert.deepStrictEqual(codes, ["2.31", "2.31", "2.31", "2.31", "4.13"]);
    await peer.send(request(20, [...path("data"), { number: Option.BLOCK1, value: encodeBlock({ num: 3, more: true, szx: 6 }) }], Buffer.alloc(1024)), server.port);
    assert.strictEqual(codeText((await replyTo(20)).code), "4.08");
    assert.strictEqual(server.stats.tooLarge, 2);
    assert.strictEqual(calls.length, 0);
  });

  it("answers a retransmitted request again without calling the handler twice, and 4.04/4.05 for wrong path or method", async function () {
    await peer.send(request(30, path("data"), Buffer.from("x")), server.port);
    await replyTo(30);
    await peer.send(request(30, path("data"), Buffer.from("x")), server.port);
    await waitFor(() => peer.replies.filter((r) => r.messageId === 30).length === 2, "the second answer");
    assert.strictEqual(calls.length, 1);
    assert.strictEqual(server.stats.duplicates, 1);
    await peer.send(request(31, path("nothing")), server.port);
    assert.strictEqual(codeText((await replyTo(31)).code), "4.04");
    await peer.send(request(32, path("data"), Buffer.alloc(0), Code.EMPTY + 4), server.port);
    assert.strictEqual(codeText((await replyTo(32)).code), "4.05");
  });

  it("fuzz: 3,000 random and mutated datagrams never stop it serving", async function () {
    const valid = request(40, [...path("data"), { number: Option.BLOCK1, value: encodeBlock({ num: 0, more: true, szx: 2 }) }], Buffer.alloc(64, 3));
    const datagrams = fc.sample(
      fc.oneof(
        fc.uint8Array({ maxLength: 120 }).map((a) => Buffer.from(a)),
        // a valid request with a few bytes changed: exercises the option parser and block handling
        fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }).map((edits) => {
          const b = Buffer.from(valid);
          for (const [i, v] of edits) b[i] = v;
          return b;
        }),
      ),
      { numRuns: 3000, seed: 4242 },
    );
    for (let i = 0; i < datagrams.length; i += 100) {
      await Promise.all(datagrams.slice(i, i + 100).map((d) => peer.send(d, server.port)));
      await waitFor(() => server.stats.received >= i + Math.min(100, datagrams.length - i), "the server took the batch");
    }
    assert.strictEqual(server.stats.received, 3000);
    await peer.send(request(0x7777, path("data"), Buffer.from("ok")), server.port);
    const answer = await replyTo(0x7777);
    assert.ok(answer.code >> 5 === 2 || answer.code >> 5 === 4, "still answering");
    assert.ok(server.stats.malformed > 100, `malformed datagrams counted (${server.stats.malformed})`);
  });

  it("keeps each client's block-wise upload apart by endpoint and URI, whatever the tokens", async function () {
    const other = await rawPeer();
    try {
      const block = (num: number, more: boolean, fill: number, mid: number) =>
        encodeMessage({ type: MessageType.CON, code: 3, messageId: mid, token: Buffer.from([mid]), options: [...path("data"), { number: Option.BLOCK1, value: encodeBlock({ num, more, szx: 0 }) }], payload: Buffer.alloc(more ? 16 : 5, fill) });
      await peer.send(block(0, true, 0xa1, 50), server.port);
      await other.send(block(0, true, 0xb1, 60), server.port);
      await replyTo(50);
      await peer.send(block(1, false, 0xa2, 51), server.port);
      await other.send(block(1, false, 0xb2, 61), server.port);
      await waitFor(() => calls.length === 2, "both uploads complete");
      const bodies = calls.map((c) => c.payload.toString("hex")).sort();
      assert.deepStrictEqual(bodies, ["a1".repeat(16) + "a2".repeat(5), "b1".repeat(16) + "b2".repeat(5)]);
      const last = await replyTo(51);
      assert.deepStrictEqual(decodeBlock(firstOption(last, Option.BLOCK1)!), { num: 1, more: false, szx: 0 });
    } finally {
      await other.close();
    }
  });
});

describe("edge-coap-in: bodies that do not match their Content-Format", function () {
  this.timeout(30000);
  useTestHelper();

  it("answers 4.00 and reports the error to a Catch node, without sending the message on", async function () {
    const port = await freeUdpPort();
    await helper.load(coapNodes, asFlow([
      { id: "t", type: "tab" },
      { id: "srv", type: "edge-coap-server", port: String(port), address: "127.0.0.1" },
      { id: "in", z: "t", type: "edge-coap-in", server: "srv", path: "/readings", methods: ["POST"], wires: [["out", "resp"]] },
      { id: "out", z: "t", type: "helper" },
      { id: "resp", z: "t", type: "edge-coap-response", code: "2.04" },
      { id: "c", z: "t", type: "catch", scope: null, uncaught: false, wires: [["caught"]] },
      { id: "caught", z: "t", type: "helper" },
    ]));
    await waitFor(() => (helper.getNode("srv") as CoapServerNode).server(), "listening");
    const caught = messagesTo<{ error: { message: string } }>("caught");
    const out = messagesTo<unknown>("out");
    const bad = await libcoap(["-m", "post", "-t", "50", "-e", "{temp: 4", `coap://127.0.0.1:${port}/readings`]);
    assert.match(bad.output, /4\.00/);
    await waitFor(() => caught.length === 1, "the Catch node");
    // the test helper loads no message catalogue for nodes loaded from source: the key names the message (locales.test.ts checks it exists)
    assert.strictEqual(caught[0].error.message, "edge-coap-in.errors.payload");
    const badCbor = await libcoap(["-m", "post", "-t", "60", "-e", "\u00ff", `coap://127.0.0.1:${port}/readings`]);
    assert.match(badCbor.output, /4\.00/);
    await waitFor(() => caught.length === 2, "the second error");
    const good = await libcoap(["-m", "post", "-t", "60", "-e", "\u0001", `coap://127.0.0.1:${port}/readings`]);
    assert.strictEqual(good.status, 0, good.output);
    await waitFor(() => out.length === 1, "the good request");
    assert.strictEqual((out[0] as { payload: unknown }).payload, 1, "CBOR unsigned 1");
  });
});
