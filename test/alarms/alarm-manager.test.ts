import * as assert from "assert";
import { AlarmManager, alarmIdOf } from "../../lib/alarms/alarm-manager";
import type { AlarmSettings, AlertIn, Emission } from "../../lib/alarms/alarm-types";
import { CommandError, commandName, commandPayload, parseCommand } from "../../lib/alarms/commands";
import { Suppression } from "../../lib/alarms/suppression";
import { parseEscalation, parseSources, parseUnitTable } from "../../lib/alarms/settings";

const T0 = Date.UTC(2026, 0, 1, 8);
const MIN = 60000;
const settings = (over: Partial<AlarmSettings> = {}): AlarmSettings => ({ reminderMin: 0, escalation: [], maxShelveMin: 480, ...over });

function alert(state: AlertIn["state"], over: Partial<AlertIn> = {}): AlertIn {
  return { rule: "box too warm", type: "threshold", severity: "minor", priority: 2, state, key: "truck-1/returnAir", deviceName: "truck-1", resourceName: "returnAir", start: T0, durationS: 900, value: 9, peak: 9, units: "degC", ...over };
}
const transitions = (e: Emission[]) => e.map((x) => `${x.output}:${x.view.transition}:${x.view.state}`);
const cmd = (name: string, payload: unknown) => parseCommand(commandName(name, payload)!, payload);

describe("alarms: the lifecycle (ISA-18.2)", function () {
  it("raised → acknowledged (who, comment, when) → cleared closes the alarm", function () {
    const m = new AlarmManager(settings());
    const raised = m.onAlert(alert("raised"), T0);
    assert.deepStrictEqual(transitions(raised.emissions), ["alarms:raised:active-unacknowledged"]);
    const id = raised.alarmId;
    const ack = m.command(cmd("ack", { alarmId: id, by: "ana", comment: "driver called" }), T0 + MIN);
    assert.deepStrictEqual(transitions(ack.emissions), ["alarms:acknowledged:active-acknowledged"]);
    assert.deepStrictEqual(ack.emissions[0].view.acknowledged, { by: "ana", comment: "driver called", at: T0 + MIN });
    assert.strictEqual(m.list()[0].state, "active-acknowledged");
    const cleared = m.onAlert(alert("cleared", { end: T0 + 30 * MIN }), T0 + 30 * MIN);
    assert.deepStrictEqual(transitions(cleared.emissions), ["alarms:cleared:normal"]);
    assert.deepStrictEqual(m.list(), []);
  });

  it("raised → cleared before acknowledgement stays open as cleared-unacknowledged until acknowledged", function () {
    const m = new AlarmManager(settings());
    const id = m.onAlert(alert("raised"), T0).alarmId;
    assert.deepStrictEqual(transitions(m.onAlert(alert("cleared"), T0 + MIN).emissions), ["alarms:cleared:cleared-unacknowledged"]);
    assert.strictEqual(m.list().length, 1);
    const ack = m.command(cmd("alarms/store-1/acknowledge", { alarmId: id, by: "ben" }), T0 + 2 * MIN);
    assert.deepStrictEqual(transitions(ack.emissions), ["alarms:acknowledged:normal"]);
    assert.deepStrictEqual(m.list(), []);
  });

  it("reports updates of an annunciated alarm, with the alert's fields and its own state beside the alert's", function () {
    const m = new AlarmManager(settings());
    m.onAlert(alert("raised"), T0);
    const u = m.onAlert(alert("updated", { value: 10.5, peak: 10.5 }), T0 + MIN).emissions[0].view;
    assert.deepStrictEqual([u.transition, u.state, u.alertState, u.peak, u.units, u.deviceName, u.priority], ["updated", "active-unacknowledged", "updated", 10.5, "degC", "truck-1", 2]);
  });

  it("refuses to acknowledge twice or an alarm it does not have, saying why", function () {
    const m = new AlarmManager(settings());
    const id = m.onAlert(alert("raised"), T0).alarmId;
    m.command(cmd("ack", { alarmId: id, by: "ana" }), T0);
    assert.throws(() => m.command(cmd("ack", { alarmId: id, by: "ben" }), T0), /already acknowledged by ana/);
    assert.throws(() => m.command(cmd("ack", { alarmId: "nope", by: "ben" }), T0), /no open alarm nope/);
  });

  it("identifies an alarm by the alert's alertId, or by its key and start when it has none", function () {
    assert.strictEqual(alarmIdOf(alert("raised", { alertId: "a-1" })), "a-1");
    assert.strictEqual(alarmIdOf(alert("raised")), `truck-1/returnAir:${T0}`);
    const m = new AlarmManager(settings());
    m.onAlert(alert("raised", { alertId: "a-1" }), T0);
    m.onAlert(alert("raised", { alertId: "a-2", key: "truck-2/returnAir", deviceName: "truck-2" }), T0);
    assert.deepStrictEqual(transitions(m.onAlert(alert("cleared", { alertId: "a-1" }), T0 + MIN).emissions), ["alarms:cleared:cleared-unacknowledged"]);
    assert.deepStrictEqual(m.list().map((a) => [a.alarmId, a.state]), [["a-1", "cleared-unacknowledged"], ["a-2", "active-unacknowledged"]]);
  });

  it("a clear of an alarm it never saw only passes to the record", function () {
    const m = new AlarmManager(settings());
    const out = m.onAlert(alert("cleared"), T0);
    assert.deepStrictEqual(out.emissions, []);
    assert.deepStrictEqual(m.list(), []);
  });
});

