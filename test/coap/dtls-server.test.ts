/**
 * edge-coap-server's coaps:// (DTLS 1.2, PSK) in a real Node-RED runtime, against Debian's libcoap clients built on
 * OpenSSL and on GnuTLS, and against 10,000 hostile datagrams.
 */
import * as assert from "assert";
import * as dgram from "dgram";
import * as fs from "fs";
import * as path from "path";
import { randomBytes } from "crypto";
import helper from "node-red-node-test-helper";
import { freeUdpPort } from "../harness/ports";
import { tempDir } from "../harness/peers";
import { requireBinary, spawnTracked } from "../harness/processes";
import { messagesTo } from "../harness/node-events";
import { waitFor } from "../harness/wait";
import { coapNodes, STORE_FUNCTION, asFlow, FlowNode } from "./flows";
import type { CoapServerNode } from "../../nodes/edge-coap-server/coap-server-node";
import { clientHello, clientKeyExchangeFlight, cookieOf, mutate, randomRecord } from "./dtls-datagrams";
import { useTestHelper } from "../harness/test-helper-server";

interface InMsg {
  payload: unknown;
  req: { method: string; path: string; source: { address: string; identity?: string } };
}

type Client = "coap-client-openssl" | "coap-client-gnutls" | "coap-client-notls";

/** runs a libcoap client to its end (killed after timeoutMs), without blocking the event loop the server runs on */
function coapClient(client: Client, args: string[], timeoutMs = 20000): Promise<{ status: number | null; stdout: string; output: string }> {
  const proc = spawnTracked(requireBinary(client), args);
  let stdout = "";
  proc.child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString("latin1")));
  const timer = setTimeout(() => void proc.stop("SIGKILL"), timeoutMs);
  return new Promise((resolve) => {
    proc.child.once("exit", (status) => {
      clearTimeout(timer);
      setImmediate(() => resolve({ status, stdout, output: proc.output() }));
    });
  });
}

const KEYS = { "truck-17": "cold-chain-truck-key", "shelf-2": "shelf-2-key" };

