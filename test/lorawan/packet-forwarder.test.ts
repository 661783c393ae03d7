import * as assert from "assert";
import fc from "fast-check";
import { parseUpstream, PacketForwarderError, pullResp, ack, PUSH_ACK } from "../../lib/lorawan/packet-forwarder";
import { pushData } from "../../lib/sim/lorawan-tag";

describe("Semtech packet-forwarder protocol", function () {
  it("reads PUSH_DATA (rxpk and stat), PULL_DATA and TX_ACK with or without an error", function () {
    const push = pushData(Buffer.from("40aabbccdd", "hex"), { gatewayEui: "B827EBFFFE000001", rssi: -90, snr: 7, sf: 9, frequencyHz: 868100000, ts: 0 }, 0x1234);
    const p = parseUpstream(push);
    assert.strictEqual(p.kind, "push-data");
    if (p.kind !== "push-data") return;
    assert.strictEqual(p.token, 0x1234);
    assert.strictEqual(p.gatewayEui, "B827EBFFFE000001");
    assert.strictEqual(p.rxpk[0].freq, 868.1, "MHz, as the protocol says");
    assert.strictEqual(p.rxpk[0].stat, 1);
    const pull = parseUpstream(Buffer.concat([Buffer.from([2, 0, 7, 0x02]), Buffer.from("B827EBFFFE000001", "hex")]));
    assert.deepStrictEqual(pull, { kind: "pull-data", version: 2, token: 7, gatewayEui: "B827EBFFFE000001" });
    const txAck = parseUpstream(Buffer.concat([Buffer.from([2, 0, 9, 0x05]), Buffer.from("B827EBFFFE000001", "hex"), Buffer.from('{"txpk_ack":{"error":"COLLISION_PACKET"}}')]));
    assert.deepStrictEqual(txAck, { kind: "tx-ack", version: 2, token: 9, gatewayEui: "B827EBFFFE000001", error: "COLLISION_PACKET" });
    const fine = parseUpstream(Buffer.concat([Buffer.from([2, 0, 9, 0x05]), Buffer.from("B827EBFFFE000001", "hex"), Buffer.from('{"txpk_ack":{"error":"NONE"}}')]));
    assert.strictEqual(fine.kind === "tx-ack" && fine.error, undefined);
    assert.deepStrictEqual([...ack(2, 0x1234, PUSH_ACK)], [2, 0x12, 0x34, 0x01]);
    const resp = pullResp(2, 5, { freq: 869.525, rfch: 0, powe: 14, modu: "LORA", datr: "SF9BW125", codr: "4/5", ipol: true, size: 1, data: "AA==", imme: true });
    assert.deepStrictEqual([...resp.subarray(0, 4)], [2, 0, 5, 0x03]);
    assert.strictEqual(JSON.parse(resp.subarray(4).toString()).txpk.freq, 869.525);
  });

  it("refuses short, unknown-version, downstream-type and malformed-JSON datagrams with a reason", function () {
    const eui = Buffer.from("B827EBFFFE000001", "hex");
    for (const [bytes, reason] of [
      [Buffer.from([2, 0]), /shorter than the 4-byte header/],
      [Buffer.from([9, 0, 0, 0]), /protocol version 9/],
      [Buffer.from([2, 0, 0, 0x03]), /not an upstream packet/],
      [Buffer.from([2, 0, 0, 0x00, 1, 2]), /too short for the gateway EUI/],
      [Buffer.concat([Buffer.from([2, 0, 0, 0x00]), eui, Buffer.from("{")]), /malformed JSON/],
      [Buffer.concat([Buffer.from([2, 0, 0, 0x00]), eui, Buffer.from('{"rxpk":{}}')]), /not an array/],
      [Buffer.concat([Buffer.from([2, 0, 0, 0x00]), eui, Buffer.from('{"rxpk":[{"freq":868.1}]}')]), /no base64 data/],
    ] as const) {
      assert.throws(() => parseUpstream(bytes), (err: Error) => err instanceof PacketForwarderError && reason.test(err.message));
    }
  });

  it("survives 10,000 fuzzed datagrams: each parses or is refused with a PacketForwarderError", function () {
    const eui = Buffer.from("B827EBFFFE000001", "hex");
    const datagram = fc.oneof(
      fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b)),
      fc.tuple(fc.constantFrom(1, 2), fc.constantFrom(0, 2, 5), fc.jsonValue()).map(([v, id, body]) => Buffer.concat([Buffer.from([v, 1, 2, id]), eui, Buffer.from(JSON.stringify(body) ?? "")])),
      fc.tuple(fc.constantFrom(1, 2), fc.string({ maxLength: 60 })).map(([v, text]) => Buffer.concat([Buffer.from([v, 1, 2, 0]), eui, Buffer.from(text)])),
    );
    let parsed = 0;
    fc.assert(
      fc.property(datagram, (d) => {
        try {
          parseUpstream(d);
          parsed++;
        } catch (err) {
          if (!(err instanceof PacketForwarderError)) throw err;
        }
      }),
      { numRuns: 10000, seed: 7 },
    );
    assert.ok(parsed > 0, "some fuzzed datagrams are valid");
  });
});
