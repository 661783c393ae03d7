/**
 * edge-lorawan-keys' dialog in Node-RED's editor (headless Chromium): each device's class, region, receive window,
 * RX settings and ABP starting counter are shown as deployed, an edit is saved, and a setting left alone is kept.
 */
import * as assert from "assert";
import { startEditor, EditorSession, openEditor } from "../browser/editor-session";
import { waitFor } from "../harness/wait";
import { demoKeys } from "../../lib/sim/lorawan-tag";

type RedWindow = { RED: { editor: { editConfig(n: string, t: string, id: string): void } } };
type Device = Record<string, unknown> & { devEui: string };

describe("browser: LoRaWAN device radio settings in the keys dialog", function () {
  this.timeout(240000);
  let s: EditorSession;
  before(async function () {
    s = await startEditor();
  });
  after(async function () {
    await s?.close();
  });

  it("shows each device's class, region, window, RX1DROffset and starting counter, and saves an edit keeping the rest", async function () {
    const a = demoKeys(4, "a");
    const b = demoKeys(4, "b");
    const devices = [
      { name: "a", devEui: a.devEui, devAddr: a.devAddr, codec: "cayenne-lpp", class: "C", region: "US915", rx1DrOffset: 1, fCntStart: 70000 },
      { name: "b", devEui: b.devEui, devAddr: b.devAddr, codec: "cayenne-lpp", rxWindow: "rx2", rx2DataRate: 3 },
    ];
    await s.red.deploy([
      { id: "tab1", type: "tab", label: "lorawan" },
      { id: "keys1", type: "edge-lorawan-keys", name: "", source: "table", region: "EU868", devices: JSON.stringify(devices), codecs: "[]", counterFile: "none", codecTimeoutMs: "100", codecMemoryMb: "16", simSeed: "1", simSite: "store-001", simColdRooms: "2", simFreezers: "2", credentials: { keyEdits: JSON.stringify({ [a.devEui]: { nwkSKey: a.nwkSKey, appSKey: a.appSKey }, [b.devEui]: { nwkSKey: b.nwkSKey, appSKey: b.appSKey } }) } },
      { id: "up1", type: "edge-lorawan-uplink", z: "tab1", x: 200, y: 100, name: "", keys: "keys1", topicTemplate: "edge/lorawan/{deviceName}", wires: [[], [], []] },
    ]);
    await waitFor(async () => (await s.red.getJson("/edge-lorawan-keys/keys1/keys").catch(() => null)) !== null, "the keys node running");
    await openEditor(s.page, s.red.url);
    await s.page.evaluate(() => (window as unknown as RedWindow).RED.editor.editConfig("", "edge-lorawan-keys", "keys1"));
    await s.page.waitForSelector("#node-config-dialog-ok", { state: "visible", timeout: 15000 });
    await waitFor(async () => (await s.page.locator(".edge-lw-class").count()) === 2, "both device rows");
    const values = (cls: string) => s.page.$$eval(cls, (els) => els.map((e) => (e as HTMLInputElement).value));
    assert.deepStrictEqual(await values(".edge-lw-class"), ["C", "A"]);
    assert.deepStrictEqual(await values(".edge-lw-region"), ["US915", ""], "b follows the table's region");
    assert.deepStrictEqual(await values(".edge-lw-rxwindow"), ["rx1", "rx2"]);
    assert.deepStrictEqual(await values(".edge-lw-fcntstart"), ["70000", ""]);
    assert.deepStrictEqual(await values(".edge-lw-rx1droffset"), ["1", ""]);
    assert.deepStrictEqual(await values(".edge-lw-rx2datarate"), ["", "3"]);
    assert.strictEqual(await s.page.locator("#node-config-input-region").inputValue(), "EU868");

    await s.page.locator(".edge-lw-class").nth(1).selectOption("C");
    await s.page.locator(".edge-lw-fcntstart").nth(1).fill("131072");
    await s.page.locator("#node-config-input-region").selectOption("AS923");
    await s.page.click("#node-config-dialog-ok");
    await s.page.waitForSelector(".red-ui-tray", { state: "detached", timeout: 15000 });
    await s.page.click("#red-ui-header-button-deploy");
    const confirm = s.page.locator("#red-ui-deploy-dialog-confirm-deploy-deploy");
    await waitFor(async () => (await confirm.isVisible()) || (await s.page.locator("#red-ui-header-button-deploy.disabled").count()) > 0, "the deploy to be sent", { timeoutMs: 20000 });
    if (await confirm.isVisible()) await confirm.click();
    await s.page.waitForSelector("#red-ui-header-button-deploy.disabled", { timeout: 20000 });

    const saved = await waitFor(async () => {
      const flows = (await s.red.getJson("/flows")) as Array<{ id: string; devices?: string; region?: string }>;
      const keys = flows.find((n) => n.id === "keys1");
      return keys?.region === "AS923" ? keys : undefined;
    }, "the edited keys node deployed");
    const [da, db] = JSON.parse(saved.devices!) as Device[];
    assert.deepStrictEqual([da.class, da.region, da.rx1DrOffset, da.fCntStart, da.rxWindow], ["C", "US915", 1, 70000, undefined]);
    assert.deepStrictEqual([db.class, db.region, db.rxWindow, db.rx2DataRate, db.fCntStart], ["C", undefined, "rx2", 3, 131072]);
    const presence = (await s.red.getJson("/edge-lorawan-keys/keys1/keys")) as { devices: Record<string, string[]> };
    assert.deepStrictEqual(presence.devices[b.devEui], ["nwkSKey", "appSKey"], "the keys stay");
  });
});
