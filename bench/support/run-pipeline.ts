/** Runs a flow in a fresh child process (bench/support/flow-child.ts) and returns what it measured. */
import { fork } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as os from "os";
import type { PipelineJob, PipelineResult } from "./flow-child";
import { linkPack } from "../../test/harness/build";

export const repoRoot = path.resolve(__dirname, "../..");

/** A user dir in which Node-RED finds this pack (linked to the built working tree). */
export function benchUserDir(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `edge-ai-bench-${name}-`));
  linkPack(dir);
  return dir;
}

export function runPipeline(job: PipelineJob): Promise<PipelineResult> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, "flow-child.ts"), [], { execArgv: ["--require", "tsx/cjs"], cwd: repoRoot, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const timer = setTimeout(() => child.kill("SIGKILL"), job.timeoutMs + 60000);
    child.once("message", (m: PipelineResult) => {
      clearTimeout(timer);
      if (m.error && !m.delivered) reject(new Error(m.error));
      else resolve(m);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`pipeline child exited with ${code}`));
    });
    child.send(job);
  });
}
