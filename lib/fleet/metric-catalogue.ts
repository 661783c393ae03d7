/**
 * The gateway's metrics: name, Prometheus type, help text and, for histograms, bucket bounds (seconds). Nodes
 * report under these names; a name not listed is exposed as an untyped metric with a generic help line.
 */
export type MetricType = "counter" | "gauge" | "histogram";

export interface MetricSpec {
  type: MetricType;
  help: string;
  buckets?: number[];
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
const INFERENCE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export const METRICS: Record<string, MetricSpec> = {
  edge_messages_in_total: { type: "counter", help: "Messages a node of the pack received." },
  edge_messages_out_total: { type: "counter", help: "Messages a node of the pack sent (one per wire they travel)." },
  edge_messages_rejected_total: { type: "counter", help: "Messages a node of the pack finished with an error (what a Catch node sees)." },
  edge_queue_messages: { type: "gauge", help: "Messages waiting in a node's durable queue, per lane (0 critical … 3 bulk; disk: a producer's disk buffer)." },
  edge_queue_in_flight: { type: "gauge", help: "Messages a durable queue has sent and waits to see acknowledged." },
  edge_queue_disk_bytes: { type: "gauge", help: "Bytes a node's durable queue holds on disk." },
  edge_delivery_latency_seconds: { type: "histogram", help: "Time from a message entering a durable queue to its acknowledged delivery.", buckets: LATENCY_BUCKETS },
  edge_inference_seconds: { type: "histogram", help: "Time one TFLite inference took (in its worker).", buckets: INFERENCE_BUCKETS },
  edge_broker_clients: { type: "gauge", help: "MQTT clients connected to the embedded broker." },
  edge_bundle_events_total: { type: "counter", help: "Steps of signed bundles on this gateway (received, verified, active, refused, rolled-back)." },
  edge_model_escalations_total: { type: "counter", help: "Predictions whose confidence fell below the escalation threshold." },
  edge_model_drift: { type: "gauge", help: "Drift of a model's scores against the reference window (PSI, or the Kolmogorov-Smirnov statistic)." },
};

export function specOf(name: string): MetricSpec | undefined {
  return METRICS[name];
}
