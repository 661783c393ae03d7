/**
 * EdgeX device-modbus attributes read as that service reads them: swaps only for 32-bit values, bit addresses for
 * Bools in registers, strings by stringRegisterSize; a write's encoding undone by a read for every raw type and
 * swap; and a profile's mistakes named per resource.
 */
import * as assert from "assert";
import fc from "fast-check";
import { parseProfile } from "../../lib/ingest/profile";
import { decodePoint, encodePoint, modbusPoints, PointError, type ModbusPoint, type RawType } from "../../lib/modbus/points";

const point = (over: Partial<ModbusPoint>): ModbusPoint => ({ name: "p", table: "HOLDING_REGISTERS", address: 0, count: 2, valueType: "Float32", rawType: "FLOAT32", byteSwap: false, wordSwap: false, readable: true, writable: true, properties: { valueType: "Float32" }, ...over });

describe("lib/modbus points (EdgeX device-modbus attributes)", function () {
  it("swaps bytes and words of a 32-bit value as device-modbus does: ABCD, BADC, CDAB, DCBA", function () {
    // 0x11223344 stored four ways
    const cases: Array<[boolean, boolean, number[]]> = [
      [false, false, [0x1122, 0x3344]],
      [true, false, [0x2211, 0x4433]],
      [false, true, [0x3344, 0x1122]],
      [true, true, [0x4433, 0x2211]],
    ];
    for (const [byteSwap, wordSwap, words] of cases) {
      const p = point({ valueType: "Uint32", rawType: "UINT32", byteSwap, wordSwap, properties: { valueType: "Uint32" } });
      assert.strictEqual(decodePoint(p, words), 0x11223344, `byteSwap ${byteSwap} wordSwap ${wordSwap}`);
      assert.deepStrictEqual(encodePoint(p, 0x11223344), { registers: words });
    }
  });

  it("does not swap 16- or 64-bit values (device-modbus swaps 32-bit ones only)", function () {
    assert.strictEqual(decodePoint(point({ count: 1, valueType: "Int16", rawType: "INT16", byteSwap: true }), [0xfffe]), -2);
    assert.strictEqual(decodePoint(point({ count: 4, valueType: "Int64", rawType: "INT64", wordSwap: true }), [0, 0, 0x0001, 0x0000]), 65536);
  });

  it("reads a Bool from a bit of a register and a String up to its first NUL", function () {
    const [bit, text] = modbusPoints(parseProfile(`
name: t
deviceResources:
  - { name: alarm, attributes: { primaryTable: HOLDING_REGISTERS, startingAddress: "7.15" }, properties: { valueType: Bool } }
  - { name: label, attributes: { primaryTable: INPUT_REGISTERS, startingAddress: 8, stringRegisterSize: 3 }, properties: { valueType: String } }
`));
    assert.strictEqual(decodePoint(bit, [0x8000]), true);
    assert.strictEqual(decodePoint(bit, [0x7fff]), false);
    assert.strictEqual(decodePoint(text, [0x4142, 0x4300, 0]), "ABC");
    assert.strictEqual(bit.writable, false);
  });

  it("a write's registers read back as the raw value, for every raw type and swap", function () {
    const ranges: Record<RawType, [number, number, number]> = { INT16: [-32768, 32767, 1], UINT16: [0, 65535, 1], INT32: [-2147483648, 2147483647, 2], UINT32: [0, 4294967295, 2], INT64: [-(2 ** 52), 2 ** 52, 4], UINT64: [0, 2 ** 52, 4], FLOAT32: [-1e6, 1e6, 2], FLOAT64: [-1e12, 1e12, 4] };
    fc.assert(fc.property(fc.constantFrom(...(Object.keys(ranges) as RawType[])), fc.boolean(), fc.boolean(), fc.double({ min: 0, max: 1, noNaN: true }), (rawType, byteSwap, wordSwap, t) => {
      const [lo, hi, count] = ranges[rawType];
      let v = lo + (hi - lo) * t;
      if (!rawType.startsWith("FLOAT")) v = Math.round(v);
      if (rawType === "FLOAT32") v = Math.fround(v);
      const p = point({ count, rawType, byteSwap, wordSwap, valueType: rawType.startsWith("FLOAT") ? "Float64" : "Int64", properties: { valueType: "Float64" } });
      const enc = encodePoint(p, v) as { registers: number[] };
      const back = decodePoint(p, enc.registers) as number;
      if (rawType === "FLOAT32") assert.ok(Math.abs(back - v) <= Math.abs(v) * 1e-6, `${v} → ${back}`);
      else assert.strictEqual(back, v);
    }), { numRuns: 3000 });
  });

  it("undoes offset and scale on a write: 3.5 °C with scale 0.1 and offset -1 is 45", function () {
    const p = point({ count: 1, rawType: "INT16", properties: { valueType: "Float32", scale: 0.1, offset: -1 } });
    assert.deepStrictEqual(encodePoint(p, 3.5), { registers: [45] });
    assert.throws(() => encodePoint(p, 3.55), /not a whole number for INT16/);
  });

  it("names every resource whose attributes cannot work", function () {
    assert.throws(() => modbusPoints(parseProfile(`
name: t
deviceResources:
  - { name: a, attributes: { primaryTable: HOLDING, startingAddress: 1 }, properties: { valueType: Int16 } }
  - { name: b, attributes: { primaryTable: COILS, startingAddress: 1 }, properties: { valueType: Int16 } }
  - { name: c, attributes: { primaryTable: INPUT_REGISTERS, startingAddress: 70000 }, properties: { valueType: Int16 } }
  - { name: d, attributes: { primaryTable: INPUT_REGISTERS, startingAddress: 1, rawType: INT8 }, properties: { valueType: Int16 } }
  - { name: e, attributes: { primaryTable: INPUT_REGISTERS, startingAddress: 1 }, properties: { valueType: String } }
`)), (err: unknown) => {
      assert.ok(err instanceof PointError);
      assert.deepStrictEqual(err.problems.map((p) => p.split(":")[0]), ["a", "b", "c", "d", "e"]);
      return true;
    });
    assert.throws(() => modbusPoints(parseProfile("name: t\ndeviceResources:\n  - { name: a, properties: { valueType: Int16 } }\n")), /no resource with a Modbus primaryTable/);
  });
});
