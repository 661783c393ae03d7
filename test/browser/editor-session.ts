/**
 * Headless Chromium (Debian's, driven by playwright-core) against a Node-RED that has this pack installed,
 * as a user sees it in the editor. Screenshots go to test-output/browser/.
 */
import * as fs from "fs";
import * as path from "path";
import { chromium, Browser, Page } from "playwright-core";
import { requireBinary } from "../harness/processes";
import { tempDir } from "../harness/peers";
import { startNodeRed, NodeRedProcess } from "../harness/node-red-process";
import { ensureBuilt, linkPack, repoRoot } from "../harness/build";

export const screenshotDir = path.join(repoRoot, "test-output", "browser");

export interface EditorSession {
  red: NodeRedProcess;
  browser: Browser;
  page: Page;
  consoleErrors: string[];
  close(): Promise<void>;
}

/** Node-RED with the working tree linked into a fresh user dir as `@edge-ai/node-red-edge-ai`. */
export async function startEditor(options: { env?: NodeJS.ProcessEnv } = {}): Promise<EditorSession> {
  const executablePath = requireBinary("chromium");
  ensureBuilt();
  const userDir = tempDir("browser-userdir");
  linkPack(userDir);
  const red = await startNodeRed({ userDir, flows: [], settings: { editorTheme: { tours: false } }, env: options.env });
  const browser = await chromium.launch({
    executablePath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const consoleErrors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (err) => consoleErrors.push(`page error: ${err.message}${err.stack ? ` (${err.stack.split("\n").slice(0, 3).join(" ")})` : ""}`));
  fs.mkdirSync(screenshotDir, { recursive: true });
  await openEditor(page, red.url);
  return {
    red,
    browser,
    page,
    consoleErrors,
    async close() {
      await browser.close();
      await red.stop();
    },
  };
}

export async function openEditor(page: Page, url: string): Promise<void> {
  await page.goto(url, { waitUntil: "domcontentloaded" });
  await page.waitForSelector(".red-ui-palette-node", { timeout: 60000 });
  await page.waitForFunction(() => !!(window as unknown as { RED?: { nodes?: unknown } }).RED?.nodes, undefined, { timeout: 30000 });
}
