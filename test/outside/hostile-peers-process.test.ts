/**
 * Nothing from outside ends the process, checked on a real Node-RED child as users run it: edge-coap-server with an
 * edge-coap-in resource and edge-lorawan-gateway (wired twice, so Node-RED clones what it sends) each take thousands
 * of random datagrams, deeply nested JSON and CBOR bodies and a PUSH_DATA nested 20,000 deep; afterwards both still
 * answer a valid request and Node-RED serves its admin API, with no uncaught exception in its log.
 */
import * as assert from "assert";
import * as dgram from "dgram";
import fc from "fast-check";
import { startNodeRed } from "../harness/node-red-process";
import { httpRequest, tempDir } from "../harness/peers";
import { ensureBuilt, linkPack } from "../harness/build";
import { freeUdpPort } from "../harness/ports";
import { waitFor } from "../harness/wait";
import { CoapMessage, decodeMessage, encodeMessage, uintOption } from "../../lib/coap/message";
import { ContentFormat, MessageType, Option, codeText } from "../../lib/coap/constants";

const EUI = Buffer.from("B827EBFFFE000001", "hex");
const pushData = (token: number, body: string) => Buffer.concat([Buffer.from([2, token >> 8, token & 0xff, 0]), EUI, Buffer.from(body)]);
const post = (messageId: number, format: number, payload: Buffer) =>
  encodeMessage({ type: MessageType.CON, code: 2, messageId, token: Buffer.from([messageId & 0xff, 1]), options: [{ number: Option.URI_PATH, value: Buffer.from("r") }, { number: Option.CONTENT_FORMAT, value: uintOption(format) }], payload });

describe("a real Node-RED process against hostile UDP peers (CoAP server, LoRa packet forwarder)", function () {
  this.timeout(180000);

  it("stays up through fuzzed and nested datagrams, and both servers still answer", async function () {
    ensureBuilt();
    const userDir = tempDir("outside-hostile");
    linkPack(userDir);
    const coapPort = await freeUdpPort();
    const gatewayPort = await freeUdpPort();
    const red = await startNodeRed({ userDir });
    const socket = dgram.createSocket("udp4");
    const coapReplies: CoapMessage[] = [];
    const gatewayReplies: Buffer[] = [];
    socket.on("message", (data, rinfo) => {
      if (rinfo.port === coapPort) {
        try {
          coapReplies.push(decodeMessage(data));
        } catch {
          // not for this test
        }
      } else gatewayReplies.push(data);
    });
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
    const send = (d: Buffer, port: number) => new Promise<void>((resolve) => socket.send(d, port, "127.0.0.1", () => resolve()));
    try {
      await red.deploy([
        { id: "t", type: "tab", label: "hostile" },
        { id: "srv", type: "edge-coap-server", port: String(coapPort), address: "127.0.0.1" },
        { id: "in", z: "t", type: "edge-coap-in", server: "srv", path: "/r", methods: ["POST"], wires: [["resp", "copy1"]] },
        { id: "resp", z: "t", type: "edge-coap-response", code: "2.04", wires: [] },
        { id: "copy1", z: "t", type: "change", rules: [], wires: [[]] },
        { id: "gw", z: "t", type: "edge-lorawan-gateway", port: String(gatewayPort), address: "127.0.0.1", dedupWindowMs: "0", wires: [["copy2", "copy3"], ["copy2", "copy3"]] },
        { id: "copy2", z: "t", type: "change", rules: [], wires: [[]] },
        { id: "copy3", z: "t", type: "change", rules: [], wires: [[]] },
      ]);
      // both servers up (the deploy answers before the flows have started)
      await waitFor(async () => {
        await send(post(1, ContentFormat.TEXT, Buffer.from("hello")), coapPort);
        await send(pushData(1, "{}"), gatewayPort);
        return coapReplies.some((r) => r.messageId === 1) && gatewayReplies.length > 0;
      }, "both servers answering", { timeoutMs: 30000, intervalMs: 200 });

      const deep = (n: number) => `{"v":${"[".repeat(n)}${"]".repeat(n)}}`;
      const hostile = fc.sample(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
          fc.integer({ min: 100, max: 30_000 }).map((n) => post(7, ContentFormat.JSON, Buffer.from(deep(n)))),
          fc.integer({ min: 100, max: 30_000 }).map((n) => post(8, ContentFormat.CBOR, Buffer.concat([Buffer.alloc(n, 0x81), Buffer.from([0])]))),
          fc.integer({ min: 17, max: 30_000 }).map((n) => pushData(9, `{"stat":${deep(n)}}`)),
          fc.jsonValue({ maxDepth: 20 }).map((v) => pushData(10, JSON.stringify({ stat: v }) ?? "")),
        ),
        { numRuns: 2000, seed: 1515 },
      );
      for (let i = 0; i < hostile.length; i += 100) {
        await Promise.all(hostile.slice(i, i + 100).flatMap((d) => [send(d, coapPort), send(d, gatewayPort)]));
        assert.strictEqual((await httpRequest("GET", `${red.url}/settings`)).status, 200, `Node-RED up after ${i + 100} x 2 datagrams`);
      }

      // UDP may drop while the buffers are full: ask until answered
      const ok = await waitFor(async () => {
        await send(post(0x4242, ContentFormat.JSON, Buffer.from('{"t":4.5}')), coapPort);
        return coapReplies.find((r) => r.messageId === 0x4242);
      }, "the CoAP answer after the storm", { timeoutMs: 30000, intervalMs: 300 });
      assert.strictEqual(codeText(ok.code), "2.04");
      await waitFor(async () => {
        await send(pushData(0x4343, `{"stat":{"rxnb":1}}`), gatewayPort);
        return gatewayReplies.some((r) => r.readUInt16BE(1) === 0x4343 && r[3] === 1);
      }, "the PUSH_ACK after the storm", { timeoutMs: 30000, intervalMs: 300 });
      assert.strictEqual((await httpRequest("GET", `${red.url}/settings`)).status, 200);
      assert.doesNotMatch(red.output(), /Uncaught Exception|Maximum call stack size exceeded|unhandled/i);
    } finally {
      await new Promise<void>((resolve) => socket.close(() => resolve()));
      await red.stop();
    }
  });
});
