/** Probe calibration: offsets per probe with certificate and due date; a probe past its due date raises an info alert. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parseProfile } from "../../lib/ingest/profile";
import { IngestEngine } from "../../lib/ingest/ingest-engine";
import { parseCalibrationTable } from "../../lib/ingest/calibration";
import { RulesEngine, Alert } from "../../lib/rules/rules-engine";
import type { EdgeEvent } from "../../lib/ingest/event";

const reefer = parseProfile(fs.readFileSync(path.resolve(__dirname, "../../lib/ingest/profiles/reefer-unit.yaml"), "utf8"));
const DAY = 86_400_000;

describe("probe calibration", function () {
  it("parses a table of probes, certificate and due date in either order, and says what is wrong", function () {
    const t = parseCalibrationTable("# probe offset certificate due\ntruck-01/returnAir -0.3 CAL-2026-0114 2027-03-31\n\ntruck-02/returnAir +0.25 2026-12-01T12:00:00Z CAL-7\ntruck-03/supplyAir 0.1");
    assert.deepStrictEqual(t.get("truck-01/returnAir"), { offset: -0.3, certificate: "CAL-2026-0114", due: Date.UTC(2027, 3, 1) - 1 });
    assert.deepStrictEqual(t.get("truck-02/returnAir"), { offset: 0.25, due: Date.UTC(2026, 11, 1, 12), certificate: "CAL-7" });
    assert.deepStrictEqual(t.get("truck-03/supplyAir"), { offset: 0.1 });
    assert.throws(() => parseCalibrationTable("truck-01 -0.3"), /line 1: 'truck-01' is not device\/resource/);
    assert.throws(() => parseCalibrationTable("\ntruck-01/returnAir warm"), /line 2: the offset 'warm' is not a number/);
    assert.throws(() => parseCalibrationTable("truck-01/returnAir 0.1 A B"), /'B' is neither a due date/);
    assert.throws(() => parseCalibrationTable("truck-01/returnAir 0.1 2027-13-45"), /the due date '2027-13-45' is not a date/);
    assert.throws(() => parseCalibrationTable("a/b 1\na/b 2"), /a\/b is calibrated twice/);
  });

  it("corrects the probe's reading after the unit conversion, keeping the raw value and the calibration applied", async function () {
    const calibration = parseCalibrationTable("truck-01/returnAir -0.3 CAL-0114 2027-03-31");
    const engine = new IngestEngine(reefer, { deviceNameFrom: "path", deviceNamePath: "unit_id", outOfRange: "flag", calibration });
    const r = await engine.process({ unit_id: "truck-01", ret_air_f: 41, sup_air_f: 41 }, undefined);
    assert.ok(r.ok);
    const readings = (r.event as EdgeEvent).readings;
    const ret = readings.find((x) => x.resourceName === "returnAir")!;
    assert.strictEqual(ret.value, 4.7, "41 °F = 5 °C, less 0.3");
    assert.strictEqual(ret.rawValue, 5);
    assert.deepStrictEqual(ret.calibration, { offset: -0.3, certificate: "CAL-0114", due: Date.UTC(2027, 3, 1) - 1 });
    const sup = readings.find((x) => x.resourceName === "supplyAir")!;
    assert.strictEqual(sup.value, 5, "another probe is not corrected");
    assert.strictEqual(sup.calibration, undefined);
    const other = await engine.process({ unit_id: "truck-02", ret_air_f: 41 }, undefined);
    assert.ok(other.ok);
    assert.strictEqual((other.event as EdgeEvent).readings[0].value, 5, "nor the same resource of another device");
  });

  it("the range check sees the corrected value", async function () {
    const engine = new IngestEngine(reefer, { deviceNameFrom: "path", deviceNamePath: "unit_id", outOfRange: "reject", calibration: parseCalibrationTable("t/returnAir 1") });
    const r = await engine.process({ unit_id: "t", ret_air_f: 140 }, undefined); // 60 °C, the maximum, +1
    assert.ok(!r.ok);
    assert.strictEqual(r.error.code, "out-of-range");
  });

  it("a probe past its due date raises one info alert, repeated once a day, cleared by a new certificate", async function () {
    const due = Date.UTC(2026, 5, 30);
    const rules = new RulesEngine([]);
    const at = async (t: number, dueAt: number, cert: string): Promise<Alert[]> => {
      const reading = { id: `r${t}`, origin: t, deviceName: "truck-01", resourceName: "returnAir", profileName: "reefer", valueType: "Float32" as const, value: 4, units: "degC", rawValue: 4.3, calibration: { offset: -0.3, certificate: cert, due: dueAt } };
      return (await rules.evaluate({ id: `e${t}`, deviceName: "truck-01", profileName: "reefer", sourceName: "returnAir", origin: t, readings: [reading] })).alerts;
    };
    assert.deepStrictEqual(await at(due - 1000, due, "CAL-1"), [], "within its calibration");
    const [raised] = await at(due + 1000, due, "CAL-1");
    assert.strictEqual(raised.state, "raised");
    assert.strictEqual(raised.rule, "calibration overdue");
    assert.strictEqual(raised.severity, "info");
    assert.strictEqual(raised.priority, 3);
    assert.strictEqual(raised.key, "truck-01/returnAir");
    assert.deepStrictEqual(raised.detail, { certificate: "CAL-1", due });
    let later: Alert[] = [];
    for (let h = 1; h < 24; h++) later.push(...(await at(due + h * 3600_000, due, "CAL-1")));
    assert.deepStrictEqual(later, [], "not again within the day");
    later = await at(due + 1000 + DAY, due, "CAL-1");
    assert.deepStrictEqual(later.map((a) => [a.state, a.alertId, a.value, a.units]), [["updated", raised.alertId, 1, "d"]], "once a day, the same alert, a day overdue");
    const cleared = await at(due + 2 * DAY, due + 365 * DAY, "CAL-2");
    assert.deepStrictEqual(cleared.map((a) => [a.state, a.alertId]), [["cleared", raised.alertId]], "recalibrated");
    // the overdue state survives a restart
    await at(due + 400 * DAY, due + 365 * DAY, "CAL-2");
    const restarted = new RulesEngine([]);
    restarted.restore(JSON.parse(JSON.stringify(rules.snapshot())));
    const reading = { id: "x", origin: due + 400 * DAY + 3600_000, deviceName: "truck-01", resourceName: "returnAir", profileName: "reefer", valueType: "Float32" as const, value: 4, calibration: { offset: -0.3, due: due + 365 * DAY } };
    assert.deepStrictEqual((await restarted.evaluate({ id: "x", deviceName: "truck-01", profileName: "reefer", sourceName: "returnAir", origin: reading.origin, readings: [reading] })).alerts, [], "not raised again after a restart");
  });
});
