/**
 * Every example as a user meets it in Node-RED's editor (headless Chromium, the pack linked into a fresh user dir,
 * KAFKA_BROKERS and INFLUX_URL unset): imported through Import › Examples, all deployed together (their ports are
 * distinct), no red status 30 s later except a node whose missing peer its tab's comments name; every node's edit
 * dialog (each type once per example) opened, saved unchanged and reopened with its values intact; titles and palette labels free of escaped
 * entities and message keys; the widths the editor draws within the layout test's estimate. Screenshots of each
 * example's tab and of each dialog go to test-output/browser/examples/.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Page } from "playwright-core";
import { startEditor, EditorSession, screenshotDir } from "./editor-session";
import { repoRoot } from "../harness/build";
import { waitFor } from "../harness/wait";
import { nodeBox, drawn, FlowNode } from "../examples/canvas-boxes";

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"));
const examples = fs
  .readdirSync(path.join(repoRoot, "examples"))
  .filter((f) => f.endsWith(".json"))
  .sort();
const flowOf = (file: string) => JSON.parse(fs.readFileSync(path.join(repoRoot, "examples", file), "utf8")) as FlowNode[];
const shots = path.join(screenshotDir, "examples");
// Chromium here has no network: requests the editor makes to the internet fail and log an error that is not ours
const external = /net::ERR_|Failed to load resource/;
/** text a user should never read: an escaped entity shown as text, a message key, an undefined */
const garbled = /&(amp|lt|gt|quot|#\d+);|\bundefined\b|\bedge-[a-z-]+\.[a-zA-Z.-]+/;

/**
 * Nodes allowed to be red with nothing but Node-RED and the pack: the peer they miss, which a comment on their tab
 * (its name or info) or the tab's description must name so that the user knows.
 */
const MISSING_PEER: Record<string, RegExp> = {
  "ex5-bridge": /regional broker/i,
  "ex9-bundle": /public key/i,
  "ex10c-kafka-out": /Kafka/i,
  "ex10g-kafka-in": /Kafka/i,
  "ex10g-bundle": /public key/i,
};
/** red as an alarm is red, not as a fault: the rules' and alarms' count of active alerts */
const alerting = (type: string, text = "") => (type === "edge-rules" || type === "edge-alarms") && /\bactive\b/.test(text);

type Win = {
  RED: {
    nodes: {
      node(id: string): (Record<string, unknown> & { id: string; type: string; z?: string; w?: number; h?: number; changed?: boolean; valid?: boolean; status?: { fill?: string; text?: string }; _def: { defaults: Record<string, unknown>; category?: string } }) | null;
      eachNode(cb: (n: { id: string; type: string; valid?: boolean; name?: string; z?: string }) => void): void;
      eachConfig(cb: (n: { id: string; type: string; valid?: boolean; name?: string }) => void): void;
      eachWorkspace(cb: (w: { id: string; label: string }) => void): void;
    };
    workspaces: { show(id: string): void };
    editor: { edit(n: unknown): void; editConfig(name: string, type: string, id: string): void };
    view: { redraw(full?: boolean): void };
  };
};

async function importExample(page: Page, example: string): Promise<void> {
  await page.click("#red-ui-header-button-sidemenu");
  await page.click("#menu-item-import");
  await page.click('a[href="#red-ui-clipboard-dialog-import-tab-examples"]');
  const tab = page.locator("#red-ui-clipboard-dialog-import-tab-examples");
  const pack = tab.locator(".red-ui-treeList-label", { hasText: pkg.name }).first();
  const entry = tab.locator(".red-ui-treeList-label", { hasText: example.replace(/\.json$/, "") }).first();
  await pack.waitFor({ state: "visible", timeout: 15000 });
  // the pack's folder stays open after the first import
  if (!(await entry.isVisible())) await pack.click();
  await entry.click();
  await page.click("#red-ui-clipboard-dialog-ok");
  await page.waitForSelector("#red-ui-clipboard-dialog", { state: "hidden", timeout: 15000 });
  // the editor fetches the example's file after the dialog closes: wait for its nodes
  const ids = flowOf(example).map((n) => n.id);
  await waitFor(
    () =>
      page.evaluate((all: string[]) => {
        const RED = (window as unknown as Win).RED;
        const tabs: string[] = [];
        RED.nodes.eachWorkspace((w) => {
          tabs.push(w.id);
        });
        return all.every((id) => !!RED.nodes.node(id) || tabs.includes(id));
      }, ids),
    `the nodes of ${example} in the editor`,
    { timeoutMs: 15000, intervalMs: 100 },
  );
}

/** the values of a node's editor defaults, to compare before and after a dialog */
async function settingsOf(page: Page, id: string): Promise<Record<string, unknown>> {
  return page.evaluate((nodeId: string) => {
    const n = (window as unknown as Win).RED.nodes.node(nodeId);
    if (!n) throw new Error(`no node ${nodeId} in the editor`);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(n._def.defaults)) out[key] = n[key] === undefined ? undefined : JSON.parse(JSON.stringify(n[key]));
    return out;
  }, id);
}

