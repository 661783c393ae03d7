import { strict as assert } from "assert";
import { eventIdOf, priorityOf, toEpochMs, bufferTagOf } from "../../lib/contract/message";

describe("contract: the fields nodes hand each other", () => {
  it("reads a time in ms, µs, ns, ISO or Date as epoch milliseconds", () => {
    const ms = Date.UTC(2026, 11, 1, 12, 0, 0);
    assert.equal(toEpochMs(ms), ms);
    assert.equal(toEpochMs(ms * 1000), ms);
    assert.equal(toEpochMs(ms * 1e6), ms);
    assert.equal(toEpochMs(String(ms * 1e6)), ms);
    assert.equal(toEpochMs(new Date(ms).toISOString()), ms);
    assert.equal(toEpochMs(new Date(ms)), ms);
    assert.equal(toEpochMs(60_000), 60_000, "a small number stays milliseconds");
    assert.equal(toEpochMs("not a time"), undefined);
    assert.equal(toEpochMs(NaN), undefined);
  });
  it("reads priorities as lanes, by number or name, clamped; anything else is bulk", () => {
    assert.equal(priorityOf({ priority: 0 }), 0);
    assert.equal(priorityOf({ priority: "critical" }), 0);
    assert.equal(priorityOf({ priority: "2" }), 2);
    assert.equal(priorityOf({ priority: 9 }), 3);
    assert.equal(priorityOf({ priority: -1 }), 0);
    assert.equal(priorityOf({ priority: "urgent" }), 3);
    assert.equal(priorityOf({}), 3);
    assert.equal(priorityOf({ priority: 1 }, 2), 1);
  });
  it("takes only usable ids and well-formed buffer tags", () => {
    assert.equal(eventIdOf({ eventId: "a" }), "a");
    assert.equal(eventIdOf({ eventId: "" }), undefined);
    assert.equal(eventIdOf({ eventId: 5 }), undefined);
    assert.equal(eventIdOf({ eventId: "x".repeat(300) }), undefined);
    assert.deepEqual(bufferTagOf({ _buffer: { id: "r", node: "n", attempt: 2 } }), { id: "r", node: "n", attempt: 2 });
    assert.equal(bufferTagOf({ _buffer: "r" }), undefined);
  });
});
