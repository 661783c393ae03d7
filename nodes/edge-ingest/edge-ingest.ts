/** edge-ingest: a device's raw payload in, one validated, normalised event out; what is wrong leaves by the second output. */
import type { NodeAPI, Node, NodeDef, Send, Done, Msg } from "../_shared/node-red";
import { errorText, throttledStatus } from "../_shared/node-red";
import type { DeviceProfileNode } from "../_shared/device-profile";
import { IngestEngine, type IngestResult } from "../../lib/ingest/ingest-engine";
import { parseCalibrationTable } from "../../lib/ingest/calibration";
import { derivedEventId, eventIdOf, newEventId, withEventIdentity } from "../../lib/contract/message";
import { onInput } from "../_shared/guarded-input";
import { readSettings } from "../_shared/read-settings";
import * as settingsModule from "./settings";

export = function register(RED: NodeAPI): void {
  function EdgeIngestNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = readSettings(RED, node, settingsModule, def);
    if (!config) return;
    const profileNode = RED.nodes.getNode(config.profile) as DeviceProfileNode | null;
    let engine: IngestEngine | undefined;
    let setupProblem: string | undefined;
    // from the environment: read once, at deploy (Node-RED's env, the flow's and the group's first)
    const deviceName = config.deviceNameType === "env" ? String(RED.util.evaluateNodeProperty(config.deviceName, "env", node, {} as Msg) ?? "") : config.deviceName;
    if (config.deviceNameFrom === "fixed" && config.deviceNameType === "env" && !deviceName) setupProblem = RED._("edge-ingest.settings.unset-env", { field: "deviceName", name: config.deviceName });
    else if (!profileNode) setupProblem = RED._("edge-ingest.errors.no-profile");
    else if (!profileNode.profile) setupProblem = RED._("edge-ingest.errors.bad-profile", { problems: profileNode.problems.join("; ") });
    else {
      try {
        engine = new IngestEngine(profileNode.profile, {
          deviceNameFrom: config.deviceNameFrom,
          topicPattern: config.topicPattern,
          deviceNamePath: config.deviceNamePath,
          deviceName,
          outOfRange: config.outOfRange,
          payloadSchema: config.payloadSchema && config.payloadSchema.trim() ? JSON.parse(config.payloadSchema) : undefined,
          topicTemplate: config.topicTemplate,
          edgexDto: config.output === "edgex",
          originPath: config.originPath || undefined,
          calibration: parseCalibrationTable(config.calibration),
        });
      } catch (err) {
        setupProblem = errorText(err);
      }
    }
    if (setupProblem) {
      node.error(setupProblem);
      node.status({ fill: "red", shape: "ring", text: setupProblem.length > 80 ? `${setupProblem.slice(0, 77)}…` : setupProblem });
    }
    let out = 0;
    let rejected = 0;
    const status = throttledStatus(node, () => ({ fill: rejected > 0 ? "yellow" : "green", shape: "dot", text: RED._("edge-ingest.status.counts", { out, rejected }) }));

    // one message at a time, in arrival order: a profile's JSONata expressions make processing asynchronous, and
    // a device's events must leave in the order its readings came (edge-rules' timers read them in that order)
    let queue: Promise<void> = Promise.resolve();

    onInput(node, (msg: Msg, send: Send, done: Done) => {
      if (!engine) return done(new Error(setupProblem));
      const run = engine;
      const inputId = eventIdOf(msg);
      const eventId = inputId ? derivedEventId(inputId, node.id) : newEventId();
      const topic = typeof msg.topic === "string" ? msg.topic : undefined;
      const settle = (result: IngestResult) => {
        if (result.ok) {
          out++;
          send([withEventIdentity({ ...msg, payload: result.event, topic: result.topic }, result.event) as Msg, null]);
        } else {
          rejected++;
          send([null, { ...msg, error: { ...result.error, source: { id: node.id, type: "edge-ingest", name: node.name } } } as Msg]);
        }
        status.update();
        done();
      };
      const fail = (err: unknown) => done(err instanceof Error ? err : new Error(String(err)));
      // without JSONata the event is made at once, in arrival order by itself: no promise per message
      if (run.synchronous) {
        try {
          settle(run.processSync(msg.payload, topic, Date.now(), eventId));
        } catch (err) {
          fail(err);
        }
        return;
      }
      queue = queue.then(async () => {
        try {
          settle(await run.process(msg.payload, topic, Date.now(), eventId));
        } catch (err) {
          fail(err);
        }
      });
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      status.stop();
      done();
    });
  }

  RED.nodes.registerType("edge-ingest", EdgeIngestNode);
};
