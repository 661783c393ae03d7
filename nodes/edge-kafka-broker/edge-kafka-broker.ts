/** edge-kafka-broker: the shared Kafka connection (bootstrap brokers, TLS, SASL) of edge-kafka-out and edge-kafka-in. */
import { Kafka, Producer } from "kafkajs";
import type { NodeAPI, Node, NodeDef } from "../_shared/node-red";
import type { KafkaBrokerNode } from "../_shared/kafka-broker";
import { numberSetting } from "../_shared/node-red";
import { kafkaConfig, BrokerCredentials, BrokerSettings } from "../../lib/kafka/client-config";

interface EdgeKafkaBrokerDef extends NodeDef {
  brokers: string;
  clientId: string;
  tls: boolean;
  rejectUnauthorized: boolean;
  sasl: BrokerSettings["sasl"];
  connectionTimeoutMs: string;
  requestTimeoutMs: string;
}

export = function register(RED: NodeAPI): void {
  function EdgeKafkaBrokerNode(this: Node, config: EdgeKafkaBrokerDef) {
    RED.nodes.createNode(this, config);
    const node = this as KafkaBrokerNode;
    const credentials = (node.credentials ?? {}) as BrokerCredentials;
    let client: Kafka | undefined;
    let connecting: Promise<Producer> | undefined;
    let producer: Producer | undefined;

    node.kafka = () => {
      client ??= new Kafka(
        kafkaConfig(
          {
            brokers: config.brokers,
            clientId: config.clientId,
            tls: config.tls === true,
            rejectUnauthorized: config.rejectUnauthorized !== false,
            sasl: config.sasl || "none",
            connectionTimeoutMs: numberSetting(config.connectionTimeoutMs, 3000),
            requestTimeoutMs: numberSetting(config.requestTimeoutMs, 10000),
          },
          credentials,
        ),
      );
      return client;
    };

    /** one producer shared by every edge-kafka-out using this broker; connected on first use, again after a failure */
    node.producer = () => {
      connecting ??= (async () => {
        // one request in flight per broker: a retried batch can never overtake a later one, so each key stays in order
        const p = producer ?? node.kafka().producer({ allowAutoTopicCreation: true, maxInFlightRequests: 1 });
        producer = p;
        await p.connect();
        return p;
      })().catch((err) => {
        connecting = undefined;
        throw err;
      });
      return connecting;
    };

    node.on("close", (_removed: boolean, done: () => void) => {
      const p = producer;
      producer = undefined;
      connecting = undefined;
      (p ? p.disconnect() : Promise.resolve()).catch(() => undefined).finally(() => done());
    });
  }

  RED.nodes.registerType("edge-kafka-broker", EdgeKafkaBrokerNode, {
    credentials: {
      ca: { type: "password" },
      cert: { type: "password" },
      key: { type: "password" },
      username: { type: "text" },
      password: { type: "password" },
    },
  });
};
