import { strict as assert } from "assert";
import { alertMessage, alertEventId, alertPriority, newAlertId } from "../../lib/contract/alert";
import { nameHashUuid } from "../../lib/contract/name-hash";
import { derivedEventId, PRIORITY } from "../../lib/contract/message";

describe("contract: alert identity", () => {
  it("gives every transition its own eventId, stable for the same transition, never the cause's", () => {
    const alertId = newAlertId();
    const raised = alertMessage({ alertId, state: "raised", causeEventId: "E1", severity: "critical" }, "alerts/t/warm", 1000);
    const again = alertMessage({ alertId, state: "raised", causeEventId: "E1", severity: "critical" }, "alerts/t/warm", 1000);
    const updated = alertMessage({ alertId, state: "updated", causeEventId: "E2", severity: "critical" }, "alerts/t/warm", 61000);
    const cleared = alertMessage({ alertId, state: "cleared", causeEventId: "E3", severity: "critical" }, "alerts/t/warm", 62000);
    assert.equal(raised.eventId, again.eventId, "the same transition sent again keeps its id");
    assert.equal(new Set([raised.eventId, updated.eventId, cleared.eventId, "E1", "E2", "E3", alertId]).size, 7);
    assert.equal(raised.eventId, alertEventId({ alertId, state: "raised" }, 1000));
    assert.equal(raised.priority, PRIORITY.critical);
    assert.match(raised.eventId, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("maps severities to priorities, an unknown one to bulk", () => {
    assert.deepEqual(["critical", "major", "minor", "info", "panic", undefined].map(alertPriority), [0, 1, 2, 3, 3, 3]);
  });

  it("derives an id from a cause and a scope: never the cause's, the same for the same pair", () => {
    assert.equal(derivedEventId("E1", "node-a"), derivedEventId("E1", "node-a"));
    assert.notEqual(derivedEventId("E1", "node-a"), derivedEventId("E1", "node-b"));
    assert.notEqual(derivedEventId("E1", "node-a"), "E1");
    assert.notEqual(derivedEventId(undefined, "node-a"), derivedEventId(undefined, "node-a"), "without a cause, a fresh id each time");
  });
});

describe("contract: alert transition ids (a non-cryptographic name hash)", () => {
  const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it("is the same for the same transition in every process and version: ids already queued keep matching", () => {
    // pinned: a change to the hash would give a redelivered transition a new id, and queues would keep both copies
    assert.equal(alertEventId({ alertId: "3f1c2a9e-0b7d-8c41-9e2f-000000000001", state: "raised" }, 1767225600000), "5b8d6c06-7402-8d06-ac47-fe45e55928fb");
    assert.equal(nameHashUuid(""), "8adc4795-3584-83fb-be15-1a3ef53f43ed");
    assert.equal(nameHashUuid("alert\u0000raised@1000"), nameHashUuid("alert\u0000raised@1000"));
  });

  it("is UUID-shaped and distinct for 200,000 transitions, for near-identical names and a trailing NUL", () => {
    const seen = new Set<string>();
    for (let alert = 0; alert < 50_000; alert++) {
      for (const state of ["raised", "updated", "cleared"] as const) {
        const id = alertEventId({ alertId: `a${alert}`, state }, 1000);
        assert.match(id, UUID_V8);
        seen.add(id);
      }
      seen.add(alertEventId({ alertId: `a${alert}`, state: "updated" }, 61000));
    }
    assert.equal(seen.size, 200_000);
    const near = ["", "\u0000", "\u0000\u0000", "a", "a\u0000", "ab", "ba", "abcdefgh", "abcdefgi", "bbcdefgh", "\u{1F600}", "é"].map(nameHashUuid);
    assert.equal(new Set(near).size, near.length);
  });
});
