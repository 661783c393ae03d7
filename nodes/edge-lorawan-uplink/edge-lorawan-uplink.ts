/**
 * edge-lorawan-uplink: ChirpStack, TTN, rxpk or raw frames in; verified, decrypted, decoded events out; what is
 * wrong by the second output; Join-accepts for OTAA devices by the third (to edge-lorawan-gateway).
 */
import type { NodeAPI, Node, NodeDef, Send, Done, Msg } from "../_shared/node-red";
import { throttledStatus } from "../_shared/node-red";
import type { LorawanKeysNode } from "../_shared/lorawan-keys";
import { UplinkProcessor } from "../../lib/lorawan/uplink-processor";
import { LorawanError } from "../../lib/lorawan/lorawan-error";
import { renderTemplate } from "../../lib/common/template";
import { withEventIdentity } from "../../lib/contract/message";
import type { ReceptionContext, UplinkInput } from "../../lib/lorawan/uplink-input";
import { rx1Txpk, UplinkTiming } from "../../lib/lorawan/downlink";
import { onInput } from "../_shared/guarded-input";

/** LoRaWAN 1.0.x JOIN_ACCEPT_DELAY1 */
const JOIN_ACCEPT_DELAY1_S = 5;

/** where and when the frame was heard best, for an answer in its receive window */
function timingOf(input: UplinkInput): { gatewayEui: string; timing: UplinkTiming } | undefined {
  const best = input.radio.gateways.find((g) => g.tmst !== undefined);
  const radio = input.radio;
  if (!best || best.tmst === undefined || !radio.frequency || !radio.dataRate) return undefined;
  return { gatewayEui: best.gatewayId, timing: { tmst: best.tmst, freq: radio.frequency / 1e6, datr: radio.dataRate, codr: radio.codingRate ?? "4/5" } };
}

interface UplinkDef extends NodeDef {
  keys: string;
  topicTemplate: string;
}

export = function register(RED: NodeAPI): void {
  function EdgeLorawanUplinkNode(this: Node, config: UplinkDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const keys = RED.nodes.getNode(config.keys) as LorawanKeysNode | null;
    const setupProblem = !keys ? RED._("edge-lorawan-uplink.errors.no-keys") : keys.problem;
    if (setupProblem) node.status({ fill: "red", shape: "ring", text: setupProblem.length > 80 ? `${setupProblem.slice(0, 77)}…` : setupProblem });
    const processor = keys && keys.sessions ? new UplinkProcessor(keys.table, keys.sessions, (device, bytes, fPort, recvTime) => keys.codecs.decode(device, bytes, fPort, recvTime)) : undefined;
    const topicTemplate = config.topicTemplate || "edge/lorawan/{deviceName}";
    let out = 0;
    let rejected = 0;
    let joins = 0;
    const status = throttledStatus(node, () => ({ fill: rejected > 0 ? "yellow" : "green", shape: "dot", text: RED._(joins > 0 ? "edge-lorawan-uplink.status.countsJoins" : "edge-lorawan-uplink.status.counts", { out, rejected, joins }) }));

    onInput(node, (msg: Msg, send: Send, done: Done) => {
      if (!processor || !keys) return done(new Error(setupProblem ?? RED._("edge-lorawan-uplink.errors.no-keys")));
      const context: ReceptionContext = {
        receptions: Array.isArray(msg.receptions) ? (msg.receptions as ReceptionContext["receptions"]) : undefined,
        gatewayEui: typeof msg.gatewayEui === "string" ? msg.gatewayEui : undefined,
      };
      // the callbacks run in a promise: a throw there (e.g. Node-RED cloning a message too deep to copy for a second
      // wire) would be an unhandled rejection, which ends Node-RED. Each becomes done(err) instead.
      const guardedCallback =
        <T>(fn: (value: T) => void) =>
        (value: T) => {
          try {
            fn(value);
          } catch (err) {
            done(err instanceof Error ? err : new Error(String(err)));
          }
        };
      processor.process(msg.payload, context).then(
        guardedCallback((up) => {
          const heard = timingOf(up.input);
          if (up.kind === "join") {
            joins++;
            const accept = heard ? { txpk: rx1Txpk(up.joinAccept, heard.timing, 14, JOIN_ACCEPT_DELAY1_S) } : { joinAccept: up.joinAccept.toString("base64") };
            const lorawan = { devEui: up.device.devEui, devAddr: up.devAddr, devNonce: up.devNonce };
            send([null, null, { topic: `lorawan/${up.device.name}/join`, payload: accept, gatewayEui: heard?.gatewayEui, lorawan } as unknown as Msg]);
            status.update();
            return done();
          }
          out++;
          if (heard) {
            keys.lastUplink.set(up.device.devEui, { ...heard, at: Date.now() });
            keys.uplinks.emit("uplink", up.device.devEui);
          }
          const topic = renderTemplate(topicTemplate, { payload: up.event, devEui: up.device.devEui, fPort: up.fPort });
          const lorawan = { devEui: up.device.devEui, fCnt: up.fCnt, fPort: up.fPort, bytes: up.payload.toString("hex"), source: up.input.source };
          send([withEventIdentity({ ...msg, payload: up.event, topic, lorawan }, up.event) as Msg, null, null]);
          status.update();
          done();
        }),
        guardedCallback((err: unknown) => {
          if (!(err instanceof LorawanError)) return done(err instanceof Error ? err : new Error(String(err)));
          rejected++;
          send([null, { ...msg, error: { code: err.reason, message: err.message, source: { id: node.id, type: "edge-lorawan-uplink", name: node.name } } } as Msg, null]);
          status.update();
          done();
        }),
      );
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      status.stop();
      done();
    });
  }

  RED.nodes.registerType("edge-lorawan-uplink", EdgeLorawanUplinkNode);
};
