/**
 * lib/coap/dtls's server without Node-RED: every served suite against OpenSSL's s_client, a lossy and replaying
 * path between libcoap's client and the server (flight retransmission both ways, the replay window), the server's
 * own retransmission timer and handshake deadline, and the record-layer pieces on their own.
 */
import * as assert from "assert";
import * as dgram from "dgram";
import { randomBytes } from "crypto";
import { CoapServer } from "../../lib/coap/coap-server";
import { DtlsServer } from "../../lib/coap/dtls/dtls-server";
import { ReplayWindow, parseRecords } from "../../lib/coap/dtls/record";
import { Reassembly } from "../../lib/coap/dtls/handshake";
import { CIPHER_SUITES } from "../../lib/coap/dtls/cipher-suites";
import { freeUdpPort } from "../harness/ports";
import { requireBinary, spawnTracked } from "../harness/processes";
import { waitFor } from "../harness/wait";
import { clientHello, cookieOf } from "./dtls-datagrams";

const KEYS = new Map([["dev-1", Buffer.from("the-key-of-dev-1")]]);
/** CON GET /hello, message id 1 */
const GET_HELLO = Buffer.from([0x40, 0x01, 0x00, 0x01, 0xb5, ...Buffer.from("hello")]);

interface Running {
  coap: CoapServer;
  dtls: DtlsServer;
  requests: Array<{ identity?: string; payload: string }>;
  failures: Array<{ reason: string; identity?: string }>;
}

async function start(options: Partial<ConstructorParameters<typeof DtlsServer>[0]> = {}): Promise<Running> {
  const port = await freeUdpPort();
  const dtls = new DtlsServer({ port: await freeUdpPort(), address: "127.0.0.1", keys: KEYS, ...options });
  const coap = new CoapServer({ port, address: "127.0.0.1", secure: dtls });
  const running: Running = { coap, dtls, requests: [], failures: [] };
  dtls.on("handshake-failed", (f: { reason: string; identity?: string }) => running.failures.push(f));
  coap.addResource("hello", {
    methods: ["GET", "POST"],
    observable: false,
    confirmableNotifications: false,
    handler: (req, respond) => {
      running.requests.push({ identity: req.source.identity, payload: req.payload.toString() });
      // "hold" is left unanswered: the client keeps its session open meanwhile
      if (req.payload.toString() !== "hold") respond({ code: 69, payload: Buffer.from(`hello ${req.source.identity}`) });
    },
  });
  await coap.listen();
  return running;
}

