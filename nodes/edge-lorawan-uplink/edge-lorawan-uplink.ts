/**
 * edge-lorawan-uplink: ChirpStack, TTN, rxpk or raw frames in; verified, decrypted, decoded events out; what is
 * wrong by the second output; Join-accepts for OTAA devices and ACKs of confirmed uplinks by the third (to
 * edge-lorawan-gateway).
 */
import type { NodeAPI, Node, NodeDef, Send, Done, Msg } from "../_shared/node-red";
import { readSettings } from "../_shared/read-settings";
import * as settingsModule from "./settings";
import { throttledStatus } from "../_shared/node-red";
import type { LorawanKeysNode } from "../_shared/lorawan-keys";
import { UplinkProcessor } from "../../lib/lorawan/uplink-processor";
import { LorawanError } from "../../lib/lorawan/lorawan-error";
import { renderTemplate } from "../../lib/common/template";
import { withEventIdentity } from "../../lib/contract/message";
import type { GatewayReception, ReceptionContext, UplinkInput } from "../../lib/lorawan/uplink-input";
import { UplinkTiming, windowTxpk } from "../../lib/lorawan/downlink";
import type { Transmission } from "../../lib/lorawan/downlink-scheduler";
import type { LorawanDevice } from "../../lib/lorawan/device-table";
import { onInput } from "../_shared/guarded-input";

/** LoRaWAN 1.0.x JOIN_ACCEPT_DELAY1 */
const JOIN_ACCEPT_DELAY1_S = 5;

/** where and when the frame was heard best, for an answer in its receive window */
function timingOf(input: UplinkInput): { gatewayEui: string; timing: UplinkTiming } | undefined {
  // the gateway that heard it best (highest SNR) is the likeliest to reach the device
  const best = input.radio.gateways.filter((g) => g.tmst !== undefined).reduce<GatewayReception | undefined>((a, g) => (!a || (g.snr ?? -100) > (a.snr ?? -100) ? g : a), undefined);
  const radio = input.radio;
  if (!best || best.tmst === undefined || !radio.frequency || !radio.dataRate) return undefined;
  return { gatewayEui: best.gatewayId, timing: { tmst: best.tmst, freq: radio.frequency / 1e6, datr: radio.dataRate, codr: radio.codingRate ?? "4/5" } };
}