describe("edge-coap-server over DTLS with libcoap's clients (OpenSSL and GnuTLS)", function () {
  this.timeout(120000);
  let plainPort: number;
  let dtlsPort: number;
  let warnings: string[];
  const dir = tempDir("coap-dtls");

  useTestHelper();

  async function load(credentials: Record<string, string> = { pskKeys: JSON.stringify(Object.fromEntries(Object.entries(KEYS).map(([id, key]) => [id, { key }]))) }, identities: string[] = Object.keys(KEYS)) {
    plainPort = await freeUdpPort();
    dtlsPort = await freeUdpPort();
    const flow: FlowNode[] = [
      { id: "t", type: "tab" },
      { id: "srv", type: "edge-coap-server", port: String(plainPort), address: "127.0.0.1", maxPayloadKB: "256", blockSize: "1024", responseTimeoutS: "5", dtls: true, dtlsPort: String(dtlsPort), pskIdentities: identities },
      { id: "items", z: "t", type: "edge-coap-in", server: "srv", path: "/items/a", methods: ["GET", "PUT", "POST"], output: "parsed", wires: [["store", "seen"]] },
      { id: "private", z: "t", type: "edge-coap-in", server: "srv", path: "/private", methods: ["GET", "POST"], identities: "shelf-2", output: "parsed", wires: [["store", "seen"]] },
      { id: "temp", z: "t", type: "edge-coap-in", server: "srv", path: "/temp", methods: ["GET"], observable: true, notify: "con", valueFormat: "50", wires: [[]] },
      { id: "store", z: "t", type: "function", func: STORE_FUNCTION, outputs: 1, wires: [["resp"]] },
      { id: "resp", z: "t", type: "edge-coap-response" },
      { id: "seen", z: "t", type: "helper" },
    ];
    await helper.load(coapNodes, asFlow(flow), { srv: credentials } as never);
    const srv = helper.getNode("srv") as CoapServerNode;
    await waitFor(() => srv.server(), "the CoAP server listening");
    warnings = [];
    for (const id of ["srv", "private"]) {
      const node = helper.getNode(id) as unknown as { warn: (m: unknown) => void };
      node.warn = (m: unknown) => warnings.push(String(m));
    }
    return srv;
  }

  const secure = (identity: keyof typeof KEYS, key = KEYS[identity]) => ["-u", identity, "-k", key, "-B", "8"];

  for (const client of ["coap-client-openssl", "coap-client-gnutls"] as const) {
    it(`${client}: PUT, GET and POST over coaps://, the flow seeing the PSK identity`, async function () {
      await load();
      const seen = messagesTo<InMsg>("seen");
      const url = `coaps://127.0.0.1:${dtlsPort}/items/a`;

      const put = await coapClient(client, [...secure("truck-17"), "-m", "put", "-t", "50", "-e", '{"setpoint":-18.5}', url]);
      assert.strictEqual(put.status, 0, put.output);
      assert.deepStrictEqual(seen[0]?.payload, { setpoint: -18.5 }, put.output);
      assert.strictEqual(seen[0].req.source.identity, "truck-17");

      const get = await coapClient(client, [...secure("truck-17"), url]);
      assert.strictEqual(get.status, 0, get.output);
      assert.strictEqual(JSON.parse(get.stdout.trim()).setpoint, -18.5, get.output);

      const post = await coapClient(client, [...secure("shelf-2"), "-m", "post", "-t", "0", "-e", "door open", url]);
      assert.strictEqual(post.status, 0, post.output);
      assert.deepStrictEqual(JSON.parse(post.stdout.trim()), { received: "door open", contentFormat: 0 });
      assert.strictEqual(seen[2].req.source.identity, "shelf-2");
    });

    it(`${client}: a block-wise upload (-b 64) is reassembled before the flow sees it`, async function () {
      await load();
      const seen = messagesTo<InMsg>("seen");
      const body = randomBytes(700).toString("hex");
      const file = path.join(dir, `${client}-body.txt`);
      fs.writeFileSync(file, body);
      // no Content-Format: the flow gets a Buffer and answers with its length (a short answer, in one block)
      const post = await coapClient(client, [...secure("truck-17"), "-m", "post", "-b", "64", "-f", file, `coaps://127.0.0.1:${dtlsPort}/items/a`]);
      assert.strictEqual(post.status, 0, post.output);
      assert.strictEqual(seen.length, 1, "one message for the whole upload");
      assert.ok(Buffer.isBuffer(seen[0].payload) && seen[0].payload.toString() === body, "the whole body");
      assert.deepStrictEqual(JSON.parse(post.stdout.trim()), { received: body.length, contentFormat: null });

      // a text body comes back whole in the answer, larger than a block: its later blocks come from the server's
      // cache, the flow sees the upload once
      const echo = await coapClient(client, [...secure("truck-17"), "-m", "post", "-t", "0", "-b", "64", "-f", file, `coaps://127.0.0.1:${dtlsPort}/items/a`]);
      assert.strictEqual(echo.status, 0, echo.output);
      assert.strictEqual(seen.length, 2, "one more message for the second upload");
      assert.deepStrictEqual(JSON.parse(echo.stdout.trim()), { received: body, contentFormat: 0 });
    });
  }

  it("refuses a wrong key (decrypt_error) and an unknown identity, each logged once however often the device retries", async function () {
    const srv = await load();
    const seen = messagesTo<InMsg>("seen");
    const url = `coaps://127.0.0.1:${dtlsPort}/items/a`;
    for (let attempt = 0; attempt < 3; attempt++) {
      const wrong = await coapClient(attempt % 2 ? "coap-client-gnutls" : "coap-client-openssl", [...secure("truck-17", "not-the-key"), url]);
      assert.doesNotMatch(wrong.stdout, /setpoint|received/, wrong.output);
      assert.match(wrong.output, /decrypt error/i, "the client is told by an alert: " + wrong.output);
    }
    await coapClient("coap-client-openssl", ["-u", "stranger", "-k", "whatever", "-B", "8", url]);
    await coapClient("coap-client-openssl", ["-u", "stranger", "-k", "whatever", "-B", "8", url]);
    await waitFor(() => srv.dtls()!.stats.handshakesFailed >= 5, "the five refused handshakes");
    assert.strictEqual(seen.length, 0, "nothing reached the flow");
    assert.deepStrictEqual(warnings.filter((w) => /bad-key|does not match/.test(w)).length, 1, warnings.join("\n"));
    assert.deepStrictEqual(warnings.filter((w) => /unknown-identity|unknown PSK identity/.test(w)).length, 1, warnings.join("\n"));
    assert.strictEqual(srv.dtls()!.sessionCount, 0);

    // the right key still gets in afterwards
    const ok = await coapClient("coap-client-openssl", [...secure("truck-17"), "-m", "post", "-t", "0", "-e", "x", url]);
    assert.strictEqual(ok.status, 0, ok.output);
  });

  it("a resource listing identities answers 4.03 to another identity and 4.01 over plain CoAP", async function () {
    await load();
    const seen = messagesTo<InMsg>("seen");
    const url = `coaps://127.0.0.1:${dtlsPort}/private`;
    for (const client of ["coap-client-openssl", "coap-client-gnutls"] as const) {
      const other = await coapClient(client, [...secure("truck-17"), "-m", "post", "-e", "x", url]);
      assert.match(other.output, /4\.03/, other.output);
    }
    const plain = await coapClient("coap-client-notls", ["-B", "8", "-m", "post", "-e", "x", `coap://127.0.0.1:${plainPort}/private`]);
    assert.match(plain.output, /4\.01/, plain.output);
    assert.strictEqual(seen.length, 0, "refused before the flow");

    const allowed = await coapClient("coap-client-openssl", [...secure("shelf-2"), "-m", "post", "-t", "0", "-e", "restock", url]);
    assert.strictEqual(allowed.status, 0, allowed.output);
    assert.deepStrictEqual(JSON.parse(allowed.stdout.trim()), { received: "restock", contentFormat: 0 });
    assert.strictEqual(warnings.filter((w) => /denied-identity|may not use/.test(w)).length, 1, warnings.join("\n"));
  });

  it("notifies an observer over DTLS (coap-client-openssl -s) of values set by the flow", async function () {
    await load();
    const proc = spawnTracked(requireBinary("coap-client-openssl"), [...secure("truck-17"), "-s", "20", `coaps://127.0.0.1:${dtlsPort}/temp`]);
    let stdout = "";
    proc.child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      const temp = helper.getNode("temp") as unknown as { receive(msg: unknown): void };
      let n = 0;
      // a value per poll until one arrives: the registration's own timing is not ours to know
      await waitFor(() => {
        temp.receive({ payload: { celsius: -18 - n++ } });
        return /"celsius":-\d+/.test(stdout);
      }, "a notification", { intervalMs: 200 });
      const before = n;
      temp.receive({ payload: { celsius: 3 } });
      await waitFor(() => stdout.includes('{"celsius":3}'), "the next notification");
      assert.ok(before >= 1);
    } finally {
      await proc.stop("SIGKILL");
    }
  });

  it("keys edited in the editor: a renamed identity keeps its key, a new key replaces the old, an identity without key is warned about", async function () {
    const srv = await load(
      {
        pskKeys: JSON.stringify({ "truck-old": { key: KEYS["truck-17"] }, "shelf-2": { key: "old-shelf-key" } }),
        pskKeyEdits: JSON.stringify({ "truck-17": { from: "truck-old" }, "shelf-2": { key: KEYS["shelf-2"] } }),
      },
      ["truck-17", "shelf-2", "door-9"],
    );
    const url = `coaps://127.0.0.1:${dtlsPort}/items/a`;
    const renamed = await coapClient("coap-client-openssl", [...secure("truck-17"), "-m", "post", "-t", "0", "-e", "a", url]);
    assert.strictEqual(renamed.status, 0, renamed.output);
    const rekeyed = await coapClient("coap-client-gnutls", [...secure("shelf-2"), "-m", "post", "-t", "0", "-e", "b", url]);
    assert.strictEqual(rekeyed.status, 0, rekeyed.output);
    const old = await coapClient("coap-client-openssl", ["-u", "shelf-2", "-k", "old-shelf-key", "-B", "8", url]);
    assert.match(old.output, /decrypt error/i, old.output);
    const log = helper.log() as unknown as { args: Array<[{ level: number; id?: string; msg?: unknown }]>; WARN: number };
    const noKey = log.args.map((a) => a[0]).filter((e) => e.id === "srv" && e.level === log.WARN && /no-key|door-9/.test(String(e.msg)));
    assert.strictEqual(noKey.length, 1, "the identity without a key is named once");
    // what the store now holds: the edits folded in, nothing for an identity no longer listed
    const stored = JSON.parse((srv.credentials as { pskKeys: string }).pskKeys) as Record<string, { key: string }>;
    assert.deepStrictEqual(stored, { "truck-17": { key: KEYS["truck-17"] }, "shelf-2": { key: KEYS["shelf-2"] } });
  });

  describe("hostile datagrams at the DTLS port", function () {
    const sockets: dgram.Socket[] = [];
    afterEach(function () {
      for (const s of sockets.splice(0)) s.close();
    });

    async function socket(): Promise<dgram.Socket & { replies: Buffer[] }> {
      const s = dgram.createSocket("udp4") as dgram.Socket & { replies: Buffer[] };
      s.replies = [];
      s.on("message", (m) => {
        if (s.replies.length < 100) s.replies.push(m);
      });
      await new Promise<void>((r) => s.bind(0, "127.0.0.1", () => r()));
      sockets.push(s);
      return s;
    }

    const send = (s: dgram.Socket, data: Buffer, port: number) => new Promise<void>((resolve) => s.send(data, port, "127.0.0.1", () => resolve()));

    it("10,000 random and mutated datagrams: no crash, state within its bounds, a real client served afterwards", async function () {
      const srv = await load();
      const dtls = srv.dtls()!;
      const peers = await Promise.all(Array.from({ length: 8 }, () => socket()));
      // seeds: a real cookie exchange per peer, so that mutations reach the stateful part of the server
      const seeds: Buffer[] = [];
      for (const peer of peers) {
        const random = randomBytes(32);
        await send(peer, clientHello(random, Buffer.alloc(0)), dtlsPort);
        await waitFor(() => peer.replies.length > 0, "a HelloVerifyRequest");
        const cookie = cookieOf(peer.replies[0]);
        assert.ok(cookie, "the answer is a HelloVerifyRequest");
        seeds.push(clientHello(random, cookie, 1, 1), clientKeyExchangeFlight("truck-17", 2), clientKeyExchangeFlight("nobody", 2));
      }
      seeds.push(clientHello(randomBytes(32), Buffer.alloc(0)));

      const total = 10_000;
      const before = dtls.stats.datagrams;
      let sent = 0;
      while (sent < total) {
        const batch: Promise<void>[] = [];
        for (let i = 0; i < 50 && sent < total; i++, sent++) {
          const r = Math.random();
          const data = r < 0.2 ? randomBytes(Math.floor(Math.random() * 300)) : r < 0.35 ? randomRecord() : r < 0.5 ? seeds[Math.floor(Math.random() * seeds.length)] : mutate(seeds[Math.floor(Math.random() * seeds.length)]);
          batch.push(send(peers[sent % peers.length], data, dtlsPort));
        }
        await Promise.all(batch);
        // the server reads as fast as we send: no datagram lost to a full socket buffer, none left unread
        await waitFor(() => dtls.stats.datagrams - before >= sent, `the server to read ${sent} datagrams`, { timeoutMs: 10000, intervalMs: 2 });
        assert.ok(dtls.handshakeCount <= 100, `handshakes ${dtls.handshakeCount}`);
        assert.ok(dtls.sessionCount <= 1000, `sessions ${dtls.sessionCount}`);
      }
      assert.strictEqual(dtls.sessionCount, 0, "no session without a key");
      // what the node logged are refused handshakes, never an exception that escaped the parser
      const unexpected = warnings.filter((w) => !/handshake/.test(w));
      assert.deepStrictEqual(unexpected, [], unexpected.slice(0, 5).join("\n"));
      assert.ok(dtls.handshakeCount <= peers.length, "at most one handshake per peer");

      const ok = await coapClient("coap-client-openssl", [...secure("truck-17"), "-m", "post", "-t", "0", "-e", "after the storm", `coaps://127.0.0.1:${dtlsPort}/items/a`]);
      assert.strictEqual(ok.status, 0, ok.output);
      assert.deepStrictEqual(JSON.parse(ok.stdout.trim()), { received: "after the storm", contentFormat: 0 });
    });

    it("handshakes opened by many peers that stop after the cookie stay within 100, and a real client still gets in", async function () {
      const srv = await load();
      const dtls = srv.dtls()!;
      const peers = await Promise.all(Array.from({ length: 150 }, () => socket()));
      for (const peer of peers) {
        const random = randomBytes(32);
        await send(peer, clientHello(random, Buffer.alloc(0)), dtlsPort);
        await waitFor(() => peer.replies.length > 0, "a HelloVerifyRequest");
        await send(peer, clientHello(random, cookieOf(peer.replies[0])!, 1, 1), dtlsPort);
      }
      await waitFor(() => dtls.stats.handshakesStarted >= 150, "150 handshakes started");
      assert.strictEqual(dtls.handshakeCount, 100);
      assert.ok(dtls.stats.handshakesEvicted >= 50);
      const ok = await coapClient("coap-client-gnutls", [...secure("shelf-2"), `coaps://127.0.0.1:${dtlsPort}/items/a`]);
      assert.strictEqual(ok.status, 0, ok.output);
      assert.ok(dtls.handshakeCount <= 100);
    });
  });
});