describe("alarms: shelving", function () {
  it("shelves the alarm's point for a set time with a reason: silent meanwhile, then re-evaluated and annunciated again", function () {
    const m = new AlarmManager(settings());
    const id = m.onAlert(alert("raised"), T0).alarmId;
    const shelved = m.command(cmd("shelve", { alarmId: id, by: "ana", minutes: 30, reason: "probe being replaced" }), T0 + MIN);
    assert.deepStrictEqual(transitions(shelved.emissions), ["alarms:shelved:active-unacknowledged"]);
    assert.deepStrictEqual(shelved.emissions[0].view.shelved, { until: T0 + 31 * MIN, reason: "probe being replaced", by: "ana" });
    assert.deepStrictEqual(m.onAlert(alert("updated", { peak: 12 }), T0 + 5 * MIN).emissions, [], "no update while shelved");
    assert.deepStrictEqual(m.tick(T0 + 30 * MIN), [], "still shelved");
    const back = m.tick(T0 + 31 * MIN);
    assert.deepStrictEqual(transitions(back), ["alarms:unshelved:active-unacknowledged"]);
    assert.strictEqual(back[0].view.shelved, null);
    assert.strictEqual(back[0].view.peak, 12, "the alarm kept the condition's news while shelved");
  });

  it("a re-raise on a shelved point is held; one that clears while shelved ends silently, and unshelving reports the point normal", function () {
    const m = new AlarmManager(settings());
    const first = m.onAlert(alert("raised", { alertId: "a-1" }), T0).alarmId;
    m.command(cmd("ack", { alarmId: first, by: "ana" }), T0);
    m.command(cmd("shelve", { alarmId: first, by: "ana", minutes: 60, reason: "chattering" }), T0);
    assert.deepStrictEqual(m.onAlert(alert("cleared", { alertId: "a-1" }), T0 + MIN).emissions, []);
    const again = m.onAlert(alert("raised", { alertId: "a-2", start: T0 + 2 * MIN }), T0 + 2 * MIN);
    assert.deepStrictEqual([again.emissions, again.shelved], [[], true]);
    assert.deepStrictEqual(m.onAlert(alert("cleared", { alertId: "a-2" }), T0 + 3 * MIN).emissions, []);
    const back = m.command(cmd("unshelve", { alarmId: first, by: "ana" }), T0 + 4 * MIN);
    assert.deepStrictEqual(back.emissions.map((e) => [e.view.alarmId, e.view.transition, e.view.state]), [["a-1", "unshelved", "normal"]]);
    assert.deepStrictEqual(m.list(), []);
  });

  it("refuses shelving beyond the limit, without minutes or reason, and unshelving what is not shelved", function () {
    const m = new AlarmManager(settings({ maxShelveMin: 120 }));
    const id = m.onAlert(alert("raised"), T0).alarmId;
    assert.throws(() => m.command(cmd("shelve", { alarmId: id, by: "ana", minutes: 121, reason: "x" }), T0), /at most 120 minutes/);
    assert.throws(() => m.command(cmd("shelve", { alarmId: id, by: "ana", reason: "x" }), T0), /payload.minutes must be a number of minutes above 0/);
    assert.throws(() => m.command(cmd("shelve", { alarmId: id, by: "ana", minutes: 5 }), T0), /payload.reason must be a non-empty string/);
    assert.throws(() => m.command(cmd("unshelve", { alarmId: id, by: "ana" }), T0), /is not shelved/);
  });
});

