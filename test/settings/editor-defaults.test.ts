/**
 * Every node of package.json deployed in a real Node-RED (node-red-node-test-helper) with exactly the defaults its
 * built editor gives a node dropped from the palette, and a config node of its defaults where it needs one. Each
 * must deploy without an error and show the status its help describes for that configuration. Listening ports are
 * the one thing replaced (by free ones): the defaults are well-known ports other services on a machine may hold.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import helper from "node-red-node-test-helper";
import { ensureBuilt, repoRoot } from "../harness/build";
import { freeTcpPort, freeUdpPort } from "../harness/ports";
import { waitFor } from "../harness/wait";
import { defaultValues, editorDefinitions, packNodes, type EditorDefinition } from "./editor-definitions";
import { speaking } from "./catalogue";
import { useTestHelper } from "../harness/test-helper-server";

interface Status {
  fill?: string;
  shape?: string;
  text?: string;
}

function statusesOf(id: string): Status[] {
  const spy = (helper as unknown as { _NodePrototype: { status: { getCalls(): Array<{ thisValue: { id: string }; args: [Status] }> } } })._NodePrototype.status;
  return spy
    .getCalls()
    .filter((c) => c.thisValue?.id === id)
    .map((c) => c.args[0]);
}

function logged(level: number): Array<{ id?: string; type?: string; msg?: unknown }> {
  return helper
    .log()
    .args.map((a: unknown[]) => a[0] as { level: number; id?: string; type?: string; msg?: unknown })
    .filter((e: { level: number }) => e.level === level);
}

/** settings that bind a port: replaced by a free one (TCP or UDP) */
const PORTS: Record<string, Record<string, "tcp" | "udp">> = {
  "edge-broker": { port: "tcp", wsPort: "tcp" },
  "edge-coap-server": { port: "udp", dtlsPort: "udp" },
  "edge-lorawan-gateway": { port: "udp" },
};

/**
 * What each node's help says it shows, deployed as dropped from the palette (fill and a part of the text). `none`:
 * the help promises no status for an idle node.
 */
const EXPECTED: Record<string, { fill: string; text: RegExp; error?: RegExp } | "none"> = {
  "edge-sim": { fill: "green", text: /12 devices, 0\.0 h simulated/ },
  "edge-tflite": { fill: "yellow", text: /waiting for msg\.model/ },
  "edge-buffer": { fill: "green", text: /online, 0 queued/ },
  "edge-kafka-broker": "none",
  // no Kafka at the default 127.0.0.1:9092: yellow while connecting, then red with the reason (said once)
  "edge-kafka-out": { fill: "yellow|red", text: /connecting|unreachable/, error: /ECONNREFUSED/ },
  // no topic is set by default: a gateway not configured yet, grey, said once as a warning
  "edge-kafka-in": { fill: "grey", text: /not configured: no topic to consume/ },
  "edge-device-profile": "none",
  "edge-ingest": "none",
  "edge-rules": { fill: "green", text: /0 active alerts/ },
  "edge-alarms": { fill: "green", text: /0 active, 0 unacknowledged/ },
  "edge-aggregate": "none",
  "edge-coap-server": "none",
  "edge-coap-in": { fill: "green", text: /^\/sensors: 0 requests/ },
  "edge-coap-response": "none",
  "edge-coap-request": "none",
  "edge-broker": { fill: "green", text: /0 clients/ },
  // no broker chosen: it cannot bridge
  "edge-mqtt-bridge": { fill: "red", text: /./, error: /no upstream broker configured/ },
  "edge-lorawan-keys": "none",
  "edge-lorawan-uplink": "none",
  "edge-lorawan-downlink": "none",
  "edge-lorawan-gateway": { fill: "green", text: /listening on UDP \d+/ },
  "edge-record": { fill: "green", text: /recording/ },
  // refuses every bundle until a public key is configured (kept in its credentials, so no default can hold one): not configured yet, grey
  "edge-bundle": { fill: "grey", text: /not configured: no public key/ },
  "edge-metrics": "none",
  "edge-model-watch": { fill: "green", text: /0 predictions, 0 escalated/ },
  // no canary gateway named: it cannot roll out yet, grey, said once as a warning
  "edge-rollout": { fill: "grey", text: /not configured: no canary gateway/ },
  "edge-modbus-link": "none",
  // the example profile a new edge-device-profile holds is not a Modbus one: grey "not configured", a warning, no error
  "edge-modbus": { fill: "grey", text: /not configured: the profile has no Modbus points/ },
};

