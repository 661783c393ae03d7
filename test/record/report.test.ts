import * as assert from "assert";
import * as fs from "fs";
import { RecordLog } from "../../lib/record/record-log";
import { buildReport } from "../../lib/record/report";
import { reportCsv } from "../../lib/record/report-csv";
import { reportPdf } from "../../lib/record/report-pdf";
import { recordablesOf } from "../../lib/record/recordable";
import { tempDir } from "../harness/peers";
import { checkPdf } from "./pdf-structure";

const DAY = Date.UTC(2026, 0, 1);
const MIN = 60000;
const at = (minute: number) => DAY + minute * MIN;

/** one day of truck-1's return air, an alarm raised, acknowledged and cleared, and readings that must not count */
async function recordDay(dir: string): Promise<void> {
  const clock = { t: DAY };
  const log = RecordLog.open({ dir, now: () => clock.t });
  const put = async (msg: Record<string, unknown>) => {
    for (const r of recordablesOf(msg)!) await log.append(r.kind, r.data);
  };
  const event = (device: string, minute: number, value: number) => ({ eventId: `e-${device}-${minute}`, payload: { id: `ev-${minute}`, deviceName: device, origin: at(minute), readings: [{ id: `r-${minute}`, deviceName: device, resourceName: "returnAir", value, units: "°C", origin: at(minute) }] } });
  // minute: value (°C). Range 2..8, gap limit 30 min:
  //  0: 5    in range, 10 min to the next
  // 10: 9    out, 10 min          → 10 min out of range
  // 20: 10   out, 10 min          → 10 min out of range (one excursion from 10 to 30)
  // 30: 7    in, 10 min
  // 40: 6    in, 80 min to the next: a gap (no data), not counted
  // 120: 6.5 the last reading adds no time
  const series: Array<[number, number]> = [[0, 5], [10, 9], [20, 10], [30, 7], [40, 6], [120, 6.5]];
  for (const [m, v] of series) {
    clock.t = at(m) + 5000;
    await put(event("truck-1", m, v));
    if (m === 10) {
      await put({ eventId: "alert-1", payload: { rule: "warm", type: "threshold", severity: "critical", state: "raised", key: "warm|truck-1|returnAir", deviceName: "truck-1", resourceName: "returnAir", start: at(10), value: 9, peak: 9, units: "°C", alertId: "A1", alarmId: "alarm-1" } });
      await put({ eventId: "view-1", payload: { alarmId: "alarm-1", alertId: "A1", transition: "raised", state: "active-unacknowledged", alertState: "raised", rule: "warm", deviceName: "truck-1", resourceName: "returnAir", severity: "critical", start: at(10), value: 9, peak: 9, units: "°C", acknowledged: null, shelved: null, escalationLevel: 0, suppressed: [] } });
    }
    if (m === 20) {
      // redelivered (the same event and reading ids): in the log twice, counted once
      await put(event("truck-1", m, v));
      clock.t = at(25);
      await put({ eventId: "view-2", payload: { alarmId: "alarm-1", alertId: "A1", transition: "acknowledged", state: "active-acknowledged", alertState: "updated", rule: "warm", deviceName: "truck-1", resourceName: "returnAir", severity: "critical", start: at(10), peak: 10, units: "°C", acknowledged: { by: "ana", comment: "door left open at the dock", at: at(25) }, shelved: null, escalationLevel: 0, suppressed: [] } });
    }
    if (m === 30) await put({ eventId: "alert-2", payload: { rule: "warm", type: "threshold", severity: "critical", state: "cleared", key: "warm|truck-1|returnAir", deviceName: "truck-1", resourceName: "returnAir", start: at(10), end: at(30), value: 7, peak: 10, units: "°C", alertId: "A1", alarmId: "alarm-1" } });
  }
  // outside the day, and another truck: not in the report
  clock.t = DAY + 86400000;
  await put(event("truck-1", -5, 20));
  await put(event("truck-1", 1440, 20));
  await put(event("truck-2", 50, 20));
  await log.close();
}

