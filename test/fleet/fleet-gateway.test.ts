/**
 * A gateway as a user runs it (Node-RED as a child process, this pack linked into its user directory): traffic
 * through edge-tflite, two edge-buffers and edge-bundle, then /metrics scraped over HTTP, parsed strictly as the
 * Prometheus text format, and its counters checked against the traffic sent; the heartbeat over HTTP; and an
 * active bundle that edge-tflite runs again after Node-RED restarts (the file context store keeps it).
 */
import * as assert from "assert";
import * as fs from "fs";
import { startNodeRed, NodeRedProcess } from "../harness/node-red-process";
import { ensureBuilt, linkPack } from "../harness/build";
import { httpRequest, tempDir } from "../harness/peers";
import { waitFor } from "../harness/wait";
import { generateSigningKey, signBundle } from "../../lib/fleet/bundle-signing";
import { denseModel } from "../../lib/tflite/model-builder";
import { parsePrometheus, sample, Parsed } from "./prometheus-parse";

const z = "fg-tab";
const key = generateSigningKey();
const model = (w: number) => Buffer.from(denseModel(1, [{ weights: [[w]], bias: [0] }]));

/** an HTTP endpoint whose JSON array body is sent on as one message per element; answered 204 at once */
const fanOut = (id: string, url: string, to: string) => [
  { id: `${id}-in`, z, type: "http in", url, method: "post", upload: false, wires: [[`${id}-split`]] },
  { id: `${id}-split`, z, type: "function", func: "for (const m of msg.payload) node.send([m, null]);\nreturn [null, msg];", outputs: 2, wires: [[to], [`${id}-ok`]] },
  { id: `${id}-ok`, z, type: "http response", statusCode: "204", wires: [] },
];

function flows(): unknown[] {
  return [
    { id: z, type: "tab", label: "fleet gateway" },
    ...fanOut("fg-t", "/t/infer", "fg-tflite"),
    { id: "fg-tflite", z, type: "edge-tflite", name: "anomaly", modelPath: "builtin:reefer-anomaly.tflite", labelsPath: "", output: "tensors", input: "auto", normalise: "0..1", threshold: "0", windowResources: "", poolSize: "1", maxQueue: "64", wires: [["fg-sink"], ["fg-sink"]] },
    { id: "fg-sink", z, type: "function", func: "return null;", outputs: 1, wires: [[]] },
    // a buffer whose downstream acknowledges (Complete node): every push is delivered
    ...fanOut("fg-a", "/t/acked", "fg-acked"),
    { id: "fg-acked", z, type: "edge-buffer", name: "acked", dir: "", lanes: "4", sync: "group", groupCommitMs: "10", maxMessages: "1000", maxMB: "16", maxAgeH: "0", evictCritical: false, window: "16", ratePerSec: "0", ackTimeoutS: "60", backoffMaxS: "1", breakerFailures: "5", probeAfterS: "1", metricsIntervalS: "0", wires: [["fg-deliver"], []] },
    { id: "fg-deliver", z, type: "function", func: "return msg;", outputs: 1, wires: [[]] },
    { id: "fg-ack", z, type: "complete", scope: ["fg-deliver"], uncaught: false, wires: [["fg-acked"]] },
    // a buffer whose downstream never answers, one message in flight at a time: the rest wait in their lanes
    ...fanOut("fg-h", "/t/held", "fg-held"),
    { id: "fg-held", z, type: "edge-buffer", name: "held", dir: "", lanes: "4", sync: "group", groupCommitMs: "10", maxMessages: "1000", maxMB: "16", maxAgeH: "0", evictCritical: false, window: "1", ratePerSec: "0", ackTimeoutS: "600", backoffMaxS: "1", breakerFailures: "5", probeAfterS: "1", metricsIntervalS: "0", wires: [["fg-sink"], []] },
    // bundles in, a model that answers x·w
    ...fanOut("fg-b", "/t/bundle", "fg-bundle"),
    { id: "fg-bundle", z, type: "edge-bundle", name: "bundles", gatewayId: "gw-1", groups: "canary", deviceClasses: "reefer", maxMB: "4", store: "", reactivate: true, credentials: { publicKeys: key.publicKeyPem }, wires: [["fg-scaler"], ["fg-sink"]] },
    { id: "fg-scaler", z, type: "edge-tflite", name: "scaler", modelPath: "", labelsPath: "", output: "tensors", input: "auto", normalise: "0..1", threshold: "0", windowResources: "", poolSize: "1", maxQueue: "16", wires: [["fg-scaled"], ["fg-scaled"]] },
    { id: "fg-scale-in", z, type: "http in", url: "/t/scale", method: "post", upload: false, wires: [["fg-scaler"]] },
    { id: "fg-scaled", z, type: "function", func: "msg.payload = { y: Array.from(msg.payload[0].data), model: msg.inference.model }; return msg;", outputs: 1, wires: [["fg-scaled-out"]] },
    { id: "fg-scaled-out", z, type: "http response", statusCode: "200", wires: [] },
    { id: "fg-scale-err", z, type: "catch", scope: ["fg-scaler"], uncaught: false, wires: [["fg-scale-err-out"]] },
    { id: "fg-scale-err-out", z, type: "http response", statusCode: "503", wires: [] },
    // health
    { id: "fg-metrics", z, type: "edge-metrics", name: "health", gatewayId: "gw-1", endpoint: "node", path: "/metrics", heartbeatS: "0", allNodes: false, wires: [["fg-hb-out"]] },
    { id: "fg-hb-in", z, type: "http in", url: "/t/heartbeat", method: "get", upload: false, wires: [["fg-metrics"]] },
    { id: "fg-hb-out", z, type: "http response", statusCode: "200", wires: [] },
  ];
}

