/** RFC 7252 §4.2 timing of the client's confirmable requests, on a fake clock, against a real UDP socket. */
import * as assert from "assert";
import * as dgram from "dgram";
import { CoapClient, CoapTimeoutError } from "../../lib/coap/coap-client";
import { FakeClock } from "./fake-clock";
import { decodeMessage, encodeMessage, CoapMessage } from "../../lib/coap/message";
import { Code, MessageType } from "../../lib/coap/constants";
import { waitFor } from "../harness/wait";

async function silentServer() {
  const socket = dgram.createSocket("udp4");
  const received: Array<{ message: CoapMessage; port: number }> = [];
  socket.on("message", (data, rinfo) => received.push({ message: decodeMessage(data), port: rinfo.port }));
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
  const port = (socket.address() as { port: number }).port;
  return {
    received,
    url: `coap://127.0.0.1:${port}/t`,
    reply: (m: CoapMessage, to: number) => socket.send(encodeMessage(m), to, "127.0.0.1"),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

describe("CoAP client retransmission (fake clock)", function () {
  let server: Awaited<ReturnType<typeof silentServer>>;
  beforeEach(async function () {
    server = await silentServer();
  });
  afterEach(async function () {
    await server.close();
  });

  it("retransmits after 2, 4, 8 and 16 s (random factor at its low end), then fails 32 s after the last", async function () {
    const clock = new FakeClock(0);
    const client = new CoapClient({ clock });
    const result = client.request({ url: server.url, method: "GET" }).then(
      () => "resolved",
      (err: Error) => err,
    );
    await waitFor(() => server.received.length === 1, "the first transmission");
    const steps = [2000, 4000, 8000, 16000];
    for (const [i, wait] of steps.entries()) {
      clock.advance(wait - 1);
      await new Promise((r) => setImmediate(r));
      assert.strictEqual(server.received.length, i + 1, `no retransmission before ${wait} ms`);
      clock.advance(1);
      await waitFor(() => server.received.length === i + 2, `retransmission ${i + 1}`);
    }
    assert.ok(server.received.every((r) => r.message.messageId === server.received[0].message.messageId), "same message id each time");
    clock.advance(31999);
    await new Promise((r) => setImmediate(r));
    assert.strictEqual(clock.pending > 0, true, "still waiting");
    clock.advance(1);
    const err = await result;
    assert.ok(err instanceof CoapTimeoutError, String(err));
    assert.strictEqual(server.received.length, 5, "1 + MAX_RETRANSMIT transmissions");
    await client.close();
  });

  it("draws the first timeout from [ACK_TIMEOUT, ACK_TIMEOUT x ACK_RANDOM_FACTOR] and honours configured parameters", async function () {
    const clock = new FakeClock(0.999);
    const client = new CoapClient({ clock, transmission: { ackTimeoutMs: 1000, ackRandomFactor: 2, maxRetransmit: 1 } });
    const result = client.request({ url: server.url, method: "GET" }).catch((err: Error) => err);
    await waitFor(() => server.received.length === 1, "sent");
    clock.advance(1990);
    await new Promise((r) => setImmediate(r));
    assert.strictEqual(server.received.length, 1, "random factor 2 at 0.999 waits almost 2 s");
    clock.advance(10);
    await waitFor(() => server.received.length === 2, "retransmitted");
    clock.advance(3998);
    assert.ok((await result) instanceof CoapTimeoutError);
    await client.close();
  });

  it("stops retransmitting on an empty ACK and takes the separate response that follows", async function () {
    const clock = new FakeClock(0);
    const client = new CoapClient({ clock });
    const result = client.request({ url: server.url, method: "GET" });
    await waitFor(() => server.received.length === 1, "sent");
    clock.advance(2000);
    await waitFor(() => server.received.length === 2, "one retransmission");
    const { message, port } = server.received[0];
    server.reply({ type: MessageType.ACK, code: Code.EMPTY, messageId: message.messageId, token: Buffer.alloc(0), options: [], payload: Buffer.alloc(0) }, port);
    // the retransmission due at 6 s is replaced by the 30 s response timeout
    await waitFor(() => clock.pending === 1 && clock.nextDue === 2000 + 30000, "the response timer replaced the retransmission timer");
    clock.advance(20000);
    await new Promise((r) => setImmediate(r));
    assert.strictEqual(server.received.length, 2, "no retransmission after the ACK");
    server.reply({ type: MessageType.CON, code: Code.CONTENT, messageId: 999, token: message.token, options: [], payload: Buffer.from("late") }, port);
    const response = await result;
    assert.strictEqual(response.payload.toString(), "late");
    await waitFor(() => server.received.some((r) => r.message.type === MessageType.ACK && r.message.messageId === 999), "our ACK of the separate response");
    await client.close();
  });

  it("a NON request is sent once and fails after the response timeout", async function () {
    const clock = new FakeClock(0);
    const client = new CoapClient({ clock, responseTimeoutMs: 5000 });
    const result = client.request({ url: server.url, method: "GET", confirmable: false }).catch((err: Error) => err);
    await waitFor(() => server.received.length === 1, "sent");
    assert.strictEqual(server.received[0].message.type, MessageType.NON);
    clock.advance(5000);
    assert.ok((await result) instanceof CoapTimeoutError);
    assert.strictEqual(server.received.length, 1);
    await client.close();
  });
});
