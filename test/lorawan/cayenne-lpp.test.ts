/** Cayenne LPP: byte vectors written by hand from the published type table, round trips for every type, fuzzing. */
import * as assert from "assert";
import fc from "fast-check";
import { decodeCayenneLpp, encodeCayenneLpp, LppError, LppReading, LppTypeName, LPP_TYPES } from "../../lib/lorawan/cayenne-lpp";

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ""), "hex");

/** sizes, scales and signedness from the Cayenne LPP / IPSO table, written out again independently of the codec */
const SPEC: Record<LppTypeName, { id: number; parts: Array<{ key?: string; bytes: number; signed: boolean; scale: number }> }> = {
  digitalInput: { id: 0, parts: [{ bytes: 1, signed: false, scale: 1 }] },
  digitalOutput: { id: 1, parts: [{ bytes: 1, signed: false, scale: 1 }] },
  analogInput: { id: 2, parts: [{ bytes: 2, signed: true, scale: 100 }] },
  analogOutput: { id: 3, parts: [{ bytes: 2, signed: true, scale: 100 }] },
  genericSensor: { id: 100, parts: [{ bytes: 4, signed: false, scale: 1 }] },
  illuminance: { id: 101, parts: [{ bytes: 2, signed: false, scale: 1 }] },
  presence: { id: 102, parts: [{ bytes: 1, signed: false, scale: 1 }] },
  temperature: { id: 103, parts: [{ bytes: 2, signed: true, scale: 10 }] },
  relativeHumidity: { id: 104, parts: [{ bytes: 1, signed: false, scale: 2 }] },
  accelerometer: { id: 113, parts: ["x", "y", "z"].map((key) => ({ key, bytes: 2, signed: true, scale: 1000 })) },
  barometricPressure: { id: 115, parts: [{ bytes: 2, signed: false, scale: 10 }] },
  voltage: { id: 116, parts: [{ bytes: 2, signed: false, scale: 100 }] },
  current: { id: 117, parts: [{ bytes: 2, signed: false, scale: 1000 }] },
  frequency: { id: 118, parts: [{ bytes: 4, signed: false, scale: 1 }] },
  percentage: { id: 120, parts: [{ bytes: 1, signed: false, scale: 1 }] },
  altitude: { id: 121, parts: [{ bytes: 2, signed: true, scale: 1 }] },
  concentration: { id: 125, parts: [{ bytes: 2, signed: false, scale: 1 }] },
  power: { id: 128, parts: [{ bytes: 2, signed: false, scale: 1 }] },
  distance: { id: 130, parts: [{ bytes: 4, signed: false, scale: 1000 }] },
  energy: { id: 131, parts: [{ bytes: 4, signed: false, scale: 1000 }] },
  direction: { id: 132, parts: [{ bytes: 2, signed: false, scale: 1 }] },
  unixTime: { id: 133, parts: [{ bytes: 4, signed: false, scale: 1 }] },
  gyrometer: { id: 134, parts: ["x", "y", "z"].map((key) => ({ key, bytes: 2, signed: true, scale: 100 })) },
  colour: { id: 135, parts: ["r", "g", "b"].map((key) => ({ key, bytes: 1, signed: false, scale: 1 })) },
  gps: {
    id: 136,
    parts: [
      { key: "latitude", bytes: 3, signed: true, scale: 10000 },
      { key: "longitude", bytes: 3, signed: true, scale: 10000 },
      { key: "altitude", bytes: 3, signed: true, scale: 100 },
    ],
  },
  switch: { id: 142, parts: [{ bytes: 1, signed: false, scale: 1 }] },
};
const NAMES = Object.keys(SPEC) as LppTypeName[];

/** a reading of `name` with raw integers anywhere in the type's range */
const readingOf = (name: LppTypeName): fc.Arbitrary<LppReading> => {
  const { parts } = SPEC[name];
  const raws = parts.map((p) => (p.signed ? fc.integer({ min: -(2 ** (8 * p.bytes - 1)), max: 2 ** (8 * p.bytes - 1) - 1 }) : fc.integer({ min: 0, max: 2 ** (8 * p.bytes) - 1 })));
  return fc.tuple(fc.integer({ min: 0, max: 255 }), fc.tuple(...raws)).map(([channel, ints]) => {
    const value = parts[0].key === undefined ? ints[0] / parts[0].scale : Object.fromEntries(parts.map((p, i) => [p.key!, ints[i] / p.scale]));
    return { channel, type: name, value };
  });
};
const anyReading = fc.oneof(...NAMES.map(readingOf));

