/** examples/08-compliance-record.json deployed as shipped (time sped up, the record in a temporary folder). */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import helper from "node-red-node-test-helper";
import { waitFor } from "../harness/wait";
import { messagesTo } from "../harness/node-events";
import { tempDir } from "../harness/peers";
import simNode from "../../nodes/edge-sim/edge-sim";
import profileNode from "../../nodes/edge-device-profile/edge-device-profile";
import ingestNode from "../../nodes/edge-ingest/edge-ingest";
import rulesNode from "../../nodes/edge-rules/edge-rules";
import alarmsNode from "../../nodes/edge-alarms/edge-alarms";
import recordNode from "../../nodes/edge-record/edge-record";
import { listSegments } from "../../lib/record/segments";
import { parseEntryLine, Entry } from "../../lib/record/entry";
import { useTestHelper } from "../harness/test-helper-server";

const core = ["common/20-inject.js", "common/21-debug.js", "common/90-comment.js", "common/25-catch.js", "function/10-function.js", "function/10-switch.js", "function/15-change.js"].map((f) => require(`@node-red/nodes/core/${f}`));
type FlowNode = Record<string, unknown> & { id: string; type: string };

describe("example 8: the compliance record", function () {
  this.timeout(90000);
  let dir = "";
  beforeEach(function () {
    dir = tempDir("record-example");
  });
  useTestHelper();
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("records the trucks' readings and alarms, an operator's acknowledgement and setpoint note; verifies; reports truck-01's day", async function () {
    const flow = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "examples", "08-compliance-record.json"), "utf8")) as FlowNode[];
    for (const n of flow) {
      if (n.type === "edge-sim") n.intervalMs = "50";
      if (n.type === "edge-alarms") n.startupMin = "0";
      if (n.type === "edge-record") Object.assign(n, { dir, servePath: "" });
    }
    await helper.load([simNode, profileNode, ingestNode, rulesNode, alarmsNode, recordNode, ...core], flow);
    const entries = (): Entry[] => listSegments(dir).flatMap((s) => fs.readFileSync(s.file, "utf8").split("\n").filter(Boolean).map((l) => parseEntryLine(l)!));
    const out = messagesTo<Record<string, unknown>>("ex8-record-out");
    const refused = messagesTo<unknown>("ex8-refused-out");

    await waitFor(() => entries().some((e) => e.kind === "alert" && e.data.state === "raised"), "an alert in the record", { timeoutMs: 60000 });
    helper.getNode("ex8-ack").receive({});
    await waitFor(() => entries().some((e) => e.kind === "ack" && e.data.by === "ana"), "ana's acknowledgement recorded", { timeoutMs: 20000 });
    helper.getNode("ex8-setpoint").receive({});
    await waitFor(() => entries().some((e) => e.kind === "config" && e.data.by === "ben"), "ben's setpoint note recorded");

    helper.getNode("ex8-verify").receive({});
    await waitFor(() => out.some((m) => m.topic === "verify"), "the verification");
    const v = out.find((m) => m.topic === "verify")!.payload as { ok: boolean; problems: unknown[] };
    assert.deepStrictEqual([v.ok, v.problems], [true, []]);

    const first = entries().find((e) => e.kind === "reading" && e.data.device === "truck-01")!;
    const day = new Date(first.data.origin as number).toISOString().slice(0, 10);
    helper.getNode("ex8-record").receive({ topic: "report", payload: { device: "truck-01", day, format: "csv" } } as never);
    await waitFor(() => out.some((m) => m.topic === "report"), "the report");
    const csv = out.find((m) => m.topic === "report")!.payload as string;
    assert.match(csv, /\r\nreturnAir,[^,]*,\d+,/, csv.slice(0, 800));
    assert.deepStrictEqual(refused, []);
  });
});
