/** The server's observer bookkeeping (RFC 7641): who stays registered and who is dropped. */
import * as assert from "assert";
import * as dgram from "dgram";
import { CoapServer, Resource } from "../../lib/coap/coap-server";
import { CoapMessage, decodeMessage, encodeMessage, uintOption, uintOptionOf } from "../../lib/coap/message";
import { Code, MessageType, Option } from "../../lib/coap/constants";
import { freeUdpPort } from "../harness/ports";
import { waitFor } from "../harness/wait";
import { FakeClock } from "./fake-clock";

async function observerPeer(serverPort: number) {
  const socket = dgram.createSocket("udp4");
  const received: CoapMessage[] = [];
  socket.on("message", (data) => received.push(decodeMessage(data)));
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
  const send = (m: CoapMessage) => new Promise<void>((resolve) => socket.send(encodeMessage(m), serverPort, "127.0.0.1", () => resolve()));
  return {
    received,
    send,
    register: (mid: number, token: string, observe = 0) => send({ type: MessageType.CON, code: Code.EMPTY + 1, messageId: mid, token: Buffer.from(token), options: [{ number: Option.URI_PATH, value: Buffer.from("door") }, { number: Option.OBSERVE, value: uintOption(observe) }], payload: Buffer.alloc(0) }),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

describe("CoAP server: observers", function () {
  let server: CoapServer;
  let resource: Resource;
  let clock: FakeClock;
  let peer: Awaited<ReturnType<typeof observerPeer>>;

  async function start(confirmable: boolean) {
    clock = new FakeClock(0);
    server = new CoapServer({ port: await freeUdpPort(), address: "127.0.0.1", clock });
    await server.listen();
    resource = server.addResource("door", { methods: ["GET"], observable: true, confirmableNotifications: confirmable, handler: () => undefined });
    resource.setValue({ payload: Buffer.from("closed"), contentFormat: 0 });
    peer = await observerPeer(server.port);
  }
  afterEach(async function () {
    await peer?.close();
    await server?.close();
  });

  it("registers with Observe 0, notifies with rising sequence numbers, and drops the observer on RST", async function () {
    await start(false);
    await peer.register(1, "tok1");
    await waitFor(() => resource.observers.size === 1 && peer.received.length === 1, "registered");
    assert.strictEqual(uintOptionOf(peer.received[0], Option.OBSERVE) !== undefined, true);
    resource.setValue({ payload: Buffer.from("open"), contentFormat: 0 });
    resource.setValue({ payload: Buffer.from("closed"), contentFormat: 0 });
    await waitFor(() => peer.received.length === 3, "two notifications");
    const [, n1, n2] = peer.received;
    assert.strictEqual(n1.type, MessageType.NON);
    assert.strictEqual(n1.token.toString(), "tok1");
    assert.ok(uintOptionOf(n2, Option.OBSERVE)! > uintOptionOf(n1, Option.OBSERVE)!);
    await peer.send({ type: MessageType.RST, code: Code.EMPTY, messageId: n2.messageId, token: Buffer.alloc(0), options: [], payload: Buffer.alloc(0) });
    await waitFor(() => resource.observers.size === 0, "the observer dropped after RST");
  });

  it("deregisters on GET with Observe 1", async function () {
    await start(false);
    await peer.register(1, "tok1");
    await waitFor(() => resource.observers.size === 1, "registered");
    await peer.register(2, "tok1", 1);
    await waitFor(() => resource.observers.size === 0 && peer.received.length === 2, "deregistered and answered");
    assert.strictEqual(uintOptionOf(peer.received[1], Option.OBSERVE), undefined, "the answer to a deregistration has no Observe option");
  });

  it("retransmits a confirmable notification and drops the observer that never acknowledges it", async function () {
    await start(true);
    await peer.register(1, "tok1");
    await waitFor(() => resource.observers.size === 1, "registered");
    resource.setValue({ payload: Buffer.from("open"), contentFormat: 0 });
    await waitFor(() => peer.received.length === 2, "the CON notification");
    assert.strictEqual(peer.received[1].type, MessageType.CON);
    for (let i = 1; i <= 4; i++) {
      clock.advance(2000 * 2 ** (i - 1));
      await waitFor(() => peer.received.length === 2 + i, `retransmission ${i}`);
    }
    assert.strictEqual(resource.observers.size, 1, "still registered while retransmitting");
    clock.advance(32000);
    assert.strictEqual(resource.observers.size, 0, "dropped after MAX_RETRANSMIT");
  });

  it("stops retransmitting a confirmable notification once acknowledged, and keeps the observer", async function () {
    await start(true);
    await peer.register(1, "tok1");
    await waitFor(() => resource.observers.size === 1, "registered");
    resource.setValue({ payload: Buffer.from("open"), contentFormat: 0 });
    await waitFor(() => peer.received.length === 2, "the CON notification");
    await peer.send({ type: MessageType.ACK, code: Code.EMPTY, messageId: peer.received[1].messageId, token: Buffer.alloc(0), options: [], payload: Buffer.alloc(0) });
    await waitFor(() => clock.pending === 1, "only the sweep timer left");
    clock.advance(60000);
    assert.strictEqual(peer.received.length, 2, "no retransmission");
    assert.strictEqual(resource.observers.size, 1);
  });

  it("registers at most 1000 observers per resource: the next one gets the value without Observe", async function () {
    await start(false);
    for (let i = 0; i < 1001; i += 100) {
      await Promise.all(Array.from({ length: Math.min(100, 1001 - i) }, (_, j) => peer.register(i + j + 1, `t${i + j}`)));
      await waitFor(() => peer.received.length === Math.min(1001, i + 100), `answers up to ${i + 100}`);
    }
    assert.strictEqual(resource.observers.size, 1000);
    const refused = peer.received.filter((m) => uintOptionOf(m, Option.OBSERVE) === undefined);
    assert.strictEqual(refused.length, 1);
    assert.strictEqual(refused[0].payload.toString(), "closed", "still answered with the value");
  });
});
