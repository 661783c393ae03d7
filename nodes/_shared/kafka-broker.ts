import type { Node } from "./node-red";
import type { KafkaClient, KafkaProducer } from "../../lib/kafka/client";
import type { ProducerSettings } from "../../lib/kafka/client-config";

/** what edge-kafka-broker offers the nodes that use it */
export interface KafkaBrokerNode extends Node {
  /** why this configuration can never work (a broker list that does not parse, SASL without a user); undefined when it can */
  configError: string | undefined;
  /** the client of this configuration; throws with `configError` when there is one */
  client(): KafkaClient;
  /** the producer shared by every edge-kafka-out of this broker with the same settings; connected on first use */
  producer(settings?: Partial<ProducerSettings>): Promise<KafkaProducer>;
}
