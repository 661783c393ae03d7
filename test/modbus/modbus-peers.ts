/** The Modbus peers the tests use: pymodbus (Debian's, under /usr/bin/python3) over TCP or RTU, and a socat pty pair. */
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { requireBinary, spawnTracked, type Spawned } from "../harness/processes";
import { freeTcpPort } from "../harness/ports";
import { waitFor } from "../harness/wait";

export const SYSTEM_PYTHON = "/usr/bin/python3";
const SERVER = path.join(__dirname, "pymodbus_server.py");

export type Tables = Partial<Record<"co" | "di" | "hr" | "ir", Record<string, Array<number | boolean>>>>;

export interface PymodbusPeer {
  process: Spawned;
  /** the writes pymodbus saw, in order: "hr 0 [55]" */
  writes(): string[];
  stop(): Promise<void>;
}

function requirePymodbus(): void {
  if (!fs.existsSync(SYSTEM_PYTHON)) throw new Error("test peer pymodbus needs /usr/bin/python3: run `bash scripts/install-peers.sh`");
}

function peer(process: Spawned): PymodbusPeer {
  return {
    process,
    writes: () => process.output().split("\n").filter((l) => l.startsWith("WRITE ")).map((l) => l.slice(6).trim()),
    stop: () => process.stop(),
  };
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

/** on a free port, or on `port` again (after a restart: what a master reconnects to) */
export async function startPymodbusTcp(tables: Tables, port?: number): Promise<PymodbusPeer & { port: number }> {
  requirePymodbus();
  port ??= await freeTcpPort();
  const p = spawnTracked(SYSTEM_PYTHON, [SERVER, "tcp", String(port), JSON.stringify(tables)]);
  await waitFor(async () => (p.child.exitCode !== null ? Promise.reject(new Error(`pymodbus exited: ${p.output()}`)) : tcpOpen(port!)), `pymodbus's TCP server on ${port} (${p.output().slice(-300)})`, { timeoutMs: 15000 });
  return { ...peer(p), port };
}

/**
 * The pymodbus RTU server on a pty, once it is about to open it (it prints STARTING just before; callers poll
 * their first read). 8N1 only: pyserial's tcsetattr with parity on a Linux pty fails with EINVAL every other
 * open, and pymodbus logs that at debug level and never retries.
 */
export async function startPymodbusRtu(ptyPath: string, baud: number, tables: Tables): Promise<PymodbusPeer> {
  requirePymodbus();
  const p = spawnTracked(SYSTEM_PYTHON, [SERVER, "rtu", ptyPath, String(baud), "N", JSON.stringify(tables)]);
  await waitFor(() => (p.child.exitCode !== null ? Promise.reject(new Error(`pymodbus exited: ${p.output()}`)) : p.output().includes("STARTING")), "pymodbus's RTU server", { timeoutMs: 15000 });
  return peer(p);
}

export interface PtyPair {
  a: string;
  b: string;
  stop(): Promise<void>;
}

/** two connected pseudo-terminals, as a null-modem cable between a master and a device */
export async function startPtyPair(): Promise<PtyPair> {
  requireBinary("socat");
  const p = spawnTracked("socat", ["-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0"]);
  const paths = await waitFor(() => {
    const found = [...p.output().matchAll(/PTY is (\S+)/g)].map((m) => m[1]);
    return found.length === 2 && p.output().includes("starting data transfer loop") ? found : undefined;
  }, "socat's pty pair", { timeoutMs: 10000 });
  return { a: paths[0], b: paths[1], stop: () => p.stop() };
}
