/**
 * CoAP payloads are decoded and encoded within the pack's limits (64 levels, 16 MiB): deep JSON or CBOR from a
 * client is answered 4.00 naming the limit and reported to Catch, before a decoder builds it (1 MB of nested CBOR
 * arrays took seconds of blocked event loop); a deep msg.payload to send is refused naming the limit. And nothing a
 * client sends, nor a listener of the server that throws, ends the process.
 */
import * as assert from "assert";
import * as dgram from "dgram";
import { encode as encodeCbor } from "cbor";
import helper from "node-red-node-test-helper";
import { CoapServer } from "../../lib/coap/coap-server";
import { CoapMessage, decodeMessage, encodeMessage, uintOption } from "../../lib/coap/message";
import { Code, ContentFormat, MessageType, Option, codeText } from "../../lib/coap/constants";
import { decodePayload, encodePayload, PayloadFormatError } from "../../lib/coap/content-format";
import { cborDepth } from "../../lib/common/cbor-depth";
import { freeUdpPort } from "../harness/ports";
import { waitFor } from "../harness/wait";
import { events, messagesTo } from "../harness/node-events";
import { coapNodes, asFlow } from "./flows";
import type { CoapServerNode } from "../../nodes/edge-coap-server/coap-server-node";
import { useTestHelper } from "../harness/test-helper-server";

const deepJson = (levels: number) => `{"v":${"[".repeat(levels)}1${"]".repeat(levels)}}`;
const deepCbor = (levels: number) => Buffer.concat([Buffer.alloc(levels, 0x81), Buffer.from([0x01])]);
function deepObject(levels: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = { v };
  return v;
}

function formatError(fn: () => unknown): PayloadFormatError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof PayloadFormatError, `a PayloadFormatError, got ${String(err)}`);
    return err;
  }
  assert.fail("no error");
}

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

const post = (messageId: number, resource: string, format: number, payload: Buffer) =>
  encodeMessage({ type: MessageType.CON, code: 2, messageId, token: Buffer.from([messageId & 0xff]), options: [{ number: Option.URI_PATH, value: Buffer.from(resource) }, { number: Option.CONTENT_FORMAT, value: uintOption(format) }], payload });

