/** The registry and the exposition without Node-RED: counters, gauges from sources, histograms, escaping, bounds. */
import * as assert from "assert";
import { MetricsRegistry, MAX_SERIES_PER_METRIC } from "../../lib/fleet/metrics-registry";
import { renderPrometheus } from "../../lib/fleet/prometheus-text";
import { exposition, heartbeat, queueSamples } from "../../lib/fleet/gateway-health";
import { parsePrometheus, sample } from "./prometheus-parse";

describe("gateway metrics", function () {
  const describeNode = (id: string) => (id === "n1" ? { type: "edge-buffer", name: 'cold "room"\n1' } : undefined);

  it("renders counters, pulled gauges and cumulative histograms in the text format, labels escaped", function () {
    const r = new MetricsRegistry();
    r.count("edge_messages_in_total", { node: "n1", type: "edge-buffer" });
    r.count("edge_messages_in_total", { node: "n1", type: "edge-buffer" }, 2);
    r.source("n1", () => queueSamples({ queuedPerLane: [1, 0, 0, 3], inFlight: 1, bytesOnDisk: 4096 }));
    for (const v of [0.003, 0.02, 0.02, 7, 1000]) r.observe("edge_delivery_latency_seconds", { node: "n1" }, v);
    const text = renderPrometheus(exposition(r, [], describeNode));
    const p = parsePrometheus(text);
    assert.equal(sample(p, "edge_messages_in_total", { node: "n1" }), 3);
    assert.equal(p.types.edge_messages_in_total, "counter");
    assert.equal(sample(p, "edge_queue_messages", { node: "n1", lane: "3" }), 3);
    assert.equal(sample(p, "edge_queue_in_flight", { node: "n1" }), 1);
    assert.equal(sample(p, "edge_queue_disk_bytes", { node: "n1" }), 4096);
    assert.equal(p.types.edge_delivery_latency_seconds, "histogram");
    // hand-counted: ≤0.005: 1, ≤0.025: 3, ≤10: 4, +Inf: 5
    assert.equal(sample(p, "edge_delivery_latency_seconds_bucket", { le: "0.005" }), 1);
    assert.equal(sample(p, "edge_delivery_latency_seconds_bucket", { le: "0.025" }), 3);
    assert.equal(sample(p, "edge_delivery_latency_seconds_bucket", { le: "10" }), 4);
    assert.equal(sample(p, "edge_delivery_latency_seconds_bucket", { le: "+Inf" }), 5);
    assert.equal(sample(p, "edge_delivery_latency_seconds_count"), 5);
    assert.ok(Math.abs(sample(p, "edge_delivery_latency_seconds_sum") - 1007.043) < 1e-9);
    // the node's name with a quote and a newline survives the escaping
    assert.ok(text.includes('name="cold \\"room\\"\\n1"'), text);
    assert.equal(p.samples.find((s) => s.name === "edge_messages_in_total")!.labels.name, 'cold "room"\n1');
  });

  it("a source that throws costs only its own gauges; a removed node's sources and series disappear; series per metric are bounded", function () {
    const r = new MetricsRegistry();
    r.source("broken", () => {
      throw new Error("closed");
    });
    r.source("n1", () => [{ name: "edge_broker_clients", labels: {}, value: 2 }]);
    assert.deepEqual(r.gaugeSamples(), [{ name: "edge_broker_clients", labels: { node: "n1" }, value: 2 }]);
    r.count("edge_messages_in_total", { node: "n1" });
    r.count("edge_messages_in_total", { node: "n2" });
    r.observe("edge_inference_seconds", { node: "n1" }, 0.01);
    r.prune((id) => id !== "n1");
    assert.deepEqual(r.gaugeSamples(), []);
    assert.deepEqual(r.counterSamples(), [{ name: "edge_messages_in_total", labels: { node: "n2" }, value: 1 }]);
    assert.deepEqual(r.histogramSamples(), []);
    r.reset();
    for (let i = 0; i < MAX_SERIES_PER_METRIC + 10; i++) r.count("edge_messages_in_total", { node: `n${i}` });
    assert.equal(r.counterSamples().length, MAX_SERIES_PER_METRIC);
    assert.equal(r.droppedSeries, 10);
  });

  it("the heartbeat sums traffic per node and lists queue depths per lane", function () {
    const r = new MetricsRegistry();
    r.count("edge_messages_in_total", { node: "n1", type: "edge-buffer" }, 5);
    r.count("edge_messages_out_total", { node: "n1", type: "edge-buffer" }, 4);
    r.count("edge_messages_rejected_total", { node: "n1", type: "edge-buffer" }, 1);
    r.source("n1", () => queueSamples({ queuedPerLane: [2, 0], inFlight: 0, bytesOnDisk: 10 }));
    r.source("b1", () => [{ name: "edge_broker_clients", labels: {}, value: 3 }]);
    r.observe("edge_inference_seconds", { node: "n1" }, 0.25);
    r.observe("edge_inference_seconds", { node: "n1" }, 0.5);
    const hb = heartbeat(r, "gw-1", { pack: "0.1.0", nodeRed: "4.1.0", nodejs: process.version }, describeNode, 1000);
    assert.equal(hb.gateway, "gw-1");
    assert.deepEqual(hb.traffic, [{ node: "n1", type: "edge-buffer", name: 'cold "room"\n1', in: 5, out: 4, rejected: 1 }]);
    assert.deepEqual(hb.queues, [{ node: "n1", type: "edge-buffer", name: 'cold "room"\n1', lanes: { "0": 2, "1": 0 }, inFlight: 0, diskBytes: 10 }]);
    assert.equal(hb.brokerClients, 3);
    // what a centre needs for a mean inference time between two beats
    assert.deepEqual(hb.inference, [{ node: "n1", name: 'cold "room"\n1', count: 2, sumS: 0.75 }]);
    assert.deepEqual(hb.delivery, []);
    assert.ok(hb.memory.rssBytes > 0);
  });
});
