import * as assert from "assert";
import convert from "convert-units";
import * as fs from "fs";
import * as path from "path";
import { encode } from "cbor";
import fc from "fast-check";
import { parseProfile, ProfileError } from "../../lib/ingest/profile";
import { applyTransforms } from "../../lib/ingest/transforms";
import { unitConverter } from "../../lib/ingest/units";
import { resolveSenml, decodeSenmlCbor } from "../../lib/ingest/senml";
import { IngestEngine } from "../../lib/ingest/ingest-engine";
import { compileTopicPattern } from "../../lib/ingest/topic-pattern";

const profileDir = path.resolve(__dirname, "../../lib/ingest/profiles");
const reefer = parseProfile(fs.readFileSync(path.join(profileDir, "reefer-unit.yaml"), "utf8"));
const climate = parseProfile(fs.readFileSync(path.join(profileDir, "senml-climate-sensor.yaml"), "utf8"));

describe("device profiles", function () {
  it("reads the bundled profiles", function () {
    for (const f of fs.readdirSync(profileDir)) assert.ok(parseProfile(fs.readFileSync(path.join(profileDir, f), "utf8")).deviceResources.length > 0, f);
  });
  it("says what is wrong and where", function () {
    const bad = "name: x\ndeviceResources:\n  - name: t\n    properties: { valueType: Float99 }\n  - name: t\n    properties: { valueType: Int8, scale: lots }\n";
    const err = (() => {
      try {
        parseProfile(bad);
      } catch (e) {
        return e as ProfileError;
      }
    })();
    assert.ok(err instanceof ProfileError);
    assert.ok(err.problems.some((p) => p.startsWith("/deviceResources/0/properties/valueType")), err.problems.join("\n"));
    assert.ok(err.problems.some((p) => p.startsWith("/deviceResources/1/properties/scale")), err.problems.join("\n"));
    assert.throws(() => parseProfile("name: [unclosed"), /not YAML or JSON/);
    assert.throws(() => parseProfile("name: x\ndeviceResources:\n  - name: a\n    properties: { valueType: Int8 }\n  - name: a\n    properties: { valueType: Int8 }\n"), /defined twice/);
  });
});

describe("EdgeX transforms and units", function () {
  it("applies base, scale, offset, mask and shift in EdgeX's order (hand-computed)", function () {
    assert.strictEqual(applyTransforms(3, { valueType: "Float64", base: 2 }), 8); // 2^3
    assert.strictEqual(applyTransforms(3, { valueType: "Float64", base: 2, scale: 0.5, offset: 1 }), 5); // 2^3 * 0.5 + 1
    assert.strictEqual(applyTransforms(0x1234, { valueType: "Uint16", mask: 0x0ff0 }), 0x0230);
    assert.strictEqual(applyTransforms(0x1234, { valueType: "Uint16", mask: 0x0ff0, shift: -4 }), 0x23);
    assert.strictEqual(applyTransforms(3, { valueType: "Uint8", shift: 2 }), 12);
    assert.strictEqual(applyTransforms(10.7, { valueType: "Float32", mask: 1, shift: 3 }), 10.7, "mask and shift are for integer types only");
  });
  it("resolves each conversion once and agrees with convert-units to 1e-12 over the sensor range", function () {
    const pairs = [["F", "C"], ["C", "F"], ["K", "C"], ["C", "K"], ["F", "K"], ["K", "F"], ["kPa", "psi"], ["bar", "kPa"], ["lb", "kg"], ["mA", "A"], ["min", "s"]];
    for (const [from, to] of pairs) {
      const fast = unitConverter(from, to)!;
      for (let i = 0; i <= 400; i++) {
        const v = -100 + i * 0.73;
        const library = convert(v).from(from as never).to(to as never);
        assert.ok(Math.abs(fast(v) - library) <= 1e-12 * Math.max(1, Math.abs(library)), `${v} ${from} → ${to}: ${fast(v)} vs ${library}`);
      }
    }
    assert.strictEqual(unitConverter("degF", "degC")!(212), 100);
    assert.strictEqual(unitConverter("degC", "degF")!(-40), -40);
  });
  it("converts units through convert-units (hand-computed)", function () {
    assert.ok(Math.abs(unitConverter("degF", "degC")!(38.2) - 3.444444) < 1e-5);
    assert.ok(Math.abs(unitConverter("°C", "K")!(0) - 273.15) < 1e-9);
    assert.strictEqual(unitConverter("g", "kg")!(2500), 2.5);
    assert.ok(Math.abs(unitConverter("lb", "kg")!(1) - 0.453592) < 1e-6);
    assert.strictEqual(unitConverter("bar", "kPa")!(1), 100);
    assert.ok(Math.abs(unitConverter("psi", "kPa")!(1) - 6.89476) < 1e-4);
    assert.strictEqual(unitConverter("Cel", "degC"), undefined);
    assert.throws(() => unitConverter("kg", "degC"), /cannot convert/);
  });
});

