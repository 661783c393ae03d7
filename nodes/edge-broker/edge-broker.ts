/**
 * edge-broker: an MQTT broker inside Node-RED (aedes), so a gateway needs no separate broker. Devices connect to
 * it; edge-mqtt-bridge can read from it in-process. aedes speaks MQTT 3.1/3.1.1 and refuses MQTT 5 clients.
 */
import * as path from "path";
import type { NodeAPI, Node, NodeDef } from "../_shared/node-red";
import { errorText, numberSetting } from "../_shared/node-red";
import { EmbeddedBroker, DenialKind, EmbeddedBrokerProvider } from "../../lib/mqtt/embedded-broker";
import { BrokerAuth, parseAcl, parseUsers } from "../../lib/mqtt/broker-auth";

interface EdgeBrokerDef extends NodeDef {
  host: string;
  port: string;
  tls: boolean;
  ws: boolean;
  wsPort: string;
  wsPath: string;
  allowAnonymous: boolean;
  acl: string;
  dataDir: string;
}

interface EdgeBrokerCredentials {
  users?: string;
  cert?: string;
  key?: string;
  ca?: string;
}

const STATUS_INTERVAL_MS = 2000;

export = function register(RED: NodeAPI): void {
  function EdgeBrokerNodeCtor(this: Node, config: EdgeBrokerDef) {
    RED.nodes.createNode(this, config);
    const node = this as Node & EmbeddedBrokerProvider;
    const credentials = (node.credentials ?? {}) as EdgeBrokerCredentials;
    const userDir = RED.settings.userDir ?? process.cwd();
    const dataDir = config.dataDir ? path.resolve(userDir, config.dataDir) : path.join(userDir, "edge-broker", node.id.replace(/[^\w.-]/g, "_"));
    let statusTimer: NodeJS.Timeout | undefined;

    const starting = (async () => {
      const auth = new BrokerAuth(parseUsers(credentials.users), parseAcl(config.acl), config.allowAnonymous !== false);
      if (config.tls && (!credentials.cert || !credentials.key)) throw new Error(RED._("edge-broker.errors.tls-material"));
      return EmbeddedBroker.start({
        host: config.host || "127.0.0.1",
        port: numberSetting(config.port, 1883),
        tls: config.tls ? { cert: credentials.cert!, key: credentials.key!, ca: credentials.ca } : undefined,
        ws: config.ws ? { port: numberSetting(config.wsPort, 8080), path: config.wsPath || "/mqtt" } : undefined,
        dataDir,
        auth,
      });
    })();
    node.broker = () => starting;

    node.status({ fill: "yellow", shape: "ring", text: RED._("edge-broker.status.starting") });
    starting.then(
      (broker) => {
        broker.on("denied", (kind: DenialKind, user: string, what: string) => node.warn(RED._(`edge-broker.warnings.denied-${kind}`, { user: user || "-", what: what ?? "" })));
        broker.on("error", (err: unknown) => node.error(errorText(err)));
        const showStatus = () =>
          node.status({ fill: "green", shape: "dot", text: RED._("edge-broker.status.running", { clients: broker.clients, rate: Math.round(broker.messagesPerSecond()) }) });
        showStatus();
        statusTimer = setInterval(showStatus, STATUS_INTERVAL_MS);
        node.log(RED._("edge-broker.log.listening", { host: config.host || "127.0.0.1", port: broker.port, ws: broker.wsPort ? ` ws:${broker.wsPort}` : "" }));
      },
      (err: unknown) => {
        node.status({ fill: "red", shape: "ring", text: RED._("edge-broker.status.failed") });
        node.error(RED._("edge-broker.errors.start", { error: errorText(err) }));
      },
    );
    // nobody may be waiting for broker(): keep a failed start from becoming an unhandled rejection
    starting.catch(() => undefined);

    node.on("close", (_removed: boolean, done: () => void) => {
      clearInterval(statusTimer);
      starting
        .then((broker) => broker.close())
        .catch(() => undefined)
        .finally(() => done());
    });
  }

  RED.nodes.registerType("edge-broker", EdgeBrokerNodeCtor, {
    credentials: {
      users: { type: "password" },
      cert: { type: "password" },
      key: { type: "password" },
      ca: { type: "password" },
    },
  });
};
