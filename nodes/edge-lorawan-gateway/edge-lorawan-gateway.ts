/**
 * edge-lorawan-gateway: the Semtech packet-forwarder UDP protocol and, when enabled, LoRa Basics Station's LNS
 * protocol over WebSocket, so a store's LoRa gateway needs no network server in the cloud. Frames of both leave
 * on the same output in the same rxpk shape; a downlink goes to whichever protocol its gateway is connected by.
 */
import type { NodeAPI, Node, NodeDef, NodeMessage, Send, Done, Msg } from "../_shared/node-red";
import { errorText, throttledStatus } from "../_shared/node-red";
import { readSettings } from "../_shared/read-settings";
import * as settingsModule from "./settings";
import { PacketForwarderServer, RETRY_IN_RX2, TxRefusedError } from "../../lib/lorawan/packet-forwarder-server";
import type { Txpk } from "../../lib/lorawan/packet-forwarder";
import type { DeduplicatedFrame } from "../../lib/lorawan/rxpk-deduplicator";
import { onInput } from "../_shared/guarded-input";
import { LnsServer } from "../../lib/lorawan/basics-station/lns-server";
import type { StationTxConfirmation, StationVersion } from "../../lib/lorawan/basics-station/lns-messages";
import { stationSettings } from "../../lib/lorawan/basics-station/station-settings";
import { REGIONS } from "../../lib/lorawan/regions";
import { LogOnce } from "../../lib/common/log-once";

interface GatewayCredentials {
  stationCert?: string;
  stationKey?: string;
  stationKeyPassphrase?: string;
  stationToken?: string;
}

