/**
 * Values from the environment (typedInput `env`), through the nodes in Node-RED: edge-ingest's fixed device name
 * read at deploy, and a clear "not configured" status when the variable is not set.
 */
import * as assert from "assert";
import helper from "node-red-node-test-helper";
import profileNode from "../../nodes/edge-device-profile/edge-device-profile";
import ingestNode from "../../nodes/edge-ingest/edge-ingest";
import { waitFor } from "../harness/wait";
import { events } from "../harness/node-events";
import { speaking } from "./catalogue";
import { ensureBuilt } from "../harness/build";

helper.init(require.resolve("node-red"));

interface Status {
  fill?: string;
  text?: string;
}
function statusesOf(id: string): Status[] {
  const spy = (helper as unknown as { _NodePrototype: { status: { getCalls(): Array<{ thisValue: { id: string }; args: [Status] }> } } })._NodePrototype.status;
  return spy
    .getCalls()
    .filter((c) => c.thisValue?.id === id)
    .map((c) => c.args[0]);
}

const VAR = "EDGE_TEST_DEVICE_NAME";

describe("typed inputs: values from the environment", function () {
  this.timeout(180000);
  before(function () {
    ensureBuilt(); // the shared settings messages are merged into the built catalogues
  });
  beforeEach(function (done) {
    helper.startServer(done);
  });
  afterEach(function (done) {
    delete process.env[VAR];
    helper.unload().then(() => helper.stopServer(done));
  });

  const flow: Array<Record<string, unknown> & { id: string; type: string }> = [
    { id: "p", type: "edge-device-profile", source: "builtin", builtin: "reefer-unit" },
    { id: "in", type: "edge-ingest", version: 1, profile: "p", deviceNameFrom: "fixed", deviceName: VAR, deviceNameType: "env", wires: [["events"], ["errors"]] },
    { id: "events", type: "helper" },
    { id: "errors", type: "helper" },
  ];

  it("edge-ingest: a fixed device name from an environment variable names every event", async function () {
    process.env[VAR] = "truck-env-7";
    await helper.load([profileNode, speaking(ingestNode)], flow);
    const received: Array<{ payload: { deviceName: string }; topic: string }> = [];
    events(helper.getNode("events")).on("input", (m: { payload: { deviceName: string }; topic: string }) => received.push(m));
    helper.getNode("in").receive({ payload: { ret_air_f: 40 } });
    await waitFor(() => received.length === 1, "one event");
    assert.strictEqual(received[0].payload.deviceName, "truck-env-7");
    assert.strictEqual(received[0].topic, "edge/reefer-unit/truck-env-7");
  });

  it("edge-ingest: the variable not set shows red 'not configured' naming it, and each message goes to Catch", async function () {
    const catchNode = require("@node-red/nodes/core/common/25-catch.js");
    await helper.load([profileNode, speaking(ingestNode), catchNode], [...flow, { id: "c", type: "catch", scope: ["in"], uncaught: false, wires: [["caught"]] }, { id: "caught", type: "helper" }] as typeof flow);
    const caught: Array<{ error: { message: string } }> = [];
    events(helper.getNode("caught")).on("input", (m: { error: { message: string } }) => caught.push(m));
    const red = statusesOf("in").find((s) => s.fill === "red");
    assert.ok(red, `red status (${JSON.stringify(statusesOf("in"))})`);
    assert.match(red.text ?? "", new RegExp(`not configured: .*${VAR}`));
    helper.getNode("in").receive({ payload: { ret_air_f: 40 } });
    await waitFor(() => caught.length === 1, "the message at the Catch node");
    assert.match(caught[0].error.message, new RegExp(VAR));
  });
});
