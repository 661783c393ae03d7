/**
 * The plain modules of the Basics Station LNS (lib/lorawan/basics-station/), alone: 64-bit JSON, EUI spellings,
 * uplink messages put back into the frame lora-packet built, router_config against the documented examples
 * (Semtech's own test LNS, pysys/tcutils.py of lorabasics/basicstation), dnmsg from the txpk the downlink path
 * builds, the station registry's bounds, and a fuzz of the JSON a peer may send.
 */
import * as assert from "assert";
import fc from "fast-check";
import lora from "lora-packet";
import { buildUplink, demoKeys, encodeTemperatureHumidityLpp } from "../../lib/sim/lorawan-tag";
import { parseStationJson, stringifyStationJson, int64, StationJsonError } from "../../lib/lorawan/basics-station/station-json";
import { euiDashed, euiHex, id6, parseEui } from "../../lib/lorawan/basics-station/eui";
import { parseRouterInfoRequest, parseStationMessage, StationMessageError, StationUplink } from "../../lib/lorawan/basics-station/lns-messages";
import { routerConfig, RouterConfigError, sx1301Conf } from "../../lib/lorawan/basics-station/router-config";
import { dnmsgFor, DnmsgError, HeardUplink, tmstOf } from "../../lib/lorawan/basics-station/dnmsg";
import { StationLimitError, StationRegistry } from "../../lib/lorawan/basics-station/station-registry";
import { normalisePem, stationSettings, StationSettingsError } from "../../lib/lorawan/basics-station/station-settings";
import { REGIONS, rx1Parameters, rx2Parameters } from "../../lib/lorawan/regions";
import type { Txpk } from "../../lib/lorawan/packet-forwarder";
import { dashed, stationJson, uplinkMessage } from "./basics-station-client";

const tag = demoKeys(7, "store-001-coldroom-07");
/** an xtime as a station writes it: session id 0x15 in the top byte, so beyond a double's 53 bits */
const XTIME = (0x15n << 56n) | 0x0000_0012_3456_7890n;

