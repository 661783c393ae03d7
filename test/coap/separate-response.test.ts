/** A slow flow: empty ACK first, then the response as a separate confirmable message (RFC 7252 §5.2.2), or 5.03. */
import * as assert from "assert";
import * as dgram from "dgram";
import { CoapServer, Respond } from "../../lib/coap/coap-server";
import { CoapMessage, decodeMessage, encodeMessage } from "../../lib/coap/message";
import { Code, MessageType, Option, codeText } from "../../lib/coap/constants";
import { freeUdpPort } from "../harness/ports";
import { waitFor } from "../harness/wait";
import { FakeClock } from "./fake-clock";

describe("CoAP server: separate responses", function () {
  let server: CoapServer;
  let socket: dgram.Socket;
  const received: CoapMessage[] = [];
  let clock: FakeClock;
  let held: Respond[];

  beforeEach(async function () {
    clock = new FakeClock(0);
    held = [];
    received.length = 0;
    server = new CoapServer({ port: await freeUdpPort(), address: "127.0.0.1", clock, separateAfterMs: 1000, responseTimeoutMs: 10000 });
    await server.listen();
    server.addResource("slow", { methods: ["GET"], observable: false, confirmableNotifications: false, handler: (_req, respond) => held.push(respond) });
    socket = dgram.createSocket("udp4");
    socket.on("message", (data) => received.push(decodeMessage(data)));
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
  });
  afterEach(async function () {
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    await server.close();
  });

  const send = (m: CoapMessage) => new Promise<void>((resolve) => socket.send(encodeMessage(m), server.port, "127.0.0.1", () => resolve()));
  const get = (mid: number) => send({ type: MessageType.CON, code: 1, messageId: mid, token: Buffer.from("t" + mid), options: [{ number: Option.URI_PATH, value: Buffer.from("slow") }], payload: Buffer.alloc(0) });

  it("acknowledges after 1 s, sends the response as CON with the request's token, and retransmits it until acknowledged", async function () {
    await get(10);
    await waitFor(() => held.length === 1, "the handler called");
    clock.advance(999);
    assert.strictEqual(received.length, 0);
    clock.advance(1);
    await waitFor(() => received.length === 1, "the empty ACK");
    assert.deepStrictEqual([received[0].type, received[0].code, received[0].messageId], [MessageType.ACK, Code.EMPTY, 10]);
    await get(10); // the client retransmits its request: the empty ACK again, not a second handler call
    await waitFor(() => received.length === 2, "the ACK repeated");
    assert.strictEqual(held.length, 1);
    held[0]({ code: Code.CONTENT, payload: Buffer.from("cold") });
    await waitFor(() => received.length === 3, "the separate response");
    const response = received[2];
    assert.strictEqual(response.type, MessageType.CON);
    assert.strictEqual(response.token.toString(), "t10");
    assert.strictEqual(response.payload.toString(), "cold");
    clock.advance(2000);
    await waitFor(() => received.length === 4, "retransmitted");
    await send({ type: MessageType.ACK, code: Code.EMPTY, messageId: response.messageId, token: Buffer.alloc(0), options: [], payload: Buffer.alloc(0) });
    await waitFor(() => clock.pending === 1, "only the sweep timer left");
    clock.advance(60000);
    assert.strictEqual(received.length, 4);
  });

  it("answers 5.03 when the flow never responds, and ignores a late answer", async function () {
    await get(20);
    await waitFor(() => held.length === 1, "the handler called");
    clock.advance(10000);
    await waitFor(() => received.length === 2, "ACK and 5.03");
    assert.strictEqual(codeText(received[1].code), "5.03");
    assert.strictEqual(server.stats.responseTimeouts, 1);
    held[0]({ code: Code.CONTENT, payload: Buffer.from("late") });
    await send({ type: MessageType.ACK, code: Code.EMPTY, messageId: received[1].messageId, token: Buffer.alloc(0), options: [], payload: Buffer.alloc(0) });
    await get(21);
    await waitFor(() => held.length === 2, "the next request");
    assert.ok(received.every((m) => m.payload.toString() !== "late"));
  });
});
