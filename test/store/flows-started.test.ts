/**
 * nodes/_shared/flows-started: the wait for Node-RED's "flows:started", against the runtime's own event emitter
 * (@node-red/util's events, which RED.events is) — and its bounded fallback.
 */
import * as assert from "assert";
import { EventEmitter } from "events";
import { flowsStarted } from "../../nodes/_shared/flows-started";
import type { NodeAPI } from "../../nodes/_shared/node-red";

const runtimeEvents = (require("@node-red/util") as { events: EventEmitter }).events;
const redWith = (events: EventEmitter) => ({ events }) as unknown as NodeAPI;

describe("flows started", function () {
  it("resolves on the runtime's flows:started and stops listening", async function () {
    const before = runtimeEvents.listenerCount("flows:started");
    const wait = flowsStarted(redWith(runtimeEvents), 60000);
    assert.strictEqual(runtimeEvents.listenerCount("flows:started"), before + 1);
    runtimeEvents.emit("flows:started", { type: "nodes" });
    assert.strictEqual(await wait.ready, "flows:started");
    assert.strictEqual(runtimeEvents.listenerCount("flows:started"), before);
  });

  it("ends the wait after the fallback when the event never comes", async function () {
    const started = Date.now();
    assert.strictEqual(await flowsStarted(redWith(new EventEmitter()), 50).ready, "fallback");
    assert.ok(Date.now() - started < 1000);
  });

  it("resolves 'cancelled' when the node closes first, so a close never waits on it", async function () {
    const events = new EventEmitter();
    const wait = flowsStarted(redWith(events), 60000);
    wait.cancel();
    assert.strictEqual(await wait.ready, "cancelled");
    assert.strictEqual(events.listenerCount("flows:started"), 0);
  });
});