describe("Basics Station LNS: plain modules", function () {
  describe("64-bit JSON", function () {
    it("reads xtime exactly (a double would round it) and writes it back as a bare integer", function () {
      const text = `{"msgtype":"updf","upinfo":{"xtime":${XTIME},"rctx":0},"note":"12345678901234567890 in a string"}`;
      const o = parseStationJson(text, 4096) as { upinfo: { xtime: unknown; rctx: unknown }; note: string };
      assert.strictEqual(int64(o.upinfo.xtime), XTIME);
      assert.strictEqual(int64(o.upinfo.rctx), 0n);
      assert.strictEqual(o.note, "12345678901234567890 in a string", "digits inside a string are left alone");
      const out = stringifyStationJson({ xtime: XTIME, list: [[1n, (1n << 64n) - 1n]], s: "x" });
      assert.strictEqual(out, `{"xtime":${XTIME},"list":[[1,18446744073709551615]],"s":"x"}`);
    });

    it("leaves fractions, exponents and escaped quotes alone, and refuses what is not JSON or too big", function () {
      const o = parseStationJson(String.raw`{"a":1234567890123456.5,"b":1e300,"c":"\"9999999999999999\"","d":-12345678901234567}`, 4096) as Record<string, unknown>;
      assert.strictEqual(o.a, 1234567890123456.5);
      assert.strictEqual(o.b, 1e300);
      assert.strictEqual(o.c, '"9999999999999999"');
      assert.strictEqual(int64(o.d), -12345678901234567n);
      assert.throws(() => parseStationJson("{", 4096), StationJsonError);
      assert.throws(() => parseStationJson(`{"a":"${"x".repeat(5000)}"}`, 4096), /size limit/);
    });
  });

  describe("EUIs", function () {
    it("reads every spelling the station uses and writes ID6 the way its encoder does", function () {
      const eui = 0xb827ebfffe611234n;
      for (const s of ["b827:ebff:fe61:1234", "B8-27-EB-FF-FE-61-12-34", "b8:27:eb:ff:fe:61:12:34", "B827EBFFFE611234"]) assert.strictEqual(parseEui(s), eui, s);
      assert.strictEqual(parseEui(1), 1n);
      assert.strictEqual(parseEui("::1"), 1n);
      assert.strictEqual(parseEui("1::"), 1n << 48n);
      assert.strictEqual(parseEui("1::2"), (1n << 48n) | 2n);
      for (const bad of ["", "xyz", "1:2:3", "1::2::3", "1:2:3:4:5", -1, 1.5, "12345"]) assert.strictEqual(parseEui(bad), undefined, String(bad));
      // the four cases of uj.c's encId6
      assert.deepStrictEqual([id6(eui), id6(1n), id6(0x10002n), id6(1n << 48n), id6((1n << 48n) | (2n << 32n)), id6((1n << 48n) | 5n)], ["b827:ebff:fe61:1234", "::1", "::1:2", "1::", "1:2::", "1::5"]);
      assert.strictEqual(euiHex(1n), "0000000000000001");
      assert.strictEqual(euiDashed(eui), "B8-27-EB-FF-FE-61-12-34");
    });

    it("reads the EUI of a router-info request", function () {
      assert.strictEqual(parseRouterInfoRequest('{"router":"b827:ebff:fe61:1234"}', 1024), 0xb827ebfffe611234n);
      assert.strictEqual(parseRouterInfoRequest('{"router":13269477968413954612}', 1024), 13269477968413954612n);
      assert.throws(() => parseRouterInfoRequest('{"router":"nope"}', 1024), StationMessageError);
    });
  });

  describe("uplink messages", function () {
    const roundTrip = (phy: Buffer) => {
      const msg = parseStationMessage(stationJson(uplinkMessage(phy, { dr: 3, freqHz: 868_100_000, xtime: XTIME, rctx: 1n, rssi: -97, snr: 8.5 })), 4096) as StationUplink;
      return msg;
    };

    it("puts a confirmed updf back into the very frame lora-packet built (MIC, FCnt, FPort, encrypted payload)", function () {
      const phy = buildUplink(tag, 0x1234, 5, encodeTemperatureHumidityLpp(3.5, 61), { confirmed: true });
      const msg = roundTrip(phy);
      assert.strictEqual(msg.msgtype, "updf");
      assert.deepStrictEqual(msg.phyPayload, phy);
      assert.ok(lora.verifyMIC(lora.fromWire(msg.phyPayload), Buffer.from(tag.nwkSKey, "hex")));
      assert.deepStrictEqual([msg.dr, msg.freqHz, msg.upinfo.xtime, msg.upinfo.rctx, msg.upinfo.rssi, msg.upinfo.snr], [3, 868_100_000, XTIME, 1n, -97, 8.5]);
    });

    it("keeps FOpts, a DevAddr with its top bit set (negative as the station writes it) and a frame without FPort", function () {
      const withOpts = lora.fromFields({ MType: "Unconfirmed Data Up", DevAddr: Buffer.from("F1020304", "hex"), FCnt: 9, FOpts: Buffer.from("0203", "hex"), FCtrl: { ADR: true }, payload: Buffer.alloc(0) }, Buffer.from(tag.appSKey, "hex"), Buffer.from(tag.nwkSKey, "hex")).getPHYPayload() as Buffer;
      const message = uplinkMessage(withOpts, { dr: 0, freqHz: 868_500_000, xtime: 1n });
      assert.ok((message.DevAddr as number) < 0, "the station's signed DevAddr");
      assert.strictEqual(message.FPort, -1);
      assert.deepStrictEqual(roundTrip(withOpts).phyPayload, withOpts);
    });

    it("puts a jreq back into the Join-request", function () {
      const jr = lora.fromFields({ MType: "Join Request", AppEUI: Buffer.from("70B3D57ED0000001", "hex"), DevEUI: Buffer.from(tag.devEui, "hex"), DevNonce: Buffer.from("00a7", "hex") }, undefined, undefined, Buffer.alloc(16, 1)).getPHYPayload() as Buffer;
      const msg = roundTrip(jr);
      assert.strictEqual(msg.msgtype, "jreq");
      assert.deepStrictEqual(msg.phyPayload, jr);
    });

    it("refuses a message whose fields contradict the frame, with the reason", function () {
      const good = uplinkMessage(buildUplink(tag, 1, 1, Buffer.from([1])), { dr: 0, freqHz: 868_100_000, xtime: 1n });
      const refusal = (over: Record<string, unknown>) => {
        try {
          parseStationMessage(stationJson({ ...good, ...over }), 4096);
        } catch (err) {
          assert.ok(err instanceof StationMessageError, String(err));
          return err.message;
        }
        assert.fail(`accepted ${JSON.stringify(over)}`);
      };
      assert.match(refusal({ FOpts: "01" }), /FOpts has 1 bytes, FCtrl says 0/);
      assert.match(refusal({ FPort: -1 }), /FRMPayload without an FPort/);
      assert.match(refusal({ MIC: 2 ** 32 }), /MIC/);
      assert.match(refusal({ upinfo: { rctx: 0 } }), /xtime/);
      assert.match(refusal({ DR: 16 }), /DR/);
      assert.match(refusal({ FRMPayload: "zz" }), /FRMPayload is not hex/);
      assert.match(refusal({ msgtype: 5 }), /no msgtype/);
    });

    it("reads version, dntxed and timesync as the station writes them; another msgtype is reported as such", function () {
      const v = parseStationMessage('{"msgtype":"version","station":"2.0.6(rpi/std)","firmware":null,"package":null,"model":"rpi","protocol":2,"features":"rmtsh gps"}', 4096);
      assert.deepStrictEqual(v, { msgtype: "version", station: "2.0.6(rpi/std)", firmware: undefined, package: undefined, model: "rpi", protocol: 2, features: "rmtsh gps" });
      const tx = parseStationMessage(`{"msgtype":"dntxed","seqno":7,"diid":7,"DR":3,"Freq":868100000,"DevEui":"${dashed(0x70b3d5n)}","rctx":0,"xtime":${XTIME},"txtime":1764640000.5,"gpstime":0}`, 4096);
      assert.deepStrictEqual(tx, { msgtype: "dntxed", diid: 7n, devEui: 0x70b3d5n, xtime: XTIME, rctx: 0n, txtime: 1764640000.5, gpstime: 0n });
      assert.deepStrictEqual(parseStationMessage('{"msgtype":"timesync","txtime":1234.5}', 4096), { msgtype: "timesync", txtime: 1234.5 });
      assert.deepStrictEqual(parseStationMessage('{"msgtype":"rejoin"}', 4096), { msgtype: "rejoin", other: true });
    });
  });

  describe("router_config", function () {
    /** every enabled channel's frequency, from radio centre + IF */
    const channels = (conf: Record<string, { enable: boolean; radio?: number; if?: number; freq?: number }>) => {
      const out: number[] = [];
      for (const [k, c] of Object.entries(conf)) {
        if (!k.startsWith("chan_multiSF") || !c.enable) continue;
        assert.ok(Math.abs(c.if!) <= 400_000, `${k}: IF ${c.if} beyond an SX1301 radio`);
        out.push(conf[`radio_${c.radio}`].freq! + c.if!);
      }
      return out.sort((a, b) => a - b);
    };

    it("EU868: the data-rate table of Semtech's test LNS, 863–870 MHz, the eight channels and SF7BW250 on the radios", function () {
      const rc = routerConfig(REGIONS.EU868, {}, () => 1_764_640_000_000);
      assert.strictEqual(rc.region, "EU868");
      assert.strictEqual(rc.hwspec, "sx1301/1");
      assert.deepStrictEqual(rc.freq_range, [863_000_000, 870_000_000]);
      // tcutils.py base_regions["EU863"].DRs, but DR7 (FSK, which this pack does not use) undefined
      const documented = [[12, 125, 0], [11, 125, 0], [10, 125, 0], [9, 125, 0], [8, 125, 0], [7, 125, 0], [7, 250, 0], [-1, 0, 0], ...Array(8).fill([-1, 0, 0])];
      assert.deepStrictEqual(rc.DRs, documented);
      const conf = rc.sx1301_conf[0] as Record<string, { enable: boolean; radio?: number; if?: number; freq?: number; bandwidth?: number; spread_factor?: number }>;
      assert.deepStrictEqual(channels(conf), [867.1, 867.3, 867.5, 867.7, 867.9, 868.1, 868.3, 868.5].map((m) => Math.round(m * 1e6)));
      const std = conf.chan_Lora_std;
      assert.deepStrictEqual([conf[`radio_${std.radio}`].freq! + std.if!, std.bandwidth, std.spread_factor], [868_300_000, 250_000, 7]);
      assert.deepStrictEqual(conf.chan_FSK, { enable: false });
      assert.strictEqual(rc.NetID, null, "no NetID filter: every frame");
      assert.strictEqual(rc.JoinEui, null);
      assert.strictEqual(rc.MuxTime, 1_764_640_000);
    });

    it("US915: the data-rate table of Semtech's test LNS exactly, sub-band 2 and its 500 kHz channel", function () {
      const rc = routerConfig(REGIONS.US915, { netIds: [0, 0x13], joinEuiRanges: [[0x70b3d57ed0000000n, 0x70b3d57ed00fffffn]] });
      assert.strictEqual(rc.region, "US915");
      assert.deepStrictEqual(rc.freq_range, [902_000_000, 928_000_000]);
      const documented = [[10, 125, 0], [9, 125, 0], [8, 125, 0], [7, 125, 0], [8, 500, 0], [-1, 0, 0], [-1, 0, 0], [-1, 0, 0], [12, 500, 1], [11, 500, 1], [10, 500, 1], [9, 500, 1], [8, 500, 1], [7, 500, 1], [-1, 0, 0], [-1, 0, 0]];
      assert.deepStrictEqual(rc.DRs, documented);
      const conf = rc.sx1301_conf[0] as Record<string, { enable: boolean; radio?: number; if?: number; freq?: number; bandwidth?: number }>;
      assert.deepStrictEqual(channels(conf), [903.9, 904.1, 904.3, 904.5, 904.7, 904.9, 905.1, 905.3].map((m) => Math.round(m * 1e6)));
      const std = conf.chan_Lora_std;
      assert.deepStrictEqual([conf[`radio_${std.radio}`].freq! + std.if!, std.bandwidth], [904_600_000, 500_000]);
      assert.deepStrictEqual(rc.NetID, [0, 0x13]);
      assert.strictEqual(stringifyStationJson(rc.JoinEui), "[[8121069293711392768,8121069293712441343]]", "JoinEUI ranges as 64-bit integers");
      const sb1 = routerConfig(REGIONS.US915, { subBand: 1 }).sx1301_conf[0] as Record<string, { enable: boolean; radio?: number; if?: number; freq?: number }>;
      assert.deepStrictEqual(channels(sb1)[0], 902_300_000);
    });

    it("AU915 and AS923-1 too; IN865 and AS923-2 are refused with the reason (Basics Station does not know them)", function () {
      assert.strictEqual(routerConfig(REGIONS.AU915).region, "AU915");
      assert.deepStrictEqual(channels(routerConfig(REGIONS.AU915).sx1301_conf[0] as never)[0], 916_800_000);
      const as = routerConfig(REGIONS.AS923);
      assert.strictEqual(as.region, "AS923-1");
      assert.deepStrictEqual(channels(as.sx1301_conf[0] as never), [923_200_000, 923_400_000]);
      assert.throws(() => routerConfig(REGIONS.IN865), (err: Error) => err instanceof RouterConfigError && /no region for IN865/.test(err.message));
      assert.throws(() => routerConfig(REGIONS["AS923-2"]), RouterConfigError);
      assert.throws(() => routerConfig(REGIONS.US915, { subBand: 9 }), /sub-bands 1 to 8/);
      assert.throws(() => sx1301Conf([868_100_000, 869_000_000, 870_000_000]), /do not fit/);
    });
  });

  describe("dnmsg from a txpk", function () {
    const frame = buildUplink(tag, 1, 1, Buffer.from([1]));
    const up: HeardUplink = { tmst: tmstOf(XTIME), xtime: XTIME, rctx: 2n };
    const txpk = (over: Partial<Txpk>): Txpk => ({ imme: false, freq: 868.1, rfch: 0, powe: 14, modu: "LORA", datr: "SF9BW125", codr: "4/5", ipol: true, size: frame.length, data: frame.toString("base64"), ...over });
    const devEui = 0x70b3d5000000abcdn;

    it("EU868 RX1 with the RX2 fallback: RxDelay from the uplink's xtime, DR indexes, Hz, the uplink's xtime and rctx", function () {
      const rx1 = rx1Parameters(REGIONS.EU868, 868_100_000, "SF9BW125")!;
      const rx2 = rx2Parameters(REGIONS.EU868)!;
      const m = dnmsgFor(REGIONS.EU868, { txpk: txpk({ tmst: (up.tmst + 1_000_000) >>> 0, freq: rx1.frequencyHz / 1e6, datr: rx1.datr }), fallback: txpk({ tmst: (up.tmst + 2_000_000) >>> 0, freq: rx2.frequencyHz / 1e6, datr: rx2.datr }), devEui }, [up], 0n, 42, () => 1000);
      assert.deepStrictEqual(m, { msgtype: "dnmsg", DevEui: "70-B3-D5-00-00-00-AB-CD", diid: 42, pdu: frame.toString("hex").toUpperCase(), priority: 0, MuxTime: 1, dC: 0, RxDelay: 1, RX1DR: 3, RX1Freq: 868_100_000, RX2DR: 0, RX2Freq: 869_525_000, xtime: XTIME, rctx: 2n });
    });

    it("US915 RX1 on the 500 kHz downlink channel (DR10 for a DR0 uplink on channel 0) and a Join-accept 5 s after", function () {
      const rx1 = rx1Parameters(REGIONS.US915, 902_300_000, "SF10BW125")!;
      const m = dnmsgFor(REGIONS.US915, { txpk: txpk({ tmst: (up.tmst + 5_000_000) >>> 0, freq: rx1.frequencyHz / 1e6, datr: rx1.datr }), devEui }, [up], 0n, 1);
      assert.deepStrictEqual([m.RxDelay, m.RX1DR, m.RX1Freq, m.RX2DR], [5, 10, 923_300_000, undefined]);
    });

    it("RX2 alone, Class C at once with the last antenna, and the uplink found across the 32-bit wrap", function () {
      const wrapped: HeardUplink = { tmst: 0xffff0000, xtime: (1n << 32n) - 0x10000n, rctx: 0n };
      const rx2 = dnmsgFor(REGIONS.EU868, { txpk: txpk({ tmst: (wrapped.tmst + 2_000_000) >>> 0, freq: 869.525, datr: "SF12BW125" }), window: "rx2", devEui }, [up, wrapped], 0n, 2);
      assert.deepStrictEqual([rx2.RxDelay, rx2.RX1DR, rx2.RX2DR, rx2.RX2Freq, rx2.xtime], [1, undefined, 0, 869_525_000, wrapped.xtime]);
      const c = dnmsgFor(REGIONS.EU868, { txpk: txpk({ imme: true, freq: 869.525, datr: "SF12BW125" }), window: "immediate", devEui }, [], 3n, 3);
      assert.deepStrictEqual([c.dC, c.RX2DR, c.RX2Freq, c.xtime, c.rctx, c.RX1DR], [2, 0, 869_525_000, undefined, 3n, undefined]);
    });

    it("refuses a txpk no uplink's windows fit, or a data rate the station's table lacks", function () {
      assert.throws(() => dnmsgFor(REGIONS.EU868, { txpk: txpk({ tmst: up.tmst + 1_500_000 }), devEui }, [up], 0n, 1), DnmsgError);
      assert.throws(() => dnmsgFor(REGIONS.EU868, { txpk: txpk({ tmst: up.tmst + 1_000_000 }), devEui }, [], 0n, 1), /no uplink/);
      assert.throws(() => dnmsgFor(REGIONS.EU868, { txpk: txpk({ tmst: up.tmst + 1_000_000, datr: "SF10BW500" }), devEui }, [up], 0n, 1), /not a data rate of EU868/);
      assert.throws(() => dnmsgFor(REGIONS.EU868, { txpk: txpk({ tmst: up.tmst + 1_000_000, data: "" }), devEui }, [up], 0n, 1), /0-byte frame/);
    });
  });

  describe("the gateway node's settings", function () {
    it("puts back a PEM key pasted into a one-line password field, reads filters and the token, refuses mistakes with the reason", function () {
      const body = "MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ0iT9wCS0DRTXu269V264Vf/3jvredZiKRkgwlL9xNAwxXFg0x/XFw005UWVRIkdgcKWTjpBP2dPwVZ4WWC+9aGVd+Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbcmwIDAQABAoIBAQCA";
      const oneLine = `-----BEGIN PRIVATE KEY-----${body}-----END PRIVATE KEY-----`;
      const pem = normalisePem(oneLine);
      assert.ok(pem.startsWith("-----BEGIN PRIVATE KEY-----\n") && pem.endsWith("\n-----END PRIVATE KEY-----\n"));
      assert.ok(pem.split("\n").slice(1, -2).every((l) => l.length <= 64));
      assert.strictEqual(pem.split("\n").slice(1, -2).join(""), body);
      assert.throws(() => normalisePem("just text"), StationSettingsError);
      const s = stationSettings({ region: "us915", subBand: "1", netIds: "000000, 000013", joinEuis: "70B3D57ED0000000..70B3D57ED00FFFFF; 0000000000000001", token: "Authorization: Bearer NNSXS.1" });
      assert.deepStrictEqual(s.routerConfig, { subBand: 1, netIds: [0, 0x13], joinEuiRanges: [[0x70b3d57ed0000000n, 0x70b3d57ed00fffffn], [1n, 1n]] });
      assert.deepStrictEqual([s.region, s.authorization, s.tls], ["US915", "Bearer NNSXS.1", undefined]);
      assert.strictEqual(stationSettings({ token: "abc" }).authorization, "Bearer abc");
      assert.throws(() => stationSettings({ region: "IN865" }), /one of EU868, US915, AU915, AS923/);
      assert.throws(() => stationSettings({ netIds: "xyz" }), /NetID xyz/);
      assert.throws(() => stationSettings({ joinEuis: "2..1" }), /JoinEUI range/);
      assert.throws(() => stationSettings({ region: "AU915", subBand: "0" }), /sub-bands 1 to 8/);
      assert.throws(() => stationSettings({ cert: oneLine }), /both a certificate and its private key/);
    });
  });

  describe("station registry", function () {
    it("holds at most maxStations, lets a station reconnect over itself, and remembers a bounded number of uplinks", function () {
      const reg = new StationRegistry<string>(2, 3);
      reg.connect("A", "a1");
      reg.connect("B", "b1");
      assert.throws(() => reg.connect("C", "c1"), StationLimitError);
      const again = reg.connect("A", "a2");
      assert.strictEqual(again.displaced?.socket, "a1");
      assert.strictEqual(reg.disconnect(again.displaced!), false, "the old socket's close leaves the new session");
      assert.strictEqual(reg.get("A")?.socket, "a2");
      for (let i = 0; i < 10; i++) reg.remember(again.session, { tmst: i, xtime: BigInt(i), rctx: BigInt(i) });
      assert.deepStrictEqual(again.session.heard.map((h) => h.tmst), [7, 8, 9]);
      assert.strictEqual(again.session.lastRctx, 9n);
      assert.strictEqual(reg.disconnect(again.session), true);
      assert.deepStrictEqual(reg.euis(), ["B"]);
    });
  });

  describe("fuzz", function () {
    it("any JSON, any mutation of a real updf, any text: a message or a StationMessageError, nothing else", function () {
      this.timeout(60000);
      const real = JSON.parse(stationJson(uplinkMessage(buildUplink(tag, 3, 2, Buffer.from("0102", "hex"), { confirmed: true }), { dr: 5, freqHz: 868_300_000, xtime: 12n }))) as Record<string, unknown>;
      const field = fc.constantFrom(...Object.keys(real), "upinfo", "msgtype");
      const mutated = fc.tuple(field, fc.jsonValue()).map(([k, v]) => JSON.stringify({ ...real, [k]: v }));
      const typed = fc.tuple(fc.constantFrom("updf", "jreq", "propdf", "dntxed", "timesync", "version", "dnmsg", "x"), fc.dictionary(fc.constantFrom("MHdr", "DevAddr", "FCtrl", "FCnt", "FOpts", "FPort", "FRMPayload", "MIC", "DR", "Freq", "upinfo", "diid", "txtime", "JoinEui", "DevEui", "DevNonce", "xtime"), fc.jsonValue()))
        .map(([t, o]) => JSON.stringify({ msgtype: t, ...o }));
      const text = fc.oneof(mutated, typed, fc.jsonValue().map((v) => JSON.stringify(v)), fc.string(), fc.string().map((s) => `{"msgtype":"updf",${s}`));
      fc.assert(
        fc.property(text, (t) => {
          try {
            parseStationMessage(t, 8192);
          } catch (err) {
            if (!(err instanceof StationMessageError)) throw err;
          }
          try {
            parseRouterInfoRequest(t, 8192);
          } catch (err) {
            if (!(err instanceof StationMessageError)) throw err;
          }
        }),
        { numRuns: 5000, seed: 19 },
      );
    });

    it("parseStationJson reads any JSON as JSON.parse does, long integers aside", function () {
      const longInteger = (n: unknown) => typeof n === "number" && Number.isInteger(n) && /^-?\d{16,}$/.test(String(n));
      const expected = (v: unknown): unknown => {
        if (Array.isArray(v)) return v.map(expected);
        if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expected(x)]));
        return longInteger(v) ? `#${String(v)}` : v;
      };
      fc.assert(
        fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
          const text = JSON.stringify(v);
          assert.deepEqual(parseStationJson(text, 1 << 20), expected(JSON.parse(text)));
        }),
        { numRuns: 3000, seed: 19 },
      );
    });
  });
});
