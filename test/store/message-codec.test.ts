/**
 * What is stored comes back equal: a message through the durable queue (and back from disk after a reopen) keeps
 * its Buffers, typed arrays, Dates, Maps, Sets and shared references; what cannot be stored (req, res, sockets,
 * functions, timers) is left out as Node-RED's core does when it clones, without failing the push. Queues written
 * before the codec (JSON bodies) are still read.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import * as http from "http";
import { PassThrough } from "stream";
import { DurableQueue } from "../../lib/store/durable-queue";
import { encodeRecord, RecordKind } from "../../lib/store/record-codec";
import { MAX_MESSAGE_DEPTH, MessageNotStorableError, exactJsonOf } from "../../lib/store/message-codec";
import { tempDir } from "../harness/peers";

async function roundTrip(msg: unknown): Promise<{ live: unknown; reopened: unknown }> {
  const dir = tempDir("q-codec");
  const q = await DurableQueue.open({ dir, sync: "always" });
  await q.push(msg, 2, "m1");
  const [live] = q.take(1);
  await q.close();
  const again = await DurableQueue.open({ dir, sync: "always" });
  const [reopened] = again.take(1);
  await again.close();
  return { live: live.data, reopened: reopened.data };
}

describe("durable queue: stored messages come back equal", function () {
  it("keeps Buffers, typed arrays, Dates, Maps, Sets, nested objects and shared references", async function () {
    const shared = { site: "store-12" };
    const msg = {
      _msgid: "a1",
      payload: Buffer.from([0xde, 0xad, 0xbe, 0xef]),
      samples: new Float32Array([1.5, -2.25]),
      counts: new Uint16Array([1, 65535]),
      at: new Date(1767225600000),
      byDevice: new Map<string, unknown>([["dev-1", { last: new Date(5), raw: Buffer.from("x") }]]),
      tags: new Set(["cold", "chain"]),
      nested: { deep: [1, "two", { three: [null, true] }], shared, again: shared },
      big: 12345678901234567890n,
    };
    for (const [when, data] of Object.entries(await roundTrip(msg))) {
      const back = data as typeof msg;
      assert.ok(Buffer.isBuffer(back.payload), `${when}: a Buffer comes back as a Buffer`);
      assert.ok(Buffer.isBuffer((back.byDevice.get("dev-1") as { raw: Buffer }).raw), `${when}: nested Buffer`);
      assert.ok(back.samples instanceof Float32Array && back.counts instanceof Uint16Array, `${when}: typed arrays keep their type`);
      assert.ok(back.at instanceof Date, `${when}: a Date comes back as a Date`);
      assert.deepStrictEqual(back, msg, when);
      assert.strictEqual(back.nested.shared, back.nested.again, `${when}: a shared reference stays shared`);
    }
  });

  it("leaves out req, res, sockets, streams, timers and functions, even with circular references, and keeps the rest", async function () {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    const got = new Promise<{ req: http.IncomingMessage; res: http.ServerResponse }>((resolve) => server.once("request", (req, res) => resolve({ req, res })));
    const client = http.get(`http://127.0.0.1:${port}/reading`);
    client.on("error", () => undefined);
    const { req, res } = await got;
    const timer = setTimeout(() => undefined, 1000);
    try {
      // http-in's message: req and res hold circular references (socket ↔ parser ↔ server)
      const msg: Record<string, unknown> = { payload: { celsius: 4.2 }, req, res, socket: req.socket, stream: new PassThrough(), timer, hook: () => 1, topic: "t" };
      msg.self = msg;
      const { live, reopened } = await roundTrip(msg);
      for (const data of [live, reopened]) {
        const back = data as Record<string, unknown>;
        assert.deepStrictEqual(Object.keys(back).sort(), ["payload", "self", "topic"]);
        assert.deepStrictEqual(back.payload, { celsius: 4.2 });
        assert.strictEqual(back.self, back, "a circular reference comes back circular");
      }
    } finally {
      clearTimeout(timer);
      res.end();
      client.destroy();
      server.close();
    }
  });

  it("stores plain data as JSON and anything JSON would change through the structured clone, both coming back equal", async function () {
    const plain = { topic: "t", eventId: "e1", priority: 2, payload: { readings: [{ value: 3.5, ok: true, note: null }], name: "ü€" } };
    assert.strictEqual(exactJsonOf(plain), JSON.stringify(plain));
    const shared = { x: 1 };
    const notJson: Array<[string, unknown]> = [
      ["a Buffer", { payload: Buffer.from("ab") }],
      ["a Date", { at: new Date(5) }],
      ["an undefined field", { a: undefined }],
      ["an undefined array element", { a: [1, undefined] }],
      ["minus zero", { v: -0 }],
      ["NaN", { v: Number.NaN }],
      ["a shared reference", { a: shared, b: shared }],
      ["req/res", { req: {}, res: {} }],
      ["a class instance", { m: new Map([[1, 2]]) }],
      ["a function", { f: () => 1 }],
    ];
    for (const [what, msg] of notJson) {
      assert.strictEqual(exactJsonOf(msg), undefined, what);
      if (what === "req/res" || what === "a function") continue; // left out on purpose, tested above
      const { live, reopened } = await roundTrip(msg);
      assert.deepStrictEqual(live, msg, what);
      assert.deepStrictEqual(reopened, msg, what);
    }
    const { live, reopened } = await roundTrip(plain);
    assert.deepStrictEqual(live, plain);
    assert.deepStrictEqual(reopened, plain);
  });
  it("refuses a message nested deeper than the limit with an error that names it", async function () {
    const q = await DurableQueue.open({ dir: tempDir("q-deep"), sync: "always" });
    const root: Record<string, unknown> = {};
    let at = root;
    for (let i = 0; i < 10000; i++) at = (at.child = {}) as Record<string, unknown>;
    await assert.rejects(q.push({ payload: root }), (err: Error) => err instanceof MessageNotStorableError && err.message.includes(String(MAX_MESSAGE_DEPTH)));
    assert.strictEqual(q.pending(), 0);
    await q.close();
  });

  it("still reads the records of a queue written before the codec (JSON bodies)", async function () {
    const dir = tempDir("q-legacy");
    fs.mkdirSync(dir, { recursive: true });
    const legacy = (id: string, data: unknown) => {
      const idBytes = Buffer.from(id);
      const head = Buffer.alloc(10 + idBytes.length);
      head.writeUInt8(idBytes.length, 0);
      idBytes.copy(head, 1);
      head.writeUInt8(3, 1 + idBytes.length);
      head.writeDoubleLE(1767225600000, 2 + idBytes.length);
      return encodeRecord(RecordKind.PushJson, Buffer.concat([head, Buffer.from(JSON.stringify(data))]));
    };
    fs.writeFileSync(path.join(dir, "segment-0000000000.log"), Buffer.concat([legacy("old-1", { payload: "a" }), legacy("old-2", { payload: { n: 2 } })]));
    const q = await DurableQueue.open({ dir, sync: "always" });
    await q.push({ payload: Buffer.from("new") }, 3, "new-1");
    const got = q.take(10);
    assert.deepStrictEqual(got.map((r) => [r.id, r.data]), [
      ["old-1", { payload: "a" }],
      ["old-2", { payload: { n: 2 } }],
      ["new-1", { payload: Buffer.from("new") }],
    ]);
    await q.close();
  });
});
