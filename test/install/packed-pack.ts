/** Packs the project once per test run and installs it into user dirs, as a user would. */
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { tempDir } from "../harness/peers";
import { ensureBuilt, repoRoot } from "../harness/build";

export { repoRoot };
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
let packed: { tarball: string; files: string[] } | undefined;

export function packOnce(): { tarball: string; files: string[] } {
  if (packed) return packed;
  ensureBuilt();
  const out = tempDir("pack");
  const json = execFileSync(npm, ["pack", "--json", "--ignore-scripts", "--pack-destination", out], { cwd: repoRoot, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });
  const info = JSON.parse(json.slice(json.indexOf("[")))[0] as { filename: string; files: Array<{ path: string }> };
  packed = { tarball: path.join(out, path.basename(info.filename)), files: info.files.map((f) => f.path) };
  return packed;
}

/** A fresh Node-RED user dir with the tarball installed as a user would: `npm install <tarball>`. Returns npm's output. */
export function installInto(userDir: string, tarball: string): string {
  fs.mkdirSync(userDir, { recursive: true });
  fs.writeFileSync(path.join(userDir, "package.json"), JSON.stringify({ name: "node-red-project", private: true, version: "0.0.1" }));
  return execFileSync(npm, ["install", "--no-audit", "--no-fund", "--foreground-scripts", tarball], {
    cwd: userDir,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Node 22 and Node-RED 5 from the npm registry, installed once into a cache folder outside the repo. */
export function nodeRed5Runtime(): { nodeBin: string; redJs: string } {
  const dir = path.join(require("os").tmpdir(), "edge-ai-nr5-runtime");
  const nodeBin = path.join(dir, "node_modules", "node", "bin", "node");
  const redJs = path.join(dir, "node_modules", "node-red", "red.js");
  if (!fs.existsSync(nodeBin) || !fs.existsSync(redJs)) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "nr5-runtime", private: true }));
    execFileSync(npm, ["install", "--no-audit", "--no-fund", "node@22", "node-red@5"], { cwd: dir, stdio: "pipe", maxBuffer: 64 * 1024 * 1024 });
  }
  return { nodeBin, redJs };
}
