/**
 * Reading out what a mock Kafka cluster holds, exactly, before it is killed (test/kafka/broker-kill-reconcile and
 * the fault suite's light case).
 *
 * The race this closes: the producer (Node-RED, frozen with SIGSTOP) may have written a produce request that the
 * mock has not read yet. The mock appends it after the read-out, answers it, and the answer waits in the frozen
 * producer's socket; when the producer resumes it reads the answer — and confirms records that died with the
 * cluster, never read out. So the read-out starts only once every byte the producer sent to the cluster has been
 * read by it (the kernel's send and receive queues of those connections are empty), and the mock handles each
 * request it reads before it reads the next one on a single thread (librdkafka's rdkafka_mock.c), so a ListOffsets
 * asked after that sees every append. Then each partition is read from the start to that high watermark (kcat,
 * no consumer group), and the read-out is complete when every partition reached it.
 */
import * as fs from "fs";
import { spawn, spawnSync } from "child_process";
import { Kafka, logLevel, Partitioners } from "kafkajs";
import { requireBinary } from "../harness/processes";
import { waitFor } from "../harness/wait";

export interface ReadRecord {
  partition: number;
  offset: number;
  value: string;
}

export interface Connection {
  /** the producer's port */
  local: number;
  /** the cluster's port */
  remote: number;
  /** bytes the producer wrote that the cluster's kernel has not acknowledged */
  unsent: number;
  /** bytes that arrived at the cluster's socket and the cluster has not read */
  unread: number;
}

interface TcpEntry {
  localPort: number;
  remotePort: number;
  state: number;
  tx: number;
  rx: number;
  inode: string;
}

function tcpTable(): TcpEntry[] {
  const out: TcpEntry[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      const port = (addr: string) => parseInt(addr.slice(addr.lastIndexOf(":") + 1), 16);
      const [tx, rx] = f[4].split(":").map((h) => parseInt(h, 16));
      out.push({ localPort: port(f[1]), remotePort: port(f[2]), state: parseInt(f[3], 16), tx, rx, inode: f[9] });
    }
  }
  return out;
}

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[] = [];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      /* closed meanwhile */
    }
  }
  return inodes;
}

const ESTABLISHED = 1;

/** the producer process's TCP connections to the cluster's ports, with what is still in flight on each */
export function connectionsTo(producerPid: number, ports: number[]): Connection[] {
  const table = tcpTable();
  const mine = socketInodes(producerPid);
  const portSet = new Set(ports);
  const out: Connection[] = [];
  for (const e of table) {
    if (!mine.has(e.inode) || !portSet.has(e.remotePort) || e.state !== ESTABLISHED) continue;
    const peer = table.find((p) => p.localPort === e.remotePort && p.remotePort === e.localPort);
    out.push({ local: e.localPort, remote: e.remotePort, unsent: e.tx, unread: peer?.rx ?? 0 });
  }
  return out;
}

/**
 * Breaks one of the producer's connections, as a broker dying breaks it: the socket is destroyed in the kernel
 * (`ss -K`, root and a kernel with INET_DIAG_DESTROY), which resets it and discards what it still held. False when
 * that is not possible here.
 */
export function abortConnection(producerPid: number, ports: number[], c: Connection): boolean {
  const run = spawnSync("ss", ["-K", "-t", "-n", "sport", "=", `:${c.local}`, "dport", "=", `:${c.remote}`], { encoding: "utf8", timeout: 5000 });
  if (run.error || run.status !== 0) return false;
  return !connectionsTo(producerPid, ports).some((x) => x.local === c.local && x.remote === c.remote);
}

/** whether every thread of the process is stopped (SIGSTOP takes effect a moment after kill() returns) */
export function isStopped(pid: number): boolean {
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return false;
  }
  return tasks.every((t) => {
    try {
      // "pid (comm) S ...": the state follows the last ')'
      const stat = fs.readFileSync(`/proc/${pid}/task/${t}/stat`, "utf8");
      return /^[TtZX]/.test(stat.slice(stat.lastIndexOf(")") + 2));
    } catch {
      return true; // the thread ended meanwhile
    }
  });
}