describe("fleet gateway (Node-RED process)", function () {
  this.timeout(120000);
  let red: NodeRedProcess | undefined;
  let dir: string;

  before(function () {
    ensureBuilt();
    dir = tempDir("fleet-gateway");
    linkPack(dir);
  });
  after(async function () {
    await red?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const post = async (route: string, body: unknown) => {
    const res = await httpRequest("POST", `${red!.url}${route}`, JSON.stringify(body), { "Content-Type": "application/json" });
    assert.ok(res.status < 300, `${route}: ${res.status} ${res.body}`);
    return res;
  };
  const scrape = async (): Promise<Parsed> => {
    const res = await httpRequest("GET", `${red!.url}/metrics`);
    assert.equal(res.status, 200, res.body);
    return parsePrometheus(res.body);
  };
  const scale = async (x: number) => {
    const res = await httpRequest("POST", `${red!.url}/t/scale`, JSON.stringify([[x]]), { "Content-Type": "application/json" });
    return res.status === 200 ? (JSON.parse(res.body) as { y: number[]; model: string }) : undefined;
  };
  const or0 = (fn: () => number) => {
    try {
      return fn();
    } catch {
      return 0;
    }
  };

  it("/metrics counts what went through each node, the queues per lane, inference and delivery times", async function () {
    red = await startNodeRed({ userDir: dir });
    await red.deploy(flows());
    await waitFor(async () => (await httpRequest("GET", `${red!.url}/metrics`)).status === 200, "/metrics served");

    const window = Array.from({ length: 72 }, (_, i) => (i % 6) / 10);
    await post("/t/infer", [...Array.from({ length: 5 }, () => ({ payload: [window] })), { payload: "not numbers" }]);
    await post("/t/acked", Array.from({ length: 4 }, (_, i) => ({ payload: { n: i }, eventId: `a-${i}`, priority: i % 4 })));
    await post("/t/held", [0, 0, 3, 3, 3].map((priority, i) => ({ payload: { n: i }, eventId: `h-${i}`, priority })));
    await post("/t/bundle", [{ payload: JSON.stringify(signBundle({ kind: "model", name: "scaler", version: "1", targets: { groups: ["canary"] } }, model(2), key.privateKeyPem)) }]);
    await post("/t/bundle", [{ payload: "not a bundle" }]);

    const tflite = { node: "fg-tflite", type: "edge-tflite", name: "anomaly" };
    let p: Parsed | undefined;
    await waitFor(async () => {
      p = await scrape();
      return (
        or0(() => sample(p!, "edge_messages_rejected_total", tflite)) === 1 &&
        or0(() => sample(p!, "edge_inference_seconds_count", { node: "fg-tflite" })) === 5 &&
        or0(() => sample(p!, "edge_delivery_latency_seconds_count", { node: "fg-acked" })) === 4 &&
        or0(() => sample(p!, "edge_queue_in_flight", { node: "fg-held" })) === 1 &&
        or0(() => sample(p!, "edge_queue_messages", { node: "fg-held", lane: "3" })) === 3
      );
    }, "the counters to reach the traffic sent", { timeoutMs: 30000, intervalMs: 200 });
    p = p!;
    assert.equal(sample(p, "edge_messages_in_total", tflite), 6);
    assert.equal(sample(p, "edge_messages_out_total", tflite), 5);
    assert.equal(sample(p, "edge_inference_seconds_bucket", { node: "fg-tflite", le: "+Inf" }), 5);
    assert.ok(sample(p, "edge_inference_seconds_sum", { node: "fg-tflite" }) > 0);
    // buckets are cumulative
    const buckets = p.samples.filter((s) => s.name === "edge_inference_seconds_bucket" && s.labels.node === "fg-tflite").map((s) => s.value);
    assert.deepEqual(buckets, [...buckets].sort((a, b) => a - b));

    // acked: 4 pushes and 4 acks in, 4 deliveries out, nothing left
    assert.equal(sample(p, "edge_messages_in_total", { node: "fg-acked" }), 8);
    assert.equal(sample(p, "edge_messages_out_total", { node: "fg-acked" }), 4);
    assert.equal(sample(p, "edge_delivery_latency_seconds_bucket", { node: "fg-acked", le: "+Inf" }), 4);
    await waitFor(async () => {
      p = await scrape();
      return [0, 1, 2, 3].every((lane) => sample(p!, "edge_queue_messages", { node: "fg-acked", lane: String(lane) }) === 0);
    }, "acked queue empty", { timeoutMs: 10000, intervalMs: 200 });
    // held: the critical lane drains first, one in flight; the bulk lane waits
    assert.equal(sample(p, "edge_queue_messages", { node: "fg-held", lane: "0" }), 1);
    assert.equal(sample(p, "edge_queue_messages", { node: "fg-held", lane: "1" }), 0);
    assert.ok(sample(p, "edge_queue_disk_bytes", { node: "fg-held" }) > 0);

    assert.equal(sample(p, "edge_bundle_events_total", { node: "fg-bundle", step: "active" }), 1);
    assert.equal(sample(p, "edge_bundle_events_total", { node: "fg-bundle", step: "refused" }), 1);
    assert.equal(sample(p, "edge_messages_rejected_total", { node: "fg-bundle" }), 1);
    assert.equal(sample(p, "edge_build_info", { gateway: "gw-1" }), 1);
    assert.ok(sample(p, "process_resident_memory_bytes") > 1e6);
    // core nodes are not counted unless asked
    assert.ok(!p.samples.some((s) => s.labels.type === "function"));

    const hb = await httpRequest("GET", `${red.url}/t/heartbeat`);
    assert.equal(hb.status, 200);
    const beat = JSON.parse(hb.body) as { gateway: string; uptimeS: number; versions: Record<string, string>; queues: Array<{ node: string; lanes: Record<string, number>; inFlight: number }>; traffic: Array<{ node: string; in: number }> };
    assert.equal(beat.gateway, "gw-1");
    assert.ok(beat.uptimeS >= 0);
    assert.match(beat.versions.nodeRed, /^4\./);
    assert.equal(beat.versions.pack, JSON.parse(fs.readFileSync(require.resolve("../../package.json"), "utf8")).version);
    assert.deepEqual(beat.queues.find((q) => q.node === "fg-held")?.lanes, { "0": 1, "1": 0, "2": 0, "3": 3 });
    assert.equal(beat.traffic.find((t) => t.node === "fg-tflite")?.in, 6);
  });

  it("the active bundle's model runs again after Node-RED restarts", async function () {
    assert.ok(red, "needs the gateway of the previous test");
    await waitFor(async () => (await scale(4))?.y[0] === 8, "the bundle's model answering");
    await red.stop();
    red = await startNodeRed({ userDir: dir });
    // the model comes from the bundle the context store kept (edge-tflite has no model file here)
    const answer = await waitFor(async () => await scale(4), "the restored model answering", { timeoutMs: 30000, intervalMs: 200 });
    assert.deepEqual(answer, { y: [8], model: "scaler@1" });
  });
});