describe("SenML (RFC 8428)", function () {
  it("resolves the RFC's single and multiple datapoint examples", function () {
    assert.deepStrictEqual(resolveSenml([{ n: "urn:dev:ow:10e2073a01080063", u: "Cel", v: 23.1 }], 1000).map((r) => [r.name, r.unit, r.value]), [["urn:dev:ow:10e2073a01080063", "Cel", 23.1]]);
    const multi = resolveSenml([{ bn: "urn:dev:ow:10e2073a01080063:", n: "voltage", u: "V", v: 120.1 }, { n: "current", u: "A", v: 1.2 }], 0);
    assert.deepStrictEqual(multi.map((r) => [r.name, r.unit, r.value]), [["urn:dev:ow:10e2073a01080063:voltage", "V", 120.1], ["urn:dev:ow:10e2073a01080063:current", "A", 1.2]]);
  });
  it("applies base time, relative times and base units as the RFC's multiple-measurement example does", function () {
    const pack = [
      { bn: "urn:dev:ow:10e2073a0108006:", bt: 1.276020076001e9, bu: "A", bver: 5, n: "voltage", u: "V", v: 120.1 },
      { n: "current", t: -5, v: 1.2 },
      { n: "current", t: -4, v: 1.3 },
    ];
    const r = resolveSenml(pack, 0);
    assert.strictEqual(r[0].time, 1.276020076001e12);
    assert.strictEqual(r[1].time, (1.276020076001e9 - 5) * 1000);
    assert.strictEqual(r[1].unit, "A");
  });
  it("decodes the same pack from CBOR with the RFC's integer labels", function () {
    const cbor = encode([new Map<number, unknown>([[-2, "urn:dev:ow:10e2073a01080063:"], [0, "voltage"], [1, "V"], [2, 120.1]]), new Map<number, unknown>([[0, "current"], [1, "A"], [2, 1.2]])]);
    const r = resolveSenml(decodeSenmlCbor(cbor), 0);
    assert.deepStrictEqual(r.map((x) => [x.name, x.unit, x.value]), [["urn:dev:ow:10e2073a01080063:voltage", "V", 120.1], ["urn:dev:ow:10e2073a01080063:current", "A", 1.2]]);
  });
});