describe("CoAP payload limits", function () {
  this.timeout(30000);

  describe("decoding and encoding", function () {
    it("refuses JSON nested deeper than 64 levels, naming the limit, and decodes 64", function () {
      assert.match(formatError(() => decodePayload(Buffer.from(deepJson(100_000)), ContentFormat.JSON)).message, /^payload is nested deeper than the 64-level depth limit \(maxDepth 64\)$/);
      assert.ok(decodePayload(Buffer.from(deepJson(63)), ContentFormat.JSON));
    });

    it("refuses 1 MB of nested CBOR arrays from the headers alone, at once, naming the limit", function () {
      const started = Date.now();
      assert.match(formatError(() => decodePayload(deepCbor(1024 * 1024), ContentFormat.CBOR)).message, /64-level depth limit/);
      assert.match(formatError(() => decodePayload(deepCbor(1000), ContentFormat.SENML_CBOR)).message, /64-level depth limit/);
      assert.ok(Date.now() - started < 500, `refused in ${Date.now() - started} ms`);
      assert.deepStrictEqual(decodePayload(deepCbor(64), ContentFormat.CBOR) !== undefined, true);
    });

    it("measures CBOR depth through maps, tags, indefinite arrays and strings like the decoder nests them", function () {
      assert.strictEqual(cborDepth(encodeCbor(1)), 0);
      assert.strictEqual(cborDepth(encodeCbor({ a: [1, { b: "x" }] })), 3);
      assert.strictEqual(cborDepth(encodeCbor(new Date(0))), 1, "a tag is a level");
      assert.strictEqual(cborDepth(Buffer.from("9f9f01ffff", "hex")), 2, "indefinite arrays");
      assert.strictEqual(cborDepth(Buffer.from("7f6161ff", "hex")), 0, "an indefinite string's chunks are no level");
      assert.strictEqual(cborDepth(Buffer.from("8201a1616101", "hex")), 2, "array [1, {a: 1}]");
      assert.strictEqual(cborDepth(Buffer.from("8080", "hex")), 1, "only the first item counts");
    });

    it("refuses to encode a msg.payload nested deeper than 64 levels, naming the limit", function () {
      for (const format of [undefined, ContentFormat.JSON, ContentFormat.CBOR]) {
        assert.match(formatError(() => encodePayload(deepObject(10_000), format)).message, /^msg\.payload is nested deeper than the 64-level depth limit/);
      }
      assert.deepStrictEqual(encodePayload({ t: 4 }, undefined), { payload: Buffer.from('{"t":4}'), format: ContentFormat.JSON });
    });
  });

  describe("the server", function () {
    let uncaught: Error[] = [];
    const onUncaught = (err: Error) => uncaught.push(err);
    before(function () {
      process.prependListener("uncaughtException", onUncaught);
    });
    after(function () {
      process.off("uncaughtException", onUncaught);
    });
    beforeEach(function () {
      uncaught = [];
    });

    it("keeps serving when a listener of its events throws: the exception becomes a warning", async function () {
      const server = new CoapServer({ port: await freeUdpPort(), address: "127.0.0.1" });
      await server.listen();
      const peer = await rawPeer();
      const warnings: unknown[] = [];
      try {
        server.on("bad-datagram", () => {
          throw new Error("a listener's bug");
        });
        server.on("warning", (err) => warnings.push(err));
        server.addResource("x", { methods: ["POST"], observable: false, confirmableNotifications: false, handler: (_req, respond) => respond({ code: Code.CHANGED }) });
        await peer.send(Buffer.from("ffff", "hex"), server.port);
        await waitFor(() => warnings.length === 1, "the warning");
        assert.match(String(warnings[0]), /a listener's bug/);
        await peer.send(post(9, "x", ContentFormat.TEXT, Buffer.from("ok")), server.port);
        const reply = await waitFor(() => peer.replies.find((r) => r.messageId === 9), "the reply");
        assert.strictEqual(codeText(reply.code), "2.04");
        assert.deepStrictEqual(uncaught, []);
      } finally {
        await peer.close();
        await server.close();
      }
    });
  });

  describe("edge-coap-request", function () {
    let uncaught: Error[] = [];
    const onUncaught = (err: Error) => uncaught.push(err);
    before(function () {
      process.prependListener("uncaughtException", onUncaught);
    });
    after(function () {
      process.off("uncaughtException", onUncaught);
    });
    beforeEach(function () {
      uncaught = [];
    });
    useTestHelper();

    it("reports a message it cannot copy onto the response (10,000 deep) as the node's error, not an unhandled rejection", async function () {
      const server = new CoapServer({ port: await freeUdpPort(), address: "127.0.0.1" });
      await server.listen();
      try {
        server.addResource("x", { methods: ["GET"], observable: false, confirmableNotifications: false, handler: (_req, respond) => respond({ code: Code.CONTENT, payload: Buffer.from("4.5"), contentFormat: ContentFormat.TEXT }) });
        await helper.load(coapNodes, asFlow([
          { id: "t", type: "tab" },
          { id: "req", z: "t", type: "edge-coap-request", url: `coap://127.0.0.1:${server.port}/x`, method: "GET", confirmable: true, output: "string", wires: [["out"]] },
          { id: "out", z: "t", type: "helper" },
        ]));
        const errors: unknown[] = [];
        const out = messagesTo<unknown>("out");
        events(helper.getNode("req")).on("call:error", (call: { args: unknown[] }) => errors.push(call.args[0]));
        helper.getNode("req").receive({ deep: deepObject(10_000) } as never);
        helper.getNode("req").receive({ topic: "plain" } as never);
        await waitFor(() => errors.length === 1 && out.length === 1, "one error, one response");
        assert.match(String(errors[0]), /Maximum call stack size exceeded/);
        assert.deepStrictEqual(uncaught, []);
      } finally {
        await server.close();
      }
    });
  });

  describe("edge-coap-in", function () {
    useTestHelper();

    it("answers 4.00 naming the limit to deep JSON and CBOR, reports them to Catch, and refuses a deep value to observe", async function () {
      const port = await freeUdpPort();
      await helper.load(coapNodes, asFlow([
        { id: "t", type: "tab" },
        { id: "srv", type: "edge-coap-server", port: String(port), address: "127.0.0.1" },
        { id: "in", z: "t", type: "edge-coap-in", server: "srv", path: "/readings", methods: ["POST"], wires: [["out", "resp"]] },
        { id: "obs", z: "t", type: "edge-coap-in", server: "srv", path: "/state", methods: ["GET"], observable: true, valueFormat: "50", wires: [[]] },
        { id: "out", z: "t", type: "helper" },
        { id: "resp", z: "t", type: "edge-coap-response", code: "2.04" },
        { id: "c", z: "t", type: "catch", scope: null, uncaught: false, wires: [["caught"]] },
        { id: "caught", z: "t", type: "helper" },
      ]));
      await waitFor(() => (helper.getNode("srv") as CoapServerNode).server(), "listening");
      const caught = messagesTo<{ error: { message: string } }>("caught");
      const out = messagesTo<{ payload: unknown }>("out");
      const peer = await rawPeer();
      try {
        await peer.send(post(1, "readings", ContentFormat.JSON, Buffer.from(deepJson(5000))), port);
        await peer.send(post(2, "readings", ContentFormat.CBOR, deepCbor(30_000)), port);
        for (const id of [1, 2]) {
          const reply = await waitFor(() => peer.replies.find((r) => r.messageId === id), `the reply to ${id}`);
          assert.strictEqual(codeText(reply.code), "4.00");
          assert.match(reply.payload.toString(), /nested deeper than the 64-level depth limit \(maxDepth 64\)/);
        }
        await waitFor(() => caught.length === 2, "both at the Catch node");
        assert.strictEqual(out.length, 0);
        await peer.send(post(3, "readings", ContentFormat.JSON, Buffer.from('{"t":4.5}')), port);
        await waitFor(() => out.length === 1, "a normal reading");
        assert.deepStrictEqual(out[0].payload, { t: 4.5 });

        helper.getNode("obs").receive({ payload: deepObject(1000) } as never);
        await waitFor(() => caught.length === 3, "the deep value at the Catch node");
        assert.match(caught[2].error.message, /msg\.payload is nested deeper than the 64-level depth limit/);
      } finally {
        await peer.close();
      }
    });
  });
});
