/**
 * edge-aggregate's settings in Node-RED: a node of today rounds its summaries to 2 decimals, a flow saved before
 * the setting existed (no version) keeps full precision and a blank count-window size of 10 readings, and a bad
 * setting turns the node red and fails messages to the Catch node. Report by exception holds back a summary that
 * did not move beyond the deadband until its heartbeat, and a batch output sends one columnar message per window
 * (deflated when asked) that the centre's decoder reads back into the same summaries.
 */
import * as assert from "assert";
import helper from "node-red-node-test-helper";
import aggregateNode from "../../nodes/edge-aggregate/edge-aggregate";
import { waitFor } from "../harness/wait";
import { messagesTo } from "../harness/node-events";
import { decodeSummaries } from "../../lib/aggregate/summary-codec";
import { useTestHelper } from "../harness/test-helper-server";

const catchNode = require("@node-red/nodes/core/common/25-catch.js");

type Summary = { payload: { count: number; mean: number; min: number; max: number } };
const T0 = 1_700_000_000_000;
const event = (i: number, value: number, deviceName = "probe-1") => ({ payload: { id: `e${i}`, deviceName, origin: T0 + i * 1000, readings: [{ id: `r${i}`, deviceName, resourceName: "temperature", units: "degC", origin: T0 + i * 1000, value }] } });