export = function register(RED: NodeAPI): void {
  function EdgeLorawanUplinkNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = readSettings(RED, node, settingsModule, def);
    if (!config) return;
    const keys = RED.nodes.getNode(config.keys) as LorawanKeysNode | null;
    const setupProblem = !keys ? RED._("edge-lorawan-uplink.errors.no-keys") : keys.problem;
    if (setupProblem) node.status({ fill: "red", shape: "ring", text: setupProblem.length > 80 ? `${setupProblem.slice(0, 77)}…` : setupProblem });
    const processor = keys && keys.sessions ? new UplinkProcessor(keys.table, keys.sessions, (device, bytes, fPort, recvTime) => keys.codecs.decode(device, bytes, fPort, recvTime)) : undefined;
    const topicTemplate = config.topicTemplate;
    let out = 0;
    let rejected = 0;
    let joins = 0;
    let acks = 0;
    let retransmissions = 0;
    const status = throttledStatus(node, () => {
      const counts = { out, rejected, joins, acks, retransmissions };
      const text = [RED._("edge-lorawan-uplink.status.counts", counts)];
      if (joins > 0) text.push(RED._("edge-lorawan-uplink.status.joins", counts));
      if (acks > 0 || retransmissions > 0) text.push(RED._("edge-lorawan-uplink.status.acks", counts));
      return { fill: rejected > 0 ? "yellow" : "green", shape: "dot", text: text.join(", ") };
    });

    const refuse = (msg: Msg, send: Send, err: LorawanError) => {
      rejected++;
      send([null, { ...msg, error: { code: err.reason, message: err.message, source: { id: node.id, type: "edge-lorawan-uplink", name: node.name } } } as Msg, null]);
    };
    /** a frame to the gateway, through the third output */
    const toGateway = (send: Send, tx: Transmission, device: LorawanDevice, lorawan: Record<string, unknown>) => {
      acks++;
      send([null, null, { topic: `lorawan/${device.name}/ack`, payload: { txpk: tx.txpk, ...(tx.fallback ? { fallback: tx.fallback } : {}) }, gatewayEui: tx.gatewayEui, lorawan: { devEui: device.devEui, fCntDown: tx.fCntDown, window: tx.window, ack: tx.ack, ...lorawan } } as unknown as Msg]);
    };

    const handle = async (msg: Msg, send: Send): Promise<void> => {
      const context: ReceptionContext = {
        receptions: Array.isArray(msg.receptions) ? (msg.receptions as ReceptionContext["receptions"]) : undefined,
        gatewayEui: typeof msg.gatewayEui === "string" ? msg.gatewayEui : undefined,
      };
      let up: Awaited<ReturnType<UplinkProcessor["process"]>>;
      try {
        up = await processor!.process(msg.payload, context);
      } catch (err) {
        if (!(err instanceof LorawanError)) throw err;
        return refuse(msg, send, err);
      }
      const heard = timingOf(up.input);
      if (up.kind === "join") {
        joins++;
        let accept: Record<string, unknown>;
        try {
          // the Join-accept goes in RX1 of the request with the region's defaults: the device has no settings yet
          // and RX2 a second later (JOIN_ACCEPT_DELAY2) when the gateway cannot make RX1
          const window = { delayS: JOIN_ACCEPT_DELAY1_S, rx1DrOffset: 0, regionRx2: true };
          accept = heard
            ? { txpk: windowTxpk(up.device, up.joinAccept, "rx1", heard.timing, window), fallback: windowTxpk(up.device, up.joinAccept, "rx2", heard.timing, window) }
            : { joinAccept: up.joinAccept.toString("base64") };
        } catch (err) {
          if (!(err instanceof LorawanError)) throw err;
          return refuse(msg, send, err);
        }
        const lorawan = { devEui: up.device.devEui, devAddr: up.devAddr, devNonce: up.devNonce };
        send([null, null, { topic: `lorawan/${up.device.name}/join`, payload: accept, gatewayEui: heard?.gatewayEui, lorawan } as unknown as Msg]);
        return;
      }
      const downlinks = keys!.downlinks;
      if (up.kind === "retransmission") {
        // not new: no event; the device missed our ACK, so it gets the same frame again
        retransmissions++;
        const tx = heard && downlinks ? await downlinks.uplink(up.device, heard.gatewayEui, heard.timing, { fCnt: up.fCnt, confirmed: up.confirmed, retransmission: true }) : undefined;
        if (tx) toGateway(send, tx, up.device, { fCnt: up.fCnt, retransmission: true, repeated: tx.repeated, count: up.count });
        return;
      }
      out++;
      const topic = renderTemplate(topicTemplate, { payload: up.event, devEui: up.device.devEui, fPort: up.fPort });
      const lorawan = { devEui: up.device.devEui, fCnt: up.fCnt, fPort: up.fPort, confirmed: up.confirmed, bytes: up.payload.toString("hex"), source: up.input.source };
      send([withEventIdentity({ ...msg, payload: up.event, topic, lorawan }, up.event) as Msg, null, null]);
      if (!heard || !downlinks || up.fCnt === undefined) return;
      const tx = await downlinks.uplink(up.device, heard.gatewayEui, heard.timing, { fCnt: up.fCnt, confirmed: up.confirmed, retransmission: false });
      if (tx) toGateway(send, tx, up.device, { fCnt: up.fCnt, retransmission: false });
    };

    onInput(node, (msg: Msg, send: Send, done: Done) => {
      if (!processor || !keys) return done(new Error(setupProblem ?? RED._("edge-lorawan-uplink.errors.no-keys")));
      // a throw on the way (e.g. Node-RED cloning a message too deep to copy for a second wire) becomes done(err),
      // never an unhandled rejection, which would end Node-RED
      handle(msg, send).then(
        () => {
          status.update();
          done();
        },
        (err: unknown) => {
          status.update();
          done(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      status.stop();
      done();
    });
  }

  RED.nodes.registerType("edge-lorawan-uplink", EdgeLorawanUplinkNode);
};
