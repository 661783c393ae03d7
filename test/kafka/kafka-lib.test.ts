/**
 * lib/kafka without a broker: the batcher and the exporter against a scripted producer (each sendBatch
 * waits until the test settles it), with the real durable queue in a temp folder; records and templates.
 */
import * as assert from "assert";
import type { KafkaProducer, ProduceRequest } from "../../lib/kafka/client";
import { KafkaClientError, toKafkaError } from "../../lib/kafka/client";
import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, KafkaJSSASLAuthenticationError } from "kafkajs";
import type { DurableQueueApi } from "../../lib/store/types";
import { Batcher, StalledError } from "../../lib/kafka/batcher";
import { KafkaExporter, HandedBackError } from "../../lib/kafka/kafka-exporter";
import { KafkaRecord, RecordBuilder, compileTemplate, fromStored, toStored } from "../../lib/kafka/kafka-record";
import { producerConfig } from "../../lib/kafka/client-config";
import { renderTemplate } from "../../lib/common/template";
import { DurableQueue } from "../../lib/store/durable-queue";
import { tempDir } from "../harness/peers";
import { waitFor } from "../harness/wait";

interface Sent {
  messages: KafkaRecord[];
  acks: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** a producer whose requests stay pending until the test resolves or rejects them */
function scriptedProducer() {
  const sent: Sent[] = [];
  const producer = {
    send(req: ProduceRequest) {
      return new Promise<void>((resolve, reject) => {
        sent.push({ messages: req.topics.flatMap((t) => t.records.map((m) => ({ ...(m as KafkaRecord), topic: t.topic }))), acks: req.acks, resolve, reject });
      });
    },
    connect: async () => undefined,
    disconnect: async () => undefined,
  } as KafkaProducer;
  return { producer, sent };
}

const rec = (key: string, n: number, topic = "t"): KafkaRecord => ({ topic, key, value: JSON.stringify({ n }), headers: { "message-id": `${key}-${n}` } });
const ns = (records: KafkaRecord[]) => records.map((r) => JSON.parse(String(r.value)).n as number);
const options = { batchSize: 3, lingerMs: 20, acks: -1 as const, compression: "none" as const };

describe("lib/kafka batcher", function () {
  it("sends a full batch at once, one request in flight, the rest after the ack", async function () {
    const { producer, sent } = scriptedProducer();
    const b = new Batcher(() => producer, options);
    const acked: number[] = [];
    const failed: number[] = [];
    for (let i = 0; i < 7; i++) b.add(rec("k", i), (err) => (err ? failed.push(i) : acked.push(i)));
    assert.strictEqual(sent.length, 1, "one request in flight");
    assert.deepStrictEqual(ns(sent[0].messages), [0, 1, 2]);
    assert.strictEqual(sent[0].acks, -1);
    assert.deepStrictEqual(acked, [], "nothing acknowledged before the broker answers");
    sent[0].resolve();
    await waitFor(() => sent.length === 2, "the second batch");
    assert.deepStrictEqual(acked, [0, 1, 2]);
    assert.deepStrictEqual(ns(sent[1].messages), [3, 4, 5]);
    sent[1].resolve();
    // the 7th record waited longer than the linger: it goes as soon as the request in flight completes
    await waitFor(() => sent.length === 3, "the last record");
    assert.deepStrictEqual(ns(sent[2].messages), [6]);
    sent[2].resolve();
    await waitFor(() => acked.length === 7, "all acknowledged");
    assert.deepStrictEqual(acked, [0, 1, 2, 3, 4, 5, 6]);
    assert.deepStrictEqual(failed, []);
  });

  it("waits up to the linger for a partial batch", async function () {
    const { producer, sent } = scriptedProducer();
    const b = new Batcher(() => producer, { ...options, lingerMs: 100 });
    const t0 = Date.now();
    b.add(rec("k", 0), () => undefined);
    assert.strictEqual(sent.length, 0);
    await waitFor(() => sent.length === 1, "the lingered batch", { timeoutMs: 2000, intervalMs: 5 });
    assert.ok(Date.now() - t0 >= 90, `sent after ${Date.now() - t0} ms`);
    sent[0].resolve();
  });

  it("a failed request fails its records and every record behind it, in order", async function () {
    const { producer, sent } = scriptedProducer();
    const b = new Batcher(() => producer, options);
    const failed: number[] = [];
    const acked: number[] = [];
    for (let i = 0; i < 5; i++) b.add(rec("k", i), (err) => (err ? failed.push(i) : acked.push(i)));
    sent[0].reject(new Error("broker gone"));
    await waitFor(() => failed.length === 5, "every record failed");
    assert.deepStrictEqual(failed, [0, 1, 2, 3, 4]);
    assert.deepStrictEqual(acked, []);
    assert.strictEqual(sent.length, 1, "nothing behind the failure was sent");
    assert.strictEqual(b.size, 0);
  });

  it("groups a batch by topic", async function () {
    const { producer, sent } = scriptedProducer();
    const b = new Batcher(() => producer, options);
    b.add(rec("a", 0, "x"), () => undefined);
    b.add(rec("b", 1, "y"), () => undefined);
    b.add(rec("c", 2, "x"), () => undefined);
    assert.deepStrictEqual(
      sent[0].messages.map((m) => `${m.topic}:${m.key}`),
      ["x:a", "x:c", "y:b"],
    );
    sent[0].resolve();
  });
});

describe("lib/kafka batcher: a stalled request", function () {
  it("hands back the stallable records waiting behind a request unanswered for stallMs, fails new ones at once until it settles, keeps the others", async function () {
    const { producer, sent } = scriptedProducer();
    const batcher = new Batcher(() => producer, { ...options, batchSize: 2, stallMs: 50 });
    const results: string[] = [];
    const cb = (n: number) => (err?: Error) => results.push(`${n}:${err ? (err instanceof StalledError ? "stalled" : err.message) : "ok"}`);
    batcher.add(rec("k", 0), cb(0), true);
    batcher.add(rec("k", 1), cb(1), true);
    await waitFor(() => sent.length === 1, "the first request");
    batcher.add(rec("k", 2), cb(2), true);
    batcher.add(rec("d", 3), cb(3), false);
    batcher.add(rec("k", 4), cb(4), true);
    assert.ok(!batcher.isStalled);
    await waitFor(() => results.length === 2, "the stallable records handed back");
    assert.deepStrictEqual(results, ["2:stalled", "4:stalled"], "handed back in order, unsent");
    assert.ok(batcher.isStalled);
    batcher.add(rec("k", 5), cb(5), true);
    assert.deepStrictEqual(results.slice(2), ["5:stalled"], "no waiting behind a stalled request");
    sent[0].resolve();
    await waitFor(() => sent.length === 2, "the record that may wait, sent next");
    assert.deepStrictEqual(ns(sent[1].messages), [3]);
    assert.ok(!batcher.isStalled);
    sent[1].resolve();
    await waitFor(() => results.length === 6, "everything answered");
    assert.deepStrictEqual(results.slice(3), ["0:ok", "1:ok", "3:ok"]);
  });
});

describe("lib/kafka exporter", function () {
  it("hands returnable records back instead of buffering them, moves the others behind a stalled request to disk, and probes with a returnable record once the disk is empty", async function () {
    const { producer, sent } = scriptedProducer();
    const queue = await DurableQueue.open({ dir: tempDir("kafka-exporter-returnable"), sync: 5 });
    const exporter = new KafkaExporter(async () => producer, queue, { ...options, batchSize: 2, stallMs: 50, drainBatch: 3, drainRatePerSec: 0, retryInitialMs: 20, retryMaxMs: 20 });
    const results: string[] = [];
    const send = (i: number, returnable: boolean) =>
      exporter.send(rec("k", i), returnable ? 0 : 3, `id-${i}`, (err) => results.push(`${i}:${err ? (err instanceof HandedBackError ? "back" : err.message) : "ok"}`), returnable);
    send(0, true);
    send(1, true);
    await waitFor(() => sent.length === 1, "the first request");
    send(2, true);
    send(3, false);
    await waitFor(() => results.length === 1 && queue.pending() === 1, "the request stalled");
    assert.deepStrictEqual(results, ["2:back"], "the returnable record goes back to its sender unsent");
    // the broker fails the request: its returnable records go back too, none is written to this disk queue
    sent[0].reject(new Error("broker gone"));
    await waitFor(() => results.length === 3, "the failed records answered");
    assert.deepStrictEqual(results.slice(1), ["0:back", "1:back"]);
    send(4, true);
    assert.deepStrictEqual(results.slice(3), ["4:back"], "records wait on disk: a returnable one is not sent past them");
    await waitFor(() => sent.length === 2, "the drain");
    assert.deepStrictEqual(ns(sent[1].messages), [3]);
    sent[1].resolve();
    await waitFor(() => results.includes("3:ok") && queue.pending() === 0, "the disk drained");
    send(5, true);
    await waitFor(() => sent.length === 3, "the returnable record sent directly");
    sent[2].resolve();
    await waitFor(() => results.includes("5:ok"), "acknowledged");
    assert.strictEqual(queue.pending(), 0);
    await exporter.close();
    await queue.close();
  });

  it("keeps records in memory while the broker answers, then buffers on disk in order from the first failure and drains in order", async function () {
    const { producer, sent } = scriptedProducer();
    const queue = await DurableQueue.open({ dir: tempDir("kafka-exporter"), sync: 5 });
    const exporter = new KafkaExporter(async () => producer, queue, { ...options, drainBatch: 3, drainRatePerSec: 0, retryInitialMs: 20, retryMaxMs: 50 });
    const acked: number[] = [];
    const errors: Error[] = [];
    const send = (i: number) => exporter.send(rec("k", i), 3, `id-${i}`, (err) => (err ? errors.push(err) : acked.push(i)));
    for (let i = 0; i < 5; i++) send(i);
    await waitFor(() => sent.length === 1, "the first request");
    assert.strictEqual(queue.pending(), 0, "nothing written to disk while the broker answers");
    sent[0].resolve();
    await waitFor(() => acked.length === 3, "the first batch acknowledged");
    await waitFor(() => sent.length === 2, "the second request");
    sent[1].reject(new Error("broker gone"));
    // records 3, 4 failed; 5, 6 arrive while buffering: all on disk, none acknowledged
    send(5);
    send(6);
    await waitFor(() => sent.length === 3, "a drain attempt");
    assert.deepStrictEqual(acked, [0, 1, 2]);
    assert.strictEqual(exporter.buffered, 4);
    assert.deepStrictEqual(ns(sent[2].messages), [3, 4, 5], "the drain starts with the oldest record");
    sent[2].reject(new Error("still gone"));
    await waitFor(() => sent.length === 4, "a retry");
    assert.deepStrictEqual(ns(sent[3].messages), [3, 4, 5], "the retry resends the same records in the same order");
    sent[3].resolve();
    await waitFor(() => sent.length === 5, "the rest");
    assert.deepStrictEqual(ns(sent[4].messages), [6]);
    sent[4].resolve();
    await waitFor(() => acked.length === 7, "everything acknowledged");
    assert.deepStrictEqual(acked, [0, 1, 2, 3, 4, 5, 6]);
    assert.deepStrictEqual(errors, []);
    assert.strictEqual(exporter.buffered, 0);
    // buffer drained: direct again
    send(7);
    await waitFor(() => sent.length === 6, "direct send");
    assert.strictEqual(queue.pending(), 0);
    sent[5].resolve();
    await waitFor(() => acked.length === 8, "the direct record");
    await exporter.close();
    await queue.close();
  });

  it("on close, records still waiting in memory stay on disk and fail to the flow", async function () {
    const { producer, sent } = scriptedProducer();
    const dir = tempDir("kafka-exporter-close");
    const queue = await DurableQueue.open({ dir, sync: 5 });
    const exporter = new KafkaExporter(async () => producer, queue, { ...options, drainBatch: 3, drainRatePerSec: 0 });
    const errors: string[] = [];
    for (let i = 0; i < 5; i++) exporter.send(rec("k", i), 3, `id-${i}`, (err) => errors.push(err ? err.message : "acked"));
    await waitFor(() => sent.length === 1, "the first request");
    await exporter.close();
    await waitFor(() => errors.length === 2, "the waiting records answered");
    assert.ok(errors.every((e) => /stays buffered on disk/.test(e)), errors.join("; "));
    await queue.close();
    const reopened = await DurableQueue.open({ dir, sync: 5 });
    assert.deepStrictEqual(
      reopened.take(10).map((r) => ns([fromStored(r.data as never)])[0]),
      [3, 4],
    );
    await reopened.close();
  });

  it("buffers what arrives while the first connection fails", async function () {
    const queue = await DurableQueue.open({ dir: tempDir("kafka-exporter-connect"), sync: 5 });
    let attempts = 0;
    const exporter = new KafkaExporter(
      async () => {
        attempts++;
        throw new Error("connection refused");
      },
      queue,
      { ...options, drainBatch: 3, drainRatePerSec: 0, retryInitialMs: 10_000 },
    );
    const results: string[] = [];
    for (let i = 0; i < 3; i++) exporter.send(rec("k", i), 3, `id-${i}`, (err) => results.push(err ? err.message : "acked"));
    await waitFor(() => exporter.buffered === 3 && attempts >= 2, "buffered, and a drain attempt made");
    assert.deepStrictEqual(results, [], "nothing acknowledged");
    await exporter.close();
    await waitFor(() => results.length === 3, "closed");
    await queue.close();
  });
});

describe("lib/kafka exporter: its own disk queue only when needed", function () {
  it("opens no queue for records their sender holds (returnable), and opens it for the first record nobody else holds", async function () {
    const { producer, sent } = scriptedProducer();
    const dir = tempDir("kafka-exporter-lazy");
    let opened = 0;
    const exporter = new KafkaExporter(async () => producer, () => (opened++, DurableQueue.open({ dir, sync: 5 })), { ...options, batchSize: 1, drainBatch: 3, drainRatePerSec: 0 });
    const results: string[] = [];
    exporter.send(rec("k", 0), 3, "r-0", (err) => results.push(err ? err.message : "acked-r0"), true);
    await waitFor(() => sent.length === 1, "the returnable record sent");
    sent[0].resolve();
    await waitFor(() => results.length === 1, "acked");
    assert.strictEqual(opened, 0, "no queue for a record its sender keeps");
    assert.strictEqual(exporter.hasQueue, false);
    exporter.send(rec("k", 1), 3, "o-1", (err) => results.push(err ? err.message : "acked-o1"));
    await waitFor(() => sent.length === 2, "the other record sent, once the queue is open");
    assert.strictEqual(opened, 1);
    sent[1].resolve();
    await waitFor(() => results.length === 2, "acked");
    assert.deepStrictEqual(results, ["acked-r0", "acked-o1"]);
    await exporter.close();
  });

  it("a queue that cannot be opened fails the records that needed it, and is tried again for the next", async function () {
    const { producer } = scriptedProducer();
    let attempts = 0;
    const exporter = new KafkaExporter(
      async () => producer,
      async (): Promise<DurableQueueApi> => {
        attempts++;
        throw new Error("EACCES: cannot create the buffer folder");
      },
      { ...options, drainBatch: 3, drainRatePerSec: 0 },
    );
    const results: string[] = [];
    for (let i = 0; i < 3; i++) exporter.send(rec("k", i), 3, `id-${i}`, (err) => results.push(err ? err.message : "acked"));
    await waitFor(() => results.length === 3, "the three records failed");
    assert.ok(results.every((r) => /EACCES/.test(r)), results.join());
    assert.strictEqual(attempts, 1, "one open for the records that arrived together");
    exporter.send(rec("k", 3), 3, "id-3", (err) => results.push(err ? err.message : "acked"));
    await waitFor(() => results.length === 4, "the next record failed too");
    assert.strictEqual(attempts, 2, "opened again for the next record");
    await exporter.close();
  });
});

describe("lib/kafka exporter: a record the broker refuses for good", function () {
  it("reaches its sender with the reason, found by sending one by one; the others are delivered, in order, and nothing loops", async function () {
    const requests: string[][] = [];
    const producer = {
      async send(req: ProduceRequest) {
        const keys = req.topics.flatMap((t) => t.records.map((r) => String(JSON.parse(String(r.value)).n)));
        requests.push(keys);
        if (requests.length > 50) throw new Error("looping");
        if (keys.includes("2")) throw new KafkaClientError("The request included a message larger than the max message size", "rejected", false);
      },
      connect: async () => undefined,
      disconnect: async () => undefined,
    } as KafkaProducer;
    const queue = await DurableQueue.open({ dir: tempDir("kafka-exporter-refused"), sync: 5 });
    const exporter = new KafkaExporter(async () => producer, queue, { ...options, batchSize: 3, lingerMs: 5, drainBatch: 3, drainRatePerSec: 0, retryInitialMs: 20, retryMaxMs: 20 });
    const results = new Map<number, string>();
    for (let i = 0; i < 6; i++) exporter.send(rec("k", i), 3, `id-${i}`, (err) => results.set(i, err ? err.message : "acked"));
    await waitFor(() => results.size === 6, "every record settled", { timeoutMs: 5000 });
    assert.match(results.get(2) ?? "", /larger than the max message size/);
    for (const i of [0, 1, 3, 4, 5]) assert.strictEqual(results.get(i), "acked", `record ${i}`);
    const delivered = requests.filter((keys) => !keys.includes("2")).flat();
    assert.deepStrictEqual(delivered.filter((k, i) => delivered.indexOf(k) === i), ["0", "1", "3", "4", "5"], "in order");
    assert.ok(requests.length < 20, `bounded: ${requests.length} requests`);
    assert.strictEqual(exporter.buffered, 0);
    await exporter.close();
    await queue.close();
  });
});

describe("lib/kafka client errors", function () {
  it("maps the library's errors to what the nodes act on", function () {
    const refused = new KafkaJSConnectionError("Connection error: connect ECONNREFUSED 127.0.0.1:1");
    const retries = new KafkaJSNumberOfRetriesExceeded(refused, { retryCount: 2, retryTime: 200 });
    assert.deepStrictEqual([toKafkaError(retries).kind, toKafkaError(retries).retriable], ["unreachable", true]);
    assert.match(toKafkaError(retries).message, /ECONNREFUSED/);
    const unknown = new KafkaJSProtocolError({ message: "This server does not host this topic-partition", type: "UNKNOWN_TOPIC_OR_PARTITION", code: 3, retriable: true } as unknown as string);
    assert.strictEqual(toKafkaError(unknown).kind, "unknown-topic");
    assert.strictEqual(toKafkaError(new (KafkaJSSASLAuthenticationError as unknown as new (m: string) => Error)("bad password")).kind, "not-authorized");
    const tooLarge = new KafkaJSProtocolError({ message: "The request included a message larger than the max message size", type: "MESSAGE_TOO_LARGE", code: 10, retriable: false } as unknown as string);
    assert.deepStrictEqual([toKafkaError(tooLarge).kind, toKafkaError(tooLarge).retriable], ["rejected", false]);
    assert.strictEqual(toKafkaError("something odd").kind, "other");
  });
});

describe("lib/kafka records", function () {
  const msg = { topic: "in", payload: { deviceName: "truck-1", nested: { a: 1 }, n: 0, nil: null }, site: "s1" } as Record<string, unknown>;

  it("compiled templates give what renderTemplate gives", function () {
    for (const t of ["plain", "{deviceName}", "{site}", "{nested}", "{nested.a}", "{n}", "{nil}", "{missing}", "a.{deviceName}.{site}", "{payload.deviceName}", "{ deviceName }"]) {
      assert.strictEqual(compileTemplate(t)(msg), renderTemplate(t, msg), t);
    }
  });

  it("builds records with a text value, checks topics, and round-trips through the disk format", function () {
    const b = new RecordBuilder({ topic: "", key: "{deviceName}", valueFormat: "json", cloudEvents: true, ceSource: "", ceType: "" });
    const r = b.build(msg, "id-1");
    assert.deepStrictEqual({ topic: r.topic, key: r.key, value: r.value }, { topic: "in", key: "truck-1", value: JSON.stringify(msg.payload) });
    assert.strictEqual(r.headers["message-id"], "id-1");
    assert.strictEqual(r.headers.ce_source, "urn:edge-ai:truck-1");
    assert.throws(() => b.build({ ...msg, topic: "bad topic" }, "id-2"), /not a valid Kafka topic/);
    assert.throws(() => b.build({ payload: {} }, "id-3"), /no topic/);
    assert.deepStrictEqual(fromStored(toStored(r)), r);
    const raw = new RecordBuilder({ topic: "t", key: "", valueFormat: "raw", cloudEvents: false, ceSource: "", ceType: "" }).build({ payload: Buffer.from([0, 255]) }, "id-4");
    assert.deepStrictEqual(fromStored(toStored(raw)).value, Buffer.from([0, 255]));
    // records buffered by earlier versions: base64 bytes, no text flag
    assert.deepStrictEqual(fromStored({ topic: "t", key: null, value: Buffer.from("{}").toString("base64"), headers: {} }).value, Buffer.from("{}"));
  });

  it("the idempotent producer settings", function () {
    assert.deepStrictEqual(producerConfig({ idempotent: false }), { allowAutoTopicCreation: true, maxInFlightRequests: 1 });
    const idempotent = producerConfig({ idempotent: true });
    assert.strictEqual(idempotent.idempotent, true);
    assert.ok((idempotent.maxInFlightRequests ?? 0) >= 1 && (idempotent.maxInFlightRequests ?? 99) <= 5);
  });
});
