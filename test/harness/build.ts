import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";

export const repoRoot = path.resolve(__dirname, "../..");
let built = false;

/** Runs the build once per test process: the install and browser tests need dist/ as published. */
export function ensureBuilt(): void {
  if (built) return;
  execFileSync(process.execPath, [path.join(repoRoot, "scripts", "build.js")], { cwd: repoRoot, stdio: "pipe" });
  built = true;
}

/** Makes the working tree the pack a Node-RED user directory loads (node_modules/@edge-ai/node-red-edge-ai). */
export function linkPack(userDir: string): void {
  const scope = path.join(userDir, "node_modules", "@edge-ai");
  fs.mkdirSync(scope, { recursive: true });
  fs.symlinkSync(repoRoot, path.join(scope, "node-red-edge-ai"), "dir");
}
