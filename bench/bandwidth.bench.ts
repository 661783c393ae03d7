/**
 * The store gateway's bandwidth saving (example 5's logic): bytes published upstream (the window summaries as
 * example 5's edge-aggregate sends them, and every alert) against the bytes the devices sent, over one simulated
 * day of two trucks and four display-case sensors, with a compressor failure on one truck and a door left open on
 * one case so that alerts happen. The summaries go through the node's own steps (report by exception, one batch
 * per window, compression, with the settings read from the example's flow file) and the centre's side decodes
 * what was published: the bench fails when an alert raised or cleared at the gateway is missing upstream, or a
 * window's summary of a device cannot be read back. The row before it is the same day with each summary as its
 * own JSON message (the node's behaviour without those settings).
 */
import * as fs from "fs";
import * as path from "path";
import { ColdChainSimulator } from "../lib/sim/simulator";
import { parseProfile } from "../lib/ingest/profile";
import { IngestEngine } from "../lib/ingest/ingest-engine";
import { RulesEngine } from "../lib/rules/rules-engine";
import { WindowAggregator, type Summary } from "../lib/aggregate/window-aggregator";
import { DeadbandFilter } from "../lib/aggregate/report-by-exception";
import { WindowBatcher } from "../lib/aggregate/window-batcher";
import { encodeSummaries, decodeSummaries } from "../lib/aggregate/summary-codec";
import type { NamedSummary } from "../lib/aggregate/summary-batch";
import type { EdgeEvent } from "../lib/ingest/event";
import { alertMessage } from "../lib/contract/alert";
import { parseSettings } from "../nodes/edge-aggregate/settings";

const profile = (name: string) => parseProfile(fs.readFileSync(path.resolve(__dirname, `../lib/ingest/profiles/${name}.yaml`), "utf8"));
const example = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../examples/05-store-gateway-summaries.json"), "utf8")) as Array<Record<string, unknown>>;
const settings = parseSettings(example.find((n) => n.type === "edge-aggregate")!);

