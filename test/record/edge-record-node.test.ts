import * as assert from "assert";
import * as fs from "fs";
import helper from "node-red-node-test-helper";
import rulesNode from "../../nodes/edge-rules/edge-rules";
import alarmsNode from "../../nodes/edge-alarms/edge-alarms";
import recordNode from "../../nodes/edge-record/edge-record";
import { tempDir } from "../harness/peers";
import { waitFor } from "../harness/wait";
import { events } from "../harness/node-events";
import { listSegments } from "../../lib/record/segments";
import { parseEntryLine, Entry } from "../../lib/record/entry";
import { checkPdf } from "./pdf-structure";

helper.init(require.resolve("node-red"));

const T0 = Date.UTC(2026, 0, 1);
const DAY = new Date(T0).toISOString().slice(0, 10);
const event = (device: string, value: number, minute: number) => ({
  eventId: `ev-${device}-${minute}`,
  payload: { id: `e-${device}-${minute}`, deviceName: device, profileName: "reefer", sourceName: "returnAir", origin: T0 + minute * 60000, readings: [{ id: `r-${device}-${minute}`, origin: T0 + minute * 60000, deviceName: device, resourceName: "returnAir", profileName: "reefer", valueType: "Float32", value, units: "°C" }] },
});

function flow(dir: string, record: Record<string, unknown> = {}) {
  return [
    { id: "rules", type: "edge-rules", rules: [{ name: "warm", type: "threshold", severity: "critical", resource: "returnAir", direction: "above", raise: "8", clear: "7.5", forS: "0" }], wires: [["alarms"], ["alarms", "record"]] },
    { id: "alarms", type: "edge-alarms", reminderMin: "0", escalation: "", maxShelveMin: "480", startupMin: "0", sources: [], units: "", unitPattern: "", tickS: "0.2", wires: [["record"], ["record"], ["record"], ["replies"]] },
    { id: "record", type: "edge-record", dir, retentionDays: "730", groupCommitMs: "5", low: "2", high: "8", ranges: "", gapMin: "30", resources: "", servePath: "", ...record, wires: [["out"]] },
    { id: "out", type: "helper" },
    { id: "replies", type: "helper" },
    { id: "caught", type: "catch", scope: ["record"], uncaught: false, wires: [["errors"]] },
    { id: "errors", type: "helper" },
  ];
}

function entries(dir: string): Entry[] {
  return listSegments(dir).flatMap((s) => fs.readFileSync(s.file, "utf8").split("\n").filter(Boolean).map((l) => parseEntryLine(l)!));
}

function collect(id: string): Array<Record<string, unknown>> {
  const got: Array<Record<string, unknown>> = [];
  events(helper.getNode(id)).on("input", (m: Record<string, unknown>) => got.push(m));
  return got;
}