/** SIGSTOP, and waits until every thread of the process has stopped: after that it writes nothing more */
export async function freeze(pid: number): Promise<void> {
  process.kill(pid, "SIGSTOP");
  await waitFor(() => isStopped(pid), `process ${pid} stopped`, { timeoutMs: 10000, intervalMs: 5 });
}

/** waits until the cluster has read every byte the (frozen) producer sent it */
export async function waitClusterReadEverything(producerPid: number, ports: number[], timeoutMs = 30000): Promise<Connection[]> {
  let last: Connection[] = [];
  await waitFor(
    () => {
      last = connectionsTo(producerPid, ports);
      return last.every((c) => c.unsent === 0 && c.unread === 0);
    },
    "the cluster to read every byte the producer sent it",
    { timeoutMs, intervalMs: 20 },
  ).catch((err: Error) => {
    throw new Error(`${err.message}: ${JSON.stringify(last)}`);
  });
  return last;
}

/** high watermark per partition (a topic the cluster does not know: none) */
export async function highWatermarks(brokers: string[], topic: string): Promise<Map<number, number>> {
  const admin = new Kafka({ clientId: "readout-offsets", brokers, logLevel: logLevel.NOTHING, retry: { retries: 3 } }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** every record of `topic`, each partition read from its start to its end (kcat, no consumer group) */
export function readTopic(brokers: string[], topic: string, timeoutMs = 30000): Promise<ReadRecord[]> {
  const kcat = requireBinary("kcat");
  return new Promise((resolve, reject) => {
    const child = spawn(kcat, ["-C", "-b", brokers.join(","), "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%p %o %s\\n"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`kcat read of ${topic} ended with ${signal ?? code}: ${err.slice(-500)}`));
      const records: ReadRecord[] = [];
      for (const line of out.split("\n")) {
        const m = /^(\d+) (\d+) (.*)$/.exec(line);
        if (m) records.push({ partition: Number(m[1]), offset: Number(m[2]), value: m[3] });
      }
      resolve(records);
    });
  });
}

export interface Readout {
  records: ReadRecord[];
  high: Map<number, number>;
  /** per partition: records read and the offset after the last one read */
  read: Map<number, { count: number; next: number }>;
}

export function perPartition(records: ReadRecord[]): Map<number, { count: number; next: number }> {
  const read = new Map<number, { count: number; next: number }>();
  for (const r of records) {
    const p = read.get(r.partition) ?? { count: 0, next: 0 };
    p.count++;
    p.next = Math.max(p.next, r.offset + 1);
    read.set(r.partition, p);
  }
  return read;
}

/** reads the whole topic, again until every partition was read up to the high watermark asked for first */
export async function readToHighWatermarks(brokers: string[], topic: string, timeoutMs = 60000): Promise<Readout> {
  const high = await highWatermarks(brokers, topic);
  let last: Readout | undefined;
  await waitFor(
    async () => {
      const records = await readTopic(brokers, topic);
      const read = perPartition(records);
      last = { records, high, read };
      return [...high].every(([p, h]) => (read.get(p)?.next ?? 0) >= h);
    },
    `every partition of ${topic} read up to its high watermark`,
    { timeoutMs, intervalMs: 200 },
  ).catch((err: Error) => {
    throw new Error(`${err.message}: ${last ? describePartitions(last.high, last.read) : "nothing read"}`);
  });
  return last as Readout;
}

export function describePartitions(high: Map<number, number>, read: Map<number, { count: number; next: number }>): string {
  const parts = new Set([...high.keys(), ...read.keys()]);
  return [...parts]
    .sort((a, b) => a - b)
    .map((p) => `p${p}: high ${high.get(p) ?? "?"}, read ${read.get(p)?.count ?? 0} (to ${read.get(p)?.next ?? 0})`)
    .join("; ");
}

/** the partition kafkajs's default partitioner puts a key in (what edge-kafka-out's producer does) */
export function partitionOfKey(topic: string, key: string, partitions: number): number {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: partitions }, (_, i) => ({ partitionId: i, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
  return partitioner({ topic, partitionMetadata, message: { key, value: null } });
}