describe("ingest engine", function () {
  const engine = new IngestEngine(reefer, { deviceNameFrom: "topic", topicPattern: "fleet/reefer/+deviceName/#", outOfRange: "flag" });
  const payload = { ret_air_f: 38.2, sup_air_f: 33.8, setpoint_f: 37.4, comp_amps: 9.5, door: "open", defrost: false, lat: 52.1, lon: 4.3 };

  it("maps a vendor's JSON to a typed, converted event", async function () {
    const r = await engine.process(payload, "fleet/reefer/truck-07/telemetry", 1700000000000);
    assert.ok(r.ok);
    const e = r.event as { deviceName: string; origin: number; readings: Array<{ resourceName: string; value: unknown; units?: string }> };
    assert.strictEqual(e.deviceName, "truck-07");
    assert.strictEqual(e.origin, 1700000000000);
    const v = Object.fromEntries(e.readings.map((x) => [x.resourceName, x.value]));
    assert.ok(Math.abs((v.returnAir as number) - 3.444444) < 1e-5);
    assert.strictEqual(v.supplyAir, 1);
    assert.strictEqual(v.door, true);
    assert.strictEqual(v.defrost, false);
    assert.strictEqual(r.topic, "edge/reefer-unit/truck-07");
  });

  it("makes the same event at once when no resource is JSONata, refusing the same bad input the same way", async function () {
    assert.strictEqual(engine.synchronous, true);
    const id = "00000000-0000-4000-8000-000000000001";
    const later = await engine.process(payload, "fleet/reefer/truck-07/telemetry", 1700000000000, id);
    const now = engine.processSync(payload, "fleet/reefer/truck-07/telemetry", 1700000000000, id);
    assert.ok(later.ok && now.ok);
    // the readings' own ids are drawn afresh for each event
    const strip = (e: unknown) => ({ ...(e as object), readings: (e as { readings: object[] }).readings.map((r) => ({ ...r, id: "" })) });
    assert.deepStrictEqual(strip(now.event), strip(later.event));
    assert.deepStrictEqual(engine.processSync("not json", "fleet/reefer/t/x"), await engine.process("not json", "fleet/reefer/t/x"));
    assert.deepStrictEqual(engine.processSync(payload, "elsewhere/t"), await engine.process(payload, "elsewhere/t"));
    const jsonata = new IngestEngine({ ...reefer, deviceResources: [{ ...reefer.deviceResources[0], attributes: { expression: "(ret_air_f - 32) * 5 / 9" } }] }, { deviceNameFrom: "fixed", deviceName: "t1", outOfRange: "flag" });
    assert.strictEqual(jsonata.synchronous, false);
    assert.throws(() => jsonata.processSync(payload, undefined), /JSONata/);
  });

  it("flags or rejects an out-of-range reading as set", async function () {
    const hot = { ...payload, ret_air_f: 160 };
    const flagged = await engine.process(hot, "fleet/reefer/t/x");
    assert.ok(flagged.ok);
    assert.deepStrictEqual((flagged.event as { readings: Array<{ resourceName: string; flags?: string[] }> }).readings.find((x) => x.resourceName === "returnAir")!.flags, ["out-of-range"]);
    const strict = new IngestEngine(reefer, { deviceNameFrom: "topic", topicPattern: "fleet/reefer/+deviceName/#", outOfRange: "reject" });
    const rejected = await strict.process(hot, "fleet/reefer/t/x");
    assert.ok(!rejected.ok && rejected.error.code === "out-of-range" && rejected.error.resource === "returnAir" && rejected.error.path === "ret_air_f");
  });

  it("emits EdgeX's v3 DTO with string values and nanosecond origins", async function () {
    const dto = new IngestEngine(reefer, { deviceNameFrom: "fixed", deviceName: "t1", outOfRange: "flag", edgexDto: true });
    const r = await dto.process(payload, undefined, 1700000000000);
    assert.ok(r.ok);
    const e = r.event as { apiVersion: string; origin: number; readings: Array<{ value: unknown }> };
    assert.strictEqual(e.apiVersion, "v3");
    assert.strictEqual(e.origin, 1700000000000 * 1e6);
    assert.ok(e.readings.every((x) => typeof x.value === "string"));
  });

  it("reads SenML sensors, naming the device from the base name", async function () {
    const senml = new IngestEngine(climate, { deviceNameFrom: "path", outOfRange: "flag" });
    const r = await senml.process([{ bn: "urn:dev:ow:case-9:", bt: 1.7e9, n: "temperature", u: "Cel", v: 4.5 }, { n: "humidity", u: "%RH", v: 81 }], undefined);
    assert.ok(r.ok, JSON.stringify(r));
    const e = r.event as { deviceName: string; readings: Array<{ resourceName: string; value: number }> };
    assert.strictEqual(e.deviceName, "case-9");
    assert.deepStrictEqual(e.readings.map((x) => [x.resourceName, x.value]), [["temperature", 4.5], ["humidity", 81]]);
  });

  it("takes the event's time from the device's timestamp when told where it is", async function () {
    const timed = new IngestEngine(reefer, { deviceNameFrom: "fixed", deviceName: "t", outOfRange: "flag", originPath: "ts" });
    const ms = await timed.process({ ...payload, ts: 1700000000123 }, undefined, 5);
    const s = await timed.process({ ...payload, ts: 1700000000 }, undefined, 5);
    const iso = await timed.process({ ...payload, ts: "2026-01-01T00:00:00Z" }, undefined, 5);
    const none = await timed.process(payload, undefined, 5);
    assert.deepStrictEqual([ms, s, iso, none].map((r) => (r.ok ? (r.event as { origin: number }).origin : NaN)), [1700000000123, 1700000000000, Date.UTC(2026, 0, 1), 5]);
  });

  it("reads a device's timestamp in ns, µs or as a numeric string through the contract (not as ms)", async function () {
    const timed = new IngestEngine(reefer, { deviceNameFrom: "fixed", deviceName: "t", outOfRange: "flag", originPath: "ts" });
    const origins = [];
    for (const ts of [1700000000123 * 1e6, 1700000000123 * 1e3, "1700000000", "1700000000123"]) {
      const r = await timed.process({ ...payload, ts }, undefined, 5);
      origins.push(r.ok ? (r.event as { origin: number }).origin : NaN);
    }
    assert.deepStrictEqual(origins, [1700000000123, 1700000000123, 1700000000000, 1700000000123]);
  });

  it("checks the raw payload against an optional JSON Schema", async function () {
    const withSchema = new IngestEngine(reefer, { deviceNameFrom: "fixed", deviceName: "t", outOfRange: "flag", payloadSchema: { type: "object", required: ["unit_id"] } });
    const r = await withSchema.process(payload, undefined);
    assert.ok(!r.ok && r.error.code === "payload-schema");
  });

  it("never throws, and every input gets exactly one result (fuzz, 10,000 payloads)", async function () {
    this.timeout(60000);
    let ok = 0;
    let rejected = 0;
    const anyPayload = fc.oneof(
      fc.anything(),
      fc.record({ ret_air_f: fc.oneof(fc.double(), fc.string(), fc.constant(null)), door: fc.oneof(fc.string(), fc.boolean(), fc.integer()), comp_amps: fc.anything() }, { requiredKeys: [] }),
      fc.array(fc.record({ n: fc.string(), v: fc.oneof(fc.double(), fc.string()), bt: fc.double(), t: fc.double() }, { requiredKeys: [] })),
      fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
      fc.string(),
    );
    await fc.assert(
      fc.asyncProperty(anyPayload, fc.oneof(fc.string(), fc.constant("fleet/reefer/t1/x")), async (p, topic) => {
        const r = await engine.process(p, topic);
        assert.ok(r.ok === true || (r.ok === false && typeof r.error.message === "string" && r.error.message.length > 0));
        if (r.ok) ok++;
        else rejected++;
      }),
      { numRuns: 10000, seed: 42 },
    );
    assert.strictEqual(ok + rejected, 10000);
  });
});

describe("topic patterns", function () {
  it("captures named single-level and multi-level wildcards", function () {
    const m = compileTopicPattern("edge/+site/+device/#rest");
    assert.deepStrictEqual(m("edge/s1/t2/a/b"), { site: "s1", device: "t2", rest: "a/b" });
    assert.strictEqual(m("other/s1/t2"), undefined);
    assert.deepStrictEqual(compileTopicPattern("a/+x")("a/b"), { x: "b" });
    assert.strictEqual(compileTopicPattern("a/+x")("a/b/c"), undefined);
  });
});
