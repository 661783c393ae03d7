import * as assert from "assert";
import helper from "node-red-node-test-helper";
import profileNode from "../../nodes/edge-device-profile/edge-device-profile";
import ingestNode from "../../nodes/edge-ingest/edge-ingest";
import { waitFor } from "../harness/wait";
import { events, messagesTo } from "../harness/node-events";
import { useTestHelper } from "../harness/test-helper-server";

describe("edge-ingest node", function () {
  useTestHelper();

  const flow = (profile: Record<string, unknown>) => [
    { id: "p", type: "edge-device-profile", ...profile },
    { id: "in", type: "edge-ingest", profile: "p", deviceNameFrom: "path", deviceNamePath: "unit_id", outOfRange: "flag", topicTemplate: "edge/{profileName}/{deviceName}", output: "event", wires: [["events"], ["errors"]] },
    { id: "events", type: "helper" },
    { id: "errors", type: "helper" },
  ];

  it("sends events by the first output and rejected messages, whole, with the reason by the second", async function () {
    await helper.load([profileNode, ingestNode], flow({ source: "builtin", builtin: "reefer-unit" }));
    const received = messagesTo<Record<string, unknown>>("events");
    const errors = messagesTo<Record<string, unknown>>("errors");
    const n = helper.getNode("in");
    n.receive({ topic: "x", payload: { unit_id: "truck-3", ret_air_f: 40, door: "closed" } });
    n.receive({ topic: "x", payload: { unit_id: "truck-3", ret_air_f: "warm" }, correlation: 7 });
    await waitFor(() => received.length === 1 && errors.length === 1, "one event and one rejection");
    assert.strictEqual(received[0].topic, "edge/reefer-unit/truck-3");
    assert.strictEqual(typeof received[0].eventId, "string");
    const err = errors[0].error as { code: string; resource: string };
    assert.strictEqual(err.code, "bad-value");
    assert.strictEqual(err.resource, "returnAir");
    assert.deepStrictEqual(errors[0].payload, { unit_id: "truck-3", ret_air_f: "warm" });
    assert.strictEqual(errors[0].correlation, 7, "the raw message is kept whole");
  });

  it("derives the event's id from the incoming message's eventId: a message delivered twice gives one event id", async function () {
    await helper.load([profileNode, ingestNode], flow({ source: "builtin", builtin: "reefer-unit" }));
    const received = messagesTo<{ eventId: string; payload: { id: string } }>("events");
    const n = helper.getNode("in");
    const raw = { unit_id: "truck-3", ret_air_f: 40 };
    n.receive({ payload: raw, eventId: "upstream-1" });
    n.receive({ payload: raw, eventId: "upstream-1" });
    n.receive({ payload: raw, eventId: "upstream-2" });
    n.receive({ payload: raw });
    await waitFor(() => received.length === 4, "four events");
    const ids = received.map((m) => m.eventId);
    assert.ok(received.every((m) => m.payload.id === m.eventId), "msg.eventId is the event's id");
    assert.strictEqual(ids[0], ids[1], "the same message twice: the same event id");
    assert.notStrictEqual(ids[0], "upstream-1", "an id of its own, not the raw message's");
    assert.strictEqual(new Set(ids).size, 3);
  });

  it("sends events in arrival order when a profile's JSONata expressions make processing asynchronous", async function () {
    const profile = "name: batches\ndeviceResources:\n  - name: seq\n    attributes: { path: seq }\n    properties: { valueType: Int32, readWrite: R }\n  - name: total\n    attributes: { expression: \"$sum(items.($number($string(v))))\" }\n    properties: { valueType: Float64, readWrite: R }\n";
    await helper.load([profileNode, ingestNode], flow({ source: "text", profile }));
    const order: number[] = [];
    events(helper.getNode("events")).on("input", (m: { payload: { readings: Array<{ resourceName: string; value: number }> } }) => order.push(m.payload.readings.find((r) => r.resourceName === "seq")!.value));
    const n = helper.getNode("in");
    const count = 40;
    // the larger a batch, the more awaits its expression takes
    for (let i = 0; i < count; i++) n.receive({ payload: { unit_id: "scale-1", seq: i, items: Array.from({ length: ((i * 7) % 5) * 20 + 1 }, (_, k) => ({ v: k })) } });
    await waitFor(() => order.length === count, `${count} events`);
    assert.deepStrictEqual(order, Array.from({ length: count }, (_, i) => i));
  });

  it("reports a bad profile in its status and hands messages to a Catch node", async function () {
    await helper.load([profileNode, ingestNode], flow({ source: "text", profile: "name: x\ndeviceResources: []\n" }));
    const n = helper.getNode("in");
    const caught: unknown[] = [];
    events(n).on("call:error", (call: unknown) => caught.push((call as { args: unknown[] }).args[0]));
    n.receive({ payload: {} });
    await waitFor(() => caught.length > 0, "an error for the message");
    assert.match(String(caught[caught.length - 1]), /device profile is not valid|bad-profile/);
  });
});
