/**
 * The regional tables held against LoRaWAN Regional Parameters RP002-1.0.x: the RX1 data-rate tables (upstream DR ×
 * RX1DROffset) as the document prints them, the RX1 channel of US915 and AU915, and the RX2 defaults.
 */
import * as assert from "assert";
import { dataRateIndex, REGIONS, RegionName, regionNamed, rx1Parameters, rx2Parameters } from "../../lib/lorawan/regions";

/** RP002-1.0.x: rows are the upstream DR, columns RX1DROffset 0, 1, 2, … */
const RX1_DR_TABLES: Partial<Record<RegionName, number[][]>> = {
  EU868: [
    [0, 0, 0, 0, 0, 0],
    [1, 0, 0, 0, 0, 0],
    [2, 1, 0, 0, 0, 0],
    [3, 2, 1, 0, 0, 0],
    [4, 3, 2, 1, 0, 0],
    [5, 4, 3, 2, 1, 0],
    [6, 5, 4, 3, 2, 1],
  ],
  US915: [
    [10, 9, 8, 8],
    [11, 10, 9, 8],
    [12, 11, 10, 9],
    [13, 12, 11, 10],
    [13, 13, 12, 11],
  ],
  AU915: [
    [8, 8, 8, 8, 8, 8],
    [9, 8, 8, 8, 8, 8],
    [10, 9, 8, 8, 8, 8],
    [11, 10, 9, 8, 8, 8],
    [12, 11, 10, 9, 8, 8],
    [13, 12, 11, 10, 9, 8],
    [13, 13, 12, 11, 10, 9],
  ],
  // DownlinkDwellTime 0; offsets 6 and 7 are the effective offsets -1 and -2
  AS923: [
    [0, 0, 0, 0, 0, 0, 1, 2],
    [1, 0, 0, 0, 0, 0, 2, 3],
    [2, 1, 0, 0, 0, 0, 3, 4],
    [3, 2, 1, 0, 0, 0, 4, 5],
    [4, 3, 2, 1, 0, 0, 5, 5],
    [5, 4, 3, 2, 1, 0, 5, 5],
    [5, 5, 4, 3, 2, 1, 5, 5],
  ],
  IN865: [
    [0, 0, 0, 0, 0, 0, 1, 2],
    [1, 0, 0, 0, 0, 0, 2, 3],
    [2, 1, 0, 0, 0, 0, 3, 4],
    [3, 2, 1, 0, 0, 0, 4, 5],
    [4, 3, 2, 1, 0, 0, 5, 5],
    [5, 4, 3, 2, 1, 0, 5, 5],
  ],
};

