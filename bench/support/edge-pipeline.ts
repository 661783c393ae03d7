/**
 * The reefer pipeline built from this pack: edge-sim → edge-ingest → edge-rules → edge-aggregate → edge-buffer →
 * edge-kafka-out, every event durable on disk before it is sent, acknowledged by Kafka before it is deleted.
 * Each event is forwarded (as the core baseline forwards each event), with alerts and summaries on their way too.
 * edge-kafka-out acknowledges each delivery to the buffer directly (no Complete/Catch wired back), so deliveries
 * are counted where the buffer learns of them: see EDGE_PIPELINE_BUFFER.
 */

/** the buffer whose delivered events (those that carry t0 and readings) the benchmark counts (lib/store/ack-bus) */
export const EDGE_PIPELINE_BUFFER = "p-buffer";

export function edgePipelineFlow(brokers: string[], topic: string, trucks: number, bufferDir: string): unknown[] {
  const z = "edge-tab";
  return [
    { id: z, type: "tab", label: "edge pipeline" },
    { id: "bench-profile", type: "edge-device-profile", source: "builtin", builtin: "reefer-unit", profile: "", file: "" },
    { id: "bench-broker", type: "edge-kafka-broker", brokers: brokers.join(","), clientId: "edge-bench", sasl: "none", connectionTimeoutMs: "3000", requestTimeoutMs: "10000" },
    { id: "bench-sim", type: "edge-sim", z, seed: "1", trucks: String(trucks), coldRooms: "0", freezers: "0", shelves: "0", coapSensors: "0", cameras: "0", intervalMs: "1000", stepS: "60", autostart: false, wires: [["p-t0"], []] },
    { id: "p-t0", type: "change", z, rules: [{ t: "set", p: "t0", pt: "msg", to: "", tot: "date" }], wires: [["p-ingest"]] },
    { id: "p-ingest", type: "edge-ingest", z, profile: "bench-profile", deviceNameFrom: "path", deviceNamePath: "unit_id", outOfRange: "flag", topicTemplate: "edge/{profileName}/{deviceName}", output: "event", originPath: "ts", wires: [["p-rules"], []] },
    {
      id: "p-rules",
      type: "edge-rules",
      z,
      rules: [
        { name: "warm", type: "threshold", severity: "critical", resource: "returnAir", direction: "above", raise: "8", clear: "7.5", forS: "900" },
        { name: "tor", type: "tor", severity: "major", resource: "returnAir", low: "2", high: "8", budgetMin: "30", windowH: "24" },
      ],
      wires: [["p-buffer"], ["p-aggregate", "p-buffer"]],
    },
    { id: "p-aggregate", type: "edge-aggregate", z, kind: "tumbling", by: "time", size: "300", latenessS: "60", resources: "returnAir", percentiles: "50,90", mkt: true, rangeLow: "2", rangeHigh: "8", wires: [["p-buffer"]] },
    { id: "p-buffer", type: "edge-buffer", z, dir: bufferDir, lanes: "4", sync: "group", groupCommitMs: "10", window: "2000", ackTimeoutS: "120", metricsIntervalS: "0", wires: [["p-kafka"], []] },
    { id: "p-kafka", type: "edge-kafka-out", z, broker: "bench-broker", topic, key: "{deviceName}", valueFormat: "json", batchSize: "500", lingerMs: "5", compression: "none", acks: "-1", bufferDir: `${bufferDir}-kafka`, drainRatePerSec: "0" },
  ];
}
