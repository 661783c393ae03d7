/**
 * Node-RED as a child process, the way a user runs it: used by the install test, the browser tests
 * and the crash tests (kill -9). Bound to 127.0.0.1 on a free port.
 */
import * as fs from "fs";
import * as path from "path";
import { spawnTracked, Spawned } from "./processes";
import { freeTcpPort } from "./ports";
import { waitFor } from "./wait";
import { httpRequest } from "./peers";

export interface NodeRedOptions {
  userDir: string;
  /** node binary (default: the one running the tests) */
  nodeBin?: string;
  /** path to node-red's red.js (default: this project's node-red) */
  redJs?: string;
  /** extra settings merged into settings.js (JSON-serialisable) */
  settings?: Record<string, unknown>;
  /** flows written to flows.json before start */
  flows?: unknown[];
  env?: NodeJS.ProcessEnv;
  port?: number;
}

export interface NodeRedProcess {
  port: number;
  url: string;
  userDir: string;
  output(): string;
  stop(): Promise<void>;
  kill9(): Promise<void>;
  deploy(flows: unknown[]): Promise<void>;
  getJson(route: string): Promise<unknown>;
}

export async function startNodeRed(options: NodeRedOptions): Promise<NodeRedProcess> {
  const port = options.port ?? (await freeTcpPort());
  const userDir = options.userDir;
  fs.mkdirSync(userDir, { recursive: true });
  const settings = {
    uiHost: "127.0.0.1",
    uiPort: port,
    userDir,
    flowFile: "flows.json",
    credentialSecret: "edge-ai-test-secret",
    telemetry: { enabled: false },
    diagnostics: { enabled: false },
    logging: { console: { level: "info", metrics: false, audit: false } },
    contextStorage: { default: { module: "localfilesystem", config: { flushInterval: 1 } } },
    ...options.settings,
  };
  fs.writeFileSync(path.join(userDir, "settings.js"), `module.exports = ${JSON.stringify(settings, null, 2)};\n`);
  if (options.flows) fs.writeFileSync(path.join(userDir, "flows.json"), JSON.stringify(options.flows));
  const nodeBin = options.nodeBin ?? process.execPath;
  const redJs = options.redJs ?? require.resolve("node-red/red.js");
  const url = `http://127.0.0.1:${port}`;
  const proc: Spawned = spawnTracked(nodeBin, [redJs, "--settings", path.join(userDir, "settings.js"), "--userDir", userDir], {
    cwd: userDir,
    env: { ...process.env, ...options.env },
  });
  await waitFor(async () => {
    if (proc.child.exitCode !== null) throw new Error(`Node-RED exited early:\n${proc.output()}`);
    const res = await httpRequest("GET", `${url}/settings`);
    return res.status === 200;
  }, `Node-RED on ${url}`, { timeoutMs: 60000, intervalMs: 100 }).catch((err) => {
    throw new Error(`${err.message}\n${proc.output().slice(-4000)}`);
  });
  return {
    port,
    url,
    userDir,
    output: () => proc.output(),
    stop: () => proc.stop("SIGINT"),
    kill9: () => proc.stop("SIGKILL"),
    async deploy(flows: unknown[]) {
      const res = await httpRequest("POST", `${url}/flows`, JSON.stringify(flows), {
        "Content-Type": "application/json",
        "Node-RED-Deployment-Type": "full",
      });
      if (res.status !== 200 && res.status !== 204) throw new Error(`deploy failed: ${res.status} ${res.body}`);
    },
    async getJson(route: string) {
      const res = await httpRequest("GET", `${url}${route}`, undefined, { Accept: "application/json" });
      if (res.status !== 200) throw new Error(`GET ${route}: ${res.status} ${res.body}`);
      return JSON.parse(res.body);
    },
  };
}
