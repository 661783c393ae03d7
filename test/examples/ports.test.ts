/**
 * Any set of the examples (and the demo) deploys together in one Node-RED: no two of them listen on the same TCP or
 * UDP port, or serve the same HTTP route, and none takes Node-RED's own 1880. Every node that names a port is either
 * a listener (collected here) or a client (listed here): a new node type with a port makes this test say which.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { readFlowFile, FlowNode } from "./canvas-boxes";

const root = path.resolve(__dirname, "..", "..");
const files = ["examples", "flows"].flatMap((dir) =>
  fs
    .readdirSync(path.join(root, dir))
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => `${dir}/${f}`),
);

interface Listener {
  /** "tcp 1883", "udp 5683", "http GET /alarms" */
  what: string;
  file: string;
  id: string;
}

const on = (v: unknown) => v === true || v === "true";
const port = (v: unknown) => String(v ?? "").trim();

/** what each listening node type opens; empty or environment-given ports are not checked */
const LISTENERS: Record<string, (n: FlowNode) => string[]> = {
  "edge-broker": (n) => [`tcp ${port(n.port)}`, ...(on(n.ws) ? [`tcp ${port(n.wsPort)}`] : [])],
  "edge-coap-server": (n) => [`udp ${port(n.port)}`, ...(on(n.dtls) ? [`udp ${port(n.dtlsPort)}`] : [])],
  "edge-lorawan-gateway": (n) => [`udp ${port(n.port)}`, ...(on(n.stationEnabled) ? [`tcp ${port(n.stationPort)}`] : [])],
  "udp in": (n) => [`udp ${port(n.port)}`],
  "tcp in": (n) => (n.server === "server" ? [`tcp ${port(n.port)}`] : []),
  "http in": (n) => [`http ${String(n.method ?? "get").toUpperCase()} ${String(n.url ?? "")}`],
  "websocket-listener": (n) => [`http GET ${String(n.path ?? "")}`],
  "edge-record": (n) => (n.servePath ? [`http GET ${String(n.servePath)}`] : []),
  "edge-metrics": (n) => (n.endpoint === "node" && n.path ? [`http GET ${String(n.path)}`] : []),
  // the simulator's Modbus TCP controllers
  "edge-sim": (n) => (Number(n.modbusRooms ?? 0) > 0 ? [`tcp ${port(n.modbusPort ?? "1502")}`] : []),
  "ui-base": (n) => [`http GET ${String(n.path ?? "/dashboard")}`],
};
/** types whose port-like settings name a peer they connect to, not a port they open (or a path under a listener above) */
const CLIENTS = new Set(["edge-coap-in", "ui-page", "mqtt-broker", "edge-modbus-link", "udp out", "edge-coap-request", "http request", "edge-lorawan-downlink", "edge-kafka-broker", "tcp request"]);
const PORTISH = /^(port|.*Port|url|path|servePath|listen.*|bind.*)$/;
const NOT_A_PORT = new Set(["fPort", "deviceNamePath", "originPath", "modelPath", "labelsPath", "wsPath", "bufferDir"]);

function listeners(): { found: Listener[]; unclassified: string[] } {
  const found: Listener[] = [{ what: "tcp 1880", file: "Node-RED", id: "its editor and HTTP nodes" }];
  const unclassified: string[] = [];
  for (const file of files) {
    for (const n of readFlowFile(path.join(root, file))) {
      const listen = LISTENERS[n.type];
      if (listen) {
        for (const what of listen(n)) if (!/ $|\$\{/.test(what)) found.push({ what, file, id: n.id });
        continue;
      }
      const portish = Object.keys(n).filter((k) => PORTISH.test(k) && !NOT_A_PORT.has(k) && n[k] !== "" && n[k] !== undefined);
      if (portish.length > 0 && !CLIENTS.has(n.type)) unclassified.push(`${file}: ${n.id} (${n.type}) has ${portish.join(", ")}`);
    }
  }
  return { found, unclassified };
}

describe("examples: ports and routes", function () {
  it("knows whether each node with a port listens or connects", function () {
    assert.deepStrictEqual(listeners().unclassified, [], "classify these types in test/examples/ports.test.ts (LISTENERS or CLIENTS)");
  });

  it("opens each TCP/UDP port and serves each HTTP route in one example only", function () {
    const { found } = listeners();
    const byWhat = new Map<string, Listener[]>();
    for (const l of found) byWhat.set(l.what, [...(byWhat.get(l.what) ?? []), l]);
    const clashes = [...byWhat]
      .filter(([, ls]) => new Set(ls.map((l) => l.file)).size > 1)
      .map(([what, ls]) => `${what}: ${ls.map((l) => `${l.file} (${l.id})`).join(", ")}`);
    assert.deepStrictEqual(clashes, [], "listeners shared by more than one example");
    assert.ok(found.length > 5, `listeners found: ${found.map((l) => l.what)}`);
  });
});
