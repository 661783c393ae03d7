/**
 * Turning Basics Station on in edge-lorawan-gateway's edit dialog, as a user does it in Node-RED's editor (headless
 * Chromium): the Station fields appear with the checkbox, the sub-band only for US915/AU915; a certificate and key
 * made by openssl and a station token go into password credentials, never into the flow; after the deploy a
 * station (the protocol-exact client of basics-station-client.ts) reaches wss:// with the token and gets a US915
 * router_config; reopened, the dialog shows no secret nor __PWRD__, and an edit that leaves them blank keeps them.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { startEditor, EditorSession, screenshotDir, openEditor } from "../browser/editor-session";
import { freeTcpPort, freeUdpPort } from "../harness/ports";
import { tempDir } from "../harness/peers";
import { requireBinary } from "../harness/processes";
import { waitFor } from "../harness/wait";
import { id6Of, StationSocket, versionMessage } from "./basics-station-client";

type RedWindow = { RED: { nodes: { node(id: string): unknown }; editor: { edit(n: unknown): void } } };

describe("browser: Basics Station in edge-lorawan-gateway's dialog", function () {
  this.timeout(240000);
  let s: EditorSession;
  let cert: string;
  let key: string;
  const sockets: StationSocket[] = [];

  before(async function () {
    const openssl = requireBinary("openssl");
    const dir = tempDir("station-editor-tls");
    const made = spawnSync(openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem"), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { encoding: "utf8" });
    assert.strictEqual(made.status, 0, made.stderr);
    cert = fs.readFileSync(path.join(dir, "cert.pem"), "utf8");
    key = fs.readFileSync(path.join(dir, "key.pem"), "utf8");
    s = await startEditor();
  });
  after(async function () {
    await Promise.all(sockets.map((x) => x.close()));
    await s?.close();
  });

  async function deployFromEditor(): Promise<void> {
    await s.page.click("#red-ui-header-button-deploy");
    const confirm = s.page.locator("#red-ui-deploy-dialog-confirm-deploy-deploy");
    await waitFor(async () => (await confirm.isVisible()) || (await s.page.locator("#red-ui-header-button-deploy.disabled").count()) > 0, "the deploy to be sent", { timeoutMs: 20000 });
    if (await confirm.isVisible()) await confirm.click();
    await s.page.waitForSelector("#red-ui-header-button-deploy.disabled", { timeout: 20000 });
  }

  async function openDialog(): Promise<void> {
    await openEditor(s.page, s.red.url);
    await s.page.evaluate(() => {
      const RED = (window as unknown as RedWindow).RED;
      RED.editor.edit(RED.nodes.node("gw1"));
    });
    await s.page.waitForSelector("#node-dialog-ok", { state: "visible", timeout: 15000 });
  }

  /** discovery and muxs over wss with the token; the router_config */
  async function stationReaches(port: number, token: string): Promise<Record<string, unknown>> {
    const options = { ca: cert, headers: { Authorization: token } };
    const info = await StationSocket.open(`wss://127.0.0.1:${port}/router-info`, options);
    sockets.push(info);
    info.send({ router: id6Of(0xb827ebfffe000042n) });
    await waitFor(() => info.received[0], "the router-info answer");
    const muxs = await StationSocket.open(String(info.received[0].msg.uri), options);
    sockets.push(muxs);
    muxs.send(versionMessage());
    return (await waitFor(() => muxs.of("router_config")[0], "router_config")).msg;
  }

  it("stores the key, certificate and token as credentials, serves wss:// with them, and keeps them when left blank", async function () {
    const stationPort = await freeTcpPort();
    await s.red.deploy([
      { id: "tab1", type: "tab", label: "gateway" },
      { id: "gw1", type: "edge-lorawan-gateway", z: "tab1", x: 200, y: 100, name: "", port: String(await freeUdpPort()), address: "127.0.0.1", dedupWindowMs: "200", txAckTimeoutMs: "3000", wires: [[], []] },
    ]);
    await openDialog();
    assert.strictEqual(await s.page.locator("#node-input-stationPort").isVisible(), false, "Station fields hidden while it is off");
    await s.page.locator("#node-input-stationEnabled").check();
    assert.strictEqual(await s.page.locator("#node-input-stationPort").isVisible(), true);
    assert.strictEqual(await s.page.locator("#node-input-stationSubBand").isVisible(), false, "no sub-band for EU868");
    await s.page.locator("#node-input-stationRegion").selectOption("US915");
    assert.strictEqual(await s.page.locator("#node-input-stationSubBand").isVisible(), true, "a sub-band for US915");
    await s.page.locator("#node-input-stationPort").fill(String(stationPort));
    await s.page.locator("#node-input-stationCert").fill(cert);
    await s.page.locator("#node-input-stationKey").fill(key);
    await s.page.locator("#node-input-stationToken").fill("Bearer store-19-token");
    assert.strictEqual(await s.page.locator("#node-input-stationToken").getAttribute("type"), "password");
    await s.page.screenshot({ path: path.join(screenshotDir, "edge-lorawan-gateway-station.png") });
    await s.page.click("#node-dialog-ok");
    await s.page.waitForSelector(".red-ui-tray", { state: "detached", timeout: 15000 });
    await deployFromEditor();

    const rc = await waitFor(() => stationReaches(stationPort, "Bearer store-19-token"), "a station on wss:// with the token", { timeoutMs: 20000, intervalMs: 300 });
    assert.strictEqual(rc.region, "US915");
    await assert.rejects(StationSocket.open(`wss://127.0.0.1:${stationPort}/router-info`, { ca: cert }), /HTTP 401/, "no token, no station");
    const flowsText = JSON.stringify(await s.red.getJson("/flows")) + fs.readFileSync(path.join(s.red.userDir, "flows.json"), "utf8");
    assert.doesNotMatch(flowsText, /PRIVATE KEY|store-19-token|BEGIN CERTIFICATE/, "a secret in the flow");
    const creds = (await s.red.getJson("/credentials/edge-lorawan-gateway/gw1")) as Record<string, unknown>;
    assert.deepStrictEqual([creds.has_stationKey, creds.has_stationCert, creds.has_stationToken], [true, true, true]);
    assert.doesNotMatch(JSON.stringify(creds), /PRIVATE KEY|store-19-token/);

    await openDialog();
    const shown = await s.page.$$eval(".red-ui-tray input, .red-ui-tray textarea", (els) => els.map((e) => ({ type: (e as HTMLInputElement).type, value: (e as HTMLInputElement).value })));
    // a password input may hold Node-RED's own masked placeholder for a stored secret; nothing else may show one
    const visible = shown.filter((f) => !(f.type === "password" && f.value === "__PWRD__")).map((f) => f.value).join("\n");
    assert.doesNotMatch(visible, /__PWRD__|PRIVATE KEY|BEGIN CERTIFICATE|store-19-token/, "a field of the dialog shows a secret or its placeholder");
    assert.strictEqual(await s.page.locator("#node-input-stationToken").inputValue(), "__PWRD__", "the token field: Node-RED's masked placeholder for the stored token");
    assert.match(String(await s.page.locator("#node-input-stationKey").getAttribute("placeholder")), /stored/);
    await s.page.locator("#node-input-stationSubBand").selectOption("1");
    await s.page.click("#node-dialog-ok");
    await s.page.waitForSelector(".red-ui-tray", { state: "detached", timeout: 15000 });
    await Promise.all(sockets.splice(0).map((x) => x.close()));
    await deployFromEditor();
    const again = await waitFor(() => stationReaches(stationPort, "Bearer store-19-token"), "the station again after an edit that left the secrets blank", { timeoutMs: 20000, intervalMs: 300 });
    const conf = (again.sx1301_conf as Array<Record<string, { freq?: number; if?: number; enable: boolean; radio?: number }>>)[0];
    assert.strictEqual(conf.radio_0.freq! + conf.chan_multiSF_0.if!, 902_300_000, "sub-band 1 now");
    assert.deepStrictEqual(s.consoleErrors.filter((e) => !/Failed to load resource/.test(e)), [], "errors in the editor (the sandbox has no internet: remote resources fail to load)");
  });
});
