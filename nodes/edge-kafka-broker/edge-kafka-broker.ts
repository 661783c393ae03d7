/** edge-kafka-broker: the shared Kafka connection (bootstrap brokers, TLS, SASL) of edge-kafka-out and edge-kafka-in. */
import type { NodeAPI, Node, NodeDef } from "../_shared/node-red";
import type { KafkaBrokerNode } from "../_shared/kafka-broker";
import { errorText } from "../_shared/node-red";
import { readSettings } from "../_shared/read-settings";
import * as settingsModule from "./settings";
import { clientOptions, BrokerCredentials } from "../../lib/kafka/client-config";
import { createKafkaClient, ClientOptions, KafkaClient, KafkaProducer } from "../../lib/kafka/client";
import { unsetSetting } from "../../lib/common/unset-setting";

export = function register(RED: NodeAPI): void {
  function EdgeKafkaBrokerNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this as KafkaBrokerNode;
    const credentials = (node.credentials ?? {}) as BrokerCredentials;
    let options: ClientOptions | undefined;
    node.notConfigured = false;
    node.configError = undefined;
    // settings that cannot be used are logged by readSettings, with every problem; the nodes using it say so too
    const config = readSettings(RED, node, settingsModule, def);
    const unset = config ? unsetSetting(config.brokers) : undefined;
    if (!config) node.configError = RED._("edge-kafka-broker.errors.settings");
    else if (unset) {
      // a gateway whose Kafka is not configured yet (KAFKA_BROKERS not set): said once, calmly, here only
      node.notConfigured = true;
      node.configError = unset.variable ? RED._("edge-kafka-broker.errors.unset-variable", { name: unset.variable }) : RED._("edge-kafka-broker.errors.no-brokers");
      node.warn(RED._("edge-kafka-broker.errors.not-configured", { why: node.configError }));
    } else {
      try {
        options = clientOptions(config, credentials);
      } catch (err) {
        // a configuration that can never work: said once here, and by every node that uses it (status, Catch)
        node.configError = errorText(err);
        node.error(RED._("edge-kafka-broker.errors.config", { error: node.configError }));
      }
    }
    let client: KafkaClient | undefined;
    /** one producer per setting (plain, idempotent), each connected on first use and again after a failure */
    const producers = new Map<string, { producer: KafkaProducer; connecting?: Promise<KafkaProducer> }>();
    let closed = false;

    node.client = () => {
      if (!options) throw new Error(node.configError);
      client ??= createKafkaClient(options);
      return client;
    };

    node.producer = (settings = {}) => {
      if (closed) return Promise.reject(new Error(RED._("edge-kafka-broker.errors.closed")));
      const idempotent = settings.idempotent === true;
      const name = idempotent ? "idempotent" : "plain";
      let entry = producers.get(name);
      if (!entry) {
        try {
          entry = { producer: node.client().producer({ idempotent }) };
        } catch (err) {
          return Promise.reject(err);
        }
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
      closed = true;
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
