/** edge-lorawan-gateway: the Semtech packet-forwarder UDP protocol, so a store's LoRa gateway needs no network server in the cloud. */
import type { NodeAPI, Node, NodeDef, NodeMessage, Send, Done, Msg } from "../_shared/node-red";
import { errorText, numberSetting, throttledStatus } from "../_shared/node-red";
import { PacketForwarderServer, RETRY_IN_RX2, TxRefusedError } from "../../lib/lorawan/packet-forwarder-server";
import type { Txpk } from "../../lib/lorawan/packet-forwarder";
import type { DeduplicatedFrame } from "../../lib/lorawan/rxpk-deduplicator";
import { onInput } from "../_shared/guarded-input";

interface GatewayDef extends NodeDef {
  port: string;
  address: string;
  dedupWindowMs: string;
  txAckTimeoutMs: string;
}

export = function register(RED: NodeAPI): void {
  function EdgeLorawanGatewayNode(this: Node, config: GatewayDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const server = new PacketForwarderServer({
      port: numberSetting(config.port, 1700),
      address: config.address || "0.0.0.0",
      dedupWindowMs: numberSetting(config.dedupWindowMs, 200),
      txAckTimeoutMs: numberSetting(config.txAckTimeoutMs, 3000),
    });
    let lastWarning = 0;
    let fallbacks = 0;
    const status = throttledStatus(node, () => {
      const counts = { gateways: server.gateways.length, frames: server.frames, malformed: server.malformed, fallbacks };
      const text = RED._("edge-lorawan-gateway.status.counts", counts) + (fallbacks > 0 ? `, ${RED._("edge-lorawan-gateway.status.fallbacks", counts)}` : "");
      return { fill: server.malformed > 0 ? "yellow" : "green", shape: "dot", text };
    });

    server.on("frame", (frame: DeduplicatedFrame) => {
      const eui = frame.best.gatewayEui;
      node.send([{ topic: `lorawan/gateway/${eui.toLowerCase()}/rxpk`, payload: frame.best.rxpk, gatewayEui: eui, receptions: frame.receptions } as NodeMessage, null]);
      status.update();
    });
    server.on("stat", (gatewayEui: string, stat: Record<string, unknown>) => {
      node.send([null, { topic: `lorawan/gateway/${gatewayEui.toLowerCase()}/stat`, payload: stat, gatewayEui } as NodeMessage]);
    });
    server.on("malformed", (reason: string, from: string) => {
      status.update();
      // one warning a minute at most: a misconfigured device on the LAN must not flood the log
      if (Date.now() - lastWarning < 60000) return;
      lastWarning = Date.now();
      node.warn(RED._("edge-lorawan-gateway.errors.malformed", { from, reason, count: server.malformed }));
    });
    server.on("error", (err: Error) => node.error(errorText(err)));
    server.listen().then(
      (port) => node.status({ fill: "green", shape: "ring", text: RED._("edge-lorawan-gateway.status.listening", { port }) }),
      (err: unknown) => {
        node.error(RED._("edge-lorawan-gateway.errors.listen", { error: errorText(err) }));
        node.status({ fill: "red", shape: "ring", text: errorText(err) });
      },
    );

    onInput(node, (msg: Msg, _send: Send, done: Done) => {
      const body = (msg.payload ?? {}) as { txpk?: Txpk; fallback?: Txpk };
      const txpk = body.txpk ?? (msg.payload as Txpk);
      if (typeof msg.gatewayEui !== "string" || !txpk || typeof txpk.data !== "string") return done(new Error(RED._("edge-lorawan-gateway.errors.bad-downlink")));
      const gatewayEui = msg.gatewayEui;
      // the same frame in RX2 when the gateway could not make RX1 (TX_ACK TOO_LATE or a collision)
      const fallback = body.fallback && typeof body.fallback.data === "string" ? body.fallback : undefined;
      server
        .transmit(gatewayEui, txpk)
        .catch((err: unknown) => {
          if (!fallback || !(err instanceof TxRefusedError) || !RETRY_IN_RX2.has(err.code)) throw err;
          fallbacks++;
          status.update();
          return server.transmit(gatewayEui, fallback);
        })
        .then(
          () => done(),
          (err: unknown) => done(new Error(errorText(err))),
        );
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      status.stop();
      server.close().then(() => done(), () => done());
    });
  }

  RED.nodes.registerType("edge-lorawan-gateway", EdgeLorawanGatewayNode);
};
