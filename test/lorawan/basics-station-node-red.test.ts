/**
 * LoRa Basics Station gateways through a real Node-RED (a child process loading the built pack), EU868 and US915
 * side by side: discovery, the muxs connection, router_config, a confirmed uplink as an encrypted frame built by
 * lora-packet, its event out of edge-lorawan-uplink, the ACK as a dnmsg with the region's RX1 and RX2 parameters
 * and the uplink's xtime, dntxed completing the gateway node; and a hostile peer that Node-RED survives.
 *
 * Debian packages no Basics Station binary, so the station is a protocol-exact client (basics-station-client.ts,
 * written from lorabasics/basicstation 2.0.6's tc.c, s2e.c and lora.c); the shapes it checks are those of the LNS
 * protocol documentation (doc.sm.tc/station/tcproto.html) and of Semtech's own test LNS (pysys/tcutils.py).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import lora from "lora-packet";
import { ensureBuilt, linkPack } from "../harness/build";
import { startNodeRed, NodeRedProcess } from "../harness/node-red-process";
import { httpRequest, tempDir } from "../harness/peers";
import { freeTcpPort, freeUdpPort } from "../harness/ports";
import { waitFor } from "../harness/wait";
import { buildUplink, demoKeys, encodeTemperatureHumidityLpp } from "../../lib/sim/lorawan-tag";
import { dntxedFor, id6Of, rawInteger, StationSocket, uplinkMessage, versionMessage } from "./basics-station-client";

type Line = { topic?: string; payload?: Record<string, unknown>; gatewayEui?: string; lorawan?: Record<string, unknown>; error?: { message?: string }; node?: string };

const otaa = { name: "freezer-otaa", devEui: "70B3D57ED0051919", joinEui: "70B3D57ED0000000", codec: "cayenne-lpp", region: "EU868" };
const appKey = "2B7E151628AED2A6ABF7158809CF4F3C";
const classC = demoKeys(19, "store-019-buzzer-c");

const regions = {
  EU868: { tag: demoKeys(19, "store-019-coldroom-eu"), station: 0xb827ebfffe190001n },
  US915: { tag: demoKeys(19, "store-019-coldroom-us"), station: 0xb827ebfffe190002n },
};

describe("Basics Station gateways through a real Node-RED", function () {
  this.timeout(120000);
  let red: NodeRedProcess;
  let userDir: string;
  let logFile: string;
  const ports: Record<string, number> = {};
  const sockets: StationSocket[] = [];

  const lines = (): Line[] =>
    fs.existsSync(logFile)
      ? fs
          .readFileSync(logFile, "utf8")
          .split("\n")
          .filter((l) => l.length > 0)
          .map((l) => JSON.parse(l) as Line)
      : [];

  function gatewayFlow(region: keyof typeof regions, stationPort: number, udpPort: number) {
    const { tag } = regions[region];
    const device = { name: `coldroom-${region.toLowerCase()}`, devEui: tag.devEui, devAddr: tag.devAddr, codec: "cayenne-lpp", region };
    const buzzer = { name: "buzzer-c", devEui: classC.devEui, devAddr: classC.devAddr, codec: "cayenne-lpp", region, class: "C" };
    const devices = region === "EU868" ? [device, otaa, buzzer] : [device];
    const keys = { [tag.devEui]: { nwkSKey: tag.nwkSKey, appSKey: tag.appSKey }, ...(region === "EU868" ? { [otaa.devEui]: { appKey }, [classC.devEui]: { nwkSKey: classC.nwkSKey, appSKey: classC.appSKey } } : {}) };
    return [
      { id: `keys-${region}`, type: "edge-lorawan-keys", source: "table", devices: JSON.stringify(devices), region, codecs: "[]", counterFile: "none", credentials: { keys: JSON.stringify(keys) } },
      {
        id: `gw-${region}`,
        type: "edge-lorawan-gateway",
        z: "tab1",
        port: String(udpPort),
        address: "127.0.0.1",
        dedupWindowMs: "0",
        txAckTimeoutMs: "3000",
        stationEnabled: true,
        stationPort: String(stationPort),
        stationRegion: region,
        stationSubBand: "2",
        stationNetIds: "",
        stationJoinEuis: "",
        wires: [[`up-${region}`], ["log"]],
      },
      { id: `up-${region}`, type: "edge-lorawan-uplink", z: "tab1", keys: `keys-${region}`, wires: [["log"], ["log"], [`gw-${region}`, "log"]] },
      { id: `inject-${region}`, type: "inject", z: "tab1", props: [{ p: "payload" }, { p: "devEui", v: classC.devEui, vt: "str" }], payload: "[3,1,1]", payloadType: "json", repeat: "", once: false, wires: [[`down-${region}`]] },
      { id: `down-${region}`, type: "edge-lorawan-downlink", z: "tab1", keys: `keys-${region}`, format: "raw", fPort: "10", rx1BudgetMs: "0", wires: [[`gw-${region}`]] },
    ];
  }

  before(async function () {
    ensureBuilt();
    userDir = tempDir("station-red");
    linkPack(userDir);
    logFile = path.join(userDir, "log.jsonl");
    for (const r of Object.keys(regions)) ports[r] = await freeTcpPort();
    const serialise = "msg.payload = JSON.stringify({ topic: msg.topic, payload: msg.payload, gatewayEui: msg.gatewayEui, lorawan: msg.lorawan, error: msg.error, node: msg.completedBy }); return msg;";
    const flows = [
      { id: "tab1", type: "tab", label: "stations" },
      ...gatewayFlow("EU868", ports.EU868, await freeUdpPort()),
      ...gatewayFlow("US915", ports.US915, await freeUdpPort()),
      { id: "log", type: "function", z: "tab1", func: serialise, outputs: 1, wires: [["file"]] },
      { id: "caught", type: "catch", z: "tab1", scope: null, uncaught: false, wires: [["log"]] },
      { id: "completed", type: "complete", z: "tab1", scope: ["gw-EU868", "gw-US915"], uncaught: false, wires: [["mark"]] },
      { id: "mark", type: "change", z: "tab1", rules: [{ t: "set", p: "completedBy", pt: "msg", to: "gateway", tot: "str" }, { t: "set", p: "topic", pt: "msg", to: "completed", tot: "str" }], wires: [["log"]] },
      { id: "file", type: "file", z: "tab1", filename: logFile, filenameType: "str", appendNewline: true, createDir: true, overwriteFile: "false", encoding: "none", wires: [[]] },
    ];
    // a node without x and y is taken for a config node
    const placed = flows.map((n, i) => ("z" in n ? { x: 100 + 10 * i, y: 100 + 10 * i, ...n } : n));
    red = await startNodeRed({ userDir, flows: [] });
    await red.deploy(placed);
    await waitFor(() => /Started flows/.test(red.output()), "the flows started", { timeoutMs: 30000 });
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(red.output().slice(-3000));
  });

  after(async function () {
    await Promise.all(sockets.map((s) => s.close()));
    await red?.stop();
  });

  async function connect(region: keyof typeof regions) {
    const port = ports[region];
    const info = await waitFor(() => StationSocket.open(`ws://127.0.0.1:${port}/router-info`), `the ${region} LNS listening`, { timeoutMs: 20000, intervalMs: 200 });
    sockets.push(info);
    info.send({ router: id6Of(regions[region].station) });
    await waitFor(() => info.received.length === 1 && info.closed, "the router-info answer");
    const answer = info.received[0].msg as { router: string; uri: string; error?: string };
    assert.strictEqual(answer.error, undefined);
    assert.strictEqual(answer.router, id6Of(regions[region].station));
    const muxs = await StationSocket.open(answer.uri);
    sockets.push(muxs);
    muxs.send(versionMessage());
    const rc = (await waitFor(() => muxs.of("router_config")[0], `the ${region} router_config`)).msg;
    return { muxs, rc };
  }

  /** a confirmed uplink of the region's tag through its station; resolves with the dnmsg that acknowledges it */
  async function confirmedUplink(region: keyof typeof regions, muxs: StationSocket, rx: { dr: number; freqHz: number; xtime: bigint }, fCnt: number) {
    const phy = buildUplink(regions[region].tag, fCnt, 1, encodeTemperatureHumidityLpp(region === "EU868" ? 3.5 : -18.5, 55), { confirmed: true });
    muxs.send(uplinkMessage(phy, { ...rx, rctx: 0n, rssi: -88, snr: 9 }));
    return waitFor(() => muxs.of("dnmsg")[0], `the ${region} dnmsg`);
  }

  function checkAck(region: keyof typeof regions, pduHex: string) {
    const { tag } = regions[region];
    const frame = lora.fromWire(Buffer.from(pduHex, "hex"));
    assert.strictEqual(frame.getMType(), "Unconfirmed Data Down");
    assert.strictEqual(frame.getFCtrlACK(), true, "FCtrl.ACK: it answers the confirmed uplink");
    assert.strictEqual(frame.getBuffers().DevAddr!.toString("hex").toUpperCase(), tag.devAddr);
    assert.ok(lora.verifyMIC(frame, Buffer.from(tag.nwkSKey, "hex")), "MIC under the device's NwkSKey");
  }

  it("EU868: router_config as documented, the confirmed uplink's event, its ACK as dnmsg in RX1 (RX2 869.525 MHz SF12), dntxed completing the gateway", async function () {
    const { muxs, rc } = await connect("EU868");
    assert.deepStrictEqual(Object.keys(rc).sort(), ["DRs", "JoinEui", "MuxTime", "NetID", "freq_range", "hwspec", "msgtype", "region", "sx1301_conf"]);
    assert.deepStrictEqual([rc.region, rc.hwspec, rc.freq_range, (rc.DRs as unknown[]).length], ["EU868", "sx1301/1", [863_000_000, 870_000_000], 16]);
    const xtime = (0x11n << 56n) | 5_000_000_123n;
    const dn = await confirmedUplink("EU868", muxs, { dr: 3, freqHz: 868_300_000, xtime }, 1);
    const m = dn.msg;
    assert.deepStrictEqual(
      { dC: m.dC, RxDelay: m.RxDelay, RX1DR: m.RX1DR, RX1Freq: m.RX1Freq, RX2DR: m.RX2DR, RX2Freq: m.RX2Freq, DevEui: m.DevEui },
      { dC: 0, RxDelay: 1, RX1DR: 3, RX1Freq: 868_300_000, RX2DR: 0, RX2Freq: 869_525_000, DevEui: regions.EU868.tag.devEui.match(/../g)!.join("-") },
    );
    assert.strictEqual(rawInteger(dn.text, "xtime"), xtime, "the uplink's xtime, to the last bit");
    checkAck("EU868", m.pdu as string);
    const event = await waitFor(() => lines().find((l) => l.topic === "edge/lorawan/coldroom-eu868"), "the uplink event");
    const lw = (event.payload as { metadata: { lorawan: Record<string, unknown> } }).metadata.lorawan;
    assert.strictEqual(lw.confirmed, true);
    assert.strictEqual(lw.fCnt, 1);
    const readings = (event.payload as { readings: Array<{ resourceName: string; value: number }> }).readings;
    assert.strictEqual(readings.find((r) => r.resourceName === "temperature_1")?.value, 3.5);
    assert.ok(!lines().some((l) => l.topic === "completed"), "the gateway node completes on dntxed, not before");
    muxs.send(dntxedFor(m, dn.text, xtime + 1_000_000n));
    await waitFor(() => lines().some((l) => l.topic === "completed"), "the gateway node completing the ACK");
    const tx = lines().find((l) => l.topic === `lorawan/gateway/${"b827ebfffe190001"}/dntxed`)!;
    assert.strictEqual(tx.payload!.diid, m.diid);
    assert.strictEqual(tx.payload!.xtime, (xtime + 1_000_000n).toString());
    assert.ok(lines().some((l) => l.topic === "lorawan/gateway/b827ebfffe190001/station" && l.payload!.state === "connected"));
  });

  it("US915: sub-band 2 in router_config, the ACK in RX1 on the 500 kHz downlink channel (DR10, 923.9 MHz for channel 9), RX2 923.3 MHz DR8", async function () {
    const { muxs, rc } = await connect("US915");
    assert.deepStrictEqual([rc.region, rc.freq_range], ["US915", [902_000_000, 928_000_000]]);
    assert.deepStrictEqual((rc.DRs as unknown[])[10], [10, 500, 1]);
    const xtime = (0x22n << 56n) | 7_000_000_000n;
    const dn = await confirmedUplink("US915", muxs, { dr: 0, freqHz: 904_100_000, xtime }, 1);
    const m = dn.msg;
    assert.deepStrictEqual([m.RxDelay, m.RX1DR, m.RX1Freq, m.RX2DR, m.RX2Freq], [1, 10, 923_900_000, 8, 923_300_000]);
    assert.strictEqual(rawInteger(dn.text, "xtime"), xtime);
    checkAck("US915", m.pdu as string);
    await waitFor(() => lines().some((l) => l.topic === "edge/lorawan/coldroom-us915"), "the US915 event");
    muxs.send(dntxedFor(m, dn.text, xtime + 1_000_000n));
    await waitFor(() => lines().filter((l) => l.topic === "completed").length === 2, "the US915 ACK completed");
  });

  it("EU868: an OTAA device joins through the station (jreq → Join-accept as dnmsg, RxDelay 5 with RX2) and its first uplink is an event", async function () {
    const muxs = sockets.find((s) => s.of("router_config")[0]?.msg.region === "EU868")!;
    const before = muxs.of("dnmsg").length;
    const joinRequest = lora.fromFields({ MType: "Join Request", AppEUI: Buffer.from(otaa.joinEui, "hex"), DevEUI: Buffer.from(otaa.devEui, "hex"), DevNonce: Buffer.from("00b1", "hex") }, undefined, undefined, Buffer.from(appKey, "hex")).getPHYPayload() as Buffer;
    const message = uplinkMessage(joinRequest, { dr: 5, freqHz: 868_500_000, xtime: (0x11n << 56n) | 20_000_000_000n });
    assert.strictEqual(message.msgtype, "jreq");
    muxs.send(message);
    const dn = await waitFor(() => muxs.of("dnmsg")[before], "the Join-accept as dnmsg");
    const m = dn.msg;
    assert.deepStrictEqual([m.dC, m.RxDelay, m.RX1DR, m.RX1Freq, m.RX2DR, m.RX2Freq, m.DevEui], [0, 5, 5, 868_500_000, 0, 869_525_000, otaa.devEui.match(/../g)!.join("-")]);
    const accept = lora.fromWire(lora.decryptJoinAccept(lora.fromWire(Buffer.from(m.pdu as string, "hex")), Buffer.from(appKey, "hex")));
    assert.ok(lora.verifyMIC(accept, undefined, Buffer.from(appKey, "hex")), "the Join-accept's MIC under the AppKey");
    muxs.send(dntxedFor(m, dn.text, ((0x11n << 56n) | 20_000_000_000n) + 5_000_000n));
    const f = accept.getBuffers();
    const session = lora.generateSessionKeys(Buffer.from(appKey, "hex"), f.NetID!, f.AppNonce!, Buffer.from("00b1", "hex"));
    const keys = { devEui: otaa.devEui, devAddr: f.DevAddr!.toString("hex").toUpperCase(), nwkSKey: session.NwkSKey.toString("hex"), appSKey: session.AppSKey.toString("hex") };
    muxs.send(uplinkMessage(buildUplink(keys, 1, 1, encodeTemperatureHumidityLpp(-19.5, 40)), { dr: 5, freqHz: 868_100_000, xtime: (0x11n << 56n) | 30_000_000_000n }));
    const event = await waitFor(() => lines().find((l) => l.topic === "edge/lorawan/freezer-otaa"), "the joined device's first uplink");
    assert.strictEqual((event.payload as { deviceName: string }).deviceName, "freezer-otaa");
  });

  it("EU868: a Class C downlink from edge-lorawan-downlink goes at once as dnmsg dC 2 on RX2 parameters, through the antenna that heard the device", async function () {
    const muxs = sockets.find((s) => s.of("router_config")[0]?.msg.region === "EU868")!;
    const before = muxs.of("dnmsg").length;
    muxs.send(uplinkMessage(buildUplink(classC, 1, 1, encodeTemperatureHumidityLpp(4, 50)), { dr: 4, freqHz: 868_300_000, xtime: (0x11n << 56n) | 40_000_000_000n, rctx: 1n }));
    await waitFor(() => lines().some((l) => l.topic === "edge/lorawan/buzzer-c"), "the Class C device heard");
    const res = await httpRequest("POST", `${red.url}/inject/inject-EU868`);
    assert.strictEqual(res.status, 200, res.body);
    const dn = await waitFor(() => muxs.of("dnmsg")[before], "the Class C dnmsg");
    const m = dn.msg;
    assert.deepStrictEqual([m.dC, m.RX2DR, m.RX2Freq, m.RX1DR, m.RX1Freq, m.xtime, m.rctx], [2, 0, 869_525_000, undefined, undefined, undefined, 1]);
    const frame = lora.fromWire(Buffer.from(m.pdu as string, "hex"));
    assert.deepStrictEqual([...lora.decrypt(frame, Buffer.from(classC.appSKey, "hex"), Buffer.from(classC.nwkSKey, "hex"))], [3, 1, 1]);
    const completedBefore = lines().filter((l) => l.topic === "completed").length;
    muxs.send(dntxedFor(m, dn.text, (0x11n << 56n) | 41_000_000_000n));
    await waitFor(() => lines().filter((l) => l.topic === "completed").length === completedBefore + 1, "the Class C downlink completed on dntxed");
  });

  it("survives a hostile peer: garbage, unknown messages and a flood are counted and warned about once; the station keeps working", async function () {
    const muxs = sockets.find((s) => s.of("router_config")[0]?.msg.region === "EU868")!;
    for (let i = 0; i < 50; i++) muxs.send("{garbage");
    muxs.send({ msgtype: "nonsense" });
    const bogus = await StationSocket.open(`ws://127.0.0.1:${ports.EU868}/router-info`);
    sockets.push(bogus);
    bogus.send({ router: "not an eui" });
    await waitFor(() => bogus.received.length === 1, "an error answer to the bogus discovery");
    assert.match(String(bogus.received[0].msg.error), /malformed router-info request/);
    assert.strictEqual(typeof bogus.received[0].msg.router, "string", "router as a string: the station reads it with uj_str");
    await waitFor(() => /msgtype nonsense is not handled/.test(red.output()), "the unknown msgtype warned about");
    assert.strictEqual((red.output().match(/malformed JSON/g) ?? []).length, 1, "fifty identical refusals, one warning");
    const xtime = (0x11n << 56n) | 9_000_000_000n;
    const before = muxs.of("dnmsg").length;
    muxs.send(uplinkMessage(buildUplink(regions.EU868.tag, 2, 1, encodeTemperatureHumidityLpp(3.7, 55), { confirmed: true }), { dr: 5, freqHz: 868_100_000, xtime }));
    await waitFor(() => muxs.of("dnmsg").length === before + 1, "the next ACK after the garbage");
    assert.strictEqual(muxs.of("dnmsg")[before].msg.RX1DR, 5);
    const health = await red.getJson("/settings");
    assert.ok(health, "Node-RED still answers");
  });
});
