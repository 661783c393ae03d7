import type { Node } from "./node-red";
import type { KafkaClient, KafkaProducer } from "../../lib/kafka/client";
import type { ProducerSettings } from "../../lib/kafka/client-config";

/** what edge-kafka-broker offers the nodes that use it */
export interface KafkaBrokerNode extends Node {
  /** why this configuration can never work (a broker list that does not parse, SASL without a user); undefined when it can */
  configError: string | undefined;
  /** the brokers come from an environment variable that is not set (or are blank): `configError` says which, and is
   * no fault of the flow, so the nodes show it grey and leave the one log line to the broker node */
  notConfigured: boolean;
  /** the client of this configuration; throws with `configError` when there is one */
  client(): KafkaClient;
  /** the producer shared by every edge-kafka-out of this broker with the same settings; connected on first use */
  producer(settings?: Partial<ProducerSettings>): Promise<KafkaProducer>;
}
