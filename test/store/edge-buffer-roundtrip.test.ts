/**
 * What a user wires: edge-buffer gives back the message it was given, from disk after a redeploy too (Buffers as
 * Buffers, Dates as Dates), and takes messages from `http in`, whose req/res it leaves out as Node-RED's core
 * does when it clones a message.
 */
import * as assert from "assert";
import helper from "node-red-node-test-helper";
import bufferNode from "../../nodes/edge-buffer/edge-buffer";
import { tempDir } from "../harness/peers";
import { waitFor } from "../harness/wait";
import { events } from "../harness/node-events";
// the test helper's own HTTP client (http in routes live on Node-RED's node app, which helper.request() does not reach)
import request from "supertest";

helper.init(require.resolve("node-red"));

const core = [
  require("@node-red/nodes/core/function/10-function.js"),
  require("@node-red/nodes/core/common/24-complete.js"),
  require("@node-red/nodes/core/common/25-catch.js"),
  require("@node-red/nodes/core/network/21-httpin.js"),
];

function flow(dir: string) {
  return [
    { id: "t", type: "tab" },
    { id: "in", z: "t", type: "http in", url: "/reading", method: "post", wires: [["buf", "reply"]] },
    { id: "reply", z: "t", type: "http response", statusCode: "202", wires: [] },
    { id: "buf", z: "t", type: "edge-buffer", dir, lanes: "4", sync: "group", groupCommitMs: "5", window: "4", ratePerSec: "0", ackTimeoutS: "5", backoffMaxS: "0.2", breakerFailures: "100", probeAfterS: "0.2", metricsIntervalS: "0", wires: [["deliver"], []] },
    { id: "deliver", z: "t", type: "function", func: "if (!global.get('linkUp')) { throw new Error('link down'); }\nreturn msg;", outputs: 1, wires: [["out"]] },
    { id: "out", z: "t", type: "helper" },
    { id: "done-back", z: "t", type: "complete", scope: ["deliver"], uncaught: false, wires: [["buf"]] },
    // one catch node (the test helper registers its type once per node): a failed delivery back into the buffer,
    // the buffer's own refusals to the test
    { id: "caught", z: "t", type: "catch", scope: ["deliver", "buf"], uncaught: false, wires: [["route"]] },
    { id: "route", z: "t", type: "function", func: "return msg.error.source.id === 'deliver' ? [msg, null] : [null, msg];", outputs: 2, wires: [["buf"], ["errors"]] },
    { id: "errors", z: "t", type: "helper" },
  ];
}

describe("edge-buffer: the message comes back as it went in", function () {
  this.timeout(30000);
  beforeEach(function (done) {
    helper.startServer(done);
  });
  afterEach(function (done) {
    helper.unload().then(() => helper.stopServer(done));
  });

  it("keeps a Buffer payload, typed arrays and Dates, from disk after a redeploy too", async function () {
    const dir = tempDir("buffer-roundtrip");
    await helper.load([bufferNode, ...core], flow(dir));
    helper.getNode("deliver").context().global.set("linkUp", false);
    const at = new Date(1767225600000);
    helper.getNode("buf").receive({ payload: Buffer.from([1, 2, 3, 250]), samples: new Float32Array([4.5]), at, eventId: "r-1", priority: 2 });
    await waitFor(() => helper.getNode("buf") && require("fs").readdirSync(dir).length > 0, "the message on disk");
    await helper.unload();
    await helper.load([bufferNode, ...core], flow(dir));
    helper.getNode("deliver").context().global.set("linkUp", true);
    const delivered: Array<Record<string, unknown>> = [];
    events(helper.getNode("out")).on("input", (msg: Record<string, unknown>) => delivered.push(msg));
    await waitFor(() => delivered.length > 0, "the buffered message delivered after the redeploy", { timeoutMs: 15000 });
    const [msg] = delivered;
    assert.ok(Buffer.isBuffer(msg.payload), `a Buffer, not ${JSON.stringify(msg.payload)}`);
    assert.deepStrictEqual([...(msg.payload as Buffer)], [1, 2, 3, 250]);
    assert.ok(msg.samples instanceof Float32Array && msg.samples[0] === 4.5);
    assert.ok(msg.at instanceof Date && msg.at.getTime() === at.getTime(), `a Date, not ${JSON.stringify(msg.at)}`);
  });

  it("takes messages from http in (leaving req and res out) instead of failing each one", async function () {
    const dir = tempDir("buffer-httpin");
    let nodeApp: unknown;
    const grabNodeApp = (RED: { httpNode: unknown }) => {
      nodeApp = RED.httpNode;
    };
    await helper.load([bufferNode, ...core, grabNodeApp], flow(dir));
    helper.getNode("deliver").context().global.set("linkUp", true);
    const delivered: Array<Record<string, unknown>> = [];
    const errors: unknown[] = [];
    events(helper.getNode("out")).on("input", (msg: Record<string, unknown>) => delivered.push(msg));
    events(helper.getNode("errors")).on("input", (msg: { error: unknown }) => errors.push(msg.error));
    for (let i = 0; i < 3; i++) await request(nodeApp as Parameters<typeof request>[0]).post("/reading").send({ celsius: 4 + i }).expect(202);
    await waitFor(() => delivered.length === 3 || errors.length > 0, "the 3 readings through the buffer", { timeoutMs: 15000 });
    assert.deepStrictEqual(errors, []);
    assert.deepStrictEqual(delivered.map((m) => m.payload).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))), [{ celsius: 4 }, { celsius: 5 }, { celsius: 6 }]);
    for (const m of delivered) assert.ok(!("req" in m) && !("res" in m), "req and res are not stored");
  });
});
