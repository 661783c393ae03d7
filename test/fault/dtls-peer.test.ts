/**
 * edge-coap-request inside a real Node-RED against a coaps:// peer that misbehaves in the handshake: it sends a PSK
 * identity hint, a record whose lengths lie, or garbage. Every request (by id) must end with a response or an
 * error to the Catch node, and Node-RED must stay up: nothing a peer sends may end the process.
 */
import * as assert from "assert";
import { startNodeRed, NodeRedProcess } from "../harness/node-red-process";
import { ensureBuilt, linkPack } from "../harness/build";
import { httpRequest, tempDir } from "../harness/peers";
import { waitFor } from "../harness/wait";
import { DtlsFault, FakeDtlsPeer, startFakeDtlsPeer } from "./fake-dtls-peer";
import { nodeRedAnswers, readOutcomes, recorderNode, scopedRecorders, sendMessages, sendRoute } from "./recorder";
import { record } from "./tally";

const FAULTS: DtlsFault[] = ["identity-hint", "malformed-record", "garbage"];
const REQUESTS_PER_FAULT = 3;
const NODE = "fd-request";

function flows(): unknown[] {
  const z = "fd-tab";
  return [
    { id: z, type: "tab", label: "fault: DTLS peer" },
    ...sendRoute(z, NODE),
    {
      id: NODE, z, type: "edge-coap-request", name: "coaps request", url: "", method: "GET", confirmable: true, contentFormat: "", accept: "", observe: false, output: "parsed",
      ackTimeoutS: "1", ackRandomFactor: "1.5", maxRetransmit: "0", responseTimeoutS: "10", blockSize: "1024",
      credentials: { identity: "edge-gateway", key: "edge-secret" }, wires: [["fd-out"]],
    },
    recorderNode("fd-out", z, "edge-coap-request", "output", 0),
    ...scopedRecorders(z, NODE, "edge-coap-request"),
    { id: "fd-outcomes-in", z, type: "http in", url: "/fault/outcomes", method: "get", wires: [["fd-outcomes-read"]] },
    { id: "fd-outcomes-read", z, type: "function", func: `msg.payload = global.get("faultOutcomes") || [];\nreturn msg;`, outputs: 1, wires: [["fd-outcomes-out"]] },
    { id: "fd-outcomes-out", z, type: "http response", statusCode: "200", wires: [] },
  ];
}

describe("fault suite: a coaps:// peer that misbehaves in the DTLS handshake, against edge-coap-request in Node-RED", function () {
  this.timeout(120000);
  let red: NodeRedProcess | undefined;
  let userDir = "";
  const peers: FakeDtlsPeer[] = [];
  const settings = { logging: { console: { level: "warn", metrics: false, audit: false } }, contextStorage: { default: { module: "memory" } } };

  async function start(port?: number): Promise<NodeRedProcess> {
    const r = await startNodeRed({ userDir, port, settings });
    // credentials travel through a deploy (the flow file keeps them apart, encrypted)
    if (port === undefined) await r.deploy(flows());
    await waitFor(async () => (await httpRequest("GET", `${r.url}/fault/outcomes`)).status === 200, "the flow's routes", { timeoutMs: 30000, intervalMs: 100 });
    return r;
  }

  before(async function () {
    ensureBuilt();
    userDir = tempDir("fault-dtls");
    linkPack(userDir);
    red = await start();
  });

  after(async function () {
    await red?.stop().catch(() => undefined);
    for (const p of peers) await p.close().catch(() => undefined);
  });

  for (const fault of FAULTS) {
    it(`${fault}: each of ${REQUESTS_PER_FAULT} requests ends with an error to Catch (or a response), and Node-RED stays up`, async function () {
      if (!(await nodeRedAnswers(red!.url))) red = await start(red!.port);
      const peer = await startFakeDtlsPeer(fault);
      peers.push(peer);
      const ids = Array.from({ length: REQUESTS_PER_FAULT }, (_, i) => `${fault}-${i}`);
      await sendMessages(red!.url, ids.map((id) => ({ url: `coaps://127.0.0.1:${peer.port}/sensors`, faultCase: id, payload: "" })));
      let up = true;
      const settled = await waitFor(async () => {
        up = await nodeRedAnswers(red!.url);
        if (!up) return true;
        const seen = new Set((await readOutcomes(red!.url)).map((o) => o.case));
        return ids.every((id) => seen.has(id));
      }, `an outcome for every request to the ${fault} peer`, { timeoutMs: 30000, intervalMs: 100 }).catch(() => false);
      if (up) up = await nodeRedAnswers(red!.url);
      const outcomes = up ? await readOutcomes(red!.url) : [];
      const log = red!.output();
      const byId = new Map(ids.map((id) => [id, outcomes.filter((o) => o.case === id)]));
      const dropped = ids.filter((id) => byId.get(id)!.length === 0);
      record({
        inputsTried: ids.length,
        errorsReported: ids.filter((id) => byId.get(id)!.some((o) => o.kind === "catch")).length,
        crashes: up ? 0 : 1,
        silentDrops: up ? dropped.length : 0,
      });
      if (!up) await red!.stop().catch(() => undefined);
      assert.ok(peer.clientHellos > 0, `the ${fault} peer never saw a ClientHello: the request did not reach it`);
      assert.ok(up, `Node-RED ended on a coaps peer sending ${fault}:\n${log.slice(-3000)}`);
      assert.ok(settled, `requests to the ${fault} peer with no outcome (silent drops): ${dropped.join(", ")}`);
      for (const id of ids) {
        const errors = byId.get(id)!.filter((o) => o.kind === "catch");
        assert.ok(errors.length > 0 || byId.get(id)!.some((o) => o.kind === "output"), `${id}: neither a response nor an error`);
        for (const e of errors) assert.match(e.detail ?? "", /\S/, `${id}: the error reached Catch without a message`);
      }
    });
  }
});
