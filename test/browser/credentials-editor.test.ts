/**
 * The credential dialogs as a user works them in Node-RED's editor (headless Chromium): after a deploy no secret
 * and no `__PWRD__` placeholder is shown, a user or a device added in the dialog and deployed leaves the others'
 * passwords and keys in place.
 */
import * as assert from "assert";
import * as path from "path";
import { spawnSync } from "child_process";
import { startEditor, EditorSession, screenshotDir, openEditor } from "./editor-session";
import { freeTcpPort } from "../harness/ports";
import { tempDir } from "../harness/peers";
import { requireBinary } from "../harness/processes";
import { waitFor } from "../harness/wait";
import { demoKeys } from "../../lib/sim/lorawan-tag";

type RedWindow = { RED: { nodes: { node(id: string): unknown }; editor: { edit(n: unknown): void; editConfig(n: string, t: string, id: string): void } } };

function connects(port: number, user: string, password: string): boolean {
  const run = spawnSync(requireBinary("mosquitto_pub"), ["-h", "127.0.0.1", "-p", String(port), "-V", "mqttv311", "-q", "1", "-t", "t", "-m", "x", "-u", user, "-P", password], { encoding: "utf8", timeout: 10000 });
  return run.status === 0;
}

describe("browser: credentials in the edit dialogs", function () {
  this.timeout(240000);
  let s: EditorSession;

  before(async function () {
    requireBinary("mosquitto_pub");
    s = await startEditor();
  });
  after(async function () {
    await s?.close();
  });

  /** the editor's deploy button; a confirmation (e.g. about an unused config node) is accepted */
  async function deployFromEditor(): Promise<void> {
    await s.page.click("#red-ui-header-button-deploy");
    const confirm = s.page.locator("#red-ui-deploy-dialog-confirm-deploy-deploy");
    await waitFor(async () => (await confirm.isVisible()) || (await s.page.locator("#red-ui-header-button-deploy.disabled").count()) > 0, "the deploy to be sent", { timeoutMs: 20000 });
    if (await confirm.isVisible()) await confirm.click();
    await s.page.waitForSelector("#red-ui-header-button-deploy.disabled", { timeout: 20000 });
  }

  /** what a field in the open dialog shows: its type and value */
  function fields(selector: string): Promise<Array<{ type: string; value: string }>> {
    return s.page.$$eval(selector, (inputs) => inputs.map((i) => ({ type: (i as HTMLInputElement).type, value: (i as HTMLInputElement).value })));
  }

  it("edge-broker: the users list shows no password, and adding a user keeps the others'", async function () {
    const port = await freeTcpPort();
    await s.red.deploy([
      { id: "tab1", type: "tab", label: "broker" },
      {
        id: "broker1", type: "edge-broker", z: "tab1", x: 200, y: 100, name: "", host: "127.0.0.1", port: String(port), tls: false, ws: false, wsPort: "8080", wsPath: "/mqtt", allowAnonymous: false, acl: "", dataDir: tempDir("browser-broker"),
        userNames: ["alice", "bob"], credentials: { passwordEdits: JSON.stringify({ alice: { password: "alice-pw" }, bob: { password: "bob-pw" } }), cert: "stored-cert-pem" },
      },
    ]);
    await waitFor(() => connects(port, "alice", "alice-pw") && connects(port, "bob", "bob-pw"), "alice and bob on the broker", { timeoutMs: 20000, intervalMs: 200 });
    await openEditor(s.page, s.red.url);
    await s.page.evaluate(() => {
      const RED = (window as unknown as RedWindow).RED;
      RED.editor.edit(RED.nodes.node("broker1"));
    });
    await s.page.waitForSelector("#node-dialog-ok", { state: "visible", timeout: 15000 });
    await s.page.screenshot({ path: path.join(screenshotDir, "credentials-edge-broker-open.png") });
    await waitFor(async () => (await fields(".edge-broker-user-name")).length === 2, "the two users in the dialog").catch((err) => {
      throw new Error(`${err.message}; console: ${s.consoleErrors.join(" | ")}`);
    });
    assert.deepStrictEqual((await fields(".edge-broker-user-name")).map((f) => f.value), ["alice", "bob"]);
    assert.deepStrictEqual(await fields(".edge-broker-user-password"), [{ type: "password", value: "" }, { type: "password", value: "" }]);
    const shown = await s.page.$$eval(".red-ui-tray input, .red-ui-tray textarea", (els) => els.map((e) => (e as HTMLInputElement).value).join("\n"));
    assert.doesNotMatch(shown, /__PWRD__|alice-pw|bob-pw|stored-cert-pem/, "a field of the dialog shows a secret or its placeholder");
    assert.match(String(await s.page.locator("#node-input-cert").getAttribute("placeholder")), /stored/);

    await s.page.locator(".red-ui-editableList", { has: s.page.locator("#node-input-users-container") }).locator(".red-ui-editableList-addButton").click();
    await s.page.locator(".edge-broker-user-name").nth(2).fill("carol");
    await s.page.locator(".edge-broker-user-password").nth(2).fill("carol-pw");
    await s.page.screenshot({ path: path.join(screenshotDir, "credentials-edge-broker.png") });
    await s.page.click("#node-dialog-ok");
    await s.page.waitForSelector(".red-ui-tray", { state: "detached", timeout: 15000 });
    await deployFromEditor();
    await waitFor(() => connects(port, "carol", "carol-pw"), "carol on the redeployed broker", { timeoutMs: 20000, intervalMs: 200 });
    assert.ok(connects(port, "alice", "alice-pw"), "alice keeps her password");
    assert.ok(connects(port, "bob", "bob-pw"), "bob keeps his password");
    assert.ok(!connects(port, "carol", "alice-pw"), "a wrong password is refused");
    assert.strictEqual(((await s.red.getJson("/credentials/edge-broker/broker1")) as { has_cert?: boolean }).has_cert, true, "the certificate left blank in the dialog is kept");
  });

  it("edge-broker: a flow saved in the old format lists its users in the dialog and keeps their passwords when one is added", async function () {
    const port = await freeTcpPort();
    await s.red.deploy([
      { id: "tab3", type: "tab", label: "old broker" },
      { id: "oldbroker", type: "edge-broker", z: "tab3", x: 200, y: 100, name: "", host: "127.0.0.1", port: String(port), tls: false, ws: false, wsPort: "8080", wsPath: "/mqtt", allowAnonymous: false, acl: "", dataDir: tempDir("browser-old-broker"), credentials: { users: "erin:erin-pw\nfrank:frank-pw" } },
    ]);
    await waitFor(() => connects(port, "erin", "erin-pw"), "the old-format broker running", { timeoutMs: 20000, intervalMs: 200 });
    await openEditor(s.page, s.red.url);
    await s.page.evaluate(() => {
      const RED = (window as unknown as RedWindow).RED;
      RED.editor.edit(RED.nodes.node("oldbroker"));
    });
    await s.page.waitForSelector("#node-dialog-ok", { state: "visible", timeout: 15000 });
    await waitFor(async () => (await fields(".edge-broker-user-name")).map((f) => f.value).join() === "erin,frank", "the old users listed in the dialog");
    await s.page.locator(".red-ui-editableList", { has: s.page.locator("#node-input-users-container") }).locator(".red-ui-editableList-addButton").click();
    await s.page.locator(".edge-broker-user-name").nth(2).fill("gina");
    await s.page.locator(".edge-broker-user-password").nth(2).fill("gina-pw");
    await s.page.click("#node-dialog-ok");
    await s.page.waitForSelector(".red-ui-tray", { state: "detached", timeout: 15000 });
    await deployFromEditor();
    await waitFor(() => connects(port, "gina", "gina-pw"), "gina on the redeployed broker", { timeoutMs: 20000, intervalMs: 200 });
    assert.ok(connects(port, "erin", "erin-pw") && connects(port, "frank", "frank-pw"), "the old users keep their passwords");
    const flows = (await s.red.getJson("/flows")) as Array<{ id: string; userNames?: string[] }>;
    assert.deepStrictEqual(flows.find((n) => n.id === "oldbroker")?.userNames, ["erin", "frank", "gina"]);
  });

  it("edge-lorawan-keys: key fields are password fields left blank, and adding a device keeps the others' keys", async function () {
    const a = demoKeys(3, "a");
    const b = demoKeys(3, "b");
    const c = demoKeys(3, "c");
    const entry = (name: string, k: typeof a) => ({ name, devEui: k.devEui, devAddr: k.devAddr, codec: "cayenne-lpp" });
    await s.red.deploy([
      { id: "tab2", type: "tab", label: "lorawan" },
      { id: "keys1", type: "edge-lorawan-keys", name: "", source: "table", devices: JSON.stringify([entry("a", a), entry("b", b)]), codecs: "[]", counterFile: "none", codecTimeoutMs: "100", codecMemoryMb: "16", simSeed: "1", simSite: "store-001", simColdRooms: "2", simFreezers: "2", credentials: { keyEdits: JSON.stringify({ [a.devEui]: { nwkSKey: a.nwkSKey, appSKey: a.appSKey }, [b.devEui]: { nwkSKey: b.nwkSKey, appSKey: b.appSKey } }) } },
      { id: "up1", type: "edge-lorawan-uplink", z: "tab2", x: 200, y: 100, name: "", keys: "keys1", topicTemplate: "edge/lorawan/{deviceName}", wires: [[], [], []] },
    ]);
    const both = { [a.devEui]: ["nwkSKey", "appSKey"], [b.devEui]: ["nwkSKey", "appSKey"] };
    await waitFor(async () => JSON.stringify(await s.red.getJson("/edge-lorawan-keys/keys1/keys").catch(() => null)) === JSON.stringify({ devices: both }), "the keys node running");
    await openEditor(s.page, s.red.url);
    await s.page.evaluate(() => (window as unknown as RedWindow).RED.editor.editConfig("", "edge-lorawan-keys", "keys1"));
    await s.page.waitForSelector("#node-config-dialog-ok", { state: "visible", timeout: 15000 });
    await waitFor(async () => (await s.page.locator(".edge-lw-nwkskey[placeholder*='unchanged']").count()) === 2, "the stored keys marked unchanged");
    for (const cls of [".edge-lw-nwkskey", ".edge-lw-appskey", ".edge-lw-appkey"]) {
      assert.deepStrictEqual(await fields(cls), [{ type: "password", value: "" }, { type: "password", value: "" }], `${cls} fields`);
    }
    const shown = await s.page.$$eval(".red-ui-tray input, .red-ui-tray textarea", (els) => els.map((e) => (e as HTMLInputElement).value).join("\n"));
    assert.doesNotMatch(shown.toUpperCase(), new RegExp(`__PWRD__|${a.nwkSKey}|${a.appSKey}|${b.appSKey}`), "a field of the dialog shows a key or its placeholder");

    await s.page.locator(".red-ui-editableList", { has: s.page.locator("#node-config-input-devices-container") }).locator(".red-ui-editableList-addButton").click();
    await s.page.locator(".edge-lw-name").nth(2).fill("c");
    await s.page.locator(".edge-lw-deveui").nth(2).fill(c.devEui);
    await s.page.locator(".edge-lw-devaddr").nth(2).fill(c.devAddr);
    await s.page.locator(".edge-lw-nwkskey").nth(2).fill(c.nwkSKey);
    await s.page.locator(".edge-lw-appskey").nth(2).fill(c.appSKey);
    await s.page.screenshot({ path: path.join(screenshotDir, "credentials-edge-lorawan-keys.png") });
    await s.page.click("#node-config-dialog-ok");
    await s.page.waitForSelector(".red-ui-tray", { state: "detached", timeout: 15000 });
    await deployFromEditor();
    const all = { ...both, [c.devEui]: ["nwkSKey", "appSKey"] };
    await waitFor(async () => JSON.stringify(await s.red.getJson("/edge-lorawan-keys/keys1/keys").catch(() => null)) === JSON.stringify({ devices: all }), "three devices with their keys after the deploy");
    const creds = JSON.stringify(await s.red.getJson("/credentials/edge-lorawan-keys/keys1"));
    assert.doesNotMatch(creds.toUpperCase(), new RegExp(`${a.nwkSKey}|${c.nwkSKey}|${c.appSKey}`));
  });

  it("edge-kafka-broker: PEM fields are textareas that keep line breaks, show no __PWRD__ once stored, and keep a stored PEM left blank", async function () {
    const pem = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ\n-----END CERTIFICATE-----";
    await s.red.deploy([
      { id: "tab3", type: "tab", label: "kafka" },
      { id: "kb1", type: "edge-kafka-broker", name: "", brokers: "127.0.0.1:1", clientId: "gw", tls: true, rejectUnauthorized: true, sasl: "none", connectionTimeoutMs: "3000", requestTimeoutMs: "10000", credentials: { ca: pem } },
      { id: "ko1", type: "edge-kafka-out", z: "tab3", x: 200, y: 100, name: "", broker: "kb1", topic: "t", wires: [] },
    ]);
    await openEditor(s.page, s.red.url);
    const open = async () => {
      await s.page.evaluate(() => (window as unknown as RedWindow).RED.editor.editConfig("", "edge-kafka-broker", "kb1"));
      await s.page.waitForSelector("#node-config-dialog-ok", { state: "visible", timeout: 15000 });
    };
    await open();
    const ca = s.page.locator("textarea#node-config-input-ca");
    assert.strictEqual(await ca.count(), 1, "the CA is a textarea");
    assert.strictEqual(await ca.inputValue(), "", "a stored CA is not shown, nor its __PWRD__ placeholder");
    assert.match(String(await ca.getAttribute("placeholder")), /stored/);
    await s.page.locator("textarea#node-config-input-cert").fill(pem);
    assert.strictEqual(await s.page.locator("textarea#node-config-input-cert").inputValue(), pem, "the line breaks of a pasted PEM are kept");
    await s.page.click("#node-config-dialog-ok");
    await s.page.waitForSelector(".red-ui-tray", { state: "detached", timeout: 15000 });
    await deployFromEditor();
    const creds = (await s.red.getJson("/credentials/edge-kafka-broker/kb1")) as Record<string, unknown>;
    assert.strictEqual(creds.has_ca, true, "the stored CA kept though its field was left blank");
    assert.strictEqual(creds.has_cert, true, "the new certificate stored");
    assert.doesNotMatch(JSON.stringify(creds), /BEGIN CERTIFICATE/);
  });
});
