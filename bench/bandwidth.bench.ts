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
import { WindowAggregator } from "../lib/aggregate/window-aggregator";
import { DeadbandFilter } from "../lib/aggregate/report-by-exception";
import { WindowBatcher } from "../lib/aggregate/window-batcher";
import { encodeSummaries, decodeSummaries, type Encoding } from "../lib/aggregate/summary-codec";
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
  let bytesIn = 0;
  let alertBytes = 0;
  let summaries = 0;
  const raisedOrCleared = new Set<string>();
  const alertsUpstream = new Set<string>();
  const senders = [
    new Sender({ output: "each", encoding: "none", heartbeat: 1 }),
    new Sender(settings),
    // report by exception on top: what a 0.5 °C deadband with an hourly heartbeat saves besides
    new Sender({ ...settings, deadband: settings.deadband ?? 0.5, heartbeat: settings.deadband !== undefined ? settings.heartbeat : 4 }),
  ];
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
      const closed: NamedSummary[] = [];
      for (const reading of event.readings) {
        if (resources.size && !resources.has(reading.resourceName)) continue;
        const key = `${reading.deviceName}/${reading.resourceName}`;
        for (const s of windows.add(key, reading.origin, reading.value as number)) {
          closed.push({ deviceName: reading.deviceName, resourceName: reading.resourceName, units: reading.units, ...s });
          summaries++;
          lastWindowEnd = Math.max(lastWindowEnd, s.end);
        }
      }
      for (const sender of senders) sender.take(closed, (end) => windows.isOpen(end));
    }
  }
  const missing = [...raisedOrCleared].filter((a) => !alertsUpstream.has(a));
  if (raisedOrCleared.size === 0) throw new Error("no alert in the simulated day: the bench must show alerts arriving");
  if (missing.length) throw new Error(`${missing.length} alerts did not arrive upstream: ${missing.slice(0, 3).join(", ")}`);
  const pct = (b: number) => `${((100 * b) / bytesIn).toFixed(1)} %`;
  const alerts = `all ${raisedOrCleared.size} alerts raised or cleared arrived, every alert message forwarded (${(alertBytes / 1024).toFixed(1)} KB)`;
  return senders.map((sender, i) => {
    sender.check(lastWindowEnd, settings.size * 1000);
    const upstream = sender.bytes + alertBytes;
    return {
      name: `store gateway: bytes upstream vs ingested, ${["each summary as JSON", "example 5 as shipped", "example 5 + deadband"][i]} (1 simulated day)`,
      ours: upstream / 1024,
      baseline: bytesIn / 1024,
      unit: "KB",
      ratio: bytesIn / upstream,
      note: `sends ${pct(upstream)} of the raw bytes (${sender.describe()}): ${sender.rows} of ${summaries} summaries, ${(sender.bytes / 1024).toFixed(1)} KB; ${alerts}`,
    };
  });
}

/** publishes closed summaries as a node with these settings would, and reads them back as the centre does */
class Sender {
  bytes = 0;
  rows = 0;
  private messages = 0;
  private readonly deadband?: DeadbandFilter;
  private readonly batcher = new WindowBatcher<NamedSummary>();
  /** device/resource → newest window end the centre can read */
  private readonly readBack = new Map<string, number>();

  constructor(private readonly o: { output: "each" | "batch"; encoding: Encoding; deadband?: number; heartbeat: number; decimals?: number }) {
    if (o.deadband !== undefined) this.deadband = new DeadbandFilter({ deadband: o.deadband, heartbeat: o.heartbeat });
  }

  take(closed: readonly NamedSummary[], stillOpen: (end: number) => boolean): void {
    const passed = closed.filter((s) => !this.deadband || this.deadband.pass(s));
    this.rows += passed.length;
    if (this.o.output === "each") passed.forEach((s) => this.publish([s]));
    else this.batcher.take(passed, stillOpen).forEach((rows) => this.publish(rows));
  }

  private publish(rows: NamedSummary[]): void {
    this.messages++;
    if (this.o.output === "each") {
      const body = Buffer.from(JSON.stringify(rows[0]));
      this.bytes += body.length;
      return this.arrived(JSON.parse(body.toString()) as NamedSummary);
    }
    const encoded = encodeSummaries(rows, this.o.encoding);
    this.bytes += encoded.payload.length;
    decodeSummaries(encoded.payload, encoded.userProperties).forEach((s) => this.arrived(s));
  }

  private arrived(s: NamedSummary): void {
    this.readBack.set(s.key, Math.max(this.readBack.get(s.key) ?? 0, s.end));
  }

  /** report by exception may leave a device silent for heartbeat - 1 windows, never longer */
  check(lastWindowEnd: number, windowMs: number): void {
    const silent = [...this.readBack].filter(([, end]) => lastWindowEnd - end >= this.o.heartbeat * windowMs);
    if (silent.length || this.readBack.size === 0) throw new Error(`${this.describe()}: summaries missing upstream for longer than the heartbeat: ${silent.map(([k]) => k).join(", ")}`);
  }

  describe(): string {
    const how = this.o.output === "batch" ? `${this.messages} batches, ${this.o.encoding === "none" ? "JSON" : this.o.encoding}` : `${this.messages} JSON messages`;
    return `${how}, ${this.deadband ? `deadband ${this.o.deadband} with a heartbeat every ${this.o.heartbeat} windows` : "every summary"}`;
  }
}

if (require.main === module) {
  run().then((rows) => console.table(rows), (err) => {
    console.error(err);
    process.exit(1);
  });
}
