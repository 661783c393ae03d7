/**
 * The JSON writer of the durable queue's records gives the bytes of Buffer.from(JSON.stringify(value)) for every
 * value exactJsonOf takes, and refuses exactly the values it refuses: strings of every length around the word
 * loop's edges and every offset in the slab, each escape JSON makes, multi-byte and lone surrogate characters,
 * numbers of every kind, and records that outgrow their slab.
 */
import * as assert from "assert";
import { exactJsonOf } from "../../lib/store/message-codec";
import { RecordSlab } from "../../lib/store/record-slab";
import { decodeOne, RecordKind } from "../../lib/store/record-codec";

/** the data bytes of a record pushed into `slab`, or undefined when it was refused */
function written(slab: RecordSlab, value: unknown): Buffer | undefined {
  const record = slab.pushJson("id-1", 2, 5, value);
  if (!record) return undefined;
  const r = decodeOne(record);
  assert.ok(r, "the record checks out");
  assert.strictEqual(r.kind, RecordKind.PushJson);
  return Buffer.from(r.body.subarray(1 + 4 + 1 + 8));
}

function same(slab: RecordSlab, value: unknown, what: string): void {
  const json = exactJsonOf(value);
  const got = written(slab, value);
  if (json === undefined) assert.strictEqual(got, undefined, `${what}: refused as exactJsonOf refuses it`);
  else assert.deepStrictEqual(got?.toString("hex"), Buffer.from(json).toString("hex"), `${what}: ${json.slice(0, 80)}`);
}

/** a seeded generator, so that a failure is the same at every run */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe("exact JSON writer", function () {
  const specials = ['"', "\\", "\u0000", "\u001f", "\u007f", "\n", "é", "€", "😀", "\ud800", "\udfff", " ", "~"];

  it("writes every string as JSON.stringify does, whatever its length, content and offset in the slab", function () {
    const slab = new RecordSlab();
    for (let length = 0; length <= 70; length++) {
      for (const special of ["", ...specials]) {
        for (let at = 0; at <= length; at += special ? Math.max(1, length >> 2) : length + 1) {
          const base = "abcdefghijklmnopqrstuvwxyz0123456789".repeat(3).slice(0, length);
          const text = base.slice(0, at) + special + base.slice(at);
          // a one-character field before it moves the string across word boundaries, record after record
          for (let shift = 0; shift < 4; shift++) same(slab, { ["k".repeat(shift + 1)]: text }, `length ${length}, ${JSON.stringify(special)} at ${at}, shift ${shift}`);
        }
      }
    }
  });

  it("writes numbers, literals, arrays and nested objects as JSON.stringify does", function () {
    const slab = new RecordSlab();
    const numbers = [0, 1, -1, 9, 10, 99, 100, 12345, -987654321, 2 ** 31, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 1e21, 1.5, -2.25, 3.14159, 1e-7, 5e-324, Number.MAX_VALUE, 0.1 + 0.2, 1767225600000];
    for (const n of numbers) same(slab, { n, a: [n, -n] }, `number ${n}`);
    same(slab, { t: true, f: false, z: null, e: [], o: {}, deep: { a: [{ b: [[1], { c: "x" }] }] } }, "literals and nesting");
    same(slab, null, "null");
    same(slab, "top-level", "a string");
    same(slab, [1, "two", { three: 3 }], "an array");
    same(slab, { 2: "b", 1: "a", x: "c" }, "integer keys first");
    same(slab, Object.assign(Object.create(null) as object, { a: 1 }), "a null-prototype object");
  });

  it("refuses what exactJsonOf refuses and leaves the slab as it was", function () {
    const slab = new RecordSlab();
    const shared = { x: 1 };
    const refused: Array<[string, unknown]> = [
      ["a Buffer", { payload: Buffer.from("ab") }],
      ["a Date", { at: new Date(5) }],
      ["an undefined field", { a: undefined }],
      ["an undefined array element", { a: [1, undefined] }],
      ["minus zero", { v: -0 }],
      ["NaN", { v: Number.NaN }],
      ["Infinity", { v: Infinity }],
      ["a shared reference", { a: shared, b: shared }],
      ["req/res", { req: {}, res: {} }],
      ["a class instance", { m: new Map([[1, 2]]) }],
      ["a function", { f: () => 1 }],
      ["a late refusal after a long string", { s: "x".repeat(5000), f: () => 1 }],
    ];
    for (const [what, value] of refused) {
      assert.strictEqual(exactJsonOf(value), undefined, what);
      assert.strictEqual(written(slab, value), undefined, what);
      // the next record is whole: nothing of the refused one is left in its place
      same(slab, { after: what }, `after ${what}`);
    }
  });

  it("moves a record that outgrows its slab, and writes one larger than a slab", function () {
    const slab = new RecordSlab();
    const random = rng(20);
    for (let i = 0; i < 3000; i++) {
      const length = Math.floor(random() * (i % 100 === 0 ? 3_000_000 : 2000));
      const special = specials[Math.floor(random() * specials.length)];
      same(slab, { i, text: "y".repeat(length) + (random() < 0.3 ? special : ""), v: random() * 1000 }, `record ${i} of ${length} characters`);
    }
  });
});