export = function register(RED: NodeAPI): void {
  function EdgeLorawanGatewayNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const read = readSettings(RED, node, settingsModule, def);
    if (!read) return;
    const config = read;
    const creds = (node.credentials ?? {}) as GatewayCredentials;
    const server = new PacketForwarderServer({
      port: config.port,
      address: config.address,
      dedupWindowMs: config.dedupWindowMs,
      txAckTimeoutMs: config.txAckTimeoutMs,
    });
    let lastWarning = 0;
    let fallbacks = 0;
    let station: LnsServer | undefined;
    let stationFailed: string | undefined;
    const stationLog = new LogOnce();
    const status = throttledStatus(node, () => {
      const malformed = server.malformed + (station?.malformed ?? 0);
      const counts = { gateways: server.gateways.length, frames: server.frames + (station?.frames ?? 0), malformed, fallbacks, stations: station?.stations.length ?? 0 };
      const text =
        RED._("edge-lorawan-gateway.status.counts", counts) +
        (station ? `, ${RED._("edge-lorawan-gateway.status.stations", counts)}` : "") +
        (fallbacks > 0 ? `, ${RED._("edge-lorawan-gateway.status.fallbacks", counts)}` : "");
      if (stationFailed) return { fill: "red", shape: "ring", text: stationFailed };
      return { fill: malformed > 0 ? "yellow" : "green", shape: "dot", text };
    });

    const onFrame = (frame: DeduplicatedFrame) => {
      const eui = frame.best.gatewayEui;
      node.send([{ topic: `lorawan/gateway/${eui.toLowerCase()}/rxpk`, payload: frame.best.rxpk, gatewayEui: eui, receptions: frame.receptions } as NodeMessage, null]);
      status.update();
    };
    server.on("frame", onFrame);
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
      // a Basics Station that could not start keeps the status red
      (port) => (stationFailed ? status.update() : node.status({ fill: "green", shape: "ring", text: RED._("edge-lorawan-gateway.status.listening", { port }) })),
      (err: unknown) => {
        node.error(RED._("edge-lorawan-gateway.errors.listen", { error: errorText(err) }));
        node.status({ fill: "red", shape: "ring", text: errorText(err) });
      },
    );

    if (config.stationEnabled) startStation();

    function startStation(): void {
      try {
        const settings = stationSettings({
          region: config.stationRegion,
          subBand: config.stationSubBand,
          netIds: config.stationNetIds,
          joinEuis: config.stationJoinEuis,
          cert: creds.stationCert,
          key: creds.stationKey,
          passphrase: creds.stationKeyPassphrase,
          token: creds.stationToken,
        });
        station = new LnsServer({
          port: config.stationPort,
          address: config.address,
          region: REGIONS[settings.region],
          routerConfig: settings.routerConfig,
          tls: settings.tls,
          authorization: settings.authorization,
          dedupWindowMs: config.dedupWindowMs,
          dntxedTimeoutMs: config.txAckTimeoutMs,
        });
      } catch (err) {
        stationFailed = RED._("edge-lorawan-gateway.errors.station-settings", { error: errorText(err) });
        node.error(stationFailed);
        status.update();
        return;
      }
      const lns = station;
      lns.on("frame", onFrame);
      lns.on("station", (eui: string, state: string, version?: StationVersion) => {
        node.send([null, { topic: `lorawan/gateway/${eui.toLowerCase()}/station`, payload: { state, protocol: "basics-station", ...(version ? { version } : {}) }, gatewayEui: eui } as NodeMessage]);
        status.update();
      });
      lns.on("dntxed", (eui: string, tx: StationTxConfirmation) => {
        const payload = { diid: Number(tx.diid), devEui: tx.devEui?.toString(16).toUpperCase().padStart(16, "0"), txtime: tx.txtime, xtime: tx.xtime?.toString(), gpstime: tx.gpstime?.toString() };
        node.send([null, { topic: `lorawan/gateway/${eui.toLowerCase()}/dntxed`, payload, gatewayEui: eui } as NodeMessage]);
      });
      // each kind of refusal once (numbers and quoted excerpts aside): a broken or hostile peer must not flood the log
      lns.on("malformed", (reason: string, from: string) => {
        if (stationLog.first(reason.replace(/"[^"]*"|\d+/g, "…"))) node.warn(RED._("edge-lorawan-gateway.errors.station-malformed", { from, reason, count: lns.malformed }));
        status.update();
      });
      lns.on("error", (err: Error) => node.error(errorText(err)));
      lns.listen().then(
        () => status.update(),
        (err: unknown) => {
          stationFailed = RED._("edge-lorawan-gateway.errors.station-listen", { error: errorText(err) });
          node.error(stationFailed);
          status.update();
        },
      );
    }

    onInput(node, (msg: Msg, _send: Send, done: Done) => {
      const body = (msg.payload ?? {}) as { txpk?: Txpk; fallback?: Txpk };
      const txpk = body.txpk ?? (msg.payload as Txpk);
      if (typeof msg.gatewayEui !== "string" || !txpk || typeof txpk.data !== "string") return done(new Error(RED._("edge-lorawan-gateway.errors.bad-downlink")));
      const gatewayEui = msg.gatewayEui;
      // the same frame in RX2 when the gateway could not make RX1 (TX_ACK TOO_LATE or a collision)
      const fallback = body.fallback && typeof body.fallback.data === "string" ? body.fallback : undefined;
      if (station?.station(gatewayEui)) {
        // a dnmsg carries RX1 and RX2 together: the station itself falls back to RX2
        const lorawan = (msg.lorawan ?? {}) as { devEui?: unknown; window?: unknown };
        const devEui = typeof lorawan.devEui === "string" ? lorawan.devEui : typeof msg.devEui === "string" ? msg.devEui : "";
        station.transmit(gatewayEui, { txpk, fallback, window: typeof lorawan.window === "string" ? lorawan.window : undefined, devEui }).then(
          () => done(),
          (err: unknown) => done(new Error(errorText(err))),
        );
        return;
      }
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
      Promise.allSettled([server.close(), station?.close()]).then(() => done());
    });
  }

  RED.nodes.registerType("edge-lorawan-gateway", EdgeLorawanGatewayNode, {
    credentials: {
      stationCert: { type: "password" },
      stationKey: { type: "password" },
      stationKeyPassphrase: { type: "password" },
      stationToken: { type: "password" },
    },
  });
};
