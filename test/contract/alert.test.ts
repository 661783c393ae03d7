import { strict as assert } from "assert";
import { alertMessage, alertEventId, alertPriority, newAlertId } from "../../lib/contract/alert";
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
