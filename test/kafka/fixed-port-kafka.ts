/**
 * librdkafka's mock cluster on ports chosen by the test (see fixed-port/bind-fixed-port.c): it can be started
 * after the node that uses it, and killed with SIGKILL and replaced on the same ports. The mock keeps nothing on
 * disk: a replaced cluster starts empty.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { requireBinary, spawnTracked, Spawned } from "../harness/processes";
import { freeTcpPort } from "../harness/ports";
import { waitFor } from "../harness/wait";

let shim: string | undefined;

/** the shim built with the system C compiler; undefined (with the reason) when there is none */
export function bindShim(): { path?: string; why?: string } {
  if (shim) return { path: shim };
  const cc = spawnSync("sh", ["-c", "command -v cc || command -v gcc"], { encoding: "utf8" }).stdout.trim();
  if (!cc) return { why: "no C compiler (cc/gcc) to build the fixed-port shim for the Kafka mock" };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "edge-ai-bind-shim-"));
  const out = path.join(dir, "bind-fixed-port.so");
  const built = spawnSync(cc, ["-shared", "-fPIC", "-O2", "-o", out, path.join(__dirname, "fixed-port", "bind-fixed-port.c"), "-ldl"], { encoding: "utf8" });
  if (built.status !== 0) return { why: `the fixed-port shim did not build: ${built.stderr}` };
  shim = out;
  return { path: shim };
}

export interface FixedKafka {
  brokers: string[];
  pid: number;
  /** SIGKILL: the cluster and everything in it are gone */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  for (let i = 0; ports.size < n && i < 50; i++) ports.add(await freeTcpPort());
  return [...ports];
}

/** the mock cluster with one broker per port, listening on 127.0.0.1 */
export async function startKafkaOn(ports: number[]): Promise<FixedKafka> {
  const lib = bindShim();
  if (!lib.path) throw new Error(lib.why);
  const bin = requireBinary("kcat");
  const proc: Spawned = spawnTracked(bin, ["-X", `test.mock.num.brokers=${ports.length}`, "-C", "-t", "__mock_keepalive", "-b", "unused:9092", "-q"], {
    env: { ...process.env, LD_PRELOAD: lib.path, FIXED_PORTS: ports.join(",") },
  });
  const brokers = await waitFor(
    () => {
      if (proc.child.exitCode !== null) throw new Error(`kcat exited: ${proc.output()}`);
      const match = /replaced with ([0-9.:,]+)/.exec(proc.output());
      return match ? match[1].split(",").filter(Boolean) : undefined;
    },
    "the Kafka mock cluster's addresses",
    { timeoutMs: 10000 },
  );
  const expected = ports.map((p) => `127.0.0.1:${p}`);
  if (brokers.join(",") !== expected.join(",")) {
    await proc.stop("SIGKILL");
    throw new Error(`the mock cluster listens on ${brokers.join(",")}, not ${expected.join(",")}`);
  }
  return {
    brokers,
    pid: proc.child.pid as number,
    kill: () => proc.stop("SIGKILL"),
    stop: () => proc.stop(),
  };
}