describe("alarms: reminders and escalation (injected clock)", function () {
  it("reminds every N minutes while unacknowledged and active, and stops once acknowledged", function () {
    const m = new AlarmManager(settings({ reminderMin: 5 }));
    const id = m.onAlert(alert("raised"), T0).alarmId;
    assert.deepStrictEqual(m.tick(T0 + 5 * MIN - 1), []);
    assert.deepStrictEqual(transitions(m.tick(T0 + 5 * MIN)), ["alarms:reminder:active-unacknowledged"]);
    assert.deepStrictEqual(m.tick(T0 + 9 * MIN), []);
    assert.deepStrictEqual(transitions(m.tick(T0 + 10 * MIN)), ["alarms:reminder:active-unacknowledged"]);
    m.command(cmd("ack", { alarmId: id, by: "ana" }), T0 + 11 * MIN);
    assert.deepStrictEqual(m.tick(T0 + 20 * MIN), []);
  });

  it("escalates step by step after N minutes unacknowledged, to a higher severity and priority, on the escalations output", function () {
    const m = new AlarmManager(settings({ escalation: parseEscalation("30:critical, 15:major") }));
    const id = m.onAlert(alert("raised", { severity: "minor" }), T0).alarmId;
    assert.deepStrictEqual(m.tick(T0 + 15 * MIN - 1), []);
    const first = m.tick(T0 + 15 * MIN);
    assert.deepStrictEqual(first.map((e) => [e.output, e.view.transition, e.view.escalationLevel, e.view.severity, e.view.priority]), [["escalations", "escalated", 1, "major", 1]]);
    assert.deepStrictEqual(m.tick(T0 + 29 * MIN), [], "each step once");
    const second = m.tick(T0 + 30 * MIN);
    assert.deepStrictEqual(second.map((e) => [e.output, e.view.escalationLevel, e.view.severity, e.view.priority]), [["escalations", 2, "critical", 0]]);
    assert.deepStrictEqual(m.counts(T0 + 30 * MIN), { active: 1, unacknowledged: 1, escalated: 1, suppressed: 0, shelved: 0 });
    m.command(cmd("ack", { alarmId: id, by: "ana" }), T0 + 31 * MIN);
    assert.strictEqual(m.list()[0].severity, "critical", "an escalated alarm keeps its severity");
  });

  it("does not escalate an acknowledged alarm, nor lower a severity", function () {
    const m = new AlarmManager(settings({ escalation: parseEscalation("10:minor, 20:critical") }));
    const a = m.onAlert(alert("raised", { severity: "major", alertId: "a" }), T0).alarmId;
    m.onAlert(alert("raised", { severity: "major", alertId: "b", key: "truck-2/returnAir" }), T0);
    m.command(cmd("ack", { alarmId: a, by: "ana" }), T0 + MIN);
    const e = m.tick(T0 + 10 * MIN);
    assert.deepStrictEqual(e.map((x) => [x.view.alarmId, x.view.severity, x.view.escalationLevel]), [["b", "major", 1]]);
    assert.deepStrictEqual(m.tick(T0 + 20 * MIN).map((x) => [x.view.alarmId, x.view.severity]), [["b", "critical"]]);
  });
});

