/**
 * edge-aggregate's settings in Node-RED: a node of today rounds its summaries to 2 decimals, a flow saved before
 * the setting existed (no version) keeps full precision and a blank count-window size of 10 readings, and a bad
 * setting turns the node red and fails messages to the Catch node.
 */
import * as assert from "assert";
import helper from "node-red-node-test-helper";
import aggregateNode from "../../nodes/edge-aggregate/edge-aggregate";
import { waitFor } from "../harness/wait";
import { events } from "../harness/node-events";

helper.init(require.resolve("node-red"));
const catchNode = require("@node-red/nodes/core/common/25-catch.js");

type Summary = { payload: { count: number; mean: number; min: number; max: number } };
const event = (i: number, value: number) => ({ payload: { id: `e${i}`, deviceName: "probe-1", origin: 1_700_000_000_000 + i * 1000, readings: [{ id: `r${i}`, deviceName: "probe-1", resourceName: "temperature", origin: 1_700_000_000_000 + i * 1000, value }] } });

describe("edge-aggregate settings", function () {
  this.timeout(20000);
  beforeEach((done) => void helper.startServer(done));
  afterEach((done) => void helper.unload().then(() => helper.stopServer(done)));

  async function summariesOf(config: Record<string, unknown>, values: number[], expected: number): Promise<Summary[]> {
    await helper.load([aggregateNode, catchNode], [{ id: "t", type: "tab" }, { id: "agg", z: "t", type: "edge-aggregate", kind: "tumbling", by: "count", percentiles: "50", ...config, wires: [["out"]] }, { id: "out", z: "t", type: "helper" }] as never);
    const out: Summary[] = [];
    events(helper.getNode("out")).on("input", (m: Summary) => out.push(m));
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
    const caught: Array<{ error: { message: string } }> = [];
    events(helper.getNode("caught")).on("input", (m: { error: { message: string } }) => caught.push(m));
    helper.getNode("agg").receive(event(0, 4));
    await waitFor(() => caught.length === 1, "the error at the Catch node");
    // the test helper loads no catalogue: the key, translated in a real Node-RED with the field named
    assert.match(caught[0].error.message, /decimals|edge-aggregate.settings/);
  });
});