describe("edge-aggregate settings", function () {
  this.timeout(20000);
  useTestHelper();

  async function summariesOf(config: Record<string, unknown>, values: number[], expected: number): Promise<Summary[]> {
    await helper.load([aggregateNode, catchNode], [{ id: "t", type: "tab" }, { id: "agg", z: "t", type: "edge-aggregate", kind: "tumbling", by: "count", percentiles: "50", ...config, wires: [["out"]] }, { id: "out", z: "t", type: "helper" }] as never);
    const out = messagesTo<Summary>("out");
    values.forEach((v, i) => helper.getNode("agg").receive(event(i, v)));
    await waitFor(() => out.length >= expected, `${expected} summaries`);
    return out;
  }

  it("a node of today rounds every statistic to 2 decimals", async function () {
    const [s] = await summariesOf({ version: 1, size: "3", decimals: "2" }, [3.14159, 4.71828, 5.5], 1);
    assert.deepStrictEqual([s.payload.count, s.payload.min, s.payload.max, s.payload.mean], [3, 3.14, 5.5, 4.45]);
  });

  it("a flow saved before versions keeps full precision, and a blank size its old 10 readings", async function () {
    const values = Array.from({ length: 10 }, (_, i) => 3 + i / 7);
    const [s] = await summariesOf({ size: "" }, values, 1);
    assert.strictEqual(s.payload.count, 10);
    assert.strictEqual(s.payload.max, 3 + 9 / 7, "not rounded");
  });

  it("refuses a decimals setting it cannot use: red, and each message to the Catch node", async function () {
    await helper.load([aggregateNode, catchNode], [{ id: "t", type: "tab" }, { id: "agg", z: "t", type: "edge-aggregate", version: 1, by: "count", size: "3", decimals: "1.5", wires: [[]] }, { id: "c", z: "t", type: "catch", scope: null, uncaught: false, wires: [["caught"]] }, { id: "caught", z: "t", type: "helper" }] as never);
    const caught = messagesTo<{ error: { message: string } }>("caught");
    helper.getNode("agg").receive(event(0, 4));
    await waitFor(() => caught.length === 1, "the error at the Catch node");
    // the test helper loads no catalogue: the key, translated in a real Node-RED with the field named
    assert.match(caught[0].error.message, /decimals|edge-aggregate.settings/);
  });

  async function load(config: Record<string, unknown>) {
    await helper.load([aggregateNode, catchNode], [{ id: "t", type: "tab" }, { id: "agg", z: "t", type: "edge-aggregate", version: 1, kind: "tumbling", percentiles: "50", ...config, wires: [["out"]] }, { id: "out", z: "t", type: "helper" }] as never);
    const out = messagesTo<Record<string, unknown> & { payload: unknown }>("out");
    return out;
  }

  it("with a deadband, sends a summary that moved beyond it at once and one that did not only at its heartbeat", async function () {
    const out = await load({ by: "count", size: "2", decimals: "2", deadband: "0.5", heartbeat: "3" });
    // windows of 2 readings: means 4, 4.1 (held), 4.2 (held), 4.2 (heartbeat: 3rd window since the last sent), 6 (moved),
    // then 20 (moved) as the marker that every window before it has been decided
    const values = [4, 4, 4.1, 4.1, 4.2, 4.2, 4.2, 4.2, 6, 6, 20, 20];
    values.forEach((v, i) => helper.getNode("agg").receive(event(i, v)));
    await waitFor(() => out.some((m) => (m.payload as Summary["payload"]).mean === 20), "the last window's summary");
    assert.deepStrictEqual(out.map((m) => (m.payload as Summary["payload"]).mean), [4, 4.2, 6, 20]);
  });

  it("as a batch, sends one columnar message per window once every device has closed it", async function () {
    const out = await load({ by: "time", size: "10", latenessS: "0", decimals: "2", output: "batch" });
    const agg = helper.getNode("agg");
    for (let i = 0; i < 10; i++) {
      agg.receive(event(i, 3 + i / 10, "case-a"));
      agg.receive(event(i, 5, "case-b"));
    }
    agg.receive(event(10, 4, "case-a")); // closes case-a's first window; case-b still holds it open
    agg.receive(event(10, 5, "case-b"));
    await waitFor(() => out.length === 1, "one batch for the first window");
    const m = out[0] as { payload: Record<string, unknown>; topic: string; contentType: string; userProperties?: unknown };
    assert.strictEqual(m.topic, "summaries");
    assert.strictEqual(m.contentType, "application/json");
    assert.strictEqual(m.userProperties, undefined, "not compressed");
    assert.deepStrictEqual(
      { format: m.payload.format, n: m.payload.n, deviceName: m.payload.deviceName, units: m.payload.units, start: m.payload.start, count: m.payload.count, max: m.payload.max },
      { format: "edge-summaries/1", n: 2, deviceName: ["case-a", "case-b"], units: "degC", start: T0, count: 10, max: [3.9, 5] },
    );
  });

  it("deflates a batch, announces it as content-encoding, and the centre's decoder reads back the summaries", async function () {
    const each = await load({ by: "count", size: "4", decimals: "2" });
    const values = [2.5, 3.25, 4, 9.5];
    values.forEach((v, i) => helper.getNode("agg").receive(event(i, v)));
    await waitFor(() => each.length === 1, "the summary as its own message");
    await helper.unload();
    const batched = await load({ by: "count", size: "4", decimals: "2", output: "batch", encoding: "deflate" });
    values.forEach((v, i) => helper.getNode("agg").receive(event(i, v)));
    await waitFor(() => batched.length === 1, "the batch");
    const m = batched[0] as { payload: Buffer; userProperties: Record<string, string> };
    assert.ok(Buffer.isBuffer(m.payload), "compressed bytes");
    assert.deepStrictEqual(m.userProperties, { "content-encoding": "deflate" });
    const [decoded] = decodeSummaries(m.payload, m.userProperties);
    assert.deepStrictEqual(decoded, each[0].payload);
  });

  it("refuses a heartbeat of 0 windows: red, and each message to the Catch node", async function () {
    await helper.load([aggregateNode, catchNode], [{ id: "t", type: "tab" }, { id: "agg", z: "t", type: "edge-aggregate", version: 1, by: "count", size: "3", deadband: "0.5", heartbeat: "0", wires: [[]] }, { id: "c", z: "t", type: "catch", scope: null, uncaught: false, wires: [["caught"]] }, { id: "caught", z: "t", type: "helper" }] as never);
    const caught = messagesTo<{ error: { message: string } }>("caught");
    helper.getNode("agg").receive(event(0, 4));
    await waitFor(() => caught.length === 1, "the error at the Catch node");
    assert.match(caught[0].error.message, /heartbeat|edge-aggregate.settings/);
  });
});
