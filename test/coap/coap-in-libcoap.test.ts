/** edge-coap-in → edge-coap-response served to libcoap's client (coap-client-notls), in a real Node-RED runtime. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { randomBytes } from "crypto";
import helper from "node-red-node-test-helper";
import { freeUdpPort } from "../harness/ports";
import { tempDir } from "../harness/peers";
import { messagesTo } from "../harness/node-events";
import { libcoap, startLibcoapClient, waitFor } from "./libcoap";
import { coapNodes, STORE_FUNCTION, asFlow, FlowNode } from "./flows";
import type { CoapServerNode } from "../../nodes/edge-coap-server/coap-server-node";
import { useTestHelper } from "../harness/test-helper-server";

interface InMsg {
  payload: unknown;
  req: { method: string; path: string; contentFormat?: number; source: { address: string } };
}

describe("edge-coap-in and edge-coap-response with libcoap's client", function () {
  this.timeout(60000);
  let port: number;
  let url: string;
  const dir = tempDir("coap-in");

  useTestHelper();

  async function load(extra: FlowNode[] = []) {
    port = await freeUdpPort();
    url = `coap://127.0.0.1:${port}`;
    const flow = [
      { id: "t", type: "tab" },
      { id: "srv", type: "edge-coap-server", port: String(port), address: "127.0.0.1", maxPayloadKB: "256", blockSize: "1024", responseTimeoutS: "5" },
      { id: "items", z: "t", type: "edge-coap-in", server: "srv", path: "/items/a", methods: ["GET", "PUT", "POST", "DELETE", "FETCH"], output: "parsed", wires: [["store", "seen"]] },
      { id: "store", z: "t", type: "function", func: STORE_FUNCTION, outputs: 1, wires: [["resp"]] },
      { id: "resp", z: "t", type: "edge-coap-response" },
      { id: "seen", z: "t", type: "helper" },
      ...extra,
    ];
    await helper.load(coapNodes, asFlow(flow));
    await waitFor(() => (helper.getNode("srv") as CoapServerNode).server(), "the CoAP server listening");
  }

  it("answers PUT, GET, POST, FETCH and DELETE, with the body decoded by its Content-Format", async function () {
    await load();
    const seen = messagesTo<InMsg>("seen");

    const put = await libcoap(["-m", "put", "-t", "50", "-e", '{"setpoint":2.5,"door":"closed"}', `${url}/items/a`]);
    assert.strictEqual(put.status, 0, put.output);
    assert.deepStrictEqual(seen[0].payload, { setpoint: 2.5, door: "closed" }, "JSON body parsed for the flow");
    assert.strictEqual(seen[0].req.method, "PUT");
    assert.strictEqual(seen[0].req.contentFormat, 50);
    assert.strictEqual(seen[0].req.source.address, "127.0.0.1");

    const get = await libcoap(["-m", "get", `${url}/items/a`]);
    assert.deepStrictEqual(JSON.parse(get.stdout), { setpoint: 2.5, door: "closed" });

    const fetch = await libcoap(["-m", "fetch", "-t", "50", "-e", '["door"]', `${url}/items/a`]);
    assert.deepStrictEqual(JSON.parse(fetch.stdout), { door: "closed" }, "FETCH with a JSON body");

    const post = await libcoap(["-m", "post", "-t", "0", "-e", "hello", `${url}/items/a`]);
    assert.deepStrictEqual(JSON.parse(post.stdout), { received: "hello", contentFormat: 0 }, "text body decoded as a string");

    const del = await libcoap(["-m", "delete", `${url}/items/a`]);
    assert.strictEqual(del.status, 0, del.output);
    const gone = await libcoap(["-m", "get", `${url}/items/a`]);
    assert.match(gone.output, /4\.04/, "GET after DELETE is 4.04");

    const notFound = await libcoap(["-m", "get", `${url}/nowhere`]);
    assert.match(notFound.output, /4\.04/);
    assert.deepStrictEqual(seen.map((m) => m.req.method), ["PUT", "GET", "FETCH", "POST", "DELETE", "GET"], "each request reached the flow once");
  });

  it("reassembles a 64 KB block-wise upload from libcoap (a new token per block) and serves 64 KB back block-wise", async function () {
    await load();
    const seen = messagesTo<InMsg>("seen");
    const body = randomBytes(65536);
    const file = path.join(dir, "upload.bin");
    fs.writeFileSync(file, body);
    const put = await libcoap(["-m", "put", "-b", "1024", "-t", "42", "-f", file, `${url}/items/a`]);
    assert.strictEqual(put.status, 0, put.output);
    assert.strictEqual(seen.length, 1, "one message for the whole upload");
    assert.ok(Buffer.isBuffer(seen[0].payload) && body.equals(seen[0].payload as Buffer), "the flow got the 64 KB body intact");

    const out = path.join(dir, "download.bin");
    const get = await libcoap(["-m", "get", "-o", out, `${url}/items/a`]);
    assert.strictEqual(get.status, 0, get.output);
    assert.ok(body.equals(fs.readFileSync(out)), "libcoap downloaded the same 64 KB");
    assert.strictEqual(seen.length, 2, "the later blocks came from the server's cache, not the flow");
  });

  for (const notify of ["non", "con"] as const) {
    it(`notifies libcoap's observer of 12 values set by the flow (${notify.toUpperCase()} notifications)`, async function () {
      await load([{ id: "fridge", z: "t", type: "edge-coap-in", server: "srv", path: "/fridge/1/temp", methods: ["GET"], observable: true, notify, valueFormat: "0", wires: [[]] }]);
      const fridge = helper.getNode("fridge");
      fridge.receive({ payload: "start" });
      const observer = startLibcoapClient(["-m", "get", "-s", "4", "-w", `${url}/fridge/1/temp`]);
      const resource = () => [...((helper.getNode("srv") as CoapServerNode).server() as unknown as { resources: Map<string, { observers: Map<string, unknown> }> }).resources.values()].find((r) => r.observers.size > 0);
      await waitFor(() => resource(), "libcoap registered as an observer", { timeoutMs: 5000 });
      await waitFor(() => observer.stdout().includes("start"), "the registration response");
      for (let i = 0; i < 12; i++) {
        fridge.receive({ payload: `${(3 + i / 10).toFixed(1)}C` });
        // each value reaches the observer before the next one is set
        await waitFor(() => observer.stdout().includes(`${(3 + i / 10).toFixed(1)}C`), `notification ${i}`, { timeoutMs: 5000 });
      }
      const done = await observer.finished;
      const lines = done.stdout.split("\n").filter(Boolean);
      assert.deepStrictEqual(lines, ["start", ...Array.from({ length: 12 }, (_, i) => `${(3 + i / 10).toFixed(1)}C`)]);
      // libcoap deregisters when its -s time is up
      await waitFor(() => !resource(), "the observer removed after libcoap deregistered", { timeoutMs: 5000 });
    });
  }
});
