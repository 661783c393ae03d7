/**
 * edge-lorawan-keys through a real Node-RED and its admin API, as the editor deploys it: the keys are password
 * credentials (never returned in clear), an edit of one device keeps the other devices' keys, and a flow saved when
 * the keys were a text credential keeps working. Frames are real ABP uplinks, decrypted by edge-lorawan-uplink.
 */
import * as assert from "assert";
import { ensureBuilt, linkPack } from "../harness/build";
import { startNodeRed, NodeRedProcess } from "../harness/node-red-process";
import { tempDir, httpRequest } from "../harness/peers";
import { waitFor } from "../harness/wait";
import { buildUplink, demoKeys, encodeTemperatureHumidityLpp, LorawanSessionKeys } from "../../lib/sim/lorawan-tag";

const a = demoKeys(7, "coldroom-a");
const b = demoKeys(7, "coldroom-b");
const c = demoKeys(7, "coldroom-c");
const entry = (name: string, k: LorawanSessionKeys) => ({ name, devEui: k.devEui, devAddr: k.devAddr, codec: "cayenne-lpp" });
const abp = (k: LorawanSessionKeys) => ({ nwkSKey: k.nwkSKey, appSKey: k.appSKey });

describe("edge-lorawan-keys credentials through Node-RED's admin API", function () {
  this.timeout(120000);
  let red: NodeRedProcess;
  let frame = 0;

  before(async function () {
    ensureBuilt();
    const userDir = tempDir("lorawan-creds");
    linkPack(userDir);
    red = await startNodeRed({ userDir, flows: [] });
  });
  after(async function () {
    await red?.stop();
  });

  /** the keys node, an uplink node, and a function node that logs what the uplink node made of each frame */
  function flow(keysNode: Record<string, unknown>) {
    return [
      { id: "t1", type: "tab", label: "lorawan" },
      { id: "keys1", type: "edge-lorawan-keys", name: "", source: "table", codecs: "[]", counterFile: "none", codecTimeoutMs: "100", codecMemoryMb: "16", ...keysNode },
      { id: "in1", type: "inject", z: "t1", props: [{ p: "payload" }], payload: "", payloadType: "str", repeat: "", once: false, wires: [["up1"]] },
      { id: "up1", type: "edge-lorawan-uplink", z: "t1", keys: "keys1", wires: [["ok1"], ["bad1"], []] },
      { id: "ok1", type: "function", z: "t1", func: "node.warn('DECODED ' + msg.payload.deviceName + ' ' + msg.frameTag); return null;", outputs: 0, wires: [] },
      { id: "bad1", type: "function", z: "t1", func: "node.warn('REFUSED ' + msg.frameTag + ' ' + (msg.error && msg.error.code)); return null;", outputs: 0, wires: [] },
    ];
  }

  /** sends one frame of `k` through the running flow: the inject node's button with properties, as the editor sends them */
  async function decodes(k: LorawanSessionKeys): Promise<string> {
    frame += 1;
    const tag = `frame-${frame}`;
    const phy = buildUplink(k, frame, 1, encodeTemperatureHumidityLpp(2.5, 60)).toString("hex");
    const body = JSON.stringify({ __user_inject_props__: [{ p: "payload", v: phy, vt: "str" }, { p: "frameTag", v: tag, vt: "str" }] });
    // a deploy answers before the new flow has started: the inject node is not found until it has
    await waitFor(async () => (await httpRequest("POST", `${red.url}/inject/in1`, body, { "Content-Type": "application/json" })).status === 200, "the inject node of the deployed flow");
    const line = await waitFor(() => red.output().split("\n").find((l) => l.includes(` ${tag}`) && /DECODED|REFUSED/.test(l)), `the outcome of ${tag}`);
    return /DECODED (\S+)/.exec(line)?.[1] ?? `refused (${line.trim()})`;
  }

  async function credentialsSeenByEditor(): Promise<string> {
    const res = await httpRequest("GET", `${red.url}/credentials/edge-lorawan-keys/keys1`, undefined, { Accept: "application/json" });
    assert.strictEqual(res.status, 200, res.body);
    return res.body;
  }

  const anyKey = (body: string, ...keys: LorawanSessionKeys[]) => keys.some((k) => body.toUpperCase().includes(k.nwkSKey) || body.toUpperCase().includes(k.appSKey));

  it("never returns a key in clear, and keeps the other devices' keys when one device is added or changed", async function () {
    await red.deploy(flow({ devices: JSON.stringify([entry("a", a), entry("b", b)]), credentials: { keyEdits: JSON.stringify({ [a.devEui]: abp(a), [b.devEui]: abp(b) }) } }));
    assert.strictEqual(await decodes(a), "a");
    assert.strictEqual(await decodes(b), "b");
    const seen = await credentialsSeenByEditor();
    assert.ok(!anyKey(seen, a, b), `a key came back in clear: ${seen}`);
    assert.strictEqual(JSON.parse(seen).has_keys, true);

    // the editor after adding device c: a's and b's key fields left blank
    await red.deploy(flow({ devices: JSON.stringify([entry("a", a), entry("b", b), entry("c", c)]), credentials: { keyEdits: JSON.stringify({ [c.devEui]: abp(c) }) } }));
    assert.strictEqual(await decodes(c), "c");
    assert.strictEqual(await decodes(a), "a");
    assert.strictEqual(await decodes(b), "b");
    assert.ok(!anyKey(await credentialsSeenByEditor(), a, b, c));
    assert.deepStrictEqual(await red.getJson("/edge-lorawan-keys/keys1/keys"), { devices: { [a.devEui]: ["nwkSKey", "appSKey"], [b.devEui]: ["nwkSKey", "appSKey"], [c.devEui]: ["nwkSKey", "appSKey"] } });

    // b's AppSKey rotated, only that field typed in; a removed
    const b2 = { ...b, appSKey: demoKeys(8, "coldroom-b").appSKey };
    await red.deploy(flow({ devices: JSON.stringify([entry("b", b), entry("c", c)]), credentials: { keyEdits: JSON.stringify({ [b.devEui]: { appSKey: b2.appSKey } }) } }));
    assert.strictEqual(await decodes(b2), "b");
    assert.strictEqual(await decodes(c), "c");
    assert.match(await decodes(a), /^refused/);
    assert.match(await decodes(b), /^refused/, "a frame under b's old AppSKey still decoded");
  });

  it("runs a flow saved when the keys were a text credential, and no longer returns them in clear", async function () {
    // the old editor wrote every device's keys as one JSON text credential, DevEUIs as typed
    await red.deploy(flow({ id: "keys1", devices: JSON.stringify([entry("a", a), entry("b", b)]), credentials: { keys: JSON.stringify({ [a.devEui.toLowerCase()]: abp(a), [b.devEui]: abp(b) }) } }));
    assert.strictEqual(await decodes(a), "a");
    assert.strictEqual(await decodes(b), "b");
    assert.ok(!anyKey(await credentialsSeenByEditor(), a, b));
    await red.deploy(flow({ devices: JSON.stringify([entry("a", a), entry("b", b), entry("c", c)]), credentials: { keyEdits: JSON.stringify({ [c.devEui]: abp(c) }) } }));
    assert.strictEqual(await decodes(a), "a");
    assert.strictEqual(await decodes(c), "c");
  });
});
