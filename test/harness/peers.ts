/**
 * Real peers for the tests, started on 127.0.0.1 and stopped by PID.
 * Recipes and traps: ../shared/spec/PEERS.md. Each start function fails, naming the install script,
 * when its peer is not installed.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as http from "http";
import { execFileSync, spawnSync } from "child_process";
import { requireBinary, spawnTracked, Spawned } from "./processes";
import { freeTcpPort, freeUdpPort } from "./ports";
import { waitFor } from "./wait";
import * as net from "net";

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `edge-ai-${prefix}-`));
}

function tcpOpen(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

// ---------------------------------------------------------------- Mosquitto

export interface TlsMaterial {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  ca: string;
  cert: string;
  key: string;
}

/** An EC CA and a server certificate for localhost / 127.0.0.1 (RSA key generation is slow here). */
export function makeTlsMaterial(dir = tempDir("tls")): TlsMaterial {
  requireBinary("openssl");
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  run(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key"]);
  run(["req", "-x509", "-new", "-key", "ca.key", "-subj", "/CN=edge-ai test CA", "-days", "2", "-out", "ca.crt"]);
  run(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "server.key"]);
  run(["req", "-new", "-key", "server.key", "-subj", "/CN=localhost", "-out", "server.csr"]);
  fs.writeFileSync(path.join(dir, "san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  run(["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "server.crt"]);
  const read = (f: string) => fs.readFileSync(path.join(dir, f), "utf8");
  return {
    dir,
    caFile: path.join(dir, "ca.crt"),
    certFile: path.join(dir, "server.crt"),
    keyFile: path.join(dir, "server.key"),
    ca: read("ca.crt"),
    cert: read("server.crt"),
    key: read("server.key"),
  };
}

export interface MosquittoOptions {
  /** users for the password listener */
  users?: Record<string, string>;
  tls?: boolean;
  persistence?: boolean;
}

export interface MosquittoPeer {
  /** anonymous listener */
  port: number;
  url: string;
  /** password listener, when users were given */
  passwordPort?: number;
  /** TLS listener (anonymous), when tls was asked for */
  tlsPort?: number;
  tls?: TlsMaterial;
  dir: string;
  stop(): Promise<void>;
  /** stops and starts the same broker (same ports, same persistence folder) */
  restart(): Promise<void>;
  start(): Promise<void>;
}

export async function startMosquitto(options: MosquittoOptions = {}): Promise<MosquittoPeer> {
  const bin = requireBinary("mosquitto");
  const dir = tempDir("mosquitto");
  const port = await freeTcpPort();
  const lines = ["per_listener_settings true", `persistence ${options.persistence ? "true" : "false"}`, `persistence_location ${dir}/`, "autosave_interval 1", "log_dest stderr"];
  if (process.getuid?.() === 0) lines.push("user root");
  lines.push(`listener ${port} 127.0.0.1`, "allow_anonymous true");
  let passwordPort: number | undefined;
  if (options.users) {
    passwordPort = await freeTcpPort();
    const pwFile = path.join(dir, "passwords");
    fs.writeFileSync(pwFile, "");
    for (const [user, pass] of Object.entries(options.users)) {
      execFileSync(requireBinary("mosquitto_passwd"), ["-b", pwFile, user, pass], { stdio: "pipe" });
    }
    lines.push(`listener ${passwordPort} 127.0.0.1`, "allow_anonymous false", `password_file ${pwFile}`);
  }
  let tlsPort: number | undefined;
  let tls: TlsMaterial | undefined;
  if (options.tls) {
    tls = makeTlsMaterial(path.join(dir));
    tlsPort = await freeTcpPort();
    lines.push(`listener ${tlsPort} 127.0.0.1`, "allow_anonymous true", `cafile ${tls.caFile}`, `certfile ${tls.certFile}`, `keyfile ${tls.keyFile}`);
  }
  const config = path.join(dir, "mosquitto.conf");
  fs.writeFileSync(config, lines.join("\n") + "\n");
  let proc: Spawned | undefined;
  const peer: MosquittoPeer = {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    passwordPort,
    tlsPort,
    tls,
    dir,
    async start() {
      proc = spawnTracked(bin, ["-c", config]);
      await waitFor(async () => proc!.child.exitCode === null && (await tcpOpen(port)), `mosquitto on ${port}`, { timeoutMs: 10000 }).catch((err) => {
        throw new Error(`${err.message}\n${proc?.output()}`);
      });
    },
    async stop() {
      await proc?.stop();
    },
    async restart() {
      await peer.stop();
      await peer.start();
    },
  };
  await peer.start();
  return peer;
}

// ---------------------------------------------------------------- libcoap

export interface CoapPeer {
  port: number;
  dtlsPort: number;
  psk: string;
  url: string;
  stop(): Promise<void>;
}

