/**
 * CoAP requests per second through edge-coap-in → edge-coap-response (in a Node-RED runtime) against a bare npm
 * `coap` server answering the same requests, in the same run, driven by the same load generator. Each server runs
 * in a child process of its own; the generator (this process) keeps WINDOW confirmable POSTs of a small JSON
 * reading in flight and counts answers; both servers parse the JSON and answer 2.04 with it as JSON.
 * Run: npx tsx bench/coap.bench.ts [seconds]
 */
import * as dgram from "dgram";
import * as path from "path";
import { spawn, ChildProcess } from "child_process";
import { encodeMessage, decodeMessage, uintOption } from "../lib/coap/message";
import { MessageType, Method, Option } from "../lib/coap/constants";

type Row = { name: string; ours: number; baseline: number; unit: string; ratio: number; note?: string };

const WINDOW = 64;
const WARMUP_MS = 1000;

// ---------------------------------------------------------------- the servers (child processes)

/**
 * Node-RED embedded as in production (not the test helper, whose spies on every call would dominate), with our
 * nodes loaded from source through small .js shims in a nodes folder (this process runs under tsx).
 */
async function serveOurs(port: number): Promise<void> {
  const fs = require("fs") as typeof import("fs");
  const os = require("os") as typeof import("os");
  const http = require("http") as typeof import("http");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "edge-ai-bench-coap-"));
  const nodesDir = path.join(dir, "nodes");
  fs.mkdirSync(nodesDir);
  const root = path.join(__dirname, "..");
  for (const type of ["edge-coap-server", "edge-coap-in", "edge-coap-response"]) {
    fs.writeFileSync(path.join(nodesDir, `${type}.js`), `module.exports = require(${JSON.stringify(path.join(root, "nodes", type, `${type}.ts`))});\n`);
    // the editor as the build makes it (run `npm run build` first)
    fs.copyFileSync(path.join(root, "dist", "nodes", type, `${type}.html`), path.join(nodesDir, `${type}.html`));
  }
  const flows = [
    { id: "t", type: "tab" },
    { id: "srv", type: "edge-coap-server", port: String(port), address: "127.0.0.1" },
    { id: "in", z: "t", type: "edge-coap-in", server: "srv", path: "/bench", methods: ["POST"], output: "parsed", wires: [["resp"]] },
    { id: "resp", z: "t", type: "edge-coap-response", code: "2.04", contentFormat: "50", wires: [] },
  ];
  fs.writeFileSync(path.join(dir, "flows.json"), JSON.stringify(flows));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const RED: any = require("node-red");
  RED.init(http.createServer(), {
    userDir: dir,
    nodesDir,
    flowFile: path.join(dir, "flows.json"),
    httpAdminRoot: false,
    httpNodeRoot: false,
    credentialSecret: "bench",
    logging: { console: { level: "warn" } },
    telemetry: { enabled: false },
    diagnostics: { enabled: false },
  });
  await RED.start();
  // the socket opens when the flow starts: wait until the resource answers
  const { CoapClient } = require("../lib/coap/coap-client") as typeof import("../lib/coap/coap-client");
  const probe = new CoapClient({ transmission: { ackTimeoutMs: 200, ackRandomFactor: 1, maxRetransmit: 20 } });
  await probe.request({ url: `coap://127.0.0.1:${port}/bench`, method: "POST", payload: Buffer.from("{}"), contentFormat: 50 });
  await probe.close();
}

