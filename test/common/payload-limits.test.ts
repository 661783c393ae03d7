/** lib/common/payload-limits: size and depth bounds that name the limit, checked without recursion. */
import * as assert from "assert";
import { assertSizeWithin, assertWithinLimits, DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, isPayloadLimitError, jsonTextDepth, parseJsonWithin, PayloadLimitError } from "../../lib/common/payload-limits";

function deep(levels: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

function limitOf(fn: () => unknown): PayloadLimitError {
  try {
    fn();
  } catch (err) {
    assert.ok(isPayloadLimitError(err), `expected a PayloadLimitError, got ${String(err)}`);
    return err;
  }
  assert.fail("no PayloadLimitError");
}

describe("payload limits", function () {
  it("has the documented defaults: 1 MiB and 64 levels", function () {
    assert.strictEqual(DEFAULT_MAX_BYTES, 1048576);
    assert.strictEqual(DEFAULT_MAX_DEPTH, 64);
  });

  it("accepts a payload at the depth limit and refuses one level more, naming the limit", function () {
    assertWithinLimits(deep(64));
    const err = limitOf(() => assertWithinLimits(deep(65), {}, "msg.payload"));
    assert.strictEqual(err.limit, "maxDepth");
    assert.strictEqual(err.message, "msg.payload is nested deeper than the 64-level depth limit (maxDepth 64)");
  });

  it("walks a 100,000-deep object without overflowing the stack", function () {
    const err = limitOf(() => assertWithinLimits(deep(100_000)));
    assert.strictEqual(err.limit, "maxDepth");
  });

  it("refuses a 10 MB string, a 2 MiB Buffer and a wide object over the size limit, naming it", function () {
    const s = limitOf(() => assertWithinLimits("x".repeat(10 * 1024 * 1024), {}, "msg.payload"));
    assert.strictEqual(s.limit, "maxBytes");
    assert.match(s.message, /^msg\.payload is over the 1 MiB size limit \(at least 10485760 bytes; maxBytes 1048576\)$/);
    assert.strictEqual(limitOf(() => assertWithinLimits({ b: Buffer.alloc(2 * 1024 * 1024) })).limit, "maxBytes");
    const wide = Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`key${i}`, i]));
    assert.strictEqual(limitOf(() => assertWithinLimits(wide)).limit, "maxBytes");
    assert.strictEqual(limitOf(() => assertSizeWithin("é".repeat(600 * 1024))).limit, "maxBytes", "UTF-8 bytes, not characters");
  });

  it("takes limits of its own, and counts a circular reference once", function () {
    assert.match(limitOf(() => assertWithinLimits("x".repeat(100), { maxBytes: 64 })).message, /64 bytes size limit/);
    assert.strictEqual(limitOf(() => assertWithinLimits(deep(3), { maxDepth: 2 })).max, 2);
    const a: Record<string, unknown> = { n: 1 };
    a.self = a;
    assertWithinLimits(a);
  });

  it("checks JSON text's depth before parsing (brackets in strings do not count)", function () {
    assert.strictEqual(jsonTextDepth('{"a":[1,{"b":"[[[[{{"}]}'), 3);
    assert.strictEqual(jsonTextDepth('"\\"[[["'), 0);
    assert.deepStrictEqual(parseJsonWithin('{"a":[1,2]}'), { a: [1, 2] });
    const text = "[".repeat(100_000) + "]".repeat(100_000);
    assert.strictEqual(limitOf(() => parseJsonWithin(text, {}, "CoAP payload")).message, "CoAP payload is nested deeper than the 64-level depth limit (maxDepth 64)");
    assert.strictEqual(limitOf(() => parseJsonWithin(Buffer.alloc(2 * 1024 * 1024, 0x20))).limit, "maxBytes");
    assert.throws(() => parseJsonWithin("{nope"), SyntaxError);
  });
});
