/**
 * edge-lorawan-downlink: msg.payload through the device's codec into a ChirpStack or TTN downlink, or into an
 * encrypted frame for edge-lorawan-gateway. A raw downlink to a Class A device answers in RX1 (or RX2) of the
 * device's uplink when the flow is quick enough, and otherwise waits for the device's next uplink (acknowledging
 * it when it is confirmed); a Class C device gets it at once on RX2 parameters. done() is called when it leaves.
 */
import type { NodeAPI, Node, NodeDef, Send, Done, Msg } from "../_shared/node-red";
import { errorText, numberSetting } from "../_shared/node-red";
import { readSettings } from "../_shared/read-settings";
import * as settingsModule from "./settings";
import type { LorawanKeysNode } from "../_shared/lorawan-keys";
import type { LorawanDevice } from "../../lib/lorawan/device-table";
import { chirpstackDownlink, ttnDownlink, validateDownlink } from "../../lib/lorawan/downlink";
import type { PendingDownlink, Transmission } from "../../lib/lorawan/downlink-scheduler";
import { onInput } from "../_shared/guarded-input";

export = function register(RED: NodeAPI): void {
  function EdgeLorawanDownlinkNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = readSettings(RED, node, settingsModule, def);
    if (!config) return;
    const keys = RED.nodes.getNode(config.keys) as LorawanKeysNode | null;
    const { format, rx1BudgetMs, maxQueued } = config;
    /** a typed value as it is, else read from the flow or global context or the environment now */
    const typedValue = (value: string, type: string, msg: Msg): unknown => (type === "str" || type === "num" ? value : RED.util.evaluateNodeProperty(value, type, node, msg));
    const showQueue = () => {
      const n = keys?.downlinks?.queued(node.id) ?? 0;
      node.status(n > 0 ? { fill: "yellow", shape: "ring", text: RED._("edge-lorawan-downlink.status.queued", { n }) } : {});
    };

    onInput(node, (msg: Msg, send: Send, done: Done) => {
      if (!keys) return done(new Error(RED._("edge-lorawan-downlink.errors.no-keys")));
      if (keys.problem) return done(new Error(keys.problem));
      // the message's device wins; then the node's (a DevEUI or a name)
      // the message's device wins (a message naming an unknown device is refused); then the node's, a DevEUI or a name
      const named = messageDevice(msg);
      const configured = named ? undefined : String(typedValue(config.device, config.deviceType, msg) ?? "").trim();
      const device = named ? findDevice(keys, named) : configured ? (keys.table.byDevEui(configured) ?? keys.table.byName(configured)) : undefined;
      if (!device) return done(new Error(RED._("edge-lorawan-downlink.errors.unknown-device", { device: named?.devEui ?? named?.name ?? configured ?? "" })));
      keys.codecs.encode(device, msg.payload).then(
        async (encoded) => {
          try {
            // msg.fPort wins, then the codec's, then the node's
            const fPort = numberSetting(msg.fPort, encoded.fPort ?? Number(typedValue(config.fPort, config.fPortType, msg)));
            const confirmed = typeof msg.confirmed === "boolean" ? msg.confirmed : config.confirmed;
            const req = { bytes: encoded.bytes, fPort, confirmed };
            validateDownlink(req);
            if (format === "chirpstack") {
              const d = chirpstackDownlink(config.applicationId, device, req);
              send({ ...msg, topic: d.topic, payload: d.payload } as Msg);
              return done();
            }
            if (format === "ttn") {
              const d = ttnDownlink(config.applicationId, config.tenantId, device, req);
              send({ ...msg, topic: d.topic, payload: d.payload } as Msg);
              return done();
            }
            const scheduler = keys.downlinks;
            if (!scheduler) return done(new Error(keys.problem ?? RED._("edge-lorawan-downlink.errors.no-keys")));
            const pending: PendingDownlink = {
              owner: node.id,
              req,
              deliver: (tx: Transmission) => {
                send({ ...msg, payload: { txpk: tx.txpk, ...(tx.fallback ? { fallback: tx.fallback } : {}) }, gatewayEui: tx.gatewayEui, lorawan: { devEui: device.devEui, fCntDown: tx.fCntDown, window: tx.window, ack: tx.ack } } as Msg);
                showQueue();
                done();
              },
              fail: (err: Error) => {
                showQueue();
                done(new Error(errorText(err)));
              },
            };
            if ((await scheduler.schedule(device, pending, { rx1BudgetMs, maxQueued })) === "queued") showQueue();
          } catch (err) {
            done(new Error(errorText(err)));
          }
        },
        (err: unknown) => done(new Error(RED._("edge-lorawan-downlink.errors.codec", { device: device.name, error: errorText(err) }))),
      );
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      for (const item of keys?.downlinks?.cancel(node.id) ?? []) item.fail(new Error(RED._("edge-lorawan-downlink.errors.closed")));
      done();
    });
  }

  /** the device a message names: msg.devEui, msg.lorawan.devEui (set by edge-lorawan-uplink) or msg.deviceName */
  function messageDevice(msg: Msg): { devEui?: string; name?: string } | undefined {
    const lorawan = (msg.lorawan ?? {}) as { devEui?: unknown };
    const devEui = typeof msg.devEui === "string" && msg.devEui ? msg.devEui : typeof lorawan.devEui === "string" && lorawan.devEui ? lorawan.devEui : undefined;
    if (devEui) return { devEui };
    return typeof msg.deviceName === "string" && msg.deviceName ? { name: msg.deviceName } : undefined;
  }

  function findDevice(keys: LorawanKeysNode, named: { devEui?: string; name?: string }): LorawanDevice | undefined {
    return named.devEui ? keys.table.byDevEui(named.devEui) : keys.table.byName(String(named.name));
  }

  RED.nodes.registerType("edge-lorawan-downlink", EdgeLorawanDownlinkNode);
};
