/**
 * kafkajs can report a produce request acknowledged although it never sent part of it: its retry skips every broker
 * that answered an earlier attempt, even when a partition's leadership moved to that broker in between (what
 * happens when a broker dies). test/kafka/broker-kill-reconcile.test.ts saw it under load: after the cluster was
 * replaced, edge-kafka-out confirmed records of two partitions that no cluster ever held. Here the same sequence is
 * played through kafkajs's own sendMessages, deterministically, against a scripted cluster — the brokers and leaders
 * of that run — and lib/kafka/client.ts's check must refuse the result, so the exporter sends the records again.
 */
import * as assert from "assert";
import { checkAcknowledged, notingPartitioner, partitionGiven, KafkaClientError, OutgoingRecord, ProduceRequest } from "../../lib/kafka/client";
import { unacknowledged } from "../../lib/kafka/acknowledged";

// kafkajs internals, driven as its producer drives them (tests may reach into the library; lib/ and nodes/ may not)
const createSendMessages = require("kafkajs/src/producer/sendMessages");
const createRetry = require("kafkajs/src/retry");
const { KafkaJSConnectionClosedError } = require("kafkajs/src/errors");

const TOPIC = "peer-fault";

interface TopicData {
  topic: string;
  partitions: Array<{ partition: number; messages: OutgoingRecord[] }>;
}

/** leaders by partition before and after the (scripted) metadata refresh: broker 1 takes over partitions 0 and 1 */
const BEFORE: Record<number, number> = { 0: 2, 1: 3, 2: 1, 3: 2 };
const AFTER: Record<number, number> = { 0: 1, 1: 1, 2: 3, 3: 2 };

function scriptedCluster() {
  let leaders = BEFORE;
  let attempt = 0;
  const written: Array<{ attempt: number; broker: number; partition: number; count: number }> = [];
  const brokers = new Map<number, { nodeId: number; produce: (req: { topicData: TopicData[] }) => Promise<unknown> }>();
  for (const nodeId of [1, 2, 3]) {
    brokers.set(nodeId, {
      nodeId,
      async produce({ topicData }) {
        // the first attempt: broker 1 answers, brokers 2 and 3 die with the request unanswered
        if (attempt === 1 && nodeId !== 1) throw new KafkaJSConnectionClosedError("Closed connection", { host: "127.0.0.1", port: 9000 + nodeId });
        for (const t of topicData) for (const p of t.partitions) written.push({ attempt, broker: nodeId, partition: p.partition, count: p.messages.length });
        return { topics: topicData.map((t) => ({ topicName: t.topic, partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode: 0, baseOffset: "0", logAppendTime: "-1", logStartOffset: "0" })) })) };
      },
    });
  }
  const cluster = {
    addMultipleTargetTopics: async () => {
      attempt++;
    },
    refreshMetadataIfNecessary: async () => undefined,
    refreshMetadata: async () => {
      leaders = AFTER; // the dead brokers' partitions have a new leader
    },
    isConnected: () => true,
    connect: async () => undefined,
    removeBroker: () => undefined,
    findTopicPartitionMetadata: () => [0, 1, 2, 3].map((partitionId) => ({ partitionId, leader: leaders[partitionId], partitionErrorCode: 0, replicas: [1, 2, 3], isr: [1, 2, 3] })),
    findLeaderForPartitions: (_topic: string, partitions: string[]) => {
      const out: Record<number, number[]> = {};
      for (const p of partitions.map(Number)) (out[leaders[p]] ??= []).push(p);
      return out;
    },
    findBroker: async ({ nodeId }: { nodeId: string }) => brokers.get(Number(nodeId)),
  };
  return { cluster, written };
}

const eosManager = {
  acquireBrokerLock: async () => undefined,
  releaseBrokerLock: async () => undefined,
  isTransactional: () => false,
  getSequence: () => 0,
  updateSequence: () => undefined,
  getProducerId: () => -1,
  getProducerEpoch: () => 0,
};
const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe("a produce request that kafkajs reports sent, but part of which no broker acknowledged", function () {
  it("kafkajs's retry skips the broker that took over the dead brokers' partitions; the client refuses that result", async function () {
    const { cluster, written } = scriptedCluster();
    const sendMessages = createSendMessages({ logger, cluster, partitioner: notingPartitioner(), eosManager, retrier: createRetry({ retries: 2, initialRetryTime: 1, maxRetryTime: 5 }) });
    const records: OutgoingRecord[] = Array.from({ length: 64 }, (_, n) => ({ key: `truck-${n % 16}`, value: JSON.stringify({ n }), headers: {} }));
    const request: ProduceRequest = { acks: -1, compression: "none", topics: [{ topic: TOPIC, records }] };

    const result = await sendMessages({ acks: -1, timeout: 3000, compression: 0, topicMessages: [{ topic: TOPIC, messages: records }] });

    // what the library did: partitions 0 and 1 were never written, and it resolved all the same
    const writtenPartitions = new Set(written.map((w) => w.partition));
    assert.deepStrictEqual([...writtenPartitions].sort(), [2, 3], `written: ${JSON.stringify(written)}`);
    assert.ok(records.every((r) => partitionGiven(r) !== undefined), "the partitioner noted every record's partition");
    assert.ok(records.some((r) => partitionGiven(r) === 0) && records.some((r) => partitionGiven(r) === 1), "records went to partitions 0 and 1");
    // what the client makes of it: not acknowledged, a retriable failure (the exporter sends the records again)
    assert.throws(
      () => checkAcknowledged(request, result),
      (err: unknown) => err instanceof KafkaClientError && err.kind === "unreachable" && err.retriable && /peer-fault\[0\], peer-fault\[1\]/.test(err.message),
    );
  });

  it("a request every partition of which was acknowledged passes", function () {
    assert.deepStrictEqual(
      unacknowledged(
        [{ topic: "a", partitions: [0, 1, 1, 0] }],
        [
          { topic: "a", partition: 1, errorCode: 0 },
          { topic: "a", partition: 0, errorCode: 0 },
        ],
      ),
      [],
    );
  });

  it("names each partition without an acknowledgement, one whose partition is not known, and one acknowledged with an error", function () {
    assert.deepStrictEqual(
      unacknowledged(
        [
          { topic: "a", partitions: [0, 1, undefined] },
          { topic: "b", partitions: [0] },
        ],
        [
          { topic: "a", partition: 0, errorCode: 0 },
          { topic: "a", partition: 1, errorCode: 6 },
          { topic: "c", partition: 0, errorCode: 0 },
        ],
      ),
      ["a[1]", "a[?]", "b[0]"],
    );
  });

  it("acks 0 asks for no answer: nothing to check", function () {
    const record: OutgoingRecord = { key: "k", value: "v", headers: {} };
    checkAcknowledged({ acks: 0, compression: "none", topics: [{ topic: "a", records: [record] }] }, []);
  });
});