export async function run() {
  const faults = [
    { kind: "compressor-failure" as const, device: "truck-01", startS: 6 * 3600, durationS: 2 * 3600 },
    { kind: "door-open" as const, device: "store-001-case-02", startS: 14 * 3600, durationS: 3600 },
  ];
  const sim = new ColdChainSimulator({ seed: 5, fleet: { trucks: 2, coldRooms: 0, freezers: 0, shelves: 0, coapSensors: 4 }, startTime: Date.UTC(2026, 0, 1), faults });
  const reefer = new IngestEngine(profile("reefer-unit"), { deviceNameFrom: "path", deviceNamePath: "unit_id", outOfRange: "flag", originPath: "ts" });
  const senml = new IngestEngine(profile("senml-climate-sensor"), { deviceNameFrom: "topic", topicPattern: "coap/+deviceName", outOfRange: "flag" });
  const rules = new RulesEngine([
    { name: "truck too warm", type: "threshold", severity: "critical", resource: "returnAir", direction: "above", raise: 8, clear: 7.5, forS: 600 },
    { name: "case too warm", type: "threshold", severity: "major", resource: "temperature", direction: "above", raise: 8, clear: 7.5, forS: 600 },
  ]);
  const resources = new Set(settings.resources.split(/[\s,]+/).filter(Boolean));
  const windows = new WindowAggregator({
    kind: settings.kind,
    by: "time",
    size: settings.size * 1000,
    latenessMs: settings.latenessS * 1000,
    percentiles: settings.percentiles.split(/[\s,]+/).filter(Boolean).map(Number),
    mkt: settings.mkt,
    range: settings.rangeLow !== undefined && settings.rangeHigh !== undefined ? { low: settings.rangeLow, high: settings.rangeHigh } : undefined,
    decimals: settings.decimals,
  });
  const deadband = settings.deadband !== undefined ? new DeadbandFilter({ deadband: settings.deadband, heartbeat: settings.heartbeat }) : undefined;
  const batcher = new WindowBatcher<NamedSummary>();
  let bytesIn = 0;
  let alertBytes = 0;
  let eachBytes = 0; // every summary as its own JSON message: the node without report by exception and batches
  let batchBytes = 0;
  let summaries = 0;
  let sentRows = 0;
  let batches = 0;
  const raisedOrCleared = new Set<string>();
  const alertsUpstream = new Set<string>();
  const readBack = new Map<string, number>(); // device/resource → newest window end the centre can read
  const publish = (rows: NamedSummary[]) => {
    const encoded = encodeSummaries(rows, settings.encoding);
    batchBytes += encoded.payload.length;
    batches++;
    for (const s of decodeSummaries(encoded.payload, encoded.userProperties)) readBack.set(s.key, Math.max(readBack.get(s.key) ?? 0, s.end));
  };
  let lastWindowEnd = 0;
  for (let minute = 0; minute < 24 * 60; minute++) {
    for (const m of sim.tick(60).messages) {
      bytesIn += Buffer.byteLength(JSON.stringify(m.payload));
      const r = await (m.kind === "reefer" ? reefer : senml).process(m.payload, m.topic);
      if (!r.ok) continue;
      const event = r.event as EdgeEvent;
      const { alerts } = await rules.evaluate(event);
      for (const a of alerts) {
        const msg = alertMessage(a, `alerts/${a.deviceName}/${a.rule}`, a.at);
        if (a.state === "raised" || a.state === "cleared") raisedOrCleared.add(`${a.alertId}/${a.state}`);
        // example 5 publishes every alert message as JSON; the centre reads it back
        const body = Buffer.from(JSON.stringify(msg.payload));
        alertBytes += body.length;
        const arrived = JSON.parse(body.toString()) as { alertId: string; state: string };
        alertsUpstream.add(`${arrived.alertId}/${arrived.state}`);
      }
      const closed: Summary[] = [];
      for (const reading of event.readings) {
        if (resources.size && !resources.has(reading.resourceName)) continue;
        const key = `${reading.deviceName}/${reading.resourceName}`;
        for (const s of windows.add(key, reading.origin, reading.value as number)) {
          const named: NamedSummary = { deviceName: reading.deviceName, resourceName: reading.resourceName, units: reading.units, ...s };
          eachBytes += Buffer.byteLength(JSON.stringify(named));
          summaries++;
          lastWindowEnd = Math.max(lastWindowEnd, s.end);
          if (!deadband || deadband.pass(s)) closed.push(named);
        }
      }
      sentRows += closed.length;
      for (const rows of batcher.take(closed as NamedSummary[], (end) => windows.isOpen(end))) publish(rows);
    }
  }
  const missing = [...raisedOrCleared].filter((a) => !alertsUpstream.has(a));
  if (raisedOrCleared.size === 0) throw new Error("no alert in the simulated day: the bench must show alerts arriving");
  if (missing.length) throw new Error(`${missing.length} alerts did not arrive upstream: ${missing.slice(0, 3).join(", ")}`);
  // report by exception may leave a device silent for heartbeat - 1 windows, never longer
  const silentTooLong = [...readBack].filter(([, end]) => lastWindowEnd - end >= settings.heartbeat * settings.size * 1000);
  if (silentTooLong.length || readBack.size === 0) throw new Error(`summaries missing upstream for longer than the heartbeat: ${silentTooLong.map(([k]) => k).join(", ")}`);
  const pct = (b: number) => `${((100 * b) / bytesIn).toFixed(1)} %`;
  const how = `${settings.output === "batch" ? "one batch per window" : "one message per summary"}, ${settings.deadband !== undefined ? `deadband ${settings.deadband} with a heartbeat every ${settings.heartbeat} windows` : "no deadband"}, ${settings.encoding} compression, ${settings.decimals ?? "all"} decimals`;
  return [
    {
      name: "store gateway: bytes upstream vs ingested, each summary as JSON (1 simulated day)",
      ours: (eachBytes + alertBytes) / 1024,
      baseline: bytesIn / 1024,
      unit: "KB",
      ratio: bytesIn / (eachBytes + alertBytes),
      note: `sends ${pct(eachBytes + alertBytes)} of the raw bytes: ${summaries} summaries of ${Math.round(eachBytes / summaries)} B, alerts ${(alertBytes / 1024).toFixed(1)} KB`,
    },
    {
      name: "store gateway: bytes upstream vs ingested, example 5 as shipped (1 simulated day)",
      ours: (batchBytes + alertBytes) / 1024,
      baseline: bytesIn / 1024,
      unit: "KB",
      ratio: bytesIn / (batchBytes + alertBytes),
      note: `sends ${pct(batchBytes + alertBytes)} of the raw bytes (${how}): ${sentRows} of ${summaries} summaries in ${batches} batches, ${(batchBytes / 1024).toFixed(1)} KB; all ${raisedOrCleared.size} alerts raised or cleared arrived, every alert message forwarded (${(alertBytes / 1024).toFixed(1)} KB)`,
    },
  ];
}

if (require.main === module) {
  run().then((rows) => console.table(rows), (err) => {
    console.error(err);
    process.exit(1);
  });
}
