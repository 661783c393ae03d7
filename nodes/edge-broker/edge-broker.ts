/**
 * edge-broker: an MQTT broker inside Node-RED (aedes), so a gateway needs no separate broker. Devices connect to
 * it; edge-mqtt-bridge can read from it in-process. MQTT 3.1, 3.1.1 and 5 (aedes 2). Its output has the messages
 * published to a topic filter and its input publishes, so a flow uses the broker without an MQTT connection to
 * itself (four socket crossings inside one process per reading and command).
 */
import * as path from "path";
import type { NodeAPI, Node, NodeDef, Msg } from "../_shared/node-red";
import { errorText } from "../_shared/node-red";
import { readSettings } from "../_shared/read-settings";
import * as settingsModule from "./settings";
import { onInput } from "../_shared/guarded-input";
import { onFlowComplete } from "./flow-completions";
import { flowPayload, flowPublish, FlowPublishError, PayloadFormat } from "../../lib/mqtt/flow-message";
import { InFlight } from "../../lib/mqtt/in-flight";
import { isValidFilter } from "../../lib/mqtt/topic-filter";
import { ReasonCode } from "../../lib/mqtt/v5-acks";
import { EmbeddedBroker, EmbeddedBrokerProvider, Refusal } from "../../lib/mqtt/embedded-broker";
import type { BrokerMessage } from "../../lib/mqtt/embedded-broker";
import { BrokerAuth, parseAcl, parseUsers } from "../../lib/mqtt/broker-auth";
import type { SecretFields } from "../../lib/common/secret-map";
import { foldSecretEdits } from "../_shared/secret-credentials";
import { LogOnce } from "../../lib/common/log-once";
import { metrics } from "../../lib/fleet/metrics";

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
  /** the user names (their passwords are in the credentials); absent in flows saved before the list */
  userNames?: string[];
  /** the output's topic filter: "" (and in flows saved before the output) sends nothing */
  topic?: string;
  datatype?: PayloadFormat;
  /** messages the flow may hold before the broker refuses more (default 1000) */
  maxInFlight?: string;
}

interface EdgeBrokerCredentials {
  /** JSON {name: {password}}: every user's password */
  passwords?: string;
  /** JSON {name: {password?, from?}}: what the editor changed since the last deploy (see foldSecretEdits) */
  passwordEdits?: string;
  /** the old format, one `name:password` per line: read, then folded into `passwords` */
  users?: string;
  cert?: string;
  key?: string;
  ca?: string;
}

const STATUS_INTERVAL_MS = 2000;
/** a message no node completed in this long stops counting against the bound (a node that never calls done) */
const IN_FLIGHT_EXPIRE_MS = 30000;

/** the CONNACK answers of a refused login (MQTT 3.1.1 return codes, MQTT 5 reason codes) */
const CONNACK_REFUSALS = ["CONNACK 4", "CONNACK 5", "CONNACK 0x86", "CONNACK 0x87"];

function versionName(level: number): string {
  return level === 5 ? "MQTT 5" : level === 4 ? "MQTT 3.1.1" : level === 3 ? "MQTT 3.1" : `protocol level ${level}`;
}

/** running nodes' user names, for the editor (the passwords never leave the runtime) */
const userNamesById = new Map<string, string[]>();


function legacyUsers(text: string | undefined): Record<string, SecretFields> {
  return Object.fromEntries([...parseUsers(text)].map(([name, password]) => [name, { password }]));
}