function assertLppError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof LppError, `expected LppError, got ${String(err)}`);
    assert.match(err.message, pattern);
    return true;
  });
}

describe("Cayenne LPP", function () {
  describe("documented frames", function () {
    it("two temperature sensors: 03 67 0110 05 67 00FF", function () {
      // 0x0110 = 272 → 27.2 °C, 0x00FF = 255 → 25.5 °C
      const { data, readings } = decodeCayenneLpp(hex("03 67 01 10 05 67 00 FF"));
      assert.deepStrictEqual(data, { temperature_3: 27.2, temperature_5: 25.5 });
      assert.deepStrictEqual(readings, [
        { channel: 3, type: "temperature", value: 27.2 },
        { channel: 5, type: "temperature", value: 25.5 },
      ]);
    });

    it("temperature and accelerometer: 01 67 FFD7 06 71 04D2 FB2E 0000", function () {
      // 0xFFD7 = -41 → -4.1 °C; 0x04D2 = 1234 → 1.234 G, 0xFB2E = -1234 → -1.234 G
      const { data } = decodeCayenneLpp(hex("01 67 FF D7 06 71 04 D2 FB 2E 00 00"));
      assert.deepStrictEqual(data, { temperature_1: -4.1, accelerometer_6: { x: 1.234, y: -1.234, z: 0 } });
    });

    it("GPS: 01 88 06765F F2960A 0003E8", function () {
      // 0x06765F = 423519 → 42.3519°, 0xF2960A = -879094 → -87.9094°, 0x0003E8 = 1000 → 10 m
      const { data } = decodeCayenneLpp(hex("01 88 06 76 5F F2 96 0A 00 03 E8"));
      assert.deepStrictEqual(data, { gps_1: { latitude: 42.3519, longitude: -87.9094, altitude: 10 } });
    });

    it("a cold-chain frame: freezer -18.5 °C, humidity 45.5 %, pressure 1013.2 hPa, battery 3.3 V", function () {
      // -185 = 0xFF47; 91 = 0x5B; 10132 = 0x2794; 330 = 0x014A
      const bytes = hex("01 67 FF 47  02 68 5B  03 73 27 94  04 74 01 4A");
      const { data } = decodeCayenneLpp(bytes);
      assert.deepStrictEqual(data, { temperature_1: -18.5, relativeHumidity_2: 45.5, barometricPressure_3: 1013.2, voltage_4: 3.3 });
      assert.deepStrictEqual(
        encodeCayenneLpp([
          { channel: 1, type: "temperature", value: -18.5 },
          { channel: 2, type: "relativeHumidity", value: 45.5 },
          { channel: 3, type: "barometricPressure", value: 1013.2 },
          { channel: 4, type: "voltage", value: 3.3 },
        ]),
        bytes,
      );
    });

    it("every other type from a hand-written vector", function () {
      const cases: Array<[string, string, number | Record<string, number>]> = [
        ["07 00 01", "digitalInput_7", 1],
        ["07 01 00", "digitalOutput_7", 0],
        ["07 02 FF 6A", "analogInput_7", -1.5], // -150
        ["07 03 01 2C", "analogOutput_7", 3], // 300
        ["07 64 00 01 00 00", "genericSensor_7", 65536],
        ["07 65 03 E8", "illuminance_7", 1000],
        ["07 66 01", "presence_7", 1],
        ["07 73 FF FF", "barometricPressure_7", 6553.5], // unsigned: 65535 → 6553.5 hPa
        ["07 75 05 DC", "current_7", 1.5], // 1500 mA
        ["07 76 00 00 00 32", "frequency_7", 50],
        ["07 78 64", "percentage_7", 100],
        ["07 79 FF F4", "altitude_7", -12],
        ["07 7D 01 9F", "concentration_7", 415],
        ["07 80 04 B0", "power_7", 1200],
        ["07 82 00 00 30 39", "distance_7", 12.345],
        ["07 83 FF FF FF FF", "energy_7", 4294967.295], // unsigned 32-bit
        ["07 84 01 0E", "direction_7", 270],
        ["07 85 65 53 F1 00", "unixTime_7", 1700000000],
        ["07 86 00 7B FF 85 00 00", "gyrometer_7", { x: 1.23, y: -1.23, z: 0 }],
        ["07 87 FF 80 00", "colour_7", { r: 255, g: 128, b: 0 }],
        ["07 8E 01", "switch_7", 1],
        ["07 68 FF", "relativeHumidity_7", 127.5], // unsigned 8-bit, 0.5 %
        ["07 67 80 00", "temperature_7", -3276.8], // signed 16-bit minimum
        ["07 88 80 00 00 7F FF FF FF FF 9C", "gps_7", { latitude: -838.8608, longitude: 838.8607, altitude: -1 }],
      ];
      for (const [bytes, key, value] of cases) {
        const { data } = decodeCayenneLpp(hex(bytes));
        assert.deepStrictEqual(data, { [key]: value }, bytes);
        const [reading] = decodeCayenneLpp(hex(bytes)).readings;
        assert.deepStrictEqual(encodeCayenneLpp([reading]), hex(bytes), `re-encoding ${key}`);
      }
      const covered = new Set(cases.map(([, key]) => key.replace(/_\d+$/, "")).concat("accelerometer", "voltage"));
      assert.deepStrictEqual([...covered].sort(), [...NAMES].sort(), "every type has a vector");
    });

    it("a repeated type and channel keeps every reading, data keeps the last", function () {
      const { data, readings } = decodeCayenneLpp(hex("01 67 00 0A 01 67 00 14"));
      assert.deepStrictEqual(data, { temperature_1: 2 });
      assert.strictEqual(readings.length, 2);
    });

    it("the type table agrees with the specification", function () {
      assert.deepStrictEqual(
        LPP_TYPES.map((t) => [t.name, t.id, t.size]),
        NAMES.map((n) => [n, SPEC[n].id, SPEC[n].parts.reduce((s, p) => s + p.bytes, 0)]),
      );
    });
  });

  describe("bad frames", function () {
    it("empty input", function () {
      assertLppError(() => decodeCayenneLpp(new Uint8Array(0)), /empty/);
    });
    it("a channel byte with no type", function () {
      assertLppError(() => decodeCayenneLpp(hex("01 67 00 0A 02")), /truncated.*channel 2 at byte 4 has no type/);
    });
    it("data cut short, naming the field and offset", function () {
      assertLppError(() => decodeCayenneLpp(hex("01 67 00 0A 02 88 06 76 5F F2")), /truncated.*gps \(type 136\) on channel 2 at byte 4 needs 9 data byte\(s\) from byte 6, only 4 left/);
    });
    it("an unknown type id, with its offset", function () {
      assertLppError(() => decodeCayenneLpp(hex("01 67 00 0A 03 99 00")), /unknown Cayenne LPP type 153 \(0x99\) at byte 5 \(channel 3\)/);
    });
    it("input that is not bytes", function () {
      assertLppError(() => decodeCayenneLpp("0167" as unknown as Uint8Array), /must be bytes/);
      assertLppError(() => decodeCayenneLpp(null as unknown as Uint8Array), /must be bytes/);
    });
  });

  describe("encoding errors", function () {
    const bad: Array<[LppReading, RegExp]> = [
      [{ channel: 1, type: "temperature", value: 3276.8 }, /reading 0 \(byte 0\): temperature 3276.8 is outside the encodable range -3276.8..3276.7/],
      [{ channel: 1, type: "relativeHumidity", value: -0.5 }, /outside the encodable range 0..127.5/],
      [{ channel: 256, type: "temperature", value: 1 }, /channel must be an integer 0..255/],
      [{ channel: 1.5, type: "temperature", value: 1 }, /channel must be an integer/],
      [{ channel: 1, type: "nope" as LppTypeName, value: 1 }, /unknown Cayenne LPP type "nope"/],
      [{ channel: 1, type: "temperature", value: NaN }, /must be a finite number/],
      [{ channel: 1, type: "temperature", value: { x: 1 } }, /needs a number/],
      [{ channel: 1, type: "gps", value: 5 }, /needs an object \{latitude, longitude, altitude\}/],
      [{ channel: 1, type: "accelerometer", value: { x: 1, y: 2 } }, /accelerometer.z must be a finite number, got undefined/],
    ];
    for (const [reading, pattern] of bad) {
      it(`rejects ${JSON.stringify(reading)}`, function () {
        assertLppError(() => encodeCayenneLpp([reading]), pattern);
      });
    }
    it("names the index and byte offset of the failing reading", function () {
      assertLppError(
        () => encodeCayenneLpp([{ channel: 1, type: "temperature", value: 1 }, { channel: 2, type: "percentage", value: 256 }]),
        /reading 1 \(byte 4\): percentage 256/,
      );
    });
    it("rounds to the type's resolution", function () {
      assert.deepStrictEqual(encodeCayenneLpp([{ channel: 1, type: "temperature", value: 21.04 }]), hex("01 67 00 D2"));
      assert.deepStrictEqual(encodeCayenneLpp([{ channel: 1, type: "relativeHumidity", value: 45.3 }]), hex("01 68 5B"));
      assert.deepStrictEqual(encodeCayenneLpp([{ channel: 1, type: "temperature", value: -0.01 }]), hex("01 67 00 00"));
    });
  });

  describe("properties", function () {
    for (const name of NAMES) {
      it(`round trip: ${name}`, function () {
        fc.assert(
          fc.property(readingOf(name), (reading) => {
            const bytes = encodeCayenneLpp([reading]);
            const spec = SPEC[name];
            assert.strictEqual(bytes.length, 2 + spec.parts.reduce((s, p) => s + p.bytes, 0));
            assert.strictEqual(bytes[1], spec.id);
            const { data, readings } = decodeCayenneLpp(bytes);
            assert.deepStrictEqual(readings, [reading]);
            assert.deepStrictEqual(data, { [`${name}_${reading.channel}`]: reading.value });
            assert.deepStrictEqual(encodeCayenneLpp(readings), bytes);
          }),
          { numRuns: 300 },
        );
      });
    }

    it("round trip: frames of several readings of any type", function () {
      fc.assert(
        fc.property(fc.array(anyReading, { minLength: 1, maxLength: 12 }), (readings) => {
          const bytes = encodeCayenneLpp(readings);
          assert.deepStrictEqual(decodeCayenneLpp(bytes).readings, readings);
        }),
        { numRuns: 1000 },
      );
    });

    it("fuzz: 10,000 random byte arrays either decode or throw LppError", function () {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 0, maxLength: 64 }), (bytes) => {
          try {
            const { readings } = decodeCayenneLpp(bytes);
            assert.ok(readings.length > 0);
          } catch (err) {
            if (!(err instanceof LppError)) throw err;
          }
        }),
        { numRuns: 10000 },
      );
    });

    it("fuzz: valid frames cut short or with a byte changed either decode in full or throw LppError", function () {
      fc.assert(
        fc.property(fc.array(anyReading, { minLength: 1, maxLength: 6 }), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 }), (readings, cut, pos, byte) => {
          const bytes = encodeCayenneLpp(readings);
          const truncated = bytes.subarray(0, cut % bytes.length); // always shorter than the frame
          try {
            const { readings: partial } = decodeCayenneLpp(truncated);
            // only possible when the cut falls exactly between two fields
            assert.deepStrictEqual(partial, readings.slice(0, partial.length));
            assert.deepStrictEqual(encodeCayenneLpp(partial), Buffer.from(truncated));
          } catch (err) {
            if (!(err instanceof LppError)) throw err;
          }
          const changed = Buffer.from(bytes);
          changed[pos % changed.length] = byte;
          try {
            const { readings: decoded } = decodeCayenneLpp(changed);
            assert.deepStrictEqual(encodeCayenneLpp(decoded), changed, "whatever decodes re-encodes to the same bytes");
          } catch (err) {
            if (!(err instanceof LppError)) throw err;
          }
        }),
        { numRuns: 5000 },
      );
    });
  });
});
