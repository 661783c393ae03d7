/**
 * The gateway's health at one moment, from the metrics registry and the process: what /metrics exposes and what
 * the heartbeat carries. Plain data; edge-metrics adds what only Node-RED knows (node types and names, versions).
 */
import type { MetricsRegistry, Sample } from "./metrics-registry";
import type { Exposition } from "./prometheus-text";

export interface Versions {
  pack: string;
  nodeRed: string;
  nodejs: string;
}

/** the process's own gauges, Prometheus' conventional names */
export function processSamples(versions: Versions, gateway: string, now = Date.now()): Sample[] {
  const mem = process.memoryUsage();
  return [
    { name: "process_resident_memory_bytes", labels: {}, value: mem.rss },
    { name: "nodejs_heap_used_bytes", labels: {}, value: mem.heapUsed },
    { name: "nodejs_heap_total_bytes", labels: {}, value: mem.heapTotal },
    { name: "process_start_time_seconds", labels: {}, value: Math.round((now - process.uptime() * 1000) / 1000) },
    { name: "edge_build_info", labels: { gateway, pack: versions.pack, node_red: versions.nodeRed, nodejs: versions.nodejs }, value: 1 },
  ];
}

/** labels every sample that names a node with that node's type and name, as Node-RED knows them now */
export function withNodeLabels(samples: Sample[], describe: (id: string) => { type: string; name: string } | undefined): Sample[] {
  return samples.map((s) => {
    const id = s.labels.node;
    if (!id) return s;
    const d = describe(id);
    return d ? { ...s, labels: { ...s.labels, type: s.labels.type ?? d.type, name: d.name } } : s;
  });
}

export function exposition(registry: MetricsRegistry, extraGauges: Sample[], describe: (id: string) => { type: string; name: string } | undefined): Exposition {
  return {
    counters: withNodeLabels(registry.counterSamples(), describe),
    gauges: withNodeLabels([...registry.gaugeSamples(), ...extraGauges], describe),
    histograms: registry.histogramSamples().map((h) => {
      const d = describe(h.labels.node ?? "");
      return d ? { ...h, labels: { ...h.labels, type: h.labels.type ?? d.type, name: d.name } } : h;
    }),
  };
}

export interface Heartbeat {
  gateway: string;
  at: number;
  uptimeS: number;
  versions: Versions;
  memory: { rssBytes: number; heapUsedBytes: number; heapTotalBytes: number };
  /** per node with a queue: messages per lane, in flight, bytes on disk */
  queues: Array<{ node: string; type?: string; name?: string; lanes: Record<string, number>; inFlight?: number; diskBytes?: number }>;
  brokerClients?: number;
  /** per node: messages in, out, rejected since the start */
  traffic: Array<{ node: string; type?: string; name?: string; in: number; out: number; rejected: number }>;
  /** per model node: inferences and their summed time since the start (a centre takes the mean between two beats) */
  inference: Array<{ node: string; name?: string; count: number; sumS: number }>;
  /** per queue: acknowledged deliveries and their summed push → ack time since the start */
  delivery: Array<{ node: string; name?: string; count: number; sumS: number }>;
}

export function heartbeat(registry: MetricsRegistry, gateway: string, versions: Versions, describe: (id: string) => { type: string; name: string } | undefined, now = Date.now()): Heartbeat {
  const e = exposition(registry, [], describe);
  const queues = new Map<string, Heartbeat["queues"][number]>();
  let brokerClients: number | undefined;
  for (const s of e.gauges) {
    const node = s.labels.node;
    if (!node) continue;
    if (s.name === "edge_broker_clients") {
      brokerClients = (brokerClients ?? 0) + s.value;
      continue;
    }
    if (!s.name.startsWith("edge_queue_")) continue;
    let q = queues.get(node);
    if (!q) queues.set(node, (q = { node, type: s.labels.type, name: s.labels.name, lanes: {} }));
    if (s.name === "edge_queue_messages") q.lanes[s.labels.lane ?? "all"] = s.value;
    else if (s.name === "edge_queue_in_flight") q.inFlight = s.value;
    else if (s.name === "edge_queue_disk_bytes") q.diskBytes = s.value;
  }
  const traffic = new Map<string, Heartbeat["traffic"][number]>();
  const field = { edge_messages_in_total: "in", edge_messages_out_total: "out", edge_messages_rejected_total: "rejected" } as const;
  for (const s of e.counters) {
    const f = field[s.name as keyof typeof field];
    const node = s.labels.node;
    if (!f || !node) continue;
    let t = traffic.get(node);
    if (!t) traffic.set(node, (t = { node, type: s.labels.type, name: s.labels.name, in: 0, out: 0, rejected: 0 }));
    t[f] += s.value;
  }
  const timing = (metric: string) =>
    e.histograms.filter((h) => h.name === metric && h.labels.node).map((h) => ({ node: h.labels.node, ...(h.labels.name !== undefined ? { name: h.labels.name } : {}), count: h.h.count, sumS: h.h.sum }));
  const mem = process.memoryUsage();
  return {
    gateway,
    at: now,
    uptimeS: Math.round(process.uptime()),
    versions,
    memory: { rssBytes: mem.rss, heapUsedBytes: mem.heapUsed, heapTotalBytes: mem.heapTotal },
    queues: [...queues.values()],
    ...(brokerClients !== undefined ? { brokerClients } : {}),
    traffic: [...traffic.values()],
    inference: timing("edge_inference_seconds"),
    delivery: timing("edge_delivery_latency_seconds"),
  };
}

/** a durable queue's stats as the registry's gauges (edge-buffer's and edge-kafka-out's one-line hook) */
export function queueSamples(stats: { queuedPerLane?: number[]; queued?: number; inFlight?: number; bytesOnDisk?: number }): Sample[] {
  const out: Sample[] = [];
  if (stats.queuedPerLane) stats.queuedPerLane.forEach((n, lane) => out.push({ name: "edge_queue_messages", labels: { lane: String(lane) }, value: n }));
  else if (stats.queued !== undefined) out.push({ name: "edge_queue_messages", labels: { lane: "disk" }, value: stats.queued });
  if (stats.inFlight !== undefined) out.push({ name: "edge_queue_in_flight", labels: {}, value: stats.inFlight });
  if (stats.bytesOnDisk !== undefined) out.push({ name: "edge_queue_disk_bytes", labels: {}, value: stats.bytesOnDisk });
  return out;
}
