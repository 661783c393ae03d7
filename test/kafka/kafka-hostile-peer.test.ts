/**
 * A "broker" that answers every request with garbage (a well-framed response of random bytes, a frame that lies
 * about its size, or a reset) must not end the process: edge-kafka-out buffers and says why, edge-kafka-in stays
 * red with the reason and keeps retrying, and nothing is thrown out of the client's callbacks.
 */
import * as assert from "assert";
import * as net from "net";
import { randomBytes } from "crypto";
import helper from "node-red-node-test-helper";
import brokerNode from "../../nodes/edge-kafka-broker/edge-kafka-broker";
import outNode from "../../nodes/edge-kafka-out/edge-kafka-out";
import inNode from "../../nodes/edge-kafka-in/edge-kafka-in";
import { tempDir } from "../harness/peers";
import { waitFor } from "../harness/wait";
import { events } from "../harness/node-events";
import { withMessages } from "./kafka-test-util";

helper.init(require.resolve("node-red"));
const completeNode = require("@node-red/nodes/core/common/24-complete.js");
const catchNode = require("@node-red/nodes/core/common/25-catch.js");

type Mode = "random-body" | "lying-size" | "reset" | "half-frame";

/** answers each request frame by its correlation id with a body of random bytes (or worse, as `mode` says) */
function hostileBroker(mode: Mode): Promise<{ port: number; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    let pending = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (let i = 0; i < 100 && pending.length >= 12; i++) {
        const size = pending.readInt32BE(0);
        if (pending.length < 4 + size) break;
        const correlationId = pending.readInt32BE(8);
        pending = pending.subarray(4 + size);
        requests++;
        if (mode === "reset") return socket.resetAndDestroy();
        const body = randomBytes(8 + (requests % 64));
        const frame = Buffer.alloc(8);
        frame.writeInt32BE(mode === "lying-size" ? 0x7fffff00 : 4 + body.length, 0);
        frame.writeInt32BE(correlationId, 4);
        socket.write(mode === "half-frame" ? Buffer.concat([frame, body]).subarray(0, 6) : Buffer.concat([frame, body]));
        if (mode === "half-frame") socket.end();
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        requests: () => requests,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      }),
    ),
  );
}

describe("the Kafka nodes against a broker that answers garbage", function () {
  this.timeout(60000);
  let peer: Awaited<ReturnType<typeof hostileBroker>> | undefined;
  beforeEach(function (done) {
    helper.startServer(done);
  });
  afterEach(async function () {
    await helper.unload();
    await new Promise<void>((r) => helper.stopServer(() => r()));
    await peer?.close();
    peer = undefined;
  });

  for (const mode of ["random-body", "lying-size", "reset", "half-frame"] as const) {
    it(`${mode}: the process stays up, out buffers with a reason, in stays red and retries`, async function () {
      peer = await hostileBroker(mode);
      const flow = [
        { id: "t", type: "tab" },
        { id: "kb", type: "edge-kafka-broker", brokers: `127.0.0.1:${peer.port}`, clientId: "edge-hostile", sasl: "none", connectionTimeoutMs: "500", requestTimeoutMs: "1000" },
        { id: "out", z: "t", type: "edge-kafka-out", broker: "kb", topic: "hostile", key: "{deviceName}", valueFormat: "json", batchSize: "10", lingerMs: "5", compression: "none", acks: "-1", drainRatePerSec: "0", bufferDir: tempDir("hostile") },
        { id: "done", z: "t", type: "complete", scope: ["out"], uncaught: false, wires: [["acked"]] },
        { id: "acked", z: "t", type: "helper" },
        { id: "errors", z: "t", type: "catch", scope: ["out"], uncaught: false, wires: [["failed"]] },
        { id: "failed", z: "t", type: "helper" },
        { id: "in", z: "t", type: "edge-kafka-in", broker: "kb", topics: "hostile.commands", groupId: "gw-hostile", fromBeginning: true, valueFormat: "json", completionTimeoutS: "5", wires: [[]] },
      ];
      const uncaught: unknown[] = [];
      const onUncaught = (err: unknown) => uncaught.push(err);
      process.on("uncaughtException", onUncaught);
      process.on("unhandledRejection", onUncaught);
      try {
        await helper.load([withMessages(brokerNode), withMessages(outNode), withMessages(inNode), completeNode, catchNode], flow);
        const acked: unknown[] = [];
        events(helper.getNode("acked")).on("input", (m: unknown) => acked.push(m));
        for (let i = 0; i < 5; i++) helper.getNode("out").receive({ payload: { deviceName: "truck-1", seq: i } });
        const statuses = (id: string) =>
          (helper as unknown as { _NodePrototype: { status: { getCalls(): Array<{ thisValue: { id: string }; args: [{ fill?: string; text?: string }] }> } } })._NodePrototype.status
            .getCalls()
            .filter((c) => c.thisValue?.id === id)
            .map((c) => c.args[0]);
        await waitFor(() => statuses("out").some((s) => s.text === "unreachable, buffering 5" || /^buffering 5/.test(s.text ?? "")), "out buffering the 5 with a reason", { timeoutMs: 20000 });
        await waitFor(() => statuses("in").some((s) => s.fill === "red" && /retry in/.test(s.text ?? "")), "in red, retrying", { timeoutMs: 20000 });
        await waitFor(() => peer!.requests() >= 2, "the peer was asked");
        assert.strictEqual(acked.length, 0, "nothing confirmed by garbage");
        assert.ok(!statuses("out").some((s) => s.fill === "green") && !statuses("in").some((s) => s.fill === "green"), `never green: ${JSON.stringify([statuses("out"), statuses("in")])}`);
        assert.deepStrictEqual(uncaught.map(String), [], "nothing escaped to the process");
      } finally {
        process.off("uncaughtException", onUncaught);
        process.off("unhandledRejection", onUncaught);
      }
    });
  }
});
