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
