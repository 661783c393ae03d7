/**
 * The Basics Station LNS server (lib/lorawan/basics-station/lns-server.ts) over real sockets, without Node-RED:
 * discovery, the muxs connection, uplinks out as rxpk, dnmsg and dntxed, timesync, and what a hostile or broken
 * peer does (garbage, unknown messages, binary frames, oversized messages, too many stations, silence, no pongs,
 * a wrong token), plain and over TLS with a certificate made by openssl. The station is the protocol-exact client
 * of basics-station-client.ts: Debian packages no Basics Station binary.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { WebSocket } from "ws";
import fc from "fast-check";
import { LnsServer, LnsServerOptions } from "../../lib/lorawan/basics-station/lns-server";
import type { DeduplicatedFrame } from "../../lib/lorawan/rxpk-deduplicator";
import { REGIONS } from "../../lib/lorawan/regions";
import { buildUplink, demoKeys } from "../../lib/sim/lorawan-tag";
import { freeTcpPort } from "../harness/ports";
import { tempDir } from "../harness/peers";
import { requireBinary } from "../harness/processes";
import { waitFor } from "../harness/wait";
import { dntxedFor, id6Of, rawInteger, StationSocket, stationJson, uplinkMessage, versionMessage } from "./basics-station-client";

const EUI = 0xb827ebfffe000001n;
const XTIME = (0x2an << 56n) | 123_456_789n;
const tag = demoKeys(3, "store-001-coldroom-03");

describe("Basics Station LNS server over WebSocket", function () {
  this.timeout(30000);
  let server: LnsServer | undefined;
  let sockets: StationSocket[] = [];
  let frames: DeduplicatedFrame[];
  let malformed: string[];
  let port: number;

  async function start(over: Partial<LnsServerOptions> = {}) {
    port = await freeTcpPort();
    server = new LnsServer({ port, address: "127.0.0.1", region: REGIONS.EU868, dedupWindowMs: 0, dntxedTimeoutMs: 2000, ...over });
    frames = [];
    malformed = [];
    server.on("frame", (f: DeduplicatedFrame) => frames.push(f));
    server.on("malformed", (reason: string) => malformed.push(reason));
    server.on("error", (err: Error) => malformed.push(`ERROR ${err.message}`));
    await server.listen();
  }

  async function open(url: string, options: Parameters<typeof StationSocket.open>[1] = {}) {
    const s = await StationSocket.open(url, options);
    sockets.push(s);
    return s;
  }

  /** discovery, then the muxs connection with version → router_config, as tc.c does it */
  async function connectStation(scheme = "ws", options: Parameters<typeof StationSocket.open>[1] = {}, eui = EUI) {
    const info = await open(`${scheme}://127.0.0.1:${port}/router-info`, options);
    info.send({ router: id6Of(eui) });
    await waitFor(() => info.received.length === 1 && info.closed, "the router-info answer, then the close");
    const answer = info.received[0].msg as { router: string; muxs: string; uri: string };
    const muxs = await open(answer.uri, options);
    muxs.send(versionMessage());
    const rc = await waitFor(() => muxs.of("router_config")[0], "router_config");
    return { answer, muxs, rc: rc.msg };
  }

  afterEach(async function () {
    await Promise.all(sockets.map((s) => s.close()));
    sockets = [];
    await server?.close();
    server = undefined;
  });

  it("discovery answers the station's EUI with its muxs URI; version gets router_config; updf leaves as an rxpk", async function () {
    await start();
    const { answer, muxs, rc } = await connectStation();
    assert.deepStrictEqual(answer, { router: "b827:ebff:fe00:1", muxs: "muxs-::0", uri: `ws://127.0.0.1:${port}/router-B827EBFFFE000001` });
    assert.strictEqual(rc.region, "EU868");
    assert.deepStrictEqual(server!.stations, ["B827EBFFFE000001"]);
    const phy = buildUplink(tag, 5, 1, Buffer.from([1, 2, 3]), { confirmed: true });
    muxs.send(uplinkMessage(phy, { dr: 3, freqHz: 868_300_000, xtime: XTIME, rctx: 0n, rssi: -101, snr: -2.5 }));
    const frame = await waitFor(() => frames[0], "the frame");
    assert.strictEqual(frame.best.gatewayEui, "B827EBFFFE000001");
    const rxpk = frame.best.rxpk;
    assert.strictEqual(rxpk.data, phy.toString("base64"), "the PHYPayload as on air");
    assert.deepStrictEqual([rxpk.tmst, rxpk.freq, rxpk.datr, rxpk.rssi, rxpk.lsnr, rxpk.stat, rxpk.xtime], [Number(XTIME & 0xffffffffn), 868.3, "SF9BW125", -101, -2.5, 1, XTIME.toString()]);
  });

  it("sends a downlink as dnmsg echoing the uplink's xtime exactly, and resolves on the station's dntxed", async function () {
    await start();
    const { muxs } = await connectStation();
    muxs.send(uplinkMessage(buildUplink(tag, 6, 1, Buffer.from([1])), { dr: 5, freqHz: 868_100_000, xtime: XTIME, rctx: 1n }));
    await waitFor(() => frames[0], "the frame");
    const tmst = frames[0].best.rxpk.tmst!;
    const down = Buffer.from("60000000012000000000000000", "hex");
    const txpk = { imme: false, tmst: (tmst + 1_000_000) >>> 0, freq: 868.1, rfch: 0, powe: 14, modu: "LORA" as const, datr: "SF7BW125", codr: "4/5", ipol: true, size: down.length, data: down.toString("base64") };
    const sent = server!.transmit("b827ebfffe000001", { txpk, fallback: { ...txpk, tmst: (tmst + 2_000_000) >>> 0, freq: 869.525, datr: "SF12BW125" }, devEui: tag.devEui });
    const dn = await waitFor(() => muxs.of("dnmsg")[0], "the dnmsg");
    assert.strictEqual(rawInteger(dn.text, "xtime"), XTIME, "xtime echoed to the last bit");
    const m = dn.msg;
    assert.deepStrictEqual([m.dC, m.RxDelay, m.RX1DR, m.RX1Freq, m.RX2DR, m.RX2Freq, m.rctx, m.pdu], [0, 1, 5, 868_100_000, 0, 869_525_000, 1, down.toString("hex").toUpperCase()]);
    assert.strictEqual(m.DevEui, tag.devEui.match(/../g)!.join("-"));
    muxs.send(dntxedFor(m, dn.text, XTIME + 1_000_000n));
    const confirmation = await sent;
    assert.strictEqual(confirmation.diid, BigInt(m.diid as number));
    assert.strictEqual(confirmation.xtime, XTIME + 1_000_000n);
  });

  it("answers timesync with the station's txtime and GPS time; refuses a downlink to a station not connected or without a device EUI", async function () {
    await start();
    const { muxs } = await connectStation();
    muxs.send({ msgtype: "timesync", txtime: 1234.25 });
    const ts = await waitFor(() => muxs.of("timesync")[0], "the timesync answer");
    assert.strictEqual(ts.msg.txtime, 1234.25);
    const gps = rawInteger(ts.text, "gpstime")!;
    const expectedGps = BigInt(Date.now() - Date.UTC(1980, 0, 6) + 18000) * 1000n;
    assert.ok(gps > expectedGps - 5_000_000n && gps <= expectedGps, `gpstime ${gps} µs`);
    const txpk = { imme: true, freq: 869.525, rfch: 0, powe: 14, modu: "LORA" as const, datr: "SF12BW125", codr: "4/5", ipol: true, size: 1, data: "AQ==" };
    await assert.rejects(server!.transmit("0000000000000009", { txpk, devEui: tag.devEui }), /not connected/);
    await assert.rejects(server!.transmit("B827EBFFFE000001", { txpk, devEui: "" }), /needs the device's EUI/);
    await assert.rejects(server!.transmit("B827EBFFFE000001", { txpk: { ...txpk, imme: false, tmst: 5 }, devEui: tag.devEui }), /no uplink of this station/);
  });

  it("counts garbage, unknown messages and binary frames and keeps the station; closes an oversized message (1009)", async function () {
    await start({ maxMessageBytes: 2048 });
    const { muxs } = await connectStation();
    muxs.send("{not json");
    muxs.send({ msgtype: "updf", MHdr: 64 });
    muxs.send({ msgtype: "event", evcat: "x" });
    muxs.ws.send(Buffer.from([1, 2, 3]));
    await waitFor(() => malformed.length === 4, "four malformed reports");
    assert.match(malformed[0], /malformed JSON/);
    assert.match(malformed[1], /DevAddr/);
    assert.match(malformed[2], /msgtype event is not handled/);
    assert.match(malformed[3], /binary frame/);
    muxs.send(uplinkMessage(buildUplink(tag, 7, 1, Buffer.from([1])), { dr: 0, freqHz: 868_500_000, xtime: 99n }));
    await waitFor(() => frames.length === 1, "the station still heard after the garbage");
    muxs.send({ msgtype: "version", station: "x".repeat(4000) });
    await waitFor(() => muxs.closed, "closed for the oversized message");
    assert.strictEqual(muxs.closed!.code, 1009);
    await waitFor(() => server!.stations.length === 0, "the session released");
  });

  it("takes 3,000 fuzzed messages on a live connection (mutated updf, random JSON, text) without an error of its own, and the station still works", async function () {
    await start();
    const { muxs } = await connectStation();
    const real = JSON.parse(stationJson(uplinkMessage(buildUplink(tag, 8, 1, Buffer.from([9])), { dr: 2, freqHz: 868_100_000, xtime: 5n }))) as Record<string, unknown>;
    const keys = [...Object.keys(real), "msgtype", "upinfo"];
    const text = fc.oneof(
      fc.tuple(fc.constantFrom(...keys), fc.jsonValue()).map(([k, v]) => JSON.stringify({ ...real, [k]: v })),
      fc.tuple(fc.constantFrom("updf", "jreq", "propdf", "dntxed", "timesync", "version"), fc.jsonValue()).map(([t, v]) => JSON.stringify({ msgtype: t, upinfo: v, diid: v, txtime: v })),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 200 }),
    );
    const samples = fc.sample(text, { numRuns: 3000, seed: 19 });
    for (const t of samples) muxs.ws.send(t);
    muxs.send({ msgtype: "timesync", txtime: 42 });
    await waitFor(() => muxs.of("timesync").some((r) => r.msg.txtime === 42), "the station answered after the fuzz", { timeoutMs: 20000 });
    assert.deepStrictEqual(malformed.filter((m) => m.startsWith("ERROR")), [], "a fuzzed message became an error of the server");
    assert.ok(muxs.ws.readyState === WebSocket.OPEN, "the connection kept");
    const session = server!.station("B827EBFFFE000001")!;
    assert.ok(session.heard.length <= 64, `${session.heard.length} uplinks remembered: bounded`);
    const before = frames.length;
    muxs.send(uplinkMessage(buildUplink(tag, 9, 1, Buffer.from([9])), { dr: 2, freqHz: 868_100_000, xtime: 6n }));
    await waitFor(() => frames.length > before, "a real frame after the fuzz");
  });

  it("bounds the stations, closes one that never says version, drops one that stops answering pings, and lets a station reconnect over itself", async function () {
    await start({ maxStations: 2, helloTimeoutMs: 500, pingIntervalMs: 200 });
    const a = await connectStation("ws", {}, 1n);
    await connectStation("ws", {}, 2n);
    await assert.rejects(StationSocket.open(`ws://127.0.0.1:${port}/router-0000000000000003`), /HTTP 503/);
    const again = await connectStation("ws", {}, 1n);
    await waitFor(() => a.muxs.closed, "the older connection of station 1 closed");
    assert.deepStrictEqual(server!.stations.sort(), ["0000000000000001", "0000000000000002"]);
    assert.ok(again.muxs.ws.readyState === WebSocket.OPEN);
    await Promise.all(sockets.map((s) => s.close()));
    await waitFor(() => server!.stations.length === 0, "both released");

    const silent = await open(`ws://127.0.0.1:${port}/router-0000000000000004`);
    await waitFor(() => silent.closed, "closed without a version message");
    assert.strictEqual(silent.closed!.code, 1008);
    const deaf = new WebSocket(`ws://127.0.0.1:${port}/router-0000000000000005`, { autoPong: false });
    const deafClosed = new Promise<number>((resolve) => deaf.on("close", (code) => resolve(code)));
    await new Promise((resolve) => deaf.once("open", resolve));
    deaf.send(JSON.stringify(versionMessage()));
    await waitFor(() => server!.stations.includes("0000000000000005"), "the deaf station connected");
    assert.strictEqual(await deafClosed, 1006, "terminated after a ping without pong");
    await waitFor(() => server!.stations.length === 0, "its session released");
    await assert.rejects(StationSocket.open(`ws://127.0.0.1:${port}/somewhere`), /HTTP 404/);
    await assert.rejects(StationSocket.open(`ws://127.0.0.1:${port}/router-%E0%A4%A`), /HTTP 404/, "a malformed escape is no EUI");
    assert.deepStrictEqual(malformed.filter((m) => m.startsWith("ERROR")), [], "nothing a peer sent became an error of the server");
  });

  it("requires the station's token when one is set, serves wss:// with an openssl certificate, and frees its port on close", async function () {
    const openssl = requireBinary("openssl");
    const dir = tempDir("lns-tls");
    const key = path.join(dir, "key.pem");
    const cert = path.join(dir, "cert.pem");
    const made = spawnSync(openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { encoding: "utf8" });
    assert.strictEqual(made.status, 0, made.stderr);
    const pem = fs.readFileSync(cert, "utf8");
    await start({ tls: { cert: pem, key: fs.readFileSync(key, "utf8") }, authorization: "Bearer NNSXS.secret" });
    await assert.rejects(StationSocket.open(`wss://127.0.0.1:${port}/router-info`, { ca: pem }), /HTTP 401/);
    await assert.rejects(StationSocket.open(`wss://127.0.0.1:${port}/router-info`, { ca: pem, headers: { Authorization: "Bearer wrong" } }), /HTTP 401/);
    const { answer, rc } = await connectStation("wss", { ca: pem, headers: { Authorization: "Bearer NNSXS.secret" } });
    assert.match(answer.uri, /^wss:\/\/127\.0\.0\.1:\d+\/router-B827EBFFFE000001$/);
    assert.strictEqual(rc.msgtype, "router_config");
    await server!.close();
    server = undefined;
    await waitFor(() => sockets.every((s) => s.closed), "every station closed by the server");
    const again = new LnsServer({ port, address: "127.0.0.1", region: REGIONS.US915, dedupWindowMs: 0, dntxedTimeoutMs: 100 });
    assert.strictEqual(await again.listen(), port, "the port is free again");
    await again.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
