import type { Kafka, Producer } from "kafkajs";
import type { Node } from "./node-red";
import type { ProducerSettings } from "../../lib/kafka/client-config";

/** what edge-kafka-broker offers the nodes that use it */
export interface KafkaBrokerNode extends Node {
  kafka(): Kafka;
  /** the producer shared by every edge-kafka-out of this broker with the same settings; connected on first use */
  producer(settings?: Partial<ProducerSettings>): Promise<Producer>;
}