describe("DTLS server (lib/coap/dtls)", function () {
  this.timeout(60000);
  const stops: Array<() => Promise<void>> = [];
  afterEach(async function () {
    for (const stop of stops.splice(0).reverse()) await stop();
  });
  async function server(options: Partial<ConstructorParameters<typeof DtlsServer>[0]> = {}) {
    const s = await start(options);
    stops.push(() => s.coap.close());
    return s;
  }

  /** OpenSSL's DTLS client with one suite, sending a CoAP GET once connected; resolves with what it printed */
  async function sClient(port: number, cipher: string, identity = "dev-1", key = KEYS.get("dev-1")!): Promise<string> {
    const proc = spawnTracked(requireBinary("openssl"), ["s_client", "-dtls1_2", "-connect", `127.0.0.1:${port}`, "-psk_identity", identity, "-psk", key.toString("hex"), "-cipher", cipher, "-quiet"], { stdio: ["pipe", "pipe", "pipe"] });
    stops.push(() => proc.stop("SIGKILL"));
    proc.child.stdin!.write(GET_HELLO);
    await waitFor(() => /hello dev-1|alert|error|errno/i.test(proc.output()) || proc.child.exitCode !== null, `s_client with ${cipher} to answer`);
    await proc.stop("SIGKILL");
    return proc.output();
  }

  const OPENSSL_NAMES: Record<string, string> = {
    TLS_PSK_WITH_AES_128_CCM_8: "PSK-AES128-CCM8",
    TLS_PSK_WITH_AES_128_CCM: "PSK-AES128-CCM",
    TLS_PSK_WITH_AES_128_GCM_SHA256: "PSK-AES128-GCM-SHA256",
    TLS_PSK_WITH_AES_256_CCM_8: "PSK-AES256-CCM8",
    TLS_PSK_WITH_AES_256_CCM: "PSK-AES256-CCM",
    TLS_PSK_WITH_AES_128_CBC_SHA256: "PSK-AES128-CBC-SHA256",
  };

  for (const suite of CIPHER_SUITES) {
    it(`serves ${suite.name} (0x${suite.id.toString(16).padStart(4, "0")}) to openssl s_client`, async function () {
      const s = await server();
      const out = await sClient(s.dtls.port, OPENSSL_NAMES[suite.name]);
      assert.match(out, /hello dev-1/, out);
      assert.deepStrictEqual(s.requests, [{ identity: "dev-1", payload: "" }]);
    });
  }

  it("refuses a client without a suite in common with handshake_failure, and says so", async function () {
    const s = await server();
    const out = await sClient(s.dtls.port, "PSK-CHACHA20-POLY1305");
    assert.match(out, /handshake failure/i, out);
    await waitFor(() => s.failures.length === 1, "the failure event");
    assert.strictEqual(s.failures[0].reason, "no-shared-suite");
  });

  it("refuses a DTLS 1.0 client with protocol_version", async function () {
    const s = await server();
    const proc = spawnTracked(requireBinary("openssl"), ["s_client", "-dtls1", "-connect", `127.0.0.1:${s.dtls.port}`, "-psk_identity", "dev-1", "-psk", KEYS.get("dev-1")!.toString("hex"), "-cipher", "PSK-AES128-CBC-SHA:@SECLEVEL=0", "-quiet"], { stdio: ["pipe", "pipe", "pipe"] });
    stops.push(() => proc.stop("SIGKILL"));
    await waitFor(() => /alert protocol version/.test(proc.output()), "the alert");
    await waitFor(() => s.failures.length === 1, "the failure event");
    assert.strictEqual(s.failures[0].reason, "protocol-version");
  });

  it("sends the identity hint in a ServerKeyExchange only when one is configured", async function () {
    for (const hint of ["", "store-42"]) {
      const s = await server({ identityHint: hint || undefined });
      const run = spawnTracked(requireBinary("coap-client-openssl"), ["-v", "6", "-u", "dev-1", "-k", "the-key-of-dev-1", "-B", "8", `coaps://127.0.0.1:${s.dtls.port}/hello`]);
      stops.push(() => run.stop("SIGKILL"));
      await waitFor(() => run.child.exitCode !== null, "the client to finish");
      assert.match(run.output(), /hello dev-1/, run.output());
      assert.match(run.output(), new RegExp(`Identity Hint '${hint}' provided`), run.output());
    }
  });

  /**
   * A UDP relay between a client and the server that can drop datagrams by direction and number and replay
   * what the client sent.
   */
  async function relay(serverPort: number, drop: (direction: "up" | "down", datagram: Buffer) => boolean) {
    const front = dgram.createSocket("udp4");
    const back = dgram.createSocket("udp4");
    await Promise.all([new Promise<void>((r) => front.bind(0, "127.0.0.1", () => r())), new Promise<void>((r) => back.bind(0, "127.0.0.1", () => r()))]);
    stops.push(async () => {
      front.close();
      back.close();
    });
    let client: dgram.RemoteInfo | undefined;
    const counts = { up: 0, down: 0 };
    const upstream: Buffer[] = [];
    front.on("message", (m, rinfo) => {
      client = rinfo;
      counts.up++;
      upstream.push(m);
      if (!drop("up", m)) back.send(m, serverPort, "127.0.0.1");
    });
    back.on("message", (m) => {
      counts.down++;
      if (client && !drop("down", m)) front.send(m, client.port, client.address);
    });
    return { port: (front.address() as { port: number }).port, counts, upstream, replay: (m: Buffer) => back.send(m, serverPort, "127.0.0.1") };
  }

  function libcoap(port: number, args: string[]) {
    const run = spawnTracked(requireBinary("coap-client-openssl"), ["-u", "dev-1", "-k", "the-key-of-dev-1", "-B", "15", ...args, `coaps://127.0.0.1:${port}/hello`]);
    stops.push(() => run.stop("SIGKILL"));
    return waitFor(() => (run.child.exitCode !== null ? run.output() : undefined), "the client to finish", { timeoutMs: 20000 });
  }

  it("completes the handshake when flights are lost both ways (server flight, server Finished), and drops a replayed request", async function () {
    const s = await server();
    // the first ServerHello flight and the first ChangeCipherSpec + Finished are lost
    const seen = { serverHello: 0, finished: 0 };
    const path = await relay(s.dtls.port, (direction, m) => {
      if (direction !== "down") return false;
      const records = parseRecords(m);
      if (records.some((r) => r.type === 22 && r.epoch === 0 && r.fragment[0] === 2)) return seen.serverHello++ === 0;
      if (records.some((r) => r.type === 20)) return seen.finished++ === 0;
      return false;
    });
    const out = await libcoap(path.port, ["-m", "post", "-e", "once"]);
    assert.match(out, /hello dev-1/, out);
    assert.ok(seen.serverHello >= 2, "the ServerHello flight was sent again");
    assert.ok(seen.finished >= 2, "the final flight was sent again when the client repeated its Finished");
    assert.deepStrictEqual(s.requests, [{ identity: "dev-1", payload: "once" }]);

    // a request left unanswered keeps the client's session open while its record is replayed
    const s2 = await server();
    const path2 = await relay(s2.dtls.port, () => false);
    const run = spawnTracked(requireBinary("coap-client-openssl"), ["-u", "dev-1", "-k", "the-key-of-dev-1", "-B", "15", "-m", "post", "-e", "hold", `coaps://127.0.0.1:${path2.port}/hello`]);
    stops.push(() => run.stop("SIGKILL"));
    await waitFor(() => s2.requests.length === 1, "the request");
    const appData = path2.upstream.filter((m) => parseRecords(m).some((r) => r.type === 23 && r.epoch === 1));
    assert.ok(appData.length >= 1, "the request was an application-data record");
    const replaysBefore = s2.dtls.stats.replays;
    for (const m of appData) path2.replay(m);
    await waitFor(() => s2.dtls.stats.replays >= replaysBefore + appData.length, "the replays to be refused");
    assert.strictEqual(s2.dtls.sessionCount, 1, "the session is still there");
    assert.strictEqual(s2.coap.stats.received, 1, "the replayed request did not reach CoAP again");
    await run.stop("SIGKILL");
  });

  it("retransmits its flight on a doubling timer with fresh record numbers, and ends a stalled handshake at its deadline", async function () {
    const s = await server({ retransmitMs: 300, handshakeTimeoutMs: 2000 });
    const sock = dgram.createSocket("udp4");
    const replies: Buffer[] = [];
    const times: number[] = [];
    sock.on("message", (m) => {
      replies.push(m);
      times.push(Date.now());
    });
    await new Promise<void>((r) => sock.bind(0, "127.0.0.1", () => r()));
    stops.push(async () => void sock.close());
    const random = randomBytes(32);
    sock.send(clientHello(random, Buffer.alloc(0)), s.dtls.port, "127.0.0.1");
    await waitFor(() => replies.length === 1, "the HelloVerifyRequest");
    sock.send(clientHello(random, cookieOf(replies[0])!, 1, 1), s.dtls.port, "127.0.0.1");
    await waitFor(() => s.failures.length === 1, "the handshake deadline", { timeoutMs: 5000 });
    assert.strictEqual(s.failures[0].reason, "timeout");
    const flights = replies.slice(1).filter((m) => parseRecords(m)[0]?.type === 22);
    assert.ok(flights.length >= 3 && flights.length <= 5, `${flights.length} copies of the flight in 2 s (300, 600, 1200 ms)`);
    const gaps = times.slice(2, 2 + flights.length - 1).map((t, i) => t - times[1 + i]);
    assert.ok(gaps[1] > gaps[0] * 1.3, `the timer doubles: ${gaps.join(", ")} ms`);
    const sequences = flights.map((m) => parseRecords(m)[0].sequence);
    assert.strictEqual(new Set(sequences).size, sequences.length, "each copy has new record sequence numbers");
    assert.strictEqual(s.dtls.handshakeCount, 0);
  });

  it("answers a peer that sends anything but a ClientHello with nothing, and a ClientHello without cookie only with a HelloVerifyRequest", async function () {
    const s = await server();
    const sock = dgram.createSocket("udp4");
    const replies: Buffer[] = [];
    sock.on("message", (m) => replies.push(m));
    await new Promise<void>((r) => sock.bind(0, "127.0.0.1", () => r()));
    stops.push(async () => void sock.close());
    for (let i = 0; i < 20; i++) sock.send(randomBytes(50), s.dtls.port, "127.0.0.1");
    sock.send(clientHello(randomBytes(32), Buffer.alloc(0)), s.dtls.port, "127.0.0.1");
    await waitFor(() => replies.length === 1, "the HelloVerifyRequest");
    await waitFor(() => s.dtls.stats.datagrams === 21, "all datagrams read");
    assert.strictEqual(replies.length, 1);
    assert.ok(cookieOf(replies[0]), "a HelloVerifyRequest");
    assert.strictEqual(s.dtls.handshakeCount, 0, "no state for a peer without a valid cookie");
  });

  it("refuses renegotiation with a no_renegotiation alert", async function () {
    const s = await server();
    const proc = spawnTracked(requireBinary("openssl"), ["s_client", "-dtls1_2", "-connect", `127.0.0.1:${s.dtls.port}`, "-psk_identity", "dev-1", "-psk", KEYS.get("dev-1")!.toString("hex"), "-cipher", "PSK-AES128-CCM8", "-state"], { stdio: ["pipe", "pipe", "pipe"] });
    stops.push(() => proc.stop("SIGKILL"));
    await waitFor(() => s.dtls.sessionCount === 1, "the session");
    // s_client's "R" command starts a renegotiation
    proc.child.stdin!.write("R\n");
    await waitFor(() => /alert read:warning:no renegotiation/.test(proc.output()), "the alert");
  });

  it("ends a session on close_notify, keeps at most maxSessions (least recently used out) and drops idle ones", async function () {
    const s = await server({ maxSessions: 2, sessionIdleMs: 1500 });
    const holds = [0, 1, 2].map(() => {
      const run = spawnTracked(requireBinary("coap-client-openssl"), ["-u", "dev-1", "-k", "the-key-of-dev-1", "-B", "20", "-m", "post", "-e", "hold", `coaps://127.0.0.1:${s.dtls.port}/hello`]);
      stops.push(() => run.stop("SIGKILL"));
      return run;
    });
    await waitFor(() => s.dtls.stats.sessionsOpened === 3, "three sessions opened");
    assert.strictEqual(s.dtls.sessionCount, 2);
    assert.strictEqual(s.dtls.stats.sessionsEvicted, 1);
    await waitFor(() => s.dtls.sessionCount === 0, "idle sessions dropped", { timeoutMs: 5000 });
    for (const run of holds) await run.stop("SIGKILL");

    const out = await libcoap(s.dtls.port, ["-m", "post", "-e", "bye"]);
    assert.match(out, /hello dev-1/, out);
    // libcoap's client says close_notify when it ends
    await waitFor(() => s.dtls.sessionCount === 0, "the session ended by close_notify", { timeoutMs: 1000 });
  });

  describe("record layer", function () {
    it("the replay window takes each sequence number once, late ones within 64, nothing older", function () {
      const w = new ReplayWindow();
      for (const n of [5, 3, 100, 70]) {
        assert.ok(w.check(n));
        w.accept(n);
      }
      assert.ok(!w.check(5), "older than the window");
      assert.ok(!w.check(70) && !w.check(100), "seen");
      assert.ok(w.check(99) && w.check(37), "inside the window, not seen");
      assert.ok(!w.check(36), "just outside");
      w.accept(2 ** 48 - 1);
      assert.ok(!w.check(100) && w.check(2 ** 48 - 2));
    });

    it("reassembles a message from out-of-order, overlapping fragments", function () {
      const body = randomBytes(300);
      const r = new Reassembly(1, 300);
      const frag = (offset: number, end: number) => ({ msgType: 1, length: 300, messageSeq: 0, offset, body: body.subarray(offset, end) });
      assert.ok(!r.add(frag(200, 300)));
      assert.ok(!r.add(frag(0, 120)));
      assert.ok(!r.add(frag(0, 120)), "a repeated fragment");
      assert.ok(r.add(frag(100, 210)), "the overlapping one that completes it");
      assert.ok(r.body.equals(body));
      assert.throws(() => r.add({ msgType: 2, length: 300, messageSeq: 0, offset: 0, body: Buffer.alloc(1) }), /disagree/);
    });
  });
});