async function serveBaseline(port: number): Promise<void> {
  const coap = require("coap");
  const server = coap.createServer((req: { url: string; payload: Buffer }, res: { code: string; setOption(n: string, v: string): void; end(b: string): void }) => {
    if (req.url !== "/bench") {
      res.code = "4.04";
      return res.end("");
    }
    const reading = JSON.parse(req.payload.toString());
    res.code = "2.04";
    res.setOption("Content-Format", "application/json");
    res.end(JSON.stringify(reading));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
}

// ---------------------------------------------------------------- the load generator

async function freePort(): Promise<number> {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((r) => s.bind(0, "127.0.0.1", () => r()));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function startServer(kind: "ours" | "baseline", port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", __filename, "--serve", kind, String(port)], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("ready")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`${kind} server exited (${code})`)));
  });
}

/**
 * Closed loop: WINDOW requests in flight; a lost one is sent again after 1 s (and counted). The requests are spread
 * over SOCKETS source ports, each with its own message ids, so that no id comes back within EXCHANGE_LIFETIME
 * (a server would rightly answer a reused id from its deduplication cache without doing the work).
 */
const SOCKETS = 32;

async function load(port: number, seconds: number): Promise<{ perSecond: number; lost: number }> {
  const sockets = await Promise.all(
    Array.from({ length: SOCKETS }, async () => {
      const socket = dgram.createSocket("udp4");
      await new Promise<void>((r) => socket.bind(0, "127.0.0.1", () => r()));
      return { socket, mid: 0, inFlight: new Map<number, { bytes: Buffer; sent: number }>() };
    }),
  );
  let next = 0;
  let answered = 0;
  let sent = 0;
  let counting = false;
  let lost = 0;
  let open = true;
  const sendOne = () => {
    const s = sockets[next++ % SOCKETS];
    s.mid = (s.mid + 1) & 0xffff;
    if (s.mid === 0) throw new Error("message ids exhausted: run shorter or add sockets");
    const mid = s.mid;
    const reading = { deviceName: "case-07", temperature: 3.5 + (mid % 10) / 10, humidity: 70, ts: Date.now() };
    const bytes = encodeMessage({ type: MessageType.CON, code: Method.POST, messageId: mid, token: Buffer.from([mid >> 8, mid & 0xff]), options: [{ number: Option.URI_PATH, value: Buffer.from("bench") }, { number: Option.CONTENT_FORMAT, value: uintOption(50) }], payload: Buffer.from(JSON.stringify(reading)) });
    s.inFlight.set(mid, { bytes, sent: Date.now() });
    sent++;
    s.socket.send(bytes, port, "127.0.0.1");
  };
  for (const s of sockets) {
    s.socket.on("message", (data) => {
      let m;
      try {
        m = decodeMessage(data);
      } catch {
        return;
      }
      if (m.type !== MessageType.ACK || !s.inFlight.has(m.messageId) || m.code >> 5 !== 2) return;
      s.inFlight.delete(m.messageId);
      if (counting) answered++;
      if (open) sendOne();
    });
  }
  const resend = setInterval(() => {
    const now = Date.now();
    for (const s of sockets)
      for (const p of s.inFlight.values())
        if (now - p.sent > 1000) {
          lost++;
          p.sent = now;
          s.socket.send(p.bytes, port, "127.0.0.1");
        }
  }, 250);
  for (let i = 0; i < WINDOW; i++) sendOne();
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  counting = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const elapsed = (performance.now() - t0) / 1000;
  const result = answered / elapsed;
  open = false;
  clearInterval(resend);
  for (const s of sockets) s.socket.close();
  if (sent > SOCKETS * 0xffff) throw new Error("message ids reused");
  return { perSecond: result, lost };
}

/** Two rounds, alternating, best of each: other work on the machine moves single figures by tens of percent. */
export async function run(seconds = 6): Promise<Row[]> {
  const measure = async (kind: "ours" | "baseline") => {
    const port = await freePort();
    const child = await startServer(kind, port);
    try {
      return await load(port, seconds);
    } finally {
      child.kill("SIGKILL");
    }
  };
  const rounds: Array<{ ours: { perSecond: number; lost: number }; baseline: { perSecond: number; lost: number } }> = [];
  for (let round = 0; round < 2; round++) rounds.push({ baseline: await measure("baseline"), ours: await measure("ours") });
  const best = (kind: "ours" | "baseline") => rounds.map((r) => r[kind]).sort((a, b) => b.perSecond - a.perSecond)[0];
  const ours = best("ours");
  const baseline = best("baseline");
  return [
    {
      name: "coap requests/s: edge-coap-in → edge-coap-response",
      ours: Math.round(ours.perSecond),
      baseline: Math.round(baseline.perSecond),
      unit: "req/s",
      ratio: ours.perSecond / baseline.perSecond,
      note: `baseline: bare npm coap@1.5 server; each in its own process, ours in an embedded Node-RED; ${WINDOW} CON POSTs of a JSON reading in flight from ${SOCKETS} ports, echoed as JSON; best of 2 rounds of ${seconds} s; all rounds ours ${rounds.map((r) => Math.round(r.ours.perSecond)).join("/")}, baseline ${rounds.map((r) => Math.round(r.baseline.perSecond)).join("/")}; retransmitted after 1 s: ours ${rounds.map((r) => r.ours.lost).join("/")}, baseline ${rounds.map((r) => r.baseline.lost).join("/")}`,
    },
  ];
}

if (process.argv[2] === "--serve") {
  const serve = process.argv[3] === "ours" ? serveOurs : serveBaseline;
  serve(Number(process.argv[4])).then(
    () => {
      process.once("SIGINT", () => process.exit(0)); // a clean exit, so that --cpu-prof writes its profile
      console.log("ready");
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
} else if (process.argv[2] === "--load") {
  // drive a server started elsewhere (e.g. under --cpu-prof): --load PORT SECONDS
  load(Number(process.argv[3]), Number(process.argv[4]) || 5).then((r) => console.log(`${Math.round(r.perSecond)} req/s, ${r.lost} retransmitted`));
} else if (require.main === module) {
  run(Number(process.argv[2]) || 6).then((rows) => {
    for (const r of rows) console.log(`${r.name}: ours ${r.ours} ${r.unit}, baseline ${r.baseline} ${r.unit}, ratio ${r.ratio.toFixed(2)}\n  ${r.note ?? ""}`);
  });
}
