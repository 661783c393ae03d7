/**
 * edge-lorawan-gateway's UDP server against hostile datagrams, through a real socket: a PUSH_DATA whose stat is
 * nested 20,000 deep (Node-RED's cloning of it for two wires overflowed the stack inside the socket handler, an
 * uncaught exception), and 2,000 fuzzed datagrams. The process stays up, the node counts and reports them, and a
 * valid PUSH_DATA is still acknowledged and passed on.
 */
import * as assert from "assert";
import * as dgram from "dgram";
import fc from "fast-check";
import helper from "node-red-node-test-helper";
import gatewayNode from "../../nodes/edge-lorawan-gateway/edge-lorawan-gateway";
import { parseUpstream, PacketForwarderError, PUSH_ACK } from "../../lib/lorawan/packet-forwarder";
import { freeUdpPort } from "../harness/ports";
import { waitFor } from "../harness/wait";
import { events, messagesTo } from "../harness/node-events";
import { useTestHelper } from "../harness/test-helper-server";

const EUI = Buffer.from("B827EBFFFE000001", "hex");
const pushData = (token: number, body: string) => Buffer.concat([Buffer.from([2, token >> 8, token & 0xff, 0]), EUI, Buffer.from(body)]);
const deepStat = (levels: number) => `{"stat":{"time":"2026-01-01 00:00:00 GMT","x":${"[".repeat(levels)}${"]".repeat(levels)}}}`;

describe("edge-lorawan-gateway: hostile datagrams", function () {
  this.timeout(60000);
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

  it("refuses a PUSH_DATA nested 20,000 deep as malformed naming the limit, and parses one within it", function () {
    assert.throws(() => parseUpstream(pushData(1, deepStat(20_000))), (err: Error) => err instanceof PacketForwarderError && /nested deeper than the 16-level depth limit/.test(err.message));
    const ok = parseUpstream(pushData(1, deepStat(3)));
    assert.strictEqual(ok.kind, "push-data");
  });

  it("stays up through a deeply nested stat and 2,000 fuzzed datagrams, then still acknowledges and passes a stat on", async function () {
    const port = await freeUdpPort();
    const flow = [
      { id: "t", type: "tab" },
      { id: "gw", z: "t", type: "edge-lorawan-gateway", port: String(port), address: "127.0.0.1", dedupWindowMs: "0", wires: [["rx1", "rx2"], ["stat1", "stat2"]] },
      { id: "rx1", z: "t", type: "helper" },
      { id: "rx2", z: "t", type: "helper" },
      { id: "stat1", z: "t", type: "helper" },
      { id: "stat2", z: "t", type: "helper" },
    ];
    await helper.load(gatewayNode, flow);
    const stats = messagesTo<unknown>("stat2");
    const warnings: unknown[] = [];
    events(helper.getNode("gw")).on("call:warn", (call: { args: unknown[] }) => warnings.push(call.args[0]));
    const socket = dgram.createSocket("udp4");
    const acks: Buffer[] = [];
    socket.on("message", (m) => acks.push(m));
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
    const send = (d: Buffer) => new Promise<void>((resolve, reject) => socket.send(d, port, "127.0.0.1", (err) => (err ? reject(err) : resolve())));
    try {
      await waitFor(async () => {
        await send(pushData(0x0101, "{}"));
        return acks.some((a) => a.readUInt16BE(1) === 0x0101);
      }, "the server listening", { timeoutMs: 10000, intervalMs: 100 });

      await send(pushData(0x0202, deepStat(20_000)));
      await waitFor(() => warnings.length >= 1, "the malformed datagram reported");
      // the test helper loads no message catalogue: the key names the warning (the reason is checked on the parser above)
      assert.strictEqual(String(warnings[0]), "edge-lorawan-gateway.errors.malformed");

      const fuzz = fc.sample(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
          fc.jsonValue({ maxDepth: 30 }).map((v) => pushData(7, JSON.stringify({ stat: v, rxpk: Array.isArray(v) ? v : undefined }) ?? "")),
          fc.integer({ min: 17, max: 30_000 }).map((n) => pushData(8, deepStat(n))),
        ),
        { numRuns: 2000, seed: 15 },
      );
      for (let i = 0; i < fuzz.length; i += 200) await Promise.all(fuzz.slice(i, i + 200).map(send));

      // UDP may drop datagrams while the fuzz fills the socket's buffer: send until answered
      await waitFor(async () => {
        await send(pushData(0x0303, `{"stat":{"time":"2026-01-01 00:00:00 GMT","rxnb":1}}`));
        return acks.some((a) => a.readUInt16BE(1) === 0x0303 && a[3] === PUSH_ACK);
      }, "the PUSH_ACK after the fuzz", { timeoutMs: 20000, intervalMs: 200 });
      await waitFor(() => stats.some((m) => (m as { payload: { rxnb?: number } }).payload.rxnb === 1), "the stat after the fuzz");
      assert.deepStrictEqual(uncaught.map((e) => e.message), [], "no uncaught exception");
    } finally {
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    }
  });
});