/** JSON with object keys sorted, and lists of node ids (a Catch node's scope, a link's targets) in any order */
function canonical(value: unknown, key = ""): string {
  if (Array.isArray(value)) {
    const items = value.map((v) => canonical(v));
    return `[${(["scope", "links"].includes(key) ? items.sort() : items).join(",")}]`;
  }
  if (value && typeof value === "object") return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k], k)}`).join(",")}}`;
  return value === undefined ? "undefined" : JSON.stringify(value);
}

async function trayTitle(page: Page): Promise<string> {
  return (await page.locator(".red-ui-tray").last().locator(".red-ui-tray-titlebar").first().innerText()).trim();
}

/** the fields of the open dialog named after a default (node-input-<key> / node-config-input-<key>) and their values */
async function fieldsShown(page: Page, config: boolean): Promise<Record<string, string>> {
  return page.evaluate((isConfig: boolean) => {
    const out: Record<string, string> = {};
    const prefix = isConfig ? "node-config-input-" : "node-input-";
    document.querySelectorAll<HTMLInputElement>(`.red-ui-tray input[id^="${prefix}"], .red-ui-tray select[id^="${prefix}"], .red-ui-tray textarea[id^="${prefix}"]`).forEach((el) => {
      // hidden inputs carry the dialog's own bookkeeping (credential edits), not a value the user sees
      if (el.type === "hidden") return;
      const key = el.id.slice(prefix.length);
      out[key] = el.type === "checkbox" ? String(el.checked) : el.value;
    });
    return out;
  }, config);
}

