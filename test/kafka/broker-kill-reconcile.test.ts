/**
 * Peer fault: the Kafka cluster killed with SIGKILL and replaced (a new one on the same ports) while edge-kafka-out
 * in a real Node-RED process is under load. Reconciled by id: every message the node confirmed (its Complete node
 * fired, logged to a file by the flow) is in Kafka afterwards; duplicates are allowed and counted.
 *
 * The mock cluster keeps nothing on disk: a killed cluster takes its records with it. So what the doomed cluster
 * holds is read out before it dies, while Node-RED is frozen (SIGSTOP): once the cluster has read every byte
 * Node-RED sent it, each partition is read to its high watermark (cluster-readout.ts says why both steps are
 * needed). Then the cluster is frozen in turn and Node-RED resumes, so that it sends produce requests the cluster
 * never answers; the cluster is killed with them in flight and replaced, with records in Node-RED's batcher and the
 * load still coming. A real cluster keeps what it acknowledged; the freezes only make the mock's amnesia visible,
 * they do not help the node.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { startNodeRed, NodeRedProcess } from "../harness/node-red-process";
import { ensureBuilt, linkPack } from "../harness/build";
import { httpRequest, tempDir } from "../harness/peers";
import { waitFor } from "../harness/wait";
import { bindShim, freePorts, startKafkaOn, FixedKafka } from "./fixed-port-kafka";
import { abortConnection, Connection, connectionsTo, describePartitions, freeze, highWatermarks, partitionOfKey, readToHighWatermarks, Readout, waitClusterReadEverything } from "./cluster-readout";

const MESSAGES = Number(process.env.KAFKA_KILL_MESSAGES ?? 20000);
const KILLS = Number(process.env.KAFKA_KILLS ?? 2);
const BATCH = 100;
const TOPIC = "peer-fault";

function flows(brokers: string[], acceptedFile: string, failedFile: string): unknown[] {
  const z = "pf";
  const fsLib = [{ var: "fs", module: "fs" }];
  return [
    { id: z, type: "tab", label: "kafka peer fault" },
    { id: "pf-kb", type: "edge-kafka-broker", brokers: brokers.join(","), clientId: "peer-fault", sasl: "none", connectionTimeoutMs: "1000", requestTimeoutMs: "3000" },
    { id: "pf-in", z, type: "http in", url: "/push", method: "post", upload: false, wires: [["pf-split"]] },
    { id: "pf-split", z, type: "function", outputs: 2, func: "for (const n of msg.payload) node.send([{ payload: { deviceName: 'truck-' + (n % 16), n }, eventId: 'm' + n, priority: n % 50 === 0 ? 0 : 3 }, null]);\nreturn [null, msg];", wires: [["pf-out"], ["pf-ok"]] },
    { id: "pf-ok", z, type: "http response", statusCode: "204", wires: [] },
    { id: "pf-out", z, type: "edge-kafka-out", broker: "pf-kb", topic: TOPIC, key: "{deviceName}", valueFormat: "json", batchSize: "200", lingerMs: "5", compression: "none", acks: "-1", drainRatePerSec: "0", bufferDir: "kafka-buffer" },
    { id: "pf-done", z, type: "complete", scope: ["pf-out"], uncaught: false, wires: [["pf-accepted"]] },
    { id: "pf-accepted", z, type: "function", libs: fsLib, func: `fs.appendFileSync(${JSON.stringify(acceptedFile)}, msg.payload.n + '\\n');\nreturn null;`, outputs: 1, wires: [] },
    { id: "pf-errors", z, type: "catch", scope: ["pf-out"], uncaught: false, wires: [["pf-failed"]] },
    { id: "pf-failed", z, type: "function", libs: fsLib, func: `fs.appendFileSync(${JSON.stringify(failedFile)}, msg.payload.n + ' ' + JSON.stringify(msg.error && msg.error.message) + '\\n');\nreturn null;`, outputs: 1, wires: [] },
    { id: "pf-pid-in", z, type: "http in", url: "/pid", method: "get", upload: false, wires: [["pf-pid"]] },
    { id: "pf-pid", z, type: "function", libs: [{ var: "proc", module: "process" }], func: "msg.payload = String(proc.pid);\nreturn msg;", outputs: 1, wires: [["pf-pid-out"]] },
    { id: "pf-pid-out", z, type: "http response", statusCode: "200", wires: [] },
  ];
}

const lines = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean) : []);
const idOf = (value: string) => (JSON.parse(value) as { n: number }).n;

describe("edge-kafka-out in Node-RED: the Kafka cluster killed with SIGKILL and replaced under load", function () {
  this.timeout(600000);
  let red: NodeRedProcess | undefined;
  let cluster: FixedKafka | undefined;
  let redPid: number | undefined;

  after(async function () {
    if (redPid) {
      try {
        process.kill(redPid, "SIGCONT");
      } catch {
        /* gone */
      }
    }
    await red?.stop().catch(() => undefined);
    await cluster?.stop();
  });

  it(`every confirmed message is in Kafka after ${KILLS} kills of the cluster during ${MESSAGES} messages; duplicates counted`, async function () {
    const shim = bindShim();
    if (!shim.path) {
      console.log(`      skipped: ${shim.why}`);
      this.skip();
    }
    ensureBuilt();
    const ports = await freePorts(3);
    cluster = await startKafkaOn(ports);
    const brokers = cluster.brokers;
    const userDir = tempDir("kafka-kill-red");
    linkPack(userDir);
    const acceptedFile = path.join(userDir, "accepted.txt");
    const failedFile = path.join(userDir, "failed.txt");
    red = await startNodeRed({ userDir, flows: flows(brokers, acceptedFile, failedFile), settings: { functionExternalModules: true, logging: { console: { level: "warn" } } } });
    const r = red;
    await waitFor(async () => (await httpRequest("POST", `${r.url}/push`, "[]", { "content-type": "application/json" })).status === 204, "the flow's HTTP route", { timeoutMs: 30000, intervalMs: 100 });
    const pid = Number((await httpRequest("GET", `${r.url}/pid`)).body);
    assert.ok(pid > 0, "Node-RED's pid");
    redPid = pid;

    /** copies of each id over every cluster read out */
    const copies = new Map<number, number>();
    /** the records (partition:offset) of the current cluster already counted */
    let readHere = new Set<string>();
    /** how many confirmations the accepted file held at each freeze */
    const frozenAt: number[] = [];

    /**
     * Freezes Node-RED and reads out everything the cluster holds; every message confirmed so far must be in it or
     * in a cluster read out before. On a miss, says which ids, where they were confirmed and what each partition held.
     */
    const readOut = async (what: string): Promise<void> => {
      await freeze(pid);
      const confirmed = lines(acceptedFile).map(Number);
      frozenAt.push(confirmed.length);
      const started = Date.now();
      const highAtFreeze = await highWatermarks(brokers, TOPIC);
      const flight: Connection[] = await waitClusterReadEverything(pid, ports);
      const out: Readout = await readToHighWatermarks(brokers, TOPIC);
      // appended after Node-RED stopped: acknowledged to it once it resumes, and lost with the cluster if not read out
      const late = [...out.high].reduce((sum, [p, h]) => sum + h - (highAtFreeze.get(p) ?? 0), 0);
      for (const rec of out.records) {
        // a cluster read out twice: each of its records counts once
        if (readHere.has(`${rec.partition}:${rec.offset}`)) continue;
        readHere.add(`${rec.partition}:${rec.offset}`);
        copies.set(idOf(rec.value), (copies.get(idOf(rec.value)) ?? 0) + 1);
      }
      const missing = confirmed.filter((n) => !copies.has(n));
      const partitions = Math.max(out.high.size, 1);
      const where = (n: number) => {
        const line = confirmed.indexOf(n);
        const after = frozenAt.slice(0, -1).filter((f) => f <= line).length;
        const since = after ? `${line - frozenAt[after - 1]} confirmations after the resume from freeze ${after}` : "before the first freeze";
        return `m${n} (p${partitionOfKey(TOPIC, `truck-${n % 16}`, partitions)}, confirmation ${line}, ${since})`;
      };
      console.log(`      ${what}: ${confirmed.length} confirmed; ${out.records.length} records read out in ${Date.now() - started} ms (${late} appended after Node-RED stopped) from ${flight.length} connections; ${describePartitions(out.high, out.read)}`);
      assert.deepStrictEqual(missing.slice(0, 30).map(where), [], `${what}: ${missing.length} confirmed messages are not in Kafka; ${describePartitions(out.high, out.read)}`);
    };

    // the load: batches over HTTP, at most 4,000 messages unresolved (neither confirmed nor failed) at a time
    let sent = 0;
    let loadError: unknown;
    const resolved = () => lines(acceptedFile).length + lines(failedFile).length;
    const load = (async () => {
      while (sent < MESSAGES) {
        if (sent - resolved() > 4000) {
          await waitFor(() => sent - resolved() <= 2000, "the node keeps up with the load", { timeoutMs: 120000, intervalMs: 50 });
          continue;
        }
        const ids = Array.from({ length: Math.min(BATCH, MESSAGES - sent) }, (_, i) => sent + i);
        const res = await httpRequest("POST", `${r.url}/push`, JSON.stringify(ids), { "content-type": "application/json" });
        assert.strictEqual(res.status, 204, res.body);
        sent += ids.length;
      }
    })().catch((err) => {
      loadError = err;
    });

    for (let kill = 1; kill <= KILLS; kill++) {
      const at = Math.round((MESSAGES * kill) / (KILLS + 1));
      await waitFor(() => lines(acceptedFile).length >= at || loadError, `${at} messages confirmed before kill ${kill}`, { timeoutMs: 180000, intervalMs: 50 });
      assert.ok(!loadError, String(loadError));
      // freeze Node-RED mid-load, read out what the doomed cluster holds, then kill it and start its replacement
      await readOut(`kill ${kill}`);
      // then the cluster freezes (it acknowledges nothing more) and Node-RED resumes: it reads the answers already
      // waiting for it (records read out above) and sends more, which the frozen cluster has not read
      await freeze(cluster.pid);
      process.kill(pid, "SIGCONT");
      const sending = await waitFor(() => connectionsTo(pid, ports).filter((c) => c.unread > 0).length >= 2, "Node-RED sending to the frozen cluster", { timeoutMs: 5000, intervalMs: 5 }).catch(() => false);
      await freeze(pid);
      // one broker answers what it was sent and the others' connections break, as when brokers die one by one: a
      // request acknowledged in part, whose other part must be sent again to the replacement (lib/kafka/acknowledged.ts)
      const open = connectionsTo(pid, ports);
      const answering = open.find((c) => c.unread > 0);
      const broken = sending && answering ? open.filter((c) => c.remote !== answering.remote && abortConnection(pid, ports, c)).length : 0;
      process.kill(cluster.pid, "SIGCONT");
      await readOut(`kill ${kill}, one broker answering`);
      await cluster.kill();
      cluster = await startKafkaOn(ports);
      readHere = new Set();
      process.kill(pid, "SIGCONT");
      console.log(`      kill ${kill}: ${broken} of Node-RED's ${open.length} connections with requests in flight broken, then the cluster killed`);
    }

    await load;
    assert.ok(!loadError, String(loadError));
    await waitFor(() => resolved() >= MESSAGES, `all ${MESSAGES} messages confirmed or failed`, { timeoutMs: 180000, intervalMs: 100 });
    await readOut("the last cluster");
    process.kill(pid, "SIGCONT");
    const accepted = new Set(lines(acceptedFile).map(Number));
    const failed = lines(failedFile);
    const duplicates = [...copies.values()].filter((c) => c > 1).length;
    const extraCopies = [...copies.values()].reduce((s, c) => s + c - 1, 0);
    // kafkajs reported such a request sent although part of it never was (lib/kafka/acknowledged.ts); the node sent it again
    const partial = (r.output().match(/no broker acknowledged the records for/g) ?? []).length;
    console.log(`      kafka peer fault: ${KILLS} kills, sent ${MESSAGES}, confirmed ${accepted.size}, failed to Catch ${failed.length}, in Kafka ${copies.size}, ids written more than once ${duplicates} (${extraCopies} extra copies); requests acknowledged only in part, logged ${partial}`);
    assert.deepStrictEqual(failed.slice(0, 5), [], "no message failed: an unreachable cluster buffers");
    assert.strictEqual(accepted.size, MESSAGES, "every message confirmed");
    assert.ok(!/Uncaught|uncaughtException/.test(r.output()), "Node-RED logged no uncaught exception");
  });
});
