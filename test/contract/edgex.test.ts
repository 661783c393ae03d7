import { strict as assert } from "assert";
import { toEdgexDto, toEdgeEvent, isEdgexDto, EventFormatError } from "../../lib/contract/edgex";
import { toEdgexDto as ingestToEdgexDto } from "../../lib/ingest/ingest-engine";
import { asEvent } from "../../nodes/_shared/event-input";
import type { EdgeEvent } from "../../lib/ingest/event";

const T = Date.UTC(2026, 11, 1, 12, 30, 15, 250);
const event: EdgeEvent = {
  id: "e1",
  deviceName: "truck-1",
  profileName: "reefer",
  sourceName: "returnAir",
  origin: T,
  readings: [
    { id: "r1", origin: T, deviceName: "truck-1", resourceName: "returnAir", profileName: "reefer", valueType: "Float32", value: 4.25, units: "degC" },
    { id: "r2", origin: T - 1, deviceName: "truck-1", resourceName: "door", profileName: "reefer", valueType: "Bool", value: true },
    { id: "r3", origin: T, deviceName: "truck-1", resourceName: "alarms", profileName: "reefer", valueType: "Uint16", value: 65535 },
    { id: "r4", origin: T, deviceName: "truck-1", resourceName: "offset", profileName: "reefer", valueType: "Int8", value: -128 },
    { id: "r5", origin: T, deviceName: "truck-1", resourceName: "mode", profileName: "reefer", valueType: "String", value: "cool" },
    { id: "r6", origin: T, deviceName: "truck-1", resourceName: "gps", profileName: "reefer", valueType: "Object", value: { lat: 52.1, lon: 4.3 } },
    { id: "r7", origin: T, deviceName: "truck-1", resourceName: "energy", profileName: "reefer", valueType: "Float64", value: 1234567.890123 },
  ],
};

describe("contract: EdgeX v3 event DTOs", () => {
  it("round-trips: toEdgexDto then toEdgeEvent gives the event back, origins in ms and values typed", () => {
    const dto = toEdgexDto(event);
    assert.equal(dto.origin, T * 1e6);
    assert.ok(dto.readings.filter((r) => r.valueType !== "Object").every((r) => typeof r.value === "string"));
    assert.ok(isEdgexDto(dto));
    assert.deepEqual(toEdgeEvent(dto as unknown as Record<string, unknown>), event);
    assert.equal(ingestToEdgexDto, toEdgexDto, "lib/ingest's toEdgexDto is the contract's");
  });

  it("reads values as EdgeX formats them (floats in exponent form, Bool in any case)", () => {
    const dto = toEdgexDto(event);
    const e = toEdgeEvent({ ...dto, readings: [{ ...dto.readings[0], valueType: "Float64", value: "2.500000e+01" }, { ...dto.readings[1], value: "TRUE" }] });
    assert.deepEqual(e.readings.map((r) => r.value), [25, true]);
  });

  it("reads an AddEventRequest wrapping the DTO, and nodes take it through asEvent", () => {
    const request = { apiVersion: "v3", requestId: "q1", event: toEdgexDto(event) };
    assert.deepEqual(toEdgeEvent(request), event);
    assert.deepEqual(asEvent(request, "ignored"), event);
  });

  it("refuses what it cannot read with an error that names the reading and what is wrong", () => {
    const dto = toEdgexDto(event);
    const withReading = (patch: Record<string, unknown>) => ({ ...dto, readings: [{ ...dto.readings[0], ...patch }] }) as unknown as Record<string, unknown>;
    const refusals: Array<[Record<string, unknown>, RegExp]> = [
      [withReading({ value: "warm" }), /reading 1 \(returnAir\): "warm" is not a Float32/],
      [withReading({ value: undefined }), /reading 1 \(returnAir\): nothing is not a Float32/],
      [withReading({ valueType: "Int8", value: "300" }), /"300" is outside Int8/],
      [withReading({ valueType: "Int16", value: "1.5" }), /"1.5" is not a whole number for Int16/],
      [withReading({ valueType: "Int64", value: "9223372036854775807" }), /outside Int64 or beyond the integers a JavaScript number holds exactly/],
      [withReading({ valueType: "Bool", value: "yes" }), /"yes" is not a Bool/],
      [withReading({ valueType: "Float32Array", value: "[1,2]" }), /valueType "Float32Array" is not supported/],
      [withReading({ valueType: "Object", objectValue: undefined, value: "plain" }), /an Object reading needs an objectValue/],
      [withReading({ origin: "yesterday" }), /the origin of reading 1 \(returnAir\) is not a time/],
      [withReading({ resourceName: "" }), /reading 1 has no resourceName/],
      [{ ...dto, origin: {} } as unknown as Record<string, unknown>, /the event's origin is not a time/],
    ];
    for (const [bad, message] of refusals) {
      assert.throws(() => toEdgeEvent(bad), (err: Error) => err instanceof EventFormatError && message.test(err.message), String(message));
    }
  });

  it("brings a normalised event's times to ms and its string values to their type, keeping what else it carries", () => {
    const e = toEdgeEvent({ ...event, origin: T * 1e6, readings: [{ ...event.readings[0], origin: T * 1000, value: "4.25", rules: ["warm"] }] });
    assert.equal(e.origin, T);
    assert.equal(e.readings[0].origin, T);
    assert.equal(e.readings[0].value, 4.25);
    assert.deepEqual((e.readings[0] as unknown as { rules: string[] }).rules, ["warm"]);
    // a bare reading or number keeps working, its origin read the same way
    assert.equal(asEvent({ value: 3, origin: T * 1e6 }, "dev/temp").readings[0].origin, T);
    assert.deepEqual([asEvent(7, "dev/temp").deviceName, asEvent(7, "dev/temp").readings[0].resourceName], ["dev", "temp"]);
    assert.throws(() => asEvent("text", "dev/temp"), /must be a normalised event/);
  });

  it("reads an event already in form as it is, and converts one whose any one reading is not", () => {
    const annotated = { ...event, readings: event.readings.map((r) => ({ ...r, rules: ["warm"] })) };
    assert.deepEqual(asEvent(annotated, undefined), annotated);
    // each way a reading can be out of form, in the last reading only: converted all the same
    const last = event.readings[event.readings.length - 1];
    const outOfForm: Array<[Record<string, unknown>, (e: EdgeEvent) => unknown, unknown]> = [
      [{ origin: T * 1000 }, (e) => e.readings.at(-1)!.origin, T],
      [{ value: "12.5" }, (e) => e.readings.at(-1)!.value, 12.5],
      [{ id: "" }, (e) => typeof e.readings.at(-1)!.id === "string" && e.readings.at(-1)!.id !== "", true],
      [{ deviceName: undefined }, (e) => e.readings.at(-1)!.deviceName, "truck-1"],
      [{ resourceName: undefined }, (e) => e.readings.at(-1)!.resourceName, "value"],
      [{ profileName: undefined }, (e) => e.readings.at(-1)!.profileName, "reefer"],
      [{ valueType: undefined }, (e) => e.readings.at(-1)!.valueType, "Float64"],
    ];
    for (const [change, read, expected] of outOfForm) {
      const e = asEvent({ ...event, readings: [...event.readings.slice(0, -1), { ...last, ...change }] }, undefined);
      assert.deepEqual(read(e), expected, JSON.stringify(change));
    }
    assert.equal(asEvent({ ...event, origin: T * 1e6 }, undefined).origin, T);
  });
});
