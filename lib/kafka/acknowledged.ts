/**
 * Which topic-partitions of a produce request no broker acknowledged, although the client library reported the
 * request sent.
 *
 * kafkajs 2.2.4 (sendMessages.js) retries a request that failed on some brokers, but skips every broker that
 * answered an earlier attempt, keyed by broker, not by partition. When a partition's leadership moves between
 * attempts to a broker that already answered — the usual case after a broker dies, as its partitions get a new
 * leader — the records of that partition are never sent again, and the request still resolves as acknowledged
 * (kafkajs issue #1303). So a request counts as acknowledged only when the acknowledgements name every
 * topic-partition its records went to; otherwise it failed and is sent again.
 */

export interface SentTopic {
  topic: string;
  /** the partition each record was given (undefined: not known) */
  partitions: Array<number | undefined>;
}

export interface Acknowledgement {
  topic: string;
  partition: number;
  /** the broker's error code for this partition (0: written) */
  errorCode: number;
}

/** the topic-partitions (as "topic[partition]", "topic[?]" when a record's partition is not known) without an acknowledgement */
export function unacknowledged(sent: SentTopic[], acks: Acknowledgement[]): string[] {
  const acked = new Set<string>();
  for (const a of acks) if (a.errorCode === 0) acked.add(`${a.topic}[${a.partition}]`);
  const missing = new Set<string>();
  for (const t of sent) {
    for (const p of t.partitions) {
      const name = `${t.topic}[${p ?? "?"}]`;
      if (p === undefined || !acked.has(name)) missing.add(name);
    }
  }
  return [...missing];
}
