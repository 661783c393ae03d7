import type { Kafka, Producer } from "kafkajs";
import type { Node } from "./node-red";

/** what edge-kafka-broker offers the nodes that use it */
export interface KafkaBrokerNode extends Node {
  kafka(): Kafka;
  producer(): Promise<Producer>;
}
