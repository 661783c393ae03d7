import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import lora from "lora-packet";
import fc from "fast-check";
import { aesCmac, cryptFrmPayload, dataFrameMic } from "../../lib/lorawan/lorawan-crypto";
import { parseDataFrame } from "../../lib/lorawan/phy-payload";
import { MAX_FCNT_GAP, nextUplinkCounter } from "../../lib/lorawan/frame-counter";
import { DeviceTable } from "../../lib/lorawan/device-table";
import { SessionStore } from "../../lib/lorawan/session-store";
import { UplinkProcessor, PayloadDecoder, AcceptedUplink, AcceptedJoin, Retransmission, MAX_RETRANSMISSIONS } from "../../lib/lorawan/uplink-processor";
import { LorawanError } from "../../lib/lorawan/lorawan-error";
import { rawDownlinkFrame } from "../../lib/lorawan/downlink";
import { buildUplink, demoKeys, encodeTemperatureHumidityLpp } from "../../lib/sim/lorawan-tag";
import { requireBinary } from "../harness/processes";
import { tempDir } from "../harness/peers";

const keys = demoKeys(7, "store-001-coldroom-01");
const other = demoKeys(7, "store-001-freezer-01");

/** the test's own reading of the tag's 7-byte LPP payload, independent of the pack's codecs */
const lppDecoder: PayloadDecoder = async (_device, bytes) => ({ data: { temperature_1: bytes.readInt16BE(2) / 10, relativeHumidity_2: bytes[6] / 2 } });

function table(entries = [keys]) {
  return new DeviceTable(entries.map((k, i) => ({ name: `tag-${i + 1}`, devEui: k.devEui, devAddr: k.devAddr, nwkSKey: k.nwkSKey, appSKey: k.appSKey, codec: "cayenne-lpp" })));
}

function uplinkOf(r: AcceptedUplink | AcceptedJoin | Retransmission): AcceptedUplink {
  assert.strictEqual(r.kind, "uplink");
  return r as AcceptedUplink;
}

