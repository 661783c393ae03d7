import * as assert from "assert";
import helper from "node-red-node-test-helper";
import rulesNode from "../../nodes/edge-rules/edge-rules";
import alarmsNode from "../../nodes/edge-alarms/edge-alarms";
import { tempDir } from "../harness/peers";
import { waitFor } from "../harness/wait";
import { events, messagesTo } from "../harness/node-events";
import { useTestHelper } from "../harness/test-helper-server";

const T0 = Date.UTC(2026, 0, 1);
interface Out {
  topic: string;
  eventId?: string;
  priority?: number;
  payload: Record<string, unknown> & { alarmId: string; state: string; transition?: string; suppressed: string[]; severity: string; escalationLevel: number };
}
const event = (device: string, resource: string, value: number | boolean, minute: number) => ({
  eventId: `ev-${device}-${resource}-${minute}`,
  payload: { id: `e-${device}-${minute}`, deviceName: device, profileName: "reefer", sourceName: resource, origin: T0 + minute * 60000, readings: [{ id: `r-${device}-${resource}-${minute}`, origin: T0 + minute * 60000, deviceName: device, resourceName: resource, profileName: "reefer", valueType: typeof value === "boolean" ? "Bool" : "Float32", value, units: typeof value === "boolean" ? undefined : "degC" }] },
});
const warmRule = { name: "box too warm", type: "threshold", severity: "minor", resource: "returnAir", direction: "above", raise: "8", clear: "7.5", forS: "0" };

function flow(alarms: Record<string, unknown>) {
  return [
    { id: "rules", type: "edge-rules", rules: [warmRule], wires: [["alarms"], ["alarms"]] },
    { id: "alarms", type: "edge-alarms", reminderMin: "0", escalation: "", maxShelveMin: "480", startupMin: "0", sources: [], units: "", unitPattern: "", tickS: "0.2", ...alarms, wires: [["out"], ["escalations"], ["record"], ["replies"]] },
    { id: "out", type: "helper" },
    { id: "escalations", type: "helper" },
    { id: "record", type: "helper" },
    { id: "replies", type: "helper" },
  ];
}

function lastStatus(id: string): { fill?: string; text?: string } {
  const calls = (helper.getNode(id) as unknown as { status: { args: Array<[{ fill?: string; text?: string }]> } }).status.args;
  return calls[calls.length - 1]?.[0] ?? {};
}

