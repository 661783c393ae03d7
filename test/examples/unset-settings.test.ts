/**
 * A gateway not configured yet: example 1 and the demo in a real Node-RED with KAFKA_BROKERS and INFLUX_URL unset
 * deploy quietly. The Kafka nodes show a grey "not configured: KAFKA_BROKERS is not set" ring, the log says it once
 * (a warning from the broker node, and edge-buffer once that it keeps and retries; no error, no reconnecting),
 * the InfluxDB chain shows "not configured" grey, and messages for Kafka wait.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { tempDir } from "../harness/peers";
import { startNodeRed, NodeRedProcess } from "../harness/node-red-process";
import { ensureBuilt, linkPack, repoRoot } from "../harness/build";
import { waitFor } from "../harness/wait";
import { statusFeed, StatusFeed } from "./status-feed";

type FlowNode = Record<string, unknown> & { id: string; type: string };

const load = (file: string): FlowNode[] => JSON.parse(fs.readFileSync(path.join(repoRoot, file), "utf8")) as FlowNode[];

for (const [file, extra] of [
  ["examples/01-reefer-truck-gateway.json", []],
  ["flows/cold-chain.json", ["flows/dashboard.json"]],
] as const) {
  describe(`${file} with KAFKA_BROKERS and INFLUX_URL unset`, function () {
    this.timeout(120000);
    let red: NodeRedProcess;
    let feed: StatusFeed;
    const flow = load(file);
    for (const n of flow) if (n.type === "edge-sim") n.intervalMs = "20";

    before(async function () {
      ensureBuilt();
      const userDir = tempDir("unset-settings");
      linkPack(userDir);
      red = await startNodeRed({ userDir, flows: [], env: { KAFKA_BROKERS: undefined, INFLUX_URL: undefined } });
      feed = await statusFeed(red.url);
      await red.deploy([...flow, ...extra.flatMap((f) => load(f))]);
    });
    after(async function () {
      feed?.close();
      await red?.stop();
    });

    it("shows the Kafka nodes and the InfluxDB chain grey, 'not configured', naming the variable", async function () {
      const kafkaNodes = flow.filter((n) => n.type === "edge-kafka-in" || n.type === "edge-kafka-out");
      const influx = flow.filter((n) => /influx-lines$/.test(n.id));
      assert.ok(kafkaNodes.length > 0 && influx.length === 1);
      await waitFor(() => [...kafkaNodes, ...influx].every((n) => feed.latest.has(n.id)), "a status on each", { timeoutMs: 30000, intervalMs: 100 });
      for (const n of kafkaNodes) assert.deepStrictEqual(feed.latest.get(n.id), { fill: "grey", shape: "ring", text: "not configured: KAFKA_BROKERS is not set" }, n.id);
      assert.deepStrictEqual(feed.latest.get(influx[0].id), { fill: "grey", shape: "ring", text: "not configured: INFLUX_URL is not set" });
    });

    it("says it once in the log, as warnings, with no error and no retry, while the flow runs on", async function () {
      const alerts = flow.find((n) => n.type === "edge-buffer");
      assert.ok(alerts);
      // the buffer in front of Kafka keeps what Kafka cannot take yet: its status counts it
      await waitFor(() => /\d+/.test(feed.latest.get(alerts.id)?.text ?? "") && Number(/(\d+)/.exec(feed.latest.get(alerts.id)!.text!)![1]) >= 20, "20 messages kept for Kafka", { timeoutMs: 60000, intervalMs: 200 });
      const out = red.output();
      const aboutKafka = out.split("\n").filter((l) => /KAFKA_BROKERS is not set/.test(l));
      const kafkaLines = aboutKafka.filter((l) => /\[edge-kafka-/.test(l));
      assert.strictEqual(kafkaLines.length, 1, `one line from the Kafka nodes:\n${aboutKafka.join("\n")}`);
      assert.match(kafkaLines[0], /\[warn\] \[edge-kafka-broker:[^\]]*\] Kafka is not configured: KAFKA_BROKERS is not set/);
      // edge-buffer says once that it keeps the messages and retries
      const bufferLines = aboutKafka.filter((l) => /\[edge-buffer:/.test(l));
      assert.ok(bufferLines.length <= 1, `edge-buffer says it once:\n${bufferLines.join("\n")}`);
      assert.strictEqual(out.split("\n").filter((l) => /INFLUX_URL is not set/.test(l)).length, 1, "one line about InfluxDB");
      assert.deepStrictEqual(out.split("\n").filter((l) => /\[error\]/.test(l)), [], "no error in the log");
      // and says it grey, as the Kafka node does: not configured, not offline
      assert.match(feed.latest.get(alerts.id)?.text ?? "", /^not configured \(KAFKA_BROKERS is not set\), \d+ queued/);
      assert.strictEqual(feed.latest.get(alerts.id)?.fill, "grey");
      assert.deepStrictEqual(feed.history.filter((h) => h.id === alerts.id && h.status.fill === "red"), [], "edge-buffer never red");
      for (const n of flow.filter((k) => k.type === "edge-kafka-in" || k.type === "edge-kafka-out")) {
        const seen = feed.history.filter((h) => h.id === n.id);
        assert.ok(seen.every((h) => h.status.fill === "grey"), `${n.id} never tried to connect: ${JSON.stringify(seen)}`);
      }
    });
  });
}
