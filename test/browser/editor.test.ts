import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { startEditor, EditorSession, screenshotDir } from "./editor-session";
import { repoRoot } from "../harness/build";

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"));
const declared: string[] = Object.keys(pkg["node-red"].nodes);

// Chromium here has no network: requests the editor makes to the internet fail and log an error that is not ours.
const external = /net::ERR_|Failed to load resource/;

interface TypeInfo {
  type: string;
  category: string;
}

describe("browser: the pack in Node-RED's editor", function () {
  this.timeout(240000);
  let s: EditorSession;

  before(async function () {
    s = await startEditor();
  });
  after(async function () {
    await s?.close();
  });

  it("shows every node of the pack in the palette under 'edge ai'", async function () {
    const types = await s.page.evaluate((names: string[]) => {
      const RED = (window as unknown as { RED: { nodes: { getType(t: string): { category: string } | undefined } } }).RED;
      return names.map((type) => ({ type, category: RED.nodes.getType(type)?.category ?? "(missing)" }));
    }, declared) as TypeInfo[];
    for (const t of types) assert.notStrictEqual(t.category, "(missing)", `${t.type} is registered in the editor`);
    const flowTypes = types.filter((t) => t.category !== "config");
    assert.ok(flowTypes.length > 0);
    for (const t of flowTypes) {
      assert.strictEqual(t.category, "edge ai", `${t.type} category`);
      const inPalette = await s.page.locator(`.red-ui-palette-node[data-palette-type="${t.type}"]`).count();
      assert.strictEqual(inPalette, 1, `${t.type} is in the palette`);
    }
    const category = s.page.locator("#red-ui-palette-edge_ai");
    await category.scrollIntoViewIfNeeded();
    await s.page.screenshot({ path: path.join(screenshotDir, "palette.png") });
  });

  it("opens and saves every node's edit dialog with no console error", async function () {
    const types = (await s.page.evaluate((names: string[]) => {
      const RED = (window as unknown as { RED: { nodes: { getType(t: string): { category: string } } } }).RED;
      return names.map((type) => ({ type, category: RED.nodes.getType(type).category }));
    }, declared)) as TypeInfo[];
    for (const t of types) {
      const before = s.consoleErrors.length;
      if (t.category === "config") {
        await s.page.evaluate((type: string) => {
          (window as unknown as { RED: { editor: { editConfig(n: string, t: string, id: string): void } } }).RED.editor.editConfig("", type, "_ADD_");
        }, t.type);
        await s.page.waitForSelector("#node-config-dialog-ok", { state: "visible", timeout: 15000 });
        await s.page.screenshot({ path: path.join(screenshotDir, `dialog-${t.type}.png`) });
        await s.page.click("#node-config-dialog-ok");
      } else {
        const paletteNode = s.page.locator(`.red-ui-palette-node[data-palette-type="${t.type}"]`);
        await paletteNode.scrollIntoViewIfNeeded();
        await paletteNode.dragTo(s.page.locator("#red-ui-workspace-chart"), { targetPosition: { x: 400, y: 300 } });
        await s.page.evaluate(() => {
          const RED = (window as unknown as { RED: { view: { selection(): { nodes?: unknown[] } }; editor: { edit(n: unknown): void } } }).RED;
          const selected = RED.view.selection().nodes ?? [];
          if (selected.length !== 1) throw new Error(`expected the dropped node to be selected, got ${selected.length}`);
          RED.editor.edit(selected[0]);
        });
        await s.page.waitForSelector("#node-dialog-ok", { state: "visible", timeout: 15000 });
        await s.page.screenshot({ path: path.join(screenshotDir, `dialog-${t.type}.png`) });
        await s.page.click("#node-dialog-ok");
      }
      await s.page.waitForSelector(".red-ui-tray", { state: "detached", timeout: 15000 });
      const errors = s.consoleErrors.slice(before).filter((e) => !external.test(e));
      assert.deepStrictEqual(errors, [], `console errors while editing ${t.type}`);
    }
  });

  // the examples: test/browser/examples.test.ts imports each through the menu, deploys them and opens their dialogs

  it("renders the demo's live dashboard with data from the simulator", async function () {
    const flows = fs
      .readdirSync(path.join(repoRoot, "flows"))
      .filter((f) => f.endsWith(".json"))
      .flatMap((f) => JSON.parse(fs.readFileSync(path.join(repoRoot, "flows", f), "utf8")) as unknown[]);
    await s.red.deploy(flows);
    const dashboard = await s.browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    dashboard.on("pageerror", (err) => errors.push(err.message));
    try {
      await dashboard.goto(`${s.red.url}/dashboard/`, { waitUntil: "load" });
      await dashboard.getByText("Reefer temperatures (°C)").waitFor({ timeout: 30000 });
      // the charts draw on canvases once the first readings arrive
      await dashboard.locator("canvas").first().waitFor({ timeout: 30000 });
      await dashboard.screenshot({ path: path.join(screenshotDir, "dashboard.png") });
      assert.deepStrictEqual(errors, [], "no page errors in the dashboard");
    } finally {
      await dashboard.close();
    }
  });
});
