/** Runs a flow in a fresh child process (bench/support/flow-child.ts, throughput-child.ts) and returns what it measured. */
import { fork } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as os from "os";
import type { PipelineJob, PipelineResult } from "./flow-child";
import type { ThroughputJob, ThroughputResult } from "./throughput-child";
import { linkPack } from "../../test/harness/build";

export const repoRoot = path.resolve(__dirname, "../..");

/** A user dir in which Node-RED finds this pack (linked to the built working tree). */
export function benchUserDir(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `edge-ai-bench-${name}-`));
  linkPack(dir);
  return dir;
}

/** runs one job in a fresh child process (one Node-RED per process) and returns what it measured */
function runChild<R extends { error?: string }>(file: string, job: { timeoutMs: number }, failed: (r: R) => boolean): Promise<R> {
  return new Promise((resolve, reject) => {
    // BENCH_PROFILE=<dir>: each child writes a V8 CPU profile there, to see what bounds a figure
    const profile = process.env.BENCH_PROFILE ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(process.env.BENCH_PROFILE)] : [];
    // BENCH_NODE_FLAGS="--trace-gc …": more flags for each child (what GC costs, a heap snapshot on a signal)
    const flags = (process.env.BENCH_NODE_FLAGS ?? "").split(" ").filter(Boolean);
    const child = fork(path.join(__dirname, file), [], { execArgv: ["--require", "tsx/cjs", ...profile, ...flags], cwd: repoRoot, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const timer = setTimeout(() => child.kill("SIGKILL"), job.timeoutMs + 60000);
    child.once("message", (m: R) => {
      clearTimeout(timer);
      if (failed(m)) reject(new Error(m.error));
      else resolve(m);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited with ${code}`));
    });
    child.send(job);
  });
}

export function runPipeline(job: PipelineJob): Promise<PipelineResult> {
  return runChild<PipelineResult>("flow-child.ts", job, (m) => Boolean(m.error && !m.delivered));
}

/** messages/s from a flow's entry node to its sink, in a Node-RED of its own (bench/support/throughput-child.ts) */
export function runThroughput(job: ThroughputJob): Promise<ThroughputResult> {
  return runChild<ThroughputResult>("throughput-child.ts", job, (m) => Boolean(m.error && !m.received));
}