describe("alarms: suppression (changes alarms, never the record)", function () {
  const door = parseSources([{ name: "door open", resource: "door", graceMin: "10", resources: "returnAir,supplyAir" }]);

  it("holds back a unit's temperature alarm while its door is open and for the grace period after it closes, then annunciates it", function () {
    const m = new AlarmManager(settings(), new Suppression(door));
    m.onReading({ deviceName: "truck-1", resourceName: "door", value: true }, T0);
    const held = m.onAlert(alert("raised"), T0 + 15 * MIN);
    assert.deepStrictEqual([held.emissions, held.suppressed], [[], ["door open"]]);
    assert.deepStrictEqual(m.list()[0].suppressed, ["door open"]);
    assert.deepStrictEqual(m.onAlert(alert("updated", { peak: 11 }), T0 + 16 * MIN).emissions, []);
    const other = m.onAlert(alert("raised", { key: "truck-2/returnAir", deviceName: "truck-2" }), T0 + 15 * MIN);
    assert.deepStrictEqual(transitions(other.emissions), ["alarms:raised:active-unacknowledged"], "another unit's alarm is annunciated");
    m.onReading({ deviceName: "truck-1", resourceName: "door", value: false }, T0 + 20 * MIN);
    assert.deepStrictEqual(m.tick(T0 + 30 * MIN - 1), [], "within the grace period");
    const late = m.tick(T0 + 30 * MIN);
    assert.deepStrictEqual(late.map((e) => [e.view.deviceName, e.view.transition, e.view.state, e.view.suppressed, e.view.annunciatedAt]), [["truck-1", "raised", "active-unacknowledged", [], T0 + 30 * MIN]]);
  });

  it("a clear during suppression ends the alarm silently", function () {
    const m = new AlarmManager(settings(), new Suppression(door));
    m.onReading({ deviceName: "truck-1", resourceName: "door", value: "open" }, T0);
    m.onAlert(alert("raised"), T0 + MIN);
    const cleared = m.onAlert(alert("cleared"), T0 + 2 * MIN);
    assert.deepStrictEqual([cleared.emissions, cleared.suppressed], [[], ["door open"]]);
    assert.deepStrictEqual(m.list(), []);
    assert.deepStrictEqual(m.tick(T0 + 60 * MIN), []);
  });

  it("suppresses across devices of one unit (a door contact on another device), only the resources it names", function () {
    const s = new Suppression(door, { table: parseUnitTable("door-7 = coldroom-1\nprobe-3 = coldroom-1") });
    const m = new AlarmManager(settings(), s);
    m.onReading({ deviceName: "door-7", resourceName: "door", value: 1 }, T0);
    assert.deepStrictEqual(m.onAlert(alert("raised", { key: "probe-3/returnAir", deviceName: "probe-3" }), T0).suppressed, ["door open"]);
    assert.deepStrictEqual(m.onAlert(alert("raised", { key: "probe-3/compressorCurrent", deviceName: "probe-3", resourceName: "compressorCurrent" }), T0).suppressed, [], "not a resource the door suppresses");
    assert.deepStrictEqual(m.onAlert(alert("raised", { key: "probe-4/returnAir", deviceName: "probe-4" }), T0).suppressed, [], "another unit");
  });

  it("maps devices to units by a pattern", function () {
    const s = new Suppression(door, { pattern: "^(truck-\\d+)" });
    assert.strictEqual(s.unitOf("truck-12-door"), "truck-12");
    assert.strictEqual(s.unitOf("coldroom-1"), "coldroom-1");
    assert.throws(() => new Suppression(door, { pattern: "(" }), /is not a regular expression/);
  });

  it("stops suppressing a window open longer than its limit (a door left open must alarm)", function () {
    const m = new AlarmManager(settings(), new Suppression(parseSources([{ name: "door open", resource: "door", graceMin: "5", maxMin: "30" }])));
    m.onReading({ deviceName: "truck-1", resourceName: "door", value: true }, T0);
    assert.deepStrictEqual(m.onAlert(alert("raised"), T0 + 10 * MIN).emissions, []);
    assert.deepStrictEqual(m.tick(T0 + 30 * MIN - 1), []);
    assert.deepStrictEqual(transitions(m.tick(T0 + 30 * MIN)), ["alarms:raised:active-unacknowledged"]);
  });

  it("an inverted source (compressor flag false) and messages that open windows (pull-down after loading) for a unit or all", function () {
    const m = new AlarmManager(settings(), new Suppression(parseSources([{ name: "defrost", resource: "defrost", graceMin: "0" }, { name: "compressor off", resource: "running", activeWhen: "false", graceMin: "0" }])));
    m.onReading({ deviceName: "truck-1", resourceName: "running", value: false }, T0);
    assert.deepStrictEqual(m.onAlert(alert("raised"), T0).suppressed, ["compressor off"]);
    m.command(cmd("suppress", { reason: "pull-down", unit: "truck-2", minutes: 60, resources: "returnAir" }), T0);
    assert.deepStrictEqual(m.onAlert(alert("raised", { key: "truck-2/returnAir", deviceName: "truck-2" }), T0 + MIN).suppressed, ["pull-down"]);
    const ended = m.command(cmd("unsuppress", { reason: "pull-down", unit: "truck-2" }), T0 + 2 * MIN);
    assert.deepStrictEqual(ended.emissions.map((e) => e.view.deviceName), ["truck-2"], "the held alarm annunciates when its window is closed");
    assert.throws(() => m.command(cmd("unsuppress", { reason: "pull-down", unit: "truck-2" }), T0), /no suppression "pull-down" for truck-2/);
    m.command(cmd("suppress", { reason: "start-up", unit: "*", minutes: 5 }), T0);
    assert.deepStrictEqual(m.onAlert(alert("raised", { key: "truck-3/returnAir", deviceName: "truck-3" }), T0 + 3 * MIN).suppressed, ["start-up"]);
  });
});

