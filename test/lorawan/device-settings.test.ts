/** The radio settings of a device table entry: defaults, the table's region, and a clear sentence for each bad one. */
import * as assert from "assert";
import { DeviceTable } from "../../lib/lorawan/device-table";
import { demoKeys } from "../../lib/sim/lorawan-tag";

const k = demoKeys(9, "t");
const entry = (extra: Record<string, unknown>) => ({ name: "t", devEui: k.devEui, devAddr: k.devAddr, nwkSKey: k.nwkSKey, appSKey: k.appSKey, ...extra });

describe("LoRaWAN device settings", function () {
  it("defaults to Class A, the table's region, RX1DROffset 0, RX1 after one second and no starting counter", function () {
    const d = new DeviceTable([entry({})], [], "US915").byDevEui(k.devEui)!;
    assert.deepStrictEqual([d.radio.deviceClass, d.radio.region.name, d.radio.rx1DrOffset, d.radio.rxDelayS, d.radio.rxWindow, d.fCntStart], ["A", "US915", 0, 1, "rx1", undefined]);
    const e = new DeviceTable([entry({ class: "c", region: "as923-2", rx1DrOffset: "7", rxDelay: "5", rxWindow: "RX2", rx2DataRate: "3", rx2Frequency: "921400000", fCntStart: "70000" })]).byDevEui(k.devEui)!;
    assert.deepStrictEqual([e.radio.deviceClass, e.radio.region.name, e.radio.rx1DrOffset, e.radio.rxDelayS, e.radio.rxWindow, e.radio.rx2, e.fCntStart], ["C", "AS923-2", 7, 5, "rx2", { frequencyHz: 921400000, dataRate: 3 }, 70000]);
  });

  it("refuses a bad setting with a sentence naming the device and what is allowed", function () {
    const problem = (extra: Record<string, unknown>) => new DeviceTable([entry(extra)]).problems[0];
    assert.match(problem({ class: "B" }), /device 1 \(t\): class "B" is not supported \(A or C\)/);
    assert.match(problem({ region: "EU433" }), /region "EU433" is not one of EU868, US915/);
    assert.match(problem({ region: "US915", rx1DrOffset: 4 }), /RX1DROffset must be 0 to 3 in US915/);
    assert.match(problem({ region: "US915", rx2DataRate: 0 }), /RX2 data rate DR0 is not a LoRa downlink data rate of US915 \(DR8, DR9/);
    assert.match(problem({ rx2Frequency: "869.525" }), /RX2 frequency 869.525 is not a frequency in Hz/);
    assert.match(problem({ rxDelay: 0 }), /receive delay must be 1 to 15 seconds/);
    assert.match(problem({ rxWindow: "rx3" }), /receive window "rx3" is not rx1 or rx2/);
    assert.match(problem({ fCntStart: -1 }), /starting frame counter must be a whole number from 0 to 4294967295/);
    assert.match(problem({ fCntStart: "12.5" }), /starting frame counter/);
  });
});
