import * as assert from "assert";
import lora from "lora-packet";
import { ColdChainSimulator, DEFAULT_FLEET, SimMessage } from "../../lib/sim/simulator";
import { parseFaultSchedule } from "../../lib/sim/faults";

const START = Date.UTC(2026, 5, 1);
const fToC = (f: number) => ((f - 32) * 5) / 9;

function run(sim: ColdChainSimulator, ticks: number, stepS: number): SimMessage[][] {
  const out: SimMessage[][] = [];
  for (let i = 0; i < ticks; i++) out.push(sim.tick(stepS).messages);
  return out;
}

function truck(messages: SimMessage[], name: string) {
  return messages.find((m) => m.device === name)?.payload as Record<string, number | string>;
}

describe("cold-chain simulator", function () {
  it("replays exactly from its seed and differs with another seed", function () {
    const a = JSON.stringify(run(new ColdChainSimulator({ seed: 7, fleet: DEFAULT_FLEET, startTime: START }), 50, 60));
    const b = JSON.stringify(run(new ColdChainSimulator({ seed: 7, fleet: DEFAULT_FLEET, startTime: START }), 50, 60));
    const c = JSON.stringify(run(new ColdChainSimulator({ seed: 8, fleet: DEFAULT_FLEET, startTime: START }), 50, 60));
    assert.strictEqual(a, b);
    assert.notStrictEqual(a, c);
  });

  it("emits one native payload per device per tick, with timestamps that advance by the step", function () {
    const sim = new ColdChainSimulator({ seed: 1, fleet: DEFAULT_FLEET, startTime: START });
    const [first, second] = run(sim, 2, 30);
    const total = Object.values(DEFAULT_FLEET).reduce((s, n) => s + n, 0);
    assert.strictEqual(first.length, total);
    assert.strictEqual(second[0].ts - first[0].ts, 30000);
    const reefer = truck(first, "truck-01");
    assert.deepStrictEqual(Object.keys(reefer).sort(), ["comp_amps", "defrost", "door", "lat", "lon", "power", "ret_air_f", "setpoint_f", "sup_air_f", "ts", "unit_id"]);
    assert.ok(Math.abs(fToC(reefer.ret_air_f as number) - 3) < 2, "a chilled truck starts near its 3 °C setpoint");
  });

  it("holds a chilled truck near its setpoint, and lets it warm when the compressor fails", function () {
    const sim = new ColdChainSimulator({ seed: 3, fleet: { ...DEFAULT_FLEET, trucks: 2 }, startTime: START, wearOutHours: 0 });
    const healthy = run(sim, 6 * 60, 60).map((m) => fToC(truck(m, "truck-01").ret_air_f as number));
    const median = [...healthy].sort((x, y) => x - y)[Math.floor(healthy.length / 2)];
    assert.ok(Math.abs(median - 3) < 1.5, `median box temperature ${median} °C`);
    sim.inject("compressor-failure", "truck-01");
    const failing = run(sim, 3 * 60, 60).map((m) => fToC(truck(m, "truck-01").ret_air_f as number));
    assert.ok(failing[failing.length - 1] > 8, `after 3 h without cooling the box is at ${failing[failing.length - 1]} °C`);
    assert.strictEqual(truck(run(sim, 1, 60)[0], "truck-01").comp_amps, 0.3, "a failed compressor draws no running current");
  });

  it("wears the last truck's compressor out: its current rises, then it stops cooling", function () {
    const sim = new ColdChainSimulator({ seed: 5, fleet: { ...DEFAULT_FLEET, trucks: 2 }, startTime: START, wearOutHours: 10 });
    const ticks = run(sim, 14 * 60, 60);
    const runningAmps = (from: number, to: number) => ticks.slice(from, to).map((m) => truck(m, "truck-02").comp_amps as number).filter((a) => a > 1);
    const early = runningAmps(0, 120);
    const late = runningAmps(6 * 60, 8 * 60);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    assert.ok(mean(late) > mean(early) + 1, `running current rises with wear (${mean(early)} → ${mean(late)} A)`);
    assert.ok(fToC(truck(ticks[ticks.length - 1], "truck-02").ret_air_f as number) > 8, "the worn-out truck ends warm");
  });

  it("stops a device's readings during a sensor dropout and reports fault transitions", function () {
    const sim = new ColdChainSimulator({ seed: 2, fleet: DEFAULT_FLEET, startTime: START, faults: parseFaultSchedule('[{"fault":"sensor-dropout","device":"truck-02","atS":120,"durationS":120}]') });
    const seen: boolean[] = [];
    const changes: unknown[] = [];
    for (let i = 0; i < 6; i++) {
      const { messages, faultChanges } = sim.tick(60);
      seen.push(messages.some((m) => m.device === "truck-02"));
      changes.push(...faultChanges);
    }
    assert.deepStrictEqual(seen, [true, false, false, true, true, true]);
    assert.deepStrictEqual(
      changes.map((c) => (c as { active: boolean }).active),
      [true, false],
    );
  });

  it("sends LoRaWAN tags as real ABP frames whose MIC verifies with the tag's keys and whose LPP decodes", function () {
    const sim = new ColdChainSimulator({ seed: 9, fleet: { trucks: 0, coldRooms: 1, freezers: 1, shelves: 0, coapSensors: 0 }, startTime: START, lorawan: "packet-forwarder" });
    const keys = new Map(sim.lorawanDevices().map((d) => [d.device, d]));
    for (let i = 0; i < 3; i++) {
      for (const m of sim.tick(60).messages) {
        const datagram = m.payload as Buffer;
        assert.strictEqual(datagram[0], 2, "protocol version 2");
        assert.strictEqual(datagram[3], 0x00, "PUSH_DATA");
        const { rxpk } = JSON.parse(datagram.subarray(12).toString());
        assert.strictEqual(rxpk[0].stat, 1);
        assert.ok(rxpk[0].freq > 860 && rxpk[0].freq < 870, "frequency in MHz");
        const k = keys.get(m.device)!;
        const packet = lora.fromWire(Buffer.from(rxpk[0].data, "base64"));
        assert.strictEqual(packet.getFCnt(), i);
        assert.ok(lora.verifyMIC(packet, Buffer.from(k.nwkSKey, "hex")), "MIC verifies");
        const lpp = lora.decrypt(packet, Buffer.from(k.appSKey, "hex"), Buffer.from(k.nwkSKey, "hex"));
        assert.strictEqual(lpp[1], 103, "LPP temperature");
        const t = lpp.readInt16BE(2) / 10;
        assert.ok(m.kind === "freezer" ? t < -10 : t > 0 && t < 8, `${m.kind} at ${t} °C`);
      }
    }
  });

  it("sends ChirpStack v4 events and SenML with the fields their formats define", function () {
    const sim = new ColdChainSimulator({ seed: 4, fleet: { trucks: 0, coldRooms: 1, freezers: 0, shelves: 0, coapSensors: 1 }, startTime: START });
    const [up, senml] = sim.tick(60).messages;
    assert.match(up.topic, /^application\/cold-chain\/device\/[0-9a-f]{16}\/event\/up$/);
    const ev = up.payload as Record<string, unknown> & { deviceInfo: Record<string, string>; rxInfo: unknown[]; txInfo: { frequency: number } };
    for (const field of ["deduplicationId", "time", "devAddr", "dr", "fCnt", "fPort", "data"]) assert.ok(field in ev, field);
    assert.strictEqual(ev.deviceInfo.deviceName, "store-001-coldroom-01");
    assert.strictEqual(ev.txInfo.frequency > 8e8, true);
    const records = senml.payload as Array<Record<string, unknown>>;
    assert.strictEqual(records[0].n, "temperature");
    assert.strictEqual(records[0].u, "Cel");
    assert.strictEqual(typeof records[0].bn, "string");
  });

  it("rejects a malformed fault schedule with a reason", function () {
    assert.throws(() => parseFaultSchedule('{"fault":"door-open"}'), /JSON array/);
    assert.throws(() => parseFaultSchedule('[{"fault":"meteor"}]'), /unknown fault 'meteor'/);
    assert.throws(() => parseFaultSchedule('[{"fault":"door-open","atS":-1}]'), /non-negative/);
  });
});