describe("edge-record through Node-RED (edge-rules → edge-alarms → edge-record)", function () {
  this.timeout(20000);
  let dir = "";
  beforeEach(() => {
    dir = tempDir("record-node");
  });
  afterEach(async () => {
    await helper.unload();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("records readings, the alarm, the acknowledgement (who, comment, when) and the clear; verifies; reports them", async function () {
    await helper.load([rulesNode, alarmsNode, recordNode], flow(dir));
    const out = collect("out");
    const replies = collect("replies");
    const rules = helper.getNode("rules");
    rules.receive(event("truck-1", 5, 0) as never);
    rules.receive(event("truck-1", 9, 10) as never);
    await waitFor(() => entries(dir).some((e) => e.kind === "alarm" && e.data.transition === "raised"), "the alarm recorded");
    helper.getNode("alarms").receive({ topic: "list" } as never);
    await waitFor(() => replies.length === 1, "the list");
    const alarmId = (replies[0].payload as Array<{ alarmId: string }>)[0].alarmId;
    helper.getNode("alarms").receive({ topic: "ack", payload: { alarmId, by: "ana", comment: "door left open" } } as never);
    await waitFor(() => entries(dir).some((e) => e.kind === "ack"), "the acknowledgement recorded");
    rules.receive(event("truck-1", 7, 20) as never);
    await waitFor(() => entries(dir).some((e) => e.kind === "alarm" && e.data.transition === "cleared"), "the clear recorded");
    const all = entries(dir);
    assert.deepStrictEqual(all.slice(0, 2).map((e) => e.kind), ["start", "config"], "the start and the first configuration come first");
    assert.strictEqual(all.filter((e) => e.kind === "reading").length, 3);
    const ack = all.find((e) => e.kind === "ack")!;
    assert.deepStrictEqual([ack.data.alarmId, ack.data.by, ack.data.comment, typeof ack.data.ackAt], [alarmId, "ana", "door left open", "number"]);
    assert.ok(all.some((e) => e.kind === "alert" && e.data.state === "raised" && e.data.alarmId === alarmId), "edge-alarms' record output: the alert with its alarm id");

    helper.getNode("record").receive({ topic: "verify" } as never);
    await waitFor(() => out.length === 1, "the verification");
    const v = out[0].payload as { ok: boolean; entries: number; problems: unknown[] };
    assert.deepStrictEqual([v.ok, v.entries, v.problems], [true, all.length, []]);

    helper.getNode("record").receive({ topic: "report", payload: { device: "truck-1", day: DAY, format: "json" } } as never);
    await waitFor(() => out.length === 2, "the report");
    const report = JSON.parse(out[1].payload as string);
    assert.deepStrictEqual(report.summaries.map((s: Record<string, unknown>) => [s.readings, s.min, s.max, s.outOfRangeMs]), [[3, 5, 9, 10 * 60000]]);
    assert.deepStrictEqual(report.alarms.map((a: Record<string, unknown>) => [a.alarmId, a.start, a.end, (a.acknowledgements as Array<{ by: string }>).map((k) => k.by)]), [[alarmId, T0 + 10 * 60000, T0 + 20 * 60000, ["ana"]]]);
    assert.strictEqual((out[1].headers as Record<string, string>)["content-type"], "application/json; charset=utf-8");
  });

  it("serves the PDF and the verification on the admin routes, and refuses a bad query with the reason", async function () {
    await helper.load([rulesNode, alarmsNode, recordNode], flow(dir));
    helper.getNode("rules").receive(event("truck-1", 5, 0) as never);
    await waitFor(() => entries(dir).some((e) => e.kind === "reading"), "a reading recorded");
    const pdf = await helper.request().get(`/edge-record/record/report?device=truck-1&day=${DAY}&format=pdf`).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => cb(null, Buffer.concat(chunks)));
    });
    assert.strictEqual(pdf.status, 200);
    assert.strictEqual(pdf.headers["content-type"], "application/pdf");
    assert.ok(checkPdf(pdf.body as Buffer).text[0].includes("Temperature record: truck-1"));
    const verify = await helper.request().get("/edge-record/record/verify");
    assert.strictEqual(verify.body.ok, true);
    const bad = await helper.request().get("/edge-record/record/report?device=truck-1&day=2026-13-01");
    assert.deepStrictEqual([bad.status, bad.text], [400, 'day must be YYYY-MM-DD, not "2026-13-01"']);
    assert.strictEqual((await helper.request().get("/edge-record/nobody/verify")).status, 404);
  });

  it("records a deploy that changed its configuration, field by field, and goes on with the chain", async function () {
    await helper.load([rulesNode, alarmsNode, recordNode], flow(dir));
    helper.getNode("rules").receive(event("truck-1", 5, 0) as never);
    await waitFor(() => entries(dir).some((e) => e.kind === "reading"), "a reading recorded");
    await helper.unload();
    await helper.load([rulesNode, alarmsNode, recordNode], flow(dir));
    await waitFor(() => entries(dir).filter((e) => e.kind === "start").length === 2, "the second start");
    assert.strictEqual(entries(dir).filter((e) => e.kind === "config").length, 1, "the same configuration is not a change");
    await helper.unload();
    await helper.load([rulesNode, alarmsNode, recordNode], flow(dir, { gapMin: "20", high: "7" }));
    await waitFor(() => entries(dir).filter((e) => e.kind === "config").length === 2, "the change recorded");
    const change = entries(dir).filter((e) => e.kind === "config")[1];
    assert.deepStrictEqual(change.data.changes, [{ field: "gapMin", from: "30", to: "20" }, { field: "high", from: "8", to: "7" }]);
    assert.strictEqual(change.data.by, null, "Node-RED does not tell a node who deployed: said, not invented");
    const seqs = entries(dir).map((e) => e.seq);
    assert.deepStrictEqual(seqs, seqs.map((_, i) => i));
  });

  it("refuses what it does not record with the reason, to the Catch node", async function () {
    await helper.load([rulesNode, alarmsNode, recordNode], flow(dir));
    const errors = collect("errors");
    const record = helper.getNode("record");
    record.receive({ payload: 42 } as never);
    record.receive({ topic: "config", payload: { what: "setpoint to -20" } } as never);
    record.receive({ topic: "report", payload: { device: "truck-1" } } as never);
    await waitFor(() => errors.length === 3, "three refusals");
    assert.deepStrictEqual(errors.map((e) => (e.error as { message: string }).message), [
      "Error: edge-record.errors.notRecordable",
      "Error: a configuration note (topic config) needs payload.by and payload.what, non-empty strings",
      "Error: a report needs a day (day=YYYY-MM-DD) or a trip (trip=…)",
    ]);
    record.receive({ topic: "config", payload: { by: "ben", what: "controller setpoint to -20 °C", device: "truck-2" } } as never);
    await waitFor(() => entries(dir).some((e) => e.kind === "config" && e.data.by === "ben"), "the operator's note");
  });
});