export = function register(RED: NodeAPI): void {
  function EdgeBrokerNodeCtor(this: Node, def: EdgeBrokerDef) {
    RED.nodes.createNode(this, def);
    const node = this as Node & EmbeddedBrokerProvider;
    const config = readSettings(RED, node, settingsModule, def);
    if (!config) {
      // settings that cannot be used: logged and shown red by readSettings; a bridge using this broker says why
      const unusable = Promise.reject(new Error(RED._("edge-broker.status.failed")));
      unusable.catch(() => undefined);
      node.broker = () => unusable;
      return;
    }
    const credentials = (node.credentials ?? {}) as EdgeBrokerCredentials;
    const userDir = RED.settings.userDir ?? process.cwd();
    const dataDir = config.dataDir ? path.resolve(userDir, config.dataDir) : path.join(userDir, "edge-broker", node.id.replace(/[^\w.-]/g, "_"));
    let statusTimer: NodeJS.Timeout | undefined;

    const refusals = new LogOnce((text) => node.warn(text));
    const listed = config.userNames;

    // the flow side: what the output sends, what the flow still holds of it, and the input's publishes
    const outFilter = config.topic.trim();
    const format: PayloadFormat = config.datatype;
    const maxInFlight = config.maxInFlight;
    const inFlight = new InFlight({ limit: maxInFlight, expireMs: IN_FLIGHT_EXPIRE_MS });
    const stopCompletions = outFilter ? onFlowComplete(RED, (id) => inFlight.complete(id)) : undefined;
    /** this node's own publishes skip its output (MQTT 5's No Local): a flow republishing what it reads does not loop */
    const owner = {};
    let unsubscribe: (() => Promise<void>) | undefined;
    // Node-RED's generateId draws random bytes per call (2 % of the busy time at 5,000 messages/s): a random
    // prefix per deploy and a counter are as unique within the runtime
    const idPrefix = RED.util.generateId();
    let idCount = 0;
    const nextMsgId = () => `${idPrefix}.${(idCount++).toString(36)}`;
    const wiredCount = () => ((node as unknown as { wires?: string[][] }).wires?.[0] ?? []).length;

    const starting = (async () => {
      const passwords = foldSecretEdits(RED, node, {
        storedKey: "passwords",
        editsKey: "passwordEdits",
        listed,
        legacy: { key: "users", entries: legacyUsers(credentials.users) },
      });
      const users = new Map<string, string>();
      for (const name of listed ?? Object.keys(passwords)) {
        const password = passwords[name]?.password;
        if (password) users.set(name, password);
        else node.warn(RED._("edge-broker.warnings.no-password", { user: name }));
      }
      userNamesById.set(node.id, listed ?? [...users.keys()]);
      const auth = new BrokerAuth(users, parseAcl(config.acl), config.allowAnonymous);
      if (config.tls && (!credentials.cert || !credentials.key)) throw new Error(RED._("edge-broker.errors.tls-material"));
      return EmbeddedBroker.start({
        host: config.host,
        port: config.port,
        tls: config.tls ? { cert: credentials.cert!, key: credentials.key!, ca: credentials.ca } : undefined,
        ws: config.ws ? { port: config.wsPort, path: config.wsPath } : undefined,
        dataDir,
        auth,
      });
    })();
    node.broker = () => starting;

    function startOutput(broker: EmbeddedBroker): void {
      if (!isValidFilter(outFilter)) {
        node.error(RED._("edge-broker.errors.filter", { filter: outFilter }));
        return;
      }
      /** hands a message to the flow; false when the flow holds its bound and it was not sent */
      const toFlow = (message: BrokerMessage, origin: { clientId: string }): boolean => {
        let payload: unknown;
        try {
          payload = flowPayload(message.payload, format);
        } catch (err) {
          // acknowledged: the device sent what it meant to; the flow's Catch node has the bytes and the reason
          node.error(RED._("edge-broker.errors.payload-format", { topic: message.topic, format, error: errorText(err) }), { topic: message.topic, payload: message.payload, qos: message.qos, retain: message.retain, clientId: origin.clientId });
          return true;
        }
        const id = nextMsgId();
        if (stopCompletions && !inFlight.admit(id, wiredCount())) return false;
        const msg: Record<string, unknown> = { _msgid: id, topic: message.topic, payload, qos: message.qos, retain: message.retain, clientId: origin.clientId };
        if (message.properties) Object.assign(msg, message.properties);
        node.send(msg as Msg);
        return true;
      };
      const handler = async (message: BrokerMessage, origin: { clientId: string }): Promise<void> => {
        // a QoS 0 message the flow has no room for is dropped (counted in the status): nothing to withhold
        if (toFlow(message, origin) || message.qos === 0) return;
        // not acknowledged: MQTT 5 devices get PUBACK/PUBREC 0x97, MQTT 3.1.1 ones a closed connection, and send it again
        throw Object.assign(new Error(RED._("edge-broker.errors.flow-busy", { limit: maxInFlight })), { reasonCode: ReasonCode.QUOTA_EXCEEDED });
      };
      // as an MQTT subscription does, the output starts with the last known state: the retained messages matching
      // its filter (a shelf's last reading, a door's state), read after subscribing so nothing falls in between
      const replayRetained = async (): Promise<void> => {
        let unsent = 0;
        for (const message of await broker.retained(outFilter)) if (!toFlow(message, { clientId: "" })) unsent++;
        if (unsent > 0) node.warn(RED._("edge-broker.warnings.retained-unsent", { count: unsent, limit: maxInFlight }));
      };
      broker
        .subscribe(outFilter, handler, { owner })
        .then((stop) => {
          unsubscribe = stop;
          return replayRetained();
        })
        .catch((err: unknown) => node.error(errorText(err)));
    }

    onInput(node, async (msg, _send, done) => {
      let message: BrokerMessage;
      try {
        message = flowPublish(msg);
      } catch (err) {
        if (err instanceof FlowPublishError) return done(new Error(RED._(`edge-broker.errors.publish-${err.code}`, { detail: err.detail })));
        throw err;
      }
      let broker: EmbeddedBroker;
      try {
        broker = await starting;
      } catch (err) {
        return done(new Error(RED._("edge-broker.errors.not-running", { error: errorText(err) })));
      }
      await broker.publish(message, owner);
      done();
    });

    node.status({ fill: "yellow", shape: "ring", text: RED._("edge-broker.status.starting") });
    starting.then(
      (broker) => {
        metrics.source(node.id, () => [{ name: "edge_broker_clients", labels: {}, value: broker.clients }]);
        // a client retrying with a bad password would log a line per attempt: each distinct refusal once, until
        // that user gets in again
        // "disconnected" and "dropped" are words for the log; codes ("PUBACK 0x97") stay as they are
        const answerText = (answer: string) => (answer === "disconnected" || answer === "dropped" ? RED._(`edge-broker.answer.${answer}`) : answer);
        const refusalText = (r: Omit<Refusal, "what"> & { what?: string }) =>
          RED._(`edge-broker.warnings.denied-${r.kind}`, { user: r.user || "-", what: r.what ?? "", answer: answerText(r.answer), version: versionName(r.protocolVersion), error: r.error ?? "" });
        // the gateway's own subscriber failing is the gateway's error, not the client's: each distinct error once
        const failures = new LogOnce((text) => node.error(text));
        broker.on("denied", (r: Refusal) => {
          // per reason, not per topic or client id
          if (r.kind === "delivery") failures.log(refusalText({ ...r, what: undefined }));
          else refusals.log(refusalText(r.kind === "auth" || r.kind === "anonymous" ? { ...r, what: undefined } : r));
        });
        broker.on("accepted", (user: string) => {
          for (const protocolVersion of [4, 5])
            for (const answer of CONNACK_REFUSALS) refusals.reset(refusalText({ kind: user ? "auth" : "anonymous", user, answer, protocolVersion }));
        });
        broker.on("error", (err: unknown) => failures.log(errorText(err)));
        if (outFilter) startOutput(broker);
        const showStatus = () => {
          inFlight.sweep();
          const base = broker.refused > 0
            ? RED._("edge-broker.status.running-refused", { clients: broker.clients, rate: Math.round(broker.messagesPerSecond()), refused: broker.refused })
            : RED._("edge-broker.status.running", { clients: broker.clients, rate: Math.round(broker.messagesPerSecond()) });
          const flowPart = inFlight.refused > 0 ? RED._("edge-broker.status.flow-refused", { count: inFlight.refused }) : "";
          // the flow holding its bound is not the broker doing its job: yellow until it catches up
          if (inFlight.full) node.status({ fill: "yellow", shape: "ring", text: RED._("edge-broker.status.flow-busy", { held: inFlight.size, refused: inFlight.refused }) });
          else node.status({ fill: "green", shape: "dot", text: base + flowPart });
        };
        showStatus();
        statusTimer = setInterval(showStatus, STATUS_INTERVAL_MS);
        node.log(RED._("edge-broker.log.listening", { host: config.host, port: broker.port, ws: broker.wsPort ? ` ws:${broker.wsPort}` : "" }));
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
      userNamesById.delete(node.id);
      stopCompletions?.();
      void unsubscribe?.();
      starting
        .then((broker) => broker.close())
        .catch(() => undefined)
        .finally(() => done());
    });
  }

  // the editor lists the users of a flow saved before the names were in the config (they were in a credential)
  RED.httpAdmin.get("/edge-broker/:id/users", RED.auth.needsPermission("edge-broker.read"), (req, res) => {
    const names = userNamesById.get(String(req.params.id));
    if (names) res.json({ users: names });
    else res.sendStatus(404);
  });

  RED.nodes.registerType("edge-broker", EdgeBrokerNodeCtor, {
    credentials: {
      passwords: { type: "password" },
      passwordEdits: { type: "password" },
      users: { type: "password" },
      cert: { type: "password" },
      key: { type: "password" },
      ca: { type: "password" },
    },
  });
};