async function rejection(p: Promise<unknown>): Promise<LorawanError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof LorawanError, `expected a LorawanError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected a rejection");
}

describe("LoRaWAN frames", function () {
  it("computes the same CMAC as openssl for messages of every length around the block size", function () {
    requireBinary("openssl");
    const dir = tempDir("cmac");
    const key = Buffer.from(keys.nwkSKey, "hex");
    for (const len of [0, 1, 15, 16, 17, 31, 32, 33, 64]) {
      const msg = Buffer.from(Array.from({ length: len }, (_, i) => (i * 37 + len) & 0xff));
      const file = path.join(dir, `m${len}`);
      fs.writeFileSync(file, msg);
      const out = execFileSync("openssl", ["mac", "-cipher", "AES-128-CBC", "-macopt", `hexkey:${keys.nwkSKey}`, "-in", file, "CMAC"], { encoding: "utf8" }).trim();
      assert.strictEqual(aesCmac(key, msg).toString("hex").toUpperCase(), out.toUpperCase(), `length ${len}`);
    }
  });

  it("verifies a frame built by lora-packet: the MIC matches openssl's CMAC over B0 | frame and the payload decrypts", function () {
    requireBinary("openssl");
    const lpp = encodeTemperatureHumidityLpp(-18.4, 61);
    const phy = buildUplink(keys, 70000, 1, lpp);
    const frame = parseDataFrame(phy);
    assert.strictEqual(frame.devAddr, keys.devAddr);
    assert.strictEqual(frame.fCnt16, 70000 & 0xffff);
    const b0 = Buffer.alloc(16);
    b0[0] = 0x49;
    Buffer.from(keys.devAddr, "hex").reverse().copy(b0, 6);
    b0.writeUInt32LE(70000, 10);
    b0[15] = frame.signedPart.length;
    const file = path.join(tempDir("mic"), "b0frame");
    fs.writeFileSync(file, Buffer.concat([b0, frame.signedPart]));
    const cmac = execFileSync("openssl", ["mac", "-cipher", "AES-128-CBC", "-macopt", `hexkey:${keys.nwkSKey}`, "-in", file, "CMAC"], { encoding: "utf8" }).trim();
    assert.strictEqual(frame.mic.toString("hex").toUpperCase(), cmac.slice(0, 8).toUpperCase());
    assert.deepStrictEqual(dataFrameMic(Buffer.from(keys.nwkSKey, "hex"), frame.signedPart, true, frame.devAddr, 70000), frame.mic);
    assert.deepStrictEqual(cryptFrmPayload(Buffer.from(keys.appSKey, "hex"), frame.frmPayload, true, frame.devAddr, 70000), lpp);
  });

  it("accepts a tag's uplinks, decrypted and decoded into an event with its radio metadata", async function () {
    const proc = new UplinkProcessor(table(), new SessionStore(), lppDecoder);
    const rxpk = { data: buildUplink(keys, 5, 1, encodeTemperatureHumidityLpp(3.7, 80.5)).toString("base64"), datr: "SF9BW125", freq: 868.3, rssi: -97, lsnr: 7.5, tmst: 123456, codr: "4/5", time: "2026-11-30T01:00:00Z" };
    const up = uplinkOf(await proc.process(rxpk, { receptions: [{ gatewayEui: "B827EBFFFE000001", rxpk }] }));
    assert.strictEqual(up.device.name, "tag-1");
    assert.strictEqual(up.fCnt, 5);
    assert.strictEqual(up.event.deviceName, "tag-1");
    assert.strictEqual(up.event.origin, Date.parse("2026-11-30T01:00:00Z"));
    const t = up.event.readings.find((r) => r.resourceName === "temperature_1");
    assert.strictEqual(t?.value, 3.7);
    assert.strictEqual(t?.units, "degC");
    const meta = up.event.metadata?.lorawan as Record<string, unknown>;
    assert.strictEqual(meta.spreadingFactor, 9);
    assert.strictEqual(meta.frequency, 868300000);
    assert.strictEqual(meta.rssi, -97);
    assert.deepStrictEqual(meta.gateways, [{ gatewayId: "B827EBFFFE000001", rssi: -97, snr: 7.5, tmst: 123456 }]);
  });

  it("tells devices that share a DevAddr apart by their MIC", async function () {
    const shared = { ...other, devAddr: keys.devAddr };
    const proc = new UplinkProcessor(table([keys, shared]), new SessionStore(), lppDecoder);
    const up = uplinkOf(await proc.process(buildUplink(shared, 1, 1, encodeTemperatureHumidityLpp(-20, 50))));
    assert.strictEqual(up.device.name, "tag-2");
    assert.strictEqual(up.event.readings[0].value, -20);
  });

  it("rejects a counter that went back, also after a restart (the counters are on disk); the last frame again is a retransmission, not new", async function () {
    const file = path.join(tempDir("sessions"), "counters.json");
    const proc = new UplinkProcessor(table(), new SessionStore(file), lppDecoder);
    const f9 = buildUplink(keys, 9, 1, encodeTemperatureHumidityLpp(1, 50));
    const f10 = buildUplink(keys, 10, 1, encodeTemperatureHumidityLpp(1, 50));
    await proc.process(f9);
    await proc.process(f10);
    assert.strictEqual((await proc.process(f10)).kind, "retransmission");
    assert.strictEqual((await rejection(proc.process(f9))).reason, "replay");
    const restarted = new UplinkProcessor(table(), new SessionStore(file), lppDecoder);
    assert.strictEqual((await rejection(restarted.process(f9))).reason, "replay");
    assert.strictEqual((await restarted.process(f10)).kind, "retransmission");
    assert.strictEqual(uplinkOf(await restarted.process(buildUplink(keys, 11, 1, encodeTemperatureHumidityLpp(1, 50)))).fCnt, 11);
  });

  it("takes a frame back up to LoRaWAN's largest NbTrans (15) as a retransmission, then as a replay; a confirmed one says so", async function () {
    const proc = new UplinkProcessor(table(), new SessionStore(), lppDecoder);
    const f = buildUplink(keys, 5, 1, encodeTemperatureHumidityLpp(1, 50), { confirmed: true });
    const first = uplinkOf(await proc.process(f));
    assert.strictEqual(first.confirmed, true);
    assert.strictEqual(first.event.metadata!.lorawan && (first.event.metadata!.lorawan as { mType: string }).mType, "ConfirmedDataUp");
    for (let i = 1; i <= MAX_RETRANSMISSIONS; i++) {
      const again = (await proc.process(f)) as Retransmission;
      assert.deepStrictEqual([again.kind, again.fCnt, again.confirmed, again.count], ["retransmission", 5, true, i]);
    }
    assert.strictEqual((await rejection(proc.process(f))).reason, "replay");
  });

  it("first contact with a starting counter: accepted within MAX_FCNT_GAP of it, fcnt-gap beyond, replay below; the device's ACK of a downlink is in the event", async function () {
    const started = (start: number) => new UplinkProcessor(new DeviceTable([{ name: "tag-1", devEui: keys.devEui, devAddr: keys.devAddr, nwkSKey: keys.nwkSKey, appSKey: keys.appSKey, codec: "cayenne-lpp", fCntStart: start }]), new SessionStore(), lppDecoder);
    const lpp = encodeTemperatureHumidityLpp(1, 50);
    assert.strictEqual(uplinkOf(await started(65530).process(buildUplink(keys, 65540, 1, lpp))).fCnt, 65540, "across the 16-bit boundary");
    assert.strictEqual((await rejection(started(65530).process(buildUplink(keys, 65530 + MAX_FCNT_GAP + 1, 1, lpp)))).reason, "fcnt-gap");
    assert.strictEqual((await rejection(started(65530).process(buildUplink(keys, 65529, 1, lpp)))).reason, "replay");
    const acked = lora.fromFields({ MType: "Unconfirmed Data Up", DevAddr: Buffer.from(keys.devAddr, "hex"), FCnt: 3, FPort: 1, FCtrl: { ACK: true }, payload: lpp }, Buffer.from(keys.appSKey, "hex"), Buffer.from(keys.nwkSKey, "hex"));
    const up = uplinkOf(await new UplinkProcessor(table(), new SessionStore(), lppDecoder).process(acked.getPHYPayload() as Buffer));
    assert.strictEqual((up.event.metadata!.lorawan as { downlinkAcked?: boolean }).downlinkAcked, true);
    assert.strictEqual(up.confirmed, false);
  });

  it("keeps counters in a journal: a torn last line is dropped, snapshots fold it, and counters never go back", async function () {
    const file = path.join(tempDir("journal"), "counters.json");
    const a = new SessionStore(file, { compactBytes: 200 });
    for (let n = 1; n <= 20; n++) await a.acceptUplink("AAAA", n);
    assert.strictEqual((await a.takeDownlinkCounter("AAAA")).fCnt, 0);
    await a.close();
    assert.ok(fs.existsSync(file), "a snapshot was written when the journal grew");
    assert.ok(fs.statSync(`${file}.journal`).size < 200, "and the journal was emptied");
    fs.appendFileSync(`${file}.journal`, '{"d":"AAAA","u":5}\n{"d":"AAAA","u":99'); // an old value, then a torn line
    const b = new SessionStore(file);
    assert.deepStrictEqual(b.get("AAAA"), { fCntUp: 20, fCntDown: 1, epoch: 0 });
    await b.close();
  });

  it("reconstructs the 32-bit counter across the 16-bit rollover", async function () {
    const proc = new UplinkProcessor(table(), new SessionStore(), lppDecoder);
    await proc.process(buildUplink(keys, 65534, 1, encodeTemperatureHumidityLpp(1, 50)));
    const up = uplinkOf(await proc.process(buildUplink(keys, 65537, 1, encodeTemperatureHumidityLpp(2, 50))));
    assert.strictEqual(up.fCnt, 65537);
    assert.deepStrictEqual(nextUplinkCounter(65537, 3), { ok: true, fCnt32: 65539 });
    assert.strictEqual(nextUplinkCounter(65537, 65535).ok, false);
  });

  it("gives each bad frame its reason: wrong key, unknown DevAddr, truncated, a downlink, a join request or accept we cannot serve", async function () {
    const proc = new UplinkProcessor(table(), new SessionStore(), lppDecoder);
    const wrongKey = buildUplink({ ...keys, nwkSKey: other.nwkSKey }, 1, 1, encodeTemperatureHumidityLpp(1, 50));
    assert.strictEqual((await rejection(proc.process(wrongKey))).reason, "bad-mic");
    assert.strictEqual((await rejection(proc.process(buildUplink(other, 1, 1, Buffer.from([1]))))).reason, "unknown-device");
    assert.strictEqual((await rejection(proc.process(Buffer.from("40aabbccdd00", "hex")))).reason, "truncated-frame");
    const down = rawDownlinkFrame(table().byDevEui(keys.devEui)!, { bytes: Buffer.from([1]), fPort: 2, confirmed: false }, 0);
    assert.strictEqual((await rejection(proc.process(down))).reason, "not-a-data-frame");
    // a Join-request from a DevEUI without an AppKey
    assert.strictEqual((await rejection(proc.process(Buffer.alloc(23)))).reason, "unknown-device");
    assert.strictEqual((await rejection(proc.process(Buffer.from("20", "hex")))).reason, "not-a-data-frame");
    assert.strictEqual((await rejection(proc.process("not hex or base64!"))).reason, "malformed-input");
    assert.strictEqual((await rejection(proc.process({ deviceInfo: {} }))).reason, "malformed-input");
  });

  it("builds downlinks lora-packet verifies and decrypts, with FCntDown kept across restarts", async function () {
    const file = path.join(tempDir("down"), "counters.json");
    const device = table().byDevEui(keys.devEui)!;
    const sessions = new SessionStore(file);
    const payload = Buffer.from([0x03, 0x01, 0x2c]);
    for (let i = 0; i < 3; i++) {
      const restarted = i === 0 ? sessions : new SessionStore(file);
      const { fCnt, durable } = restarted.takeDownlinkCounter(device.devEui);
      await durable;
      assert.strictEqual(fCnt, i);
      const packet = lora.fromWire(rawDownlinkFrame(device, { bytes: payload, fPort: 10, confirmed: i === 2 }, fCnt));
      assert.strictEqual(packet.getMType(), i === 2 ? "Confirmed Data Down" : "Unconfirmed Data Down");
      assert.ok(lora.verifyMIC(packet, device.nwkSKey, device.appSKey));
      assert.deepStrictEqual(lora.decrypt(packet, device.appSKey, device.nwkSKey), payload);
    }
  });

  it("survives 10,000 fuzzed frames: each resolves or is refused with a LorawanError", async function () {
    this.timeout(60000);
    const valid = buildUplink(keys, 100, 1, encodeTemperatureHumidityLpp(4, 40));
    const proc = new UplinkProcessor(table(), new SessionStore(), lppDecoder);
    const frame = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 1, max: 255 })).map(([i, x]) => {
        const b = Buffer.from(valid);
        b[i] ^= x;
        return b;
      }),
      fc.nat(valid.length).map((n) => valid.subarray(0, n)),
      fc.string({ maxLength: 40 }),
      fc.jsonValue(),
    );
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(frame, async (input) => {
        try {
          await proc.process(input);
          accepted++;
        } catch (err) {
          if (!(err instanceof LorawanError)) throw err;
          refused++;
        }
      }),
      { numRuns: 10000, seed: 42 },
    );
    assert.strictEqual(accepted + refused, 10000);
    assert.ok(refused > 9000, `a mutated frame is accepted only if it is the valid one (accepted ${accepted})`);
  });
});
