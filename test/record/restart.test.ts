/**
 * edge-record in a real Node-RED process: entries survive a restart and a kill -9 and the chain goes on; a torn
 * tail is repaired and reported; tampering with the file while Node-RED is stopped is found and named over HTTP;
 * the CSV report over HTTP carries the hand-computed figures.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { startNodeRed, NodeRedProcess } from "../harness/node-red-process";
import { httpRequest, tempDir } from "../harness/peers";
import { ensureBuilt, linkPack } from "../harness/build";
import { waitFor } from "../harness/wait";
import { listSegments } from "../../lib/record/segments";
import { parseEntryLine } from "../../lib/record/entry";

const T0 = Date.UTC(2026, 0, 1);
const DAY = "2026-01-01";

describe("edge-record in a real Node-RED: restarts, a crash, tampering, the report over HTTP", function () {
  this.timeout(180000);
  let userDir = "";
  let red: NodeRedProcess | undefined;
  const recordDir = () => path.join(userDir, "record");
  const entries = () => listSegments(recordDir()).flatMap((s) => fs.readFileSync(s.file, "utf8").split("\n").filter(Boolean).map((l) => parseEntryLine(l)!));
  const flows = () => [
    { id: "t", type: "tab", label: "record" },
    { id: "reading", z: "t", type: "http in", url: "/reading", method: "post", wires: [["rules", "ok"]] },
    { id: "ok", z: "t", type: "http response", statusCode: "204", wires: [] },
    { id: "rules", z: "t", type: "edge-rules", rules: [{ name: "warm", type: "threshold", severity: "critical", resource: "returnAir", direction: "above", raise: "8", clear: "7.5", forS: "0" }], wires: [["alarms"], ["record"]] },
    { id: "command", z: "t", type: "http in", url: "/alarms", method: "post", wires: [["alarms"]] },
    { id: "alarms", z: "t", type: "edge-alarms", reminderMin: "0", escalation: "", maxShelveMin: "480", startupMin: "0", sources: [], units: "", unitPattern: "", tickS: "1", wires: [["record"], ["record"], [], ["reply"]] },
    { id: "reply", z: "t", type: "http response", statusCode: "", wires: [] },
    { id: "record", z: "t", type: "edge-record", dir: recordDir(), retentionDays: "730", groupCommitMs: "5", low: "2", high: "8", ranges: "", gapMin: "30", resources: "", servePath: "/edge-record", wires: [[]] },
  ];
  /** a reading posted; a 404 (the flows not started yet) delivered nothing, so it is posted again */
  const post = (minute: number, value: number) =>
    waitFor(async () => {
      const res = await postOnce(minute, value);
      return res.status === 404 ? undefined : res;
    }, "the /reading route", { timeoutMs: 30000, intervalMs: 100 });
  const postOnce = (minute: number, value: number) =>
    httpRequest("POST", `${red!.url}/reading`, JSON.stringify({ deviceName: "truck-1", origin: T0 + minute * 60000, readings: [{ deviceName: "truck-1", resourceName: "returnAir", value, units: "°C", origin: T0 + minute * 60000 }] }), { "Content-Type": "application/json" });
  const getJson = async (route: string) => {
    const res = await httpRequest("GET", `${red!.url}${route}`);
    assert.strictEqual(res.status, 200, `${route}: ${res.status} ${res.body}`);
    return JSON.parse(res.body);
  };
  const readings = () => entries().filter((e) => e.kind === "reading").length;

  before(function () {
    ensureBuilt();
    userDir = tempDir("record-restart");
    linkPack(userDir);
  });
  after(async function () {
    await red?.stop().catch(() => undefined);
    if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
  });

  it("keeps the entries across a restart and a kill -9, the chain unbroken, and reports the day's figures as computed by hand", async function () {
    red = await startNodeRed({ userDir, flows: flows() });
    // minute: °C: 0: 5, 10: 9 (alarm), 20: 10, 30: 7 (clear), acknowledged — a restart — 40: 6 — kill -9 — 50: 6.5
    for (const [m, v] of [[0, 5], [10, 9], [20, 10], [30, 7]]) assert.strictEqual((await post(m, v)).status, 204);
    await waitFor(() => readings() === 4 && entries().some((e) => e.kind === "alarm" && e.data.transition === "cleared"), "four readings, the alarm raised and cleared");
    await waitFor(() => entries().some((e) => e.kind === "alert" || e.kind === "alarm"), "the alarm");
    const list = JSON.parse((await httpRequest("POST", `${red.url}/alarms`, JSON.stringify({ command: "list" }), { "Content-Type": "application/json" })).body);
    const ack = await httpRequest("POST", `${red.url}/alarms`, JSON.stringify({ command: "ack", alarmId: list[0].alarmId, by: "ana", comment: "door left open" }), { "Content-Type": "application/json" });
    assert.strictEqual(ack.status, 200);
    await waitFor(() => entries().some((e) => e.kind === "ack"), "the acknowledgement recorded");
    await red.stop();

    red = await startNodeRed({ userDir });
    assert.strictEqual((await post(40, 6)).status, 204);
    await waitFor(() => readings() === 5, "five readings");
    await red.kill9();

    red = await startNodeRed({ userDir });
    assert.strictEqual((await post(50, 6.5)).status, 204);
    await waitFor(() => readings() === 6, "six readings");
    const all = entries();
    assert.deepStrictEqual(all.map((e) => e.seq), all.map((_, i) => i), "one numbering across the restarts");
    assert.strictEqual(all.filter((e) => e.kind === "start").length, 3);
    assert.strictEqual(all.filter((e) => e.kind === "config").length, 1, "an unchanged configuration is not logged again");
    const v = await getJson("/edge-record/verify");
    assert.deepStrictEqual([v.ok, v.problems, v.entries], [true, [], all.length]);

    const csv = await httpRequest("GET", `${red.url}/edge-record/report?device=truck-1&day=${DAY}&format=csv`);
    assert.strictEqual(csv.status, 200);
    const rows = csv.body.split("\r\n");
    // by hand: 5, 9, 10, 7, 6, 6.5 every 10 min; mean 43.5/6 = 7.25; MKT 7.43; 9 and 10 out of 2..8 for 10 min each
    const row = rows.find((r) => r.startsWith("returnAir,"));
    assert.strictEqual(row, "returnAir,°C,6,2026-01-01T00:00:00Z,2026-01-01T00:50:00Z,5.00,10.00,7.25,7.43,2.0,8.0,20.0,1,0.0");
    assert.ok(rows.some((r) => /,warm,returnAir,critical,2026-01-01T00:10:00Z,2026-01-01T00:30:00Z,10\.00,°C,ana,[^,]+,door left open,/.test(r)), csv.body);
  });

  it("repairs a torn tail at start and reports it; finds an entry edited while Node-RED was stopped and names it", async function () {
    await red!.stop();
    const segment = listSegments(recordDir()).at(-1)!.file;
    fs.appendFileSync(segment, '{"at":17672544');
    red = await startNodeRed({ userDir });
    await waitFor(() => entries().some((e) => e.kind === "recovery"), "the repair recorded");
    const recovery = entries().find((e) => e.kind === "recovery")!;
    assert.deepStrictEqual([recovery.data.reason, recovery.data.bytes], ["torn-tail", 14]);
    assert.match(red.output(), /repaired at start/);
    const v = await getJson("/edge-record/verify");
    assert.strictEqual(v.ok, true, JSON.stringify(v.problems));
    await red.stop();

    // someone lowers the 10 °C reading to 7 °C in the file
    const text = fs.readFileSync(segment, "utf8").split("\n");
    const line = text.findIndex((l) => l.includes('"value":10}'));
    assert.ok(line >= 0);
    text[line] = text[line].replace('"value":10}', '"value":7}');
    fs.writeFileSync(segment, text.join("\n"));
    red = await startNodeRed({ userDir });
    const tampered = await getJson("/edge-record/verify");
    assert.strictEqual(tampered.ok, false);
    assert.deepStrictEqual(tampered.problems.map((p: { kind: string; line: number; segment: string }) => [p.kind, p.segment, p.line]), [["edited", path.basename(segment), line + 1]]);
  });
});
