/**
 * Example 1 and the demo write readings to InfluxDB with core nodes only (line protocol, http request to /write), in
 * a real Node-RED with nothing but the pack: the points arrive in a real InfluxDB 1.x; with INFLUX_URL unset, or an
 * InfluxDB that does not answer, Node-RED says so once (a warning and a status), not once per batch or reading.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as path from "path";
import { tempDir, httpRequest, startInflux, InfluxPeer } from "../harness/peers";
import { startNodeRed, NodeRedProcess } from "../harness/node-red-process";
import { ensureBuilt, linkPack, repoRoot } from "../harness/build";
import { waitFor } from "../harness/wait";

type FlowNode = Record<string, unknown> & { id: string; type: string; z?: string; wires?: string[][] };

function load(file: string): FlowNode[] {
  return JSON.parse(fs.readFileSync(path.join(repoRoot, file), "utf8")) as FlowNode[];
}

/** the flow with INFLUX_URL in its tab's environment, time sped up, and an HTTP route that counts the readings ingested */
function prepared(file: string, influxUrl: string | undefined, counterRoute: string): FlowNode[] {
  const flow = load(file);
  const tab = flow.find((n) => n.type === "tab")!;
  tab.env = influxUrl === undefined ? [] : [{ name: "INFLUX_URL", value: influxUrl, type: "str" }];
  const ingest = flow.find((n) => n.type === "edge-ingest" && (n.wires?.[0] ?? []).some((t) => /influx-lines$/.test(t)));
  assert.ok(ingest, `${file}: an edge-ingest feeds the InfluxDB chain`);
  for (const n of flow) {
    if (n.type === "edge-sim") n.intervalMs = "20";
    if (n.type === "join" && /influx-batch$/.test(n.id)) n.timeout = "1";
  }
  ingest.wires![0].push("t-count");
  flow.push(
    { id: "t-count", type: "function", z: tab.id, name: "", func: "flow.set('readings', (flow.get('readings') || 0) + msg.payload.readings.length); return null;", outputs: 1, x: 100, y: 2000, wires: [[]] },
    { id: "t-route", type: "http in", z: tab.id, url: counterRoute, method: "get", x: 100, y: 2040, wires: [["t-answer"]] },
    { id: "t-answer", type: "function", z: tab.id, func: "msg.payload = { readings: flow.get('readings') || 0 }; return msg;", outputs: 1, x: 300, y: 2040, wires: [["t-reply"]] },
    { id: "t-reply", type: "http response", z: tab.id, x: 500, y: 2040, wires: [] },
  );
  return flow;
}

async function readingsIngested(red: NodeRedProcess, route: string): Promise<number> {
  const res = await httpRequest("GET", `${red.url}${route}`);
  return res.status === 200 ? (JSON.parse(res.body) as { readings: number }).readings : 0;
}

/** log lines written since `from` (an offset into the output) that are errors, or warnings about InfluxDB */
function linesSince(red: NodeRedProcess, from: number, pattern: RegExp): string[] {
  return red
    .output()
    .slice(from)
    .split("\n")
    .filter((l) => pattern.test(l));
}

describe("examples: InfluxDB through core nodes", function () {
  this.timeout(180000);
  let red: NodeRedProcess;
  let influx: InfluxPeer | undefined;
  let silent: http.Server | undefined;

  before(async function () {
    ensureBuilt();
    const userDir = tempDir("influx-example");
    linkPack(userDir);
    red = await startNodeRed({ userDir, flows: [], env: { KAFKA_BROKERS: undefined, INFLUX_URL: undefined } });
  });
  after(async function () {
    await red?.stop();
    await influx?.stop();
    await new Promise<void>((r) => (silent ? silent.close(() => r()) : r()));
  });

  for (const file of ["examples/01-reefer-truck-gateway.json", "flows/cold-chain.json"]) {
    it(`${file}: readings arrive in a real InfluxDB 1.x, as points per device and resource`, async function () {
      influx ??= await startInflux();
      const db = "coldchain";
      await influx.query(`DROP DATABASE ${db}`);
      await influx.query(`CREATE DATABASE ${db}`);
      const flows = file.startsWith("flows/") ? [...prepared(file, influx.url, "/t/count"), ...load("flows/dashboard.json")] : prepared(file, influx.url, "/t/count");
      const from = red.output().length;
      await red.deploy(flows);
      const series = await waitFor(
        async () => {
          const r = (await influx!.query('SELECT count("value") FROM /.*/ GROUP BY "device"', db)) as { results: Array<{ series?: Array<{ name: string; tags: { device: string }; values: unknown[][] }> }> };
          const s = r.results[0]?.series ?? [];
          return s.length >= 4 ? s : undefined;
        },
        "points in InfluxDB",
        { timeoutMs: 60000, intervalMs: 500 },
      );
      assert.ok(series.every((s) => /^truck-\d+$|^shelf-/.test(s.tags.device)), `devices as tags: ${series.map((s) => s.tags.device)}`);
      assert.deepStrictEqual(linesSince(red, from, /\[(warn|error)\].*(influx|written or dropped|line protocol|INFLUX)/i), [], "no InfluxDB warning or error while it takes the points");
    });
  }

  it("with INFLUX_URL unset: one warning and a grey status, nothing sent, however many readings pass", async function () {
    const from = red.output().length;
    await red.deploy(prepared("examples/01-reefer-truck-gateway.json", undefined, "/t/count"));
    await waitFor(async () => (await readingsIngested(red, "/t/count")) >= 2000, "2000 readings through the example", { timeoutMs: 90000, intervalMs: 250 });
    const told = linesSince(red, from, /INFLUX_URL is not set/);
    assert.strictEqual(told.length, 1, `said once:\n${told.join("\n")}`);
    assert.match(told[0], /\[warn\]/);
    assert.deepStrictEqual(linesSince(red, from, /\[error\]/), [], "no error in the log");
  });

  it("with an InfluxDB that does not answer: one warning for many failed batches, no error per batch", async function () {
    let requests = 0;
    silent = http.createServer();
    // accepts the request and closes the connection unanswered, as a crashed or overloaded InfluxDB does
    silent.on("request", (req) => {
      requests++;
      req.socket.destroy();
    });
    await new Promise<void>((r) => silent!.listen(0, "127.0.0.1", () => r()));
    const port = (silent.address() as net.AddressInfo).port;
    const from = red.output().length;
    await red.deploy(prepared("examples/01-reefer-truck-gateway.json", `http://127.0.0.1:${port}`, "/t/count"));
    await waitFor(() => requests >= 5, "five batches sent to the silent InfluxDB", { timeoutMs: 60000, intervalMs: 100 });
    const warned = linesSince(red, from, /does not take the readings/);
    assert.strictEqual(warned.length, 1, `one warning for ${requests} failed batches:\n${warned.join("\n")}`);
    assert.match(warned[0], /\[warn\]/);
    assert.deepStrictEqual(linesSince(red, from, /\[error\]/), [], "no error in the log");
  });
});