/** Runs a libcoap client (coap-client-notls, or coap-client-openssl for coaps://) and returns its stdout. */
export function coapClient(args: string[], { dtls = false, timeoutMs = 20000 } = {}): { status: number | null; stdout: string; stderr: string } {
  const bin = requireBinary(dtls ? "coap-client-openssl" : "coap-client-notls");
  const run = spawnSync(bin, args, { encoding: "utf8", timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  return { status: run.status, stdout: run.stdout ?? "", stderr: run.stderr ?? "" };
}

export async function startCoapServer(psk = "edge-secret"): Promise<CoapPeer> {
  const bin = requireBinary("coap-server-openssl");
  requireBinary("coap-client-notls");
  const port = await freeUdpPort(true);
  const proc = spawnTracked(bin, ["-A", "127.0.0.1", "-p", String(port), "-d", "200", "-k", psk, "-h", "", "-v", "4"]);
  await waitFor(() => {
    if (proc.child.exitCode !== null) throw new Error(`coap-server exited: ${proc.output()}`);
    const probe = coapClient(["-B", "1", "-m", "get", `coap://127.0.0.1:${port}/.well-known/core`], { timeoutMs: 3000 });
    return probe.status === 0 && probe.stdout.length > 0;
  }, `libcoap server on ${port}`, { timeoutMs: 10000, intervalMs: 50 });
  return { port, dtlsPort: port + 1, psk, url: `coap://127.0.0.1:${port}`, stop: () => proc.stop() };
}

// ---------------------------------------------------------------- Kafka

export interface KafkaPeer {
  brokers: string[];
  /** true when KAFKA_BROKERS names a real cluster rather than librdkafka's mock */
  real: boolean;
  /** the mock's process id (to freeze and thaw it); undefined for a real cluster */
  pid?: number;
  stop(): Promise<void>;
}

/**
 * librdkafka's mock cluster hosted by kcat, or the real cluster named by KAFKA_BROKERS.
 * The mock has no admin API, no SASL and no idempotent producer (PEERS.md).
 */
export async function startKafka(numBrokers = 3): Promise<KafkaPeer> {
  if (process.env.KAFKA_BROKERS) {
    return { brokers: process.env.KAFKA_BROKERS.split(","), real: true, stop: async () => undefined };
  }
  const bin = requireBinary("kcat");
  const proc = spawnTracked(bin, ["-X", `test.mock.num.brokers=${numBrokers}`, "-C", "-t", "__mock_keepalive", "-b", "unused:9092", "-q"]);
  const brokers = await waitFor(() => {
    if (proc.child.exitCode !== null) throw new Error(`kcat exited: ${proc.output()}`);
    const match = /replaced with ([0-9.:,]+)/.exec(proc.output());
    return match ? match[1].split(",").filter(Boolean) : undefined;
  }, "the Kafka mock cluster's addresses", { timeoutMs: 10000 });
  return { brokers, real: false, pid: proc.child.pid, stop: () => proc.stop() };
}

// ---------------------------------------------------------------- InfluxDB 1.x

export interface InfluxPeer {
  port: number;
  url: string;
  query(q: string, db?: string): Promise<unknown>;
  stop(): Promise<void>;
}

export async function startInflux(): Promise<InfluxPeer> {
  const bin = requireBinary("influxd");
  const dir = tempDir("influx");
  const port = await freeTcpPort();
  const rpcPort = await freeTcpPort();
  const config = path.join(dir, "influxdb.conf");
  fs.writeFileSync(
    config,
    [
      "reporting-disabled = true",
      `bind-address = "127.0.0.1:${rpcPort}"`,
      "[meta]",
      `  dir = "${dir}/meta"`,
      "[data]",
      `  dir = "${dir}/data"`,
      `  wal-dir = "${dir}/wal"`,
      "[http]",
      `  bind-address = "127.0.0.1:${port}"`,
      "  log-enabled = false",
      "",
    ].join("\n"),
  );
  const proc = spawnTracked(bin, ["-config", config]);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => {
    if (proc.child.exitCode !== null) throw new Error(`influxd exited: ${proc.output()}`);
    return (await httpRequest("GET", `${url}/ping`)).status === 204;
  }, `influxd on ${port}`, { timeoutMs: 15000, intervalMs: 50 });
  return {
    port,
    url,
    async query(q: string, db?: string) {
      const qs = new URLSearchParams({ q, ...(db ? { db } : {}) });
      const res = await httpRequest("POST", `${url}/query?${qs}`);
      return JSON.parse(res.body);
    },
    stop: () => proc.stop(),
  };
}

export function httpRequest(method: string, url: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      let data = "";
      res.on("data", (c) => (data += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: data }));
    });
    req.setTimeout(10000, () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