describe("alarms: restore from a snapshot", function () {
  it("brings back open and acknowledged alarms, shelves and suppression windows", function () {
    const door = parseSources([{ name: "door open", resource: "door", graceMin: "10" }]);
    const before = new AlarmManager(settings({ escalation: parseEscalation("15:critical") }), new Suppression(door));
    const open = before.onAlert(alert("raised", { alertId: "open" }), T0).alarmId;
    const acked = before.onAlert(alert("raised", { alertId: "acked", key: "truck-2/returnAir", deviceName: "truck-2" }), T0).alarmId;
    before.command(cmd("ack", { alarmId: acked, by: "ana", comment: "on it" }), T0 + MIN);
    const shelvedId = before.onAlert(alert("raised", { alertId: "shelved", key: "truck-3/returnAir", deviceName: "truck-3" }), T0).alarmId;
    before.command(cmd("shelve", { alarmId: shelvedId, by: "ana", minutes: 20, reason: "defrost test" }), T0 + MIN);
    before.onReading({ deviceName: "truck-4", resourceName: "door", value: true }, T0);
    const snapshot = JSON.parse(JSON.stringify(before.snapshot()));

    const after = new AlarmManager(settings({ escalation: parseEscalation("15:critical") }), new Suppression(door));
    after.restore(snapshot);
    assert.deepStrictEqual(after.list().map((a) => [a.alarmId, a.state, a.acknowledged?.by ?? null, a.shelved?.reason ?? null]), [
      ["open", "active-unacknowledged", null, null],
      ["acked", "active-acknowledged", "ana", null],
      ["shelved", "active-unacknowledged", null, "defrost test"],
    ]);
    assert.deepStrictEqual(after.onAlert(alert("raised", { alertId: "t4", key: "truck-4/returnAir", deviceName: "truck-4" }), T0 + 2 * MIN).suppressed, ["door open"]);
    const e = after.tick(T0 + 21 * MIN);
    assert.deepStrictEqual(e.map((x) => [x.view.alarmId, x.output, x.view.transition]).sort(), [["open", "escalations", "escalated"], ["shelved", "alarms", "unshelved"]]);
    assert.deepStrictEqual(transitions(after.command(cmd("ack", { alarmId: open, by: "ben" }), T0 + 22 * MIN).emissions), ["alarms:acknowledged:active-acknowledged"]);
    after.restore(<never>{ version: 2 });
    assert.strictEqual(after.list().length, 4, "an unknown snapshot version is ignored");
  });
});

describe("alarms: commands and settings", function () {
  it("names the command by payload.command or the topic's last segment", function () {
    assert.strictEqual(commandName("ack", {}), "ack");
    assert.strictEqual(commandName("store/1/alarms/shelve", {}), "shelve");
    assert.strictEqual(commandName("anything", { command: "list" }), "list");
    assert.strictEqual(commandName("alerts/truck-1/box too warm", {}), undefined);
    assert.throws(() => parseCommand("ack", { alarmId: "x" }), (e: Error) => e instanceof CommandError && /payload.by/.test(e.message));
  });

  it("reads a payload sent as JSON text or a Buffer (MQTT, raw HTTP bodies), and says when it is not JSON", function () {
    assert.deepStrictEqual(commandPayload('{"alarmId": "a", "by": "ana"}'), { alarmId: "a", by: "ana" });
    assert.deepStrictEqual(commandPayload(Buffer.from('{"command": "list"}')), { command: "list" });
    assert.strictEqual(commandName("x", commandPayload(Buffer.from('{"command": "list"}'))), "list");
    assert.strictEqual(commandPayload("plain"), "plain");
    assert.throws(() => commandPayload("{not json"), /not valid JSON/);
  });

  it("parses escalation steps and unit tables, refusing what it cannot read", function () {
    assert.deepStrictEqual(parseEscalation(" 15:major,30 : CRITICAL "), [{ afterMin: 15, severity: "major" }, { afterMin: 30, severity: "critical" }]);
    assert.deepStrictEqual(parseEscalation(""), []);
    assert.throws(() => parseEscalation("15"), /is not "minutes:severity"/);
    assert.throws(() => parseEscalation("15:urgent"), /severity must be one of/);
    assert.deepStrictEqual(parseUnitTable("a = u1, b=u2"), { a: "u1", b: "u2" });
    assert.throws(() => parseUnitTable("a u1"), /is not "device = unit"/);
    assert.throws(() => parseSources([{ name: "d", resource: "door", graceMin: "-1" }]), /grace must be 0 or more/);
    assert.throws(() => new Suppression(parseSources([{ name: "d", resource: "", graceMin: "1" }])), /watches no resource/);
  });
});