describe("browser: the examples in Node-RED's editor", function () {
  this.timeout(900000);
  let s: EditorSession;
  const ids = examples.flatMap((f) => flowOf(f).map((n) => n.id));

  before(async function () {
    s = await startEditor({ env: { KAFKA_BROKERS: undefined, INFLUX_URL: undefined } });
    await s.page.setViewportSize({ width: 2200, height: 1300 });
    fs.mkdirSync(shots, { recursive: true });
  });
  after(async function () {
    await s?.close();
  });

  it("reads the palette's labels right", async function () {
    const labels = await s.page.locator("#red-ui-palette-edge_ai .red-ui-palette-label").allInnerTexts();
    assert.ok(labels.length > 10, `palette labels: ${labels}`);
    assert.deepStrictEqual(labels.filter((l) => garbled.test(l) || !l.trim()), [], "garbled palette labels");
  });

  it("imports every example through Import › Examples, every node of a known type and valid", async function () {
    const before = s.consoleErrors.length;
    for (const example of examples) await importExample(s.page, example);
    // (no named functions inside evaluate: the test's compiler would wrap them in a helper the page lacks)
    const found = await s.page.evaluate((all: string[]) => {
      const RED = (window as unknown as Win).RED;
      const every: Array<{ id: string; type: string; valid?: boolean; name?: string }> = [];
      RED.nodes.eachNode((n) => {
        every.push(n);
      });
      RED.nodes.eachConfig((n) => {
        every.push(n);
      });
      const bad = every.filter((n) => n.type === "unknown" || n.valid === false).map((n) => `${n.id} (${n.type} ${n.name ?? ""}): ${n.type === "unknown" ? "unknown type" : "not valid in the editor"}`);
      const tabs: string[] = [];
      RED.nodes.eachWorkspace((w) => {
        tabs.push(w.id);
      });
      return { bad, missing: all.filter((id) => !RED.nodes.node(id) && !tabs.includes(id)) };
    }, ids);
    assert.deepStrictEqual(found.missing, [], "example nodes imported under their own ids");
    assert.deepStrictEqual(found.bad, []);
    assert.deepStrictEqual(s.consoleErrors.slice(before).filter((e) => !external.test(e)), [], "console errors while importing");
  });

  it("deploys them all together; 30 s later no node is red unless a comment on its tab names the missing peer", async function () {
    await s.page.click("#red-ui-header-button-deploy");
    await s.page.waitForSelector("#red-ui-header-button-deploy.disabled", { timeout: 30000 });
    assert.doesNotMatch(s.red.output(), /Waiting for missing types|EADDRINUSE/, "the runtime knows every type and opens every port");
    const deployedAt = Date.now();
    // the example's own time to settle (brokers connecting, models loading): an observation window, not a sync
    await waitFor(() => Date.now() - deployedAt >= 30000, "30 s after the deploy", { timeoutMs: 35000, intervalMs: 500 });
    const statuses = await s.page.evaluate((all: string[]) => {
      const RED = (window as unknown as Win).RED;
      return all.map((id) => ({ id, status: RED.nodes.node(id)?.status ?? null }));
    }, ids);
    const typeOf = (id: string) => examples.flatMap(flowOf).find((n) => n.id === id)?.type ?? "";
    const red = statuses.filter((x) => x.status?.fill === "red" && !alerting(typeOf(x.id), x.status.text));
    const unexplained: string[] = [];
    for (const r of red) {
      const file = examples.find((f) => flowOf(f).some((n) => n.id === r.id))!;
      const flow = flowOf(file);
      const z = flow.find((n) => n.id === r.id)?.z;
      // what the example says: its comments and the flow's own description
      const comments = flow.filter((n) => (n.type === "comment" && n.z === z) || (n.type === "tab" && n.id === z)).map((n) => `${n.name ?? ""} ${String(n.info ?? "")}`).join(" ");
      const peer = MISSING_PEER[r.id];
      if (!peer || !peer.test(comments)) unexplained.push(`${file}: ${r.id} red "${r.status?.text}"${peer ? `, and no comment names ${peer}` : ""}`);
    }
    assert.deepStrictEqual(unexplained, [], "red statuses");
    assert.doesNotMatch(s.red.output(), /EADDRINUSE/);
  });

  it("draws each example's tab within the layout test's boxes, and screenshots it", async function () {
    const wider: string[] = [];
    for (const example of examples) {
      const flow = flowOf(example);
      const tab = flow.find((n) => n.type === "tab");
      if (!tab) continue;
      await s.page.evaluate((id: string) => (window as unknown as Win).RED.workspaces.show(id), tab.id);
      const nodes = drawn(flow);
      const sizes = await waitFor(
        () =>
          s.page.evaluate((list: string[]) => {
            const RED = (window as unknown as Win).RED;
            const got = list.map((id) => ({ id, w: RED.nodes.node(id)?.w, h: RED.nodes.node(id)?.h }));
            return got.every((g) => typeof g.w === "number") ? got : undefined;
          }, nodes.map((n) => n.id)),
        `the editor's sizes of ${example}`,
        { timeoutMs: 10000, intervalMs: 200 },
      );
      for (const size of sizes) {
        const n = nodes.find((x) => x.id === size.id)!;
        const b = nodeBox(n);
        if ((size.w as number) > b.right - b.left || (size.h as number) > b.bottom - b.top) wider.push(`${example}: ${n.id} drawn ${size.w}×${size.h}, estimated ${b.right - b.left}×${b.bottom - b.top}`);
      }
      await s.page.screenshot({ path: path.join(shots, `${example.replace(/\.json$/, "")}.png`) });
    }
    assert.deepStrictEqual(wider, [], "nodes drawn larger than test/examples/canvas-boxes.ts estimates");
  });

  it("opens every node's dialog, saves it unchanged and reopens it with the same values, titled right", async function () {
    const problems: string[] = [];
    const shotTaken = new Set<string>();
    // what the editor saved for each node, kept as test output (an example should hold exactly this)
    const saved: Record<string, Record<string, unknown>> = {};
    try {
      for (const example of examples) {
        const typesDone = new Set<string>();
        for (const n of flowOf(example)) {
          // each type once per example (its settings there), to keep the run short
          if (n.type === "tab" || typesDone.has(n.type)) continue;
          typesDone.add(n.type);
          const config = typeof n.z !== "string";
          const before = s.consoleErrors.length;
          const settings = await settingsOf(s.page, n.id);
          const open = async () => {
            await s.page.evaluate(
              ([id, type, isConfig]: [string, string, boolean]) => {
                const RED = (window as unknown as Win).RED;
                if (isConfig) RED.editor.editConfig("", type, id);
                else RED.editor.edit(RED.nodes.node(id));
              },
              [n.id, n.type, config] as [string, string, boolean],
            );
            await s.page.waitForSelector(config ? "#node-config-dialog-ok" : "#node-dialog-ok", { state: "visible", timeout: 15000 });
            // the dialog's own code fills its fields (typedInputs, lists) as it opens
            await s.page.waitForSelector(".red-ui-tray.red-ui-tray-open, .red-ui-tray", { state: "visible", timeout: 15000 });
          };
          await open();
          const title = await trayTitle(s.page);
          if (garbled.test(title) || !/\S/.test(title)) problems.push(`${example}: ${n.id} dialog titled "${title}"`);
          const shown = await fieldsShown(s.page, config);
          if (!shotTaken.has(n.type)) {
            shotTaken.add(n.type);
            await s.page.screenshot({ path: path.join(shots, `dialog-${n.type.replace(/\W+/g, "_")}.png`) });
          }
          await s.page.click(config ? "#node-config-dialog-ok" : "#node-dialog-ok");
          await s.page.waitForSelector(config ? "#node-config-dialog-ok" : "#node-dialog-ok", { state: "detached", timeout: 15000 });
          const after = await settingsOf(s.page, n.id);
          saved[n.id] = after;
          const changed = Object.keys(settings).filter((k) => canonical(settings[k], k) !== canonical(after[k], k));
          if (changed.length > 0) problems.push(`${example}: ${n.id} (${n.type}) saved unchanged, but ${changed.map((k) => `${k}: ${canonical(settings[k], k)} → ${canonical(after[k], k)}`).join("; ")}`);
          await open();
          const again = await fieldsShown(s.page, config);
          const differs = Object.keys(shown).filter((k) => shown[k] !== again[k]);
          if (differs.length > 0) problems.push(`${example}: ${n.id} (${n.type}) reopened showing ${differs.map((k) => `${k}: "${shown[k]}" → "${again[k]}"`).join("; ")}`);
          await s.page.click(config ? "#node-config-dialog-cancel" : "#node-dialog-cancel");
          await s.page.waitForSelector(config ? "#node-config-dialog-cancel" : "#node-dialog-cancel", { state: "detached", timeout: 15000 });
          const errors = s.consoleErrors.slice(before).filter((e) => !external.test(e));
          if (errors.length > 0) problems.push(`${example}: ${n.id} (${n.type}) console errors: ${errors.join(" | ")}`);
        }
      }
    } finally {
      fs.writeFileSync(path.join(shots, "saved-settings.json"), JSON.stringify(saved, null, 1));
    }
    assert.deepStrictEqual(problems, []);
  });
});
