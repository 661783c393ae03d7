/** edge-kafka-broker: the shared Kafka connection (bootstrap brokers, TLS, SASL) of edge-kafka-out and edge-kafka-in. */
import { Kafka, Producer } from "kafkajs";
import type { NodeAPI, Node, NodeDef } from "../_shared/node-red";
import type { KafkaBrokerNode } from "../_shared/kafka-broker";
import { numberSetting } from "../_shared/node-red";
import { kafkaConfig, producerConfig, BrokerCredentials, BrokerSettings } from "../../lib/kafka/client-config";

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
    /** one producer per setting (plain, idempotent), each connected on first use and again after a failure */
    const producers = new Map<string, { producer: Producer; connecting?: Promise<Producer> }>();

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

    node.producer = (settings = {}) => {
      const idempotent = settings.idempotent === true;
      const name = idempotent ? "idempotent" : "plain";
      let entry = producers.get(name);
      if (!entry) {
        entry = { producer: node.kafka().producer(producerConfig({ idempotent })) };
        producers.set(name, entry);
      }
      const e = entry;
      e.connecting ??= e.producer
        .connect()
        .then(() => e.producer)
        .catch((err) => {
          e.connecting = undefined;
          throw err;
        });
      return e.connecting;
    };

    node.on("close", (_removed: boolean, done: () => void) => {
      const all = [...producers.values()].map((e) => e.producer);
      producers.clear();
      Promise.all(all.map((p) => p.disconnect().catch(() => undefined))).finally(() => done());
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