describe("compliance record: a device's report for a day", function () {
  let dir = "";
  before(async () => {
    dir = tempDir("record-report");
    await recordDay(dir);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const query = () => ({ device: "truck-1", day: "2026-01-01", range: { low: 2, high: 8 }, gapMs: 30 * MIN });

  it("gives the figures computed by hand: min, max, mean, MKT, time out of range, no data, the alarm with its acknowledgement", function () {
    const r = buildReport(dir, query());
    assert.strictEqual(r.summaries.length, 1);
    const s = r.summaries[0];
    assert.deepStrictEqual([s.resource, s.units, s.readings, s.min, s.max, s.first, s.last], ["returnAir", "°C", 6, 5, 10, at(0), at(120)]);
    assert.strictEqual(s.mean, 43.5 / 6); // 7.25
    // MKT = ΔH/R / −ln(mean of e^(−ΔH/(R·T))) with T in K, ΔH/R = 10,000 K: 7.4324 °C (computed apart, in Python)
    assert.ok(Math.abs(s.mkt - 7.432432644) < 1e-6, `MKT ${s.mkt}`);
    assert.strictEqual(s.outOfRangeMs, 20 * MIN);
    assert.strictEqual(s.excursions, 1);
    assert.strictEqual(s.noDataMs, 80 * MIN);
    assert.deepStrictEqual(r.alarms, [
      { alarmId: "alarm-1", rule: "warm", resource: "returnAir", severity: "critical", start: at(10), end: at(30), peak: 10, units: "°C", acknowledgements: [{ by: "ana", comment: "door left open at the dock", at: at(25) }], shelves: [], escalations: [], suppressed: [] },
    ]);
    assert.strictEqual(r.readings.length, 6, "the redelivered reading counts once");
  });

  it("writes the same figures as CSV", function () {
    const csv = reportCsv(buildReport(dir, query()), at(200), { seq: 12, hash: "ab".repeat(32) });
    const rows = csv.split("\r\n");
    const header = rows.indexOf("resource,units,readings,first,last,min,max,mean,mkt,low,high,out_of_range_min,excursions,no_data_min");
    assert.ok(header > 0, csv);
    assert.strictEqual(rows[header + 1], "returnAir,°C,6,2026-01-01T00:00Z,2026-01-01T02:00Z,5.00,10.00,7.25,7.43,2.0,8.0,20.0,1,80.0".replace(/T(\d\d:\d\d)Z/g, "T$1:00Z"));
    assert.ok(rows.includes("alarm-1,warm,returnAir,critical,2026-01-01T00:10:00Z,2026-01-01T00:30:00Z,10.00,°C,ana,2026-01-01T00:25:00Z,door left open at the dock,,,"), csv);
    assert.ok(rows.includes("2026-01-01T00:10:00Z,returnAir,9,°C,yes"));
  });

  it("writes a well-formed PDF 1.4 with the same figures (xref, trailer and streams checked)", function () {
    const pdf = reportPdf(buildReport(dir, query()), at(200), { seq: 12, hash: "ab".repeat(32) });
    const facts = checkPdf(pdf);
    assert.strictEqual(facts.pages, 1);
    const text = facts.text[0];
    assert.ok(text.includes("Temperature record: truck-1"), text.join(" | "));
    const row = text.slice(text.indexOf("returnAir"), text.indexOf("returnAir") + 11);
    assert.deepStrictEqual(row, ["returnAir", "\xb0C", "6", "5.00", "10.00", "7.25", "7.43", "2.0..8.0", "20.0", "1", "80.0"]);
    const alarmRow = text.slice(text.indexOf("warm")).join(" ");
    assert.match(alarmRow, /^warm critical 2026-01-01 00:10:00 2026-01-01 00:30:00 10\.0 ana 2026-01-01 00:25:00 door left open at the dock/, "the comment wrapped over two lines of its cell");
    assert.ok(text.some((t) => t.includes(`entry 12, SHA-256 ${"ab".repeat(32)}`)));
  });

  it("runs onto further pages when the alarms do not fit one, every page well-formed and numbered", function () {
    const report = buildReport(dir, query());
    report.alarms = Array.from({ length: 120 }, (_, i) => ({ ...report.alarms[0], alarmId: `a${i}`, rule: `rule (${i}) \\ x` }));
    const facts = checkPdf(reportPdf(report, at(200), { seq: 1, hash: "0".repeat(64) }));
    assert.ok(facts.pages >= 3, `${facts.pages} pages`);
    assert.ok(facts.text.flat().includes("rule (119) \\ x"), "parentheses and backslashes survive escaping");
    assert.ok(facts.text[facts.pages - 1].some((t) => t.endsWith(`page ${facts.pages} of ${facts.pages}`)));
  });
});