/** Node-RED's own config nodes the pack's nodes may use */
const CORE: Record<string, string> = { "mqtt-broker": "@node-red/nodes/core/network/10-mqtt.js" };

describe("every node deploys with its editor defaults", function () {
  this.timeout(60000);
  let userDir: string;
  const definitions: Record<string, EditorDefinition> = {};

  before(function () {
    this.timeout(180000);
    ensureBuilt();
    for (const type of packNodes()) Object.assign(definitions, editorDefinitions(type));
  });
  beforeEach(function () {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), "edge-defaults-"));
    helper.settings({ userDir });
  });
  useTestHelper();
  afterEach(function () {
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  for (const type of packNodes()) {
    it(`${type}`, async function () {
      const def = definitions[type];
      assert.ok(def, `${type}'s editor registers it`);
      const flow: Array<Record<string, unknown>> = [{ id: "t", type: "tab" }];
      const withPorts = async (t: string, config: Record<string, unknown>) => {
        for (const [field, kind] of Object.entries(PORTS[t] ?? {})) config[field] = String(kind === "tcp" ? await freeTcpPort() : await freeUdpPort());
        return config;
      };
      const node = await withPorts(type, { ...defaultValues(def), id: "n", type });
      if (def.category !== "config") Object.assign(node, { z: "t", wires: Array.from({ length: def.outputs ?? 0 }, () => []) });
      flow.push(node);
      const modules = new Set<string>([type]);
      for (const [field, d] of Object.entries(def.defaults)) {
        if (!d.type) continue;
        if (CORE[d.type]) continue; // a core config node the user picks: left empty, as the palette leaves it
        const cfgDef = definitions[d.type];
        assert.ok(cfgDef, `${type}.${field} points at ${d.type}, a type of the pack or a core one`);
        flow.push(await withPorts(d.type, { ...defaultValues(cfgDef), id: `cfg-${field}`, type: d.type }));
        node[field] = `cfg-${field}`;
        modules.add(d.type);
      }
      const register = [...modules].map((t) => speaking(require(path.join(repoRoot, "nodes", t, t)))) as unknown[];
      register.push(...Object.values(CORE).map((m) => require(m)));
      await helper.load(register as Parameters<typeof helper.load>[0], flow as unknown as Parameters<typeof helper.load>[1]);
      const ids = flow.map((n) => String(n.id));
      const errors = () => logged(20).filter((e) => ids.includes(e.id ?? "")).map((e) => `${e.type} ${e.id}: ${String(e.msg)}`);
      const expected = EXPECTED[type];
      if (!expected) {
        // a new node: say what it showed, to write its expectation from its help
        await waitFor(() => statusesOf("n").length > 0, "a first status", { timeoutMs: 3000 }).catch(() => undefined);
        assert.fail(`${type} has no expectation here (what its help says it shows); it showed ${JSON.stringify(statusesOf("n"))}, logged ${JSON.stringify(errors())}`);
      }
      if (expected === "none") {
        assert.deepStrictEqual(statusesOf("n").filter((s) => s.fill === "red"), [], `${type} shows no red status`);
        assert.deepStrictEqual(errors(), [], `${type} logs no error`);
        return;
      }
      const fills = new RegExp(`^(${expected.fill})$`);
      const shown = await waitFor(
        async () => statusesOf("n").find((s) => fills.test(s.fill ?? "") && expected.text.test(s.text ?? "")),
        `${type} to show ${expected.fill} ${expected.text}`,
        { timeoutMs: 15000, intervalMs: 50 },
      ).catch((err: Error) => assert.fail(`${err.message}; it showed ${JSON.stringify(statusesOf("n"))}, logged ${JSON.stringify(errors())}`));
      assert.ok(shown);
      const unexpected = errors().filter((e) => !expected.error?.test(e));
      assert.deepStrictEqual(unexpected, [], `${type} logs no error but the one its status names`);
    });
  }
});
