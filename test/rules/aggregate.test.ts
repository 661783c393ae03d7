import * as assert from "assert";
import { WindowAggregator } from "../../lib/aggregate/window-aggregator";
import { percentile } from "../../lib/aggregate/summary-stats";

const S = 1000;

describe("windowed aggregates", function () {
  it("tumbling time windows: count, min, max, mean, last, sd, percentiles (hand-computed)", function () {
    const agg = new WindowAggregator({ kind: "tumbling", by: "time", size: 10 * S, latenessMs: 0, percentiles: [50, 90], mkt: false });
    const values = [2, 4, 4, 4, 5, 5, 7, 9];
    let out = values.flatMap((v, i) => agg.add("k", i * S, v));
    assert.deepStrictEqual(out, []);
    out = agg.add("k", 10 * S, 1); // the next window's first reading closes the first
    assert.strictEqual(out.length, 1);
    const w = out[0];
    assert.deepStrictEqual([w.start, w.end, w.count, w.min, w.max, w.mean, w.last], [0, 10 * S, 8, 2, 9, 5, 9]);
    assert.ok(Math.abs(w.sd - Math.sqrt(32 / 7)) < 1e-12, "sample standard deviation");
    assert.strictEqual(w.percentiles.p50, 4.5);
    assert.ok(Math.abs(w.percentiles.p90 - 7.6) < 1e-12);
  });

  it("rounds every statistic to the decimals asked for, the time in range to two more", function () {
    const w = new WindowAggregator({ kind: "tumbling", by: "time", size: 60000, latenessMs: 0, percentiles: [50], mkt: true, range: { low: 2, high: 8 }, decimals: 1 });
    w.add("k", 0, 3.14159);
    w.add("k", 20000, 9.87654);
    const [s] = w.add("k", 60000, 4);
    assert.strictEqual(s.min, 3.1);
    assert.strictEqual(s.max, 9.9);
    assert.strictEqual(s.mean, 6.5);
    assert.strictEqual(s.percentiles.p50, 6.5);
    assert.strictEqual(s.timeInRange, 0.333, "20 s of 60 inside");
    assert.strictEqual(String(s.mkt).split(".")[1]?.length ?? 0, 1);
  });
  it("sliding time windows overlap, each reading in size/slide windows", function () {
    const agg = new WindowAggregator({ kind: "sliding", by: "time", size: 4 * S, slide: 2 * S, latenessMs: 0, percentiles: [], mkt: false });
    const out = [1, 2, 3, 4, 5, 6, 7, 8].flatMap((v, i) => agg.add("k", i * S, v));
    assert.deepStrictEqual(out.map((w) => [w.start / S, w.count, w.mean]), [[-2, 2, 1.5], [0, 4, 2.5], [2, 4, 4.5]]);
  });

  it("count windows, tumbling and sliding", function () {
    const t = new WindowAggregator({ kind: "tumbling", by: "count", size: 3, latenessMs: 0, percentiles: [], mkt: false });
    assert.deepStrictEqual([1, 2, 3, 4, 5, 6, 7].flatMap((v, i) => t.add("k", i, v)).map((w) => w.mean), [2, 5]);
    const s = new WindowAggregator({ kind: "sliding", by: "count", size: 3, slide: 1, latenessMs: 0, percentiles: [], mkt: false });
    assert.deepStrictEqual([1, 2, 3, 4, 5].flatMap((v, i) => s.add("k", i, v)).map((w) => w.mean), [2, 3, 4]);
  });

  it("late readings: included within the allowed lateness, dropped and counted after it", function () {
    const strict = new WindowAggregator({ kind: "tumbling", by: "time", size: 10 * S, latenessMs: 0, percentiles: [], mkt: false });
    strict.add("k", 1 * S, 1);
    strict.add("k", 12 * S, 2); // closes [0,10)
    strict.add("k", 5 * S, 100); // late
    assert.strictEqual(strict.droppedLate, 1);
    const lenient = new WindowAggregator({ kind: "tumbling", by: "time", size: 10 * S, latenessMs: 5 * S, percentiles: [], mkt: false });
    lenient.add("k", 1 * S, 1);
    lenient.add("k", 12 * S, 2);
    lenient.add("k", 5 * S, 3); // 7 s late, but the window stays open until 15 s
    const out = lenient.add("k", 16 * S, 4);
    assert.deepStrictEqual(out.map((w) => [w.count, w.mean]), [[2, 2]]);
    assert.strictEqual(lenient.droppedLate, 0);
  });

  it("closes time windows by the clock, with MKT and the share of time in range", function () {
    const agg = new WindowAggregator({ kind: "tumbling", by: "time", size: 60 * S, latenessMs: 0, percentiles: [], mkt: true, range: { low: 2, high: 8 } });
    agg.add("k", 0, 5);
    agg.add("k", 30 * S, 10);
    assert.deepStrictEqual(agg.flush(59 * S), []);
    const [w] = agg.flush(61 * S);
    assert.strictEqual(w.timeInRange, 0.5);
    assert.ok(w.mkt! > 7.5 && w.mkt! < 10);
  });

  it("percentile interpolates between ranks", function () {
    assert.strictEqual(percentile([1, 2, 3, 4], 50), 2.5);
    assert.strictEqual(percentile([1, 2, 3, 4], 0), 1);
    assert.strictEqual(percentile([1, 2, 3, 4], 100), 4);
  });
});