describe("LoRaWAN regional parameters", function () {
  for (const [name, table] of Object.entries(RX1_DR_TABLES) as Array<[RegionName, number[][]]>) {
    it(`${name}: RX1 data rate for every upstream DR and RX1DROffset is the document's`, function () {
      const region = REGIONS[name];
      assert.strictEqual(region.maxRx1DrOffset, table[0].length - 1);
      table.forEach((row, dr) => row.forEach((expected, offset) => assert.strictEqual(region.rx1DataRate(dr, offset), expected, `${name} DR${dr} offset ${offset}`)));
    });
  }

  it("reads the forwarder's data rates (US915 DR4 and DR12 are both SF8BW500: up DR4, down DR12)", function () {
    assert.strictEqual(dataRateIndex(REGIONS.EU868, "SF12BW125"), 0);
    assert.strictEqual(dataRateIndex(REGIONS.EU868, "SF7BW250"), 6);
    assert.strictEqual(dataRateIndex(REGIONS.US915, "SF10BW125"), 0);
    assert.strictEqual(dataRateIndex(REGIONS.US915, "SF8BW500"), 4);
    assert.strictEqual(dataRateIndex(REGIONS.US915, "SF8BW500", false), 12);
    assert.strictEqual(dataRateIndex(REGIONS.US915, "SF12BW125"), undefined, "no SF12 uplink in US915");
    assert.strictEqual(dataRateIndex(REGIONS.AU915, "SF12BW125"), 0);
    assert.strictEqual(dataRateIndex(REGIONS.EU868, "FSK"), undefined);
  });

  it("US915 and AU915: RX1 on downlink channel (uplink channel mod 8) from 923.3 MHz every 600 kHz; the others answer on the uplink's frequency", function () {
    const us = (mhz: number, datr: string, off = 0) => rx1Parameters(REGIONS.US915, Math.round(mhz * 1e6), datr, off);
    assert.deepStrictEqual(us(902.3, "SF10BW125"), { frequencyHz: 923_300_000, dataRate: 10, datr: "SF10BW500" }, "channel 0");
    assert.strictEqual(us(903.7, "SF7BW125")!.frequencyHz, 927_500_000, "channel 7");
    assert.strictEqual(us(903.9, "SF9BW125")!.frequencyHz, 923_300_000, "channel 8 (sub-band 2, as TTN and ChirpStack use)");
    assert.strictEqual(us(904.3, "SF9BW125")!.frequencyHz, 924_500_000, "channel 10");
    assert.strictEqual(us(914.9, "SF9BW125")!.frequencyHz, 927_500_000, "channel 63");
    assert.strictEqual(us(903.0, "SF8BW500")!.frequencyHz, 923_300_000, "channel 64 (500 kHz)");
    assert.strictEqual(us(904.6, "SF8BW500")!.frequencyHz, 923_900_000, "channel 65");
    assert.deepStrictEqual(us(904.6, "SF8BW500"), { frequencyHz: 923_900_000, dataRate: 13, datr: "SF7BW500" });
    assert.strictEqual(us(902.3, "SF10BW125", 4), undefined, "RX1DROffset 4 does not exist in US915");
    const au = (mhz: number, datr: string) => rx1Parameters(REGIONS.AU915, Math.round(mhz * 1e6), datr);
    assert.deepStrictEqual(au(915.2, "SF12BW125"), { frequencyHz: 923_300_000, dataRate: 8, datr: "SF12BW500" });
    assert.strictEqual(au(917.0, "SF7BW125")!.frequencyHz, 923_900_000, "channel 9");
    assert.strictEqual(au(915.9, "SF8BW500")!.frequencyHz, 923_300_000, "channel 64");
    assert.deepStrictEqual(rx1Parameters(REGIONS.EU868, 868_300_000, "SF9BW125", 2), { frequencyHz: 868_300_000, dataRate: 1, datr: "SF11BW125" });
    assert.deepStrictEqual(rx1Parameters(REGIONS.AS923, 923_400_000, "SF10BW125", 7), { frequencyHz: 923_400_000, dataRate: 4, datr: "SF8BW125" });
  });

  it("RX2 defaults: EU868 869.525 MHz DR0, US915 and AU915 923.3 MHz DR8, AS923 923.2 MHz DR2, IN865 866.55 MHz DR2; a device's own RX2 overrides them", function () {
    const rx2 = (name: RegionName) => rx2Parameters(REGIONS[name]);
    assert.deepStrictEqual(rx2("EU868"), { frequencyHz: 869_525_000, dataRate: 0, datr: "SF12BW125" });
    assert.deepStrictEqual(rx2("US915"), { frequencyHz: 923_300_000, dataRate: 8, datr: "SF12BW500" });
    assert.deepStrictEqual(rx2("AU915"), { frequencyHz: 923_300_000, dataRate: 8, datr: "SF12BW500" });
    assert.deepStrictEqual(rx2("AS923"), { frequencyHz: 923_200_000, dataRate: 2, datr: "SF10BW125" });
    assert.deepStrictEqual(rx2("IN865"), { frequencyHz: 866_550_000, dataRate: 2, datr: "SF10BW125" });
    assert.deepStrictEqual(rx2Parameters(REGIONS.EU868, { dataRate: 3 }), { frequencyHz: 869_525_000, dataRate: 3, datr: "SF9BW125" }, "TTN's EU868 RX2 at SF9");
    assert.deepStrictEqual(["AS923-2", "AS923-3", "AS923-4"].map((n) => rx2Parameters(REGIONS[n as RegionName])!.frequencyHz), [921_400_000, 916_600_000, 917_300_000], "AS923-2/-3/-4: the AS923-1 plan shifted by -1.8, -6.6, -5.9 MHz");
    assert.strictEqual(REGIONS["AS923-3"].rx1DataRate(5, 6), 5);
    assert.strictEqual(regionNamed("as923_1"), REGIONS.AS923);
    assert.strictEqual(regionNamed("AS923-4"), REGIONS["AS923-4"]);
    assert.strictEqual(regionNamed("eu868"), REGIONS.EU868);
    assert.strictEqual(regionNamed("EU433"), undefined);
  });
});
