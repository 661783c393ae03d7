/** The columnar batch and its codec as the centre meets them: round trips, the bytes saved, and what it refuses. */
import * as assert from "assert";
import * as zlib from "zlib";
import { decodeSummaries, encodeSummaries } from "../../lib/aggregate/summary-codec";
import { toBatch, type NamedSummary } from "../../lib/aggregate/summary-batch";

const summary = (deviceName: string, mean: number, extra: Partial<NamedSummary> = {}): NamedSummary => ({
  deviceName,
  resourceName: "temperature",
  units: "degC",
  key: `${deviceName}/temperature`,
  start: 1_700_000_000_000,
  end: 1_700_000_900_000,
  count: 15,
  min: mean - 0.4,
  max: mean + 0.4,
  mean,
  last: mean,
  sd: 0.21,
  percentiles: { p50: mean, p90: mean + 0.3, "p99.9": mean + 0.4 },
  mkt: mean + 0.05,
  timeInRange: 1,
  ...extra,
});

describe("summary batches and their codec", function () {
  const rows = Array.from({ length: 6 }, (_, i) => summary(`store-001-case-0${i + 1}`, 3 + i / 4));

  for (const encoding of ["none", "deflate", "gzip"] as const) {
    it(`gives back every summary as edge-aggregate outputs it (${encoding})`, function () {
      const encoded = encodeSummaries(rows, encoding);
      assert.deepStrictEqual(decodeSummaries(encoded.payload, encoded.userProperties), rows);
    });
  }

  it("names each field once and a column of equal values once", function () {
    const batch = toBatch(rows);
    assert.strictEqual(batch.start, 1_700_000_000_000);
    assert.strictEqual(batch.units, "degC");
    assert.deepStrictEqual(batch.mean, [3, 3.25, 3.5, 3.75, 4, 4.25]);
    const each = rows.reduce((n, r) => n + Buffer.byteLength(JSON.stringify(r)), 0);
    const deflated = encodeSummaries(rows, "deflate").payload.length;
    assert.ok(deflated < each / 4, `deflated batch ${deflated} B vs ${each} B as separate messages`);
  });

  it("keeps a missing units and a NaN as absent and NaN", function () {
    const odd = [summary("a", 3, { units: undefined, sd: NaN }), summary("b", 4)];
    const [a, b] = decodeSummaries(encodeSummaries(odd, "none").payload);
    assert.strictEqual("units" in a, false);
    assert.ok(Number.isNaN(a.sd));
    assert.strictEqual(b.units, "degC");
  });

  it("reads an encoding named in any case, or as an array as mqtt.js may give a repeated property", function () {
    const encoded = encodeSummaries(rows, "gzip");
    assert.strictEqual(decodeSummaries(encoded.payload, { "content-encoding": ["GZIP"] }).length, 6);
  });

  it("refuses an unknown encoding, bytes that do not inflate and a body that is not a batch", function () {
    assert.throws(() => decodeSummaries(Buffer.from("{}"), { "content-encoding": "br" }), /unknown content-encoding: br/);
    assert.throws(() => decodeSummaries(Buffer.from("not deflated"), { "content-encoding": "deflate" }));
    assert.throws(() => decodeSummaries(zlib.deflateSync(Buffer.from('{"a":1}')), { "content-encoding": "deflate" }), /not a summary batch/);
    assert.throws(() => decodeSummaries('{"format":"edge-summaries/1","n":2,"deviceName":["a"]}'), /column deviceName holds 1 values for 2 rows/);
    // small bytes that would unpack into a huge batch
    assert.throws(() => decodeSummaries('{"format":"edge-summaries/1","n":1000000000,"deviceName":"a"}'), /row count n, 0 to 100000/);
    assert.throws(() => decodeSummaries(zlib.deflateSync(Buffer.alloc(64 * 1024 * 1024, 32)), { "content-encoding": "deflate" }), /Cannot create a Buffer larger than|maxOutputLength|buffer/i);
  });
});