describe("edge-alarms through Node-RED (edge-rules → edge-alarms)", function () {
  this.timeout(20000);
  before(function () {
    helper.settings(<never>{ contextStorage: { default: { module: "localfilesystem", config: { dir: tempDir("alarms-context"), flushInterval: 0 } } } });
  });
  useTestHelper();

  it("annunciates a rule's alert, takes an acknowledgement by message, lists it, and closes it when the alert clears", async function () {
    await helper.load([rulesNode, alarmsNode], flow({}));
    const [out, record, replies] = [messagesTo<Out>("out"), messagesTo<Out>("record"), messagesTo<Out>("replies")];
    helper.getNode("rules").receive(event("truck-1", "returnAir", 9, 0));
    await waitFor(() => out.length === 1, "the alarm");
    const raised = out[0];
    assert.deepStrictEqual([raised.payload.transition, raised.payload.state, raised.payload.rule, raised.payload.deviceName, raised.priority, raised.topic], ["raised", "active-unacknowledged", "box too warm", "truck-1", 2, "alarms/truck-1/box too warm"]);
    assert.match(String(raised.eventId), /^[0-9a-f-]{36}$/, "an eventId of its own");
    await waitFor(() => lastStatus("alarms").fill === "yellow", "yellow while unacknowledged");

    // as an MQTT in node hands it over: the command in the topic's last segment, the payload JSON text
    helper.getNode("alarms").receive({ topic: "store-1/alarms/ack", payload: JSON.stringify({ alarmId: raised.payload.alarmId, by: "ana", comment: "driver called" }) });
    await waitFor(() => out.length === 2 && replies.length === 1, "the acknowledgement and its reply");
    assert.deepStrictEqual([out[1].payload.transition, out[1].payload.state, (out[1].payload.acknowledged as { by: string }).by], ["acknowledged", "active-acknowledged", "ana"]);
    assert.notStrictEqual(out[1].eventId, raised.eventId, "one eventId per transition");
    await waitFor(() => lastStatus("alarms").fill === "green", "green once acknowledged");

    helper.getNode("alarms").receive({ topic: "list", payload: {} });
    await waitFor(() => replies.length === 2, "the list");
    const list = replies[1].payload as unknown as Out["payload"][];
    assert.deepStrictEqual(list.map((a) => [a.alarmId, a.state]), [[raised.payload.alarmId, "active-acknowledged"]]);

    helper.getNode("rules").receive(event("truck-1", "returnAir", 7, 5));
    await waitFor(() => out.length === 3, "the clear");
    assert.deepStrictEqual([out[2].payload.transition, out[2].payload.state], ["cleared", "normal"]);
    assert.deepStrictEqual(record.map((m) => [m.payload.state, m.payload.alarmId]), [["raised", raised.payload.alarmId], ["cleared", raised.payload.alarmId]], "every alert in the record");
  });

  it("refuses a bad command with an error a Catch node sees", async function () {
    await helper.load([rulesNode, alarmsNode], flow({}));
    const errors: unknown[] = [];
    events(helper.getNode("alarms")).on("call:error", (call: { args: unknown[] }) => errors.push(call.args[0]));
    helper.getNode("alarms").receive({ topic: "ack", payload: { alarmId: "nope", by: "ana" } });
    helper.getNode("alarms").receive({ topic: "shelve", payload: { alarmId: "nope", by: "ana", minutes: 10 } });
    helper.getNode("alarms").receive({ topic: "what", payload: 3 });
    await waitFor(() => errors.length === 3, "three errors");
    const texts = errors.map(String).join("\n");
    assert.match(texts, /no open alarm nope/);
    assert.match(texts, /shelve: payload.reason must be a non-empty string/);
    assert.match(texts, /edge-alarms.errors.unknownInput/, "the translated 'not an alert, event or command' (the test helper's RED._ returns the key)");
  });

  it("holds back a truck's temperature alarm while a door contact of the same unit (another device) is open, and annunciates it after the grace period", async function () {
    await helper.load([rulesNode, alarmsNode], flow({
      sources: [{ name: "door open", resource: "door", device: "", activeWhen: "true", graceMin: "0.02", maxMin: "", resources: "returnAir", rules: "" }],
      units: "door-7 = truck-1",
    }));
    const [out, record] = [messagesTo<Out>("out"), messagesTo<Out>("record")];
    helper.getNode("rules").receive(event("door-7", "door", true, 0));
    helper.getNode("rules").receive(event("truck-1", "returnAir", 9, 1));
    helper.getNode("rules").receive(event("truck-2", "returnAir", 9, 1));
    await waitFor(() => record.length === 2, "both alerts in the record");
    const held = record.find((m) => m.payload.deviceName === "truck-1")!;
    assert.deepStrictEqual([held.payload.state, held.payload.suppressed], ["raised", ["door open"]], "the record keeps the suppressed alert, flagged");
    await waitFor(() => out.length === 1, "truck-2's alarm");
    assert.strictEqual(out[0].payload.deviceName, "truck-2", "only the other unit's alarm is annunciated");

    const replies = messagesTo<Out>("replies");
    helper.getNode("alarms").receive({ topic: "list", payload: {} });
    await waitFor(() => replies.length === 1, "the list");
    const truck1 = (replies[0].payload as unknown as Out["payload"][]).find((a) => a.deviceName === "truck-1")!;
    assert.deepStrictEqual(truck1.suppressed, ["door open"]);

    const closedAt = Date.now();
    helper.getNode("rules").receive(event("door-7", "door", false, 2));
    await waitFor(() => out.length === 2, "truck-1's alarm once the door has been closed for the grace period");
    assert.ok(Date.now() - closedAt >= 1200, "not before the grace period (1.2 s) ended");
    assert.deepStrictEqual([out[1].payload.deviceName, out[1].payload.transition, out[1].payload.suppressed], ["truck-1", "raised", []]);
  });

  it("a clear during suppression ends the alarm silently, and the record still has both alerts", async function () {
    await helper.load([rulesNode, alarmsNode], flow({ sources: [{ name: "defrost", resource: "defrost", activeWhen: "true", graceMin: "10" }] }));
    const [out, record] = [messagesTo<Out>("out"), messagesTo<Out>("record")];
    helper.getNode("rules").receive(event("truck-1", "defrost", true, 0));
    helper.getNode("rules").receive(event("truck-1", "returnAir", 9, 1));
    helper.getNode("rules").receive(event("truck-1", "returnAir", 7, 2));
    await waitFor(() => record.length === 2, "raise and clear in the record");
    assert.deepStrictEqual(record.map((m) => [m.payload.state, m.payload.suppressed]), [["raised", ["defrost"]], ["cleared", ["defrost"]]]);
    const replies = messagesTo<Out>("replies");
    helper.getNode("alarms").receive({ topic: "list", payload: {} });
    await waitFor(() => replies.length === 1, "the list");
    assert.deepStrictEqual(replies[0].payload, []);
    assert.deepStrictEqual(out, [], "nothing annunciated");
  });

  it("escalates an alarm left unacknowledged on the second output and turns the status red", async function () {
    await helper.load([rulesNode, alarmsNode], flow({ escalation: "0.01:critical" }));
    const escalations = messagesTo<Out>("escalations");
    helper.getNode("rules").receive(event("truck-1", "returnAir", 9, 0));
    await waitFor(() => escalations.length === 1, "the escalation");
    assert.deepStrictEqual([escalations[0].payload.transition, escalations[0].payload.severity, escalations[0].payload.escalationLevel, escalations[0].priority], ["escalated", "critical", 1, 0]);
    await waitFor(() => lastStatus("alarms").fill === "red", "red on escalation");
  });

  it("shelves by message: nothing is annunciated until the shelf expires, then the alarm is annunciated again", async function () {
    await helper.load([rulesNode, alarmsNode], flow({}));
    const out = messagesTo<Out>("out");
    helper.getNode("rules").receive(event("truck-1", "returnAir", 9, 0));
    await waitFor(() => out.length === 1, "the alarm");
    helper.getNode("alarms").receive({ topic: "shelve", payload: { alarmId: out[0].payload.alarmId, by: "ana", minutes: 0.02, reason: "probe swap" } });
    await waitFor(() => out.length === 2, "shelved");
    assert.deepStrictEqual((out[1].payload.shelved as { reason: string }).reason, "probe swap");
    await waitFor(() => out.length === 3, "unshelved when the shelf expires");
    assert.deepStrictEqual([out[2].payload.transition, out[2].payload.state, out[2].payload.shelved], ["unshelved", "active-unacknowledged", null]);
  });
});
