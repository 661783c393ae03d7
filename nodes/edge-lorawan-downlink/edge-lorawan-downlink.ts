/**
 * edge-lorawan-downlink: msg.payload through the device's codec into a ChirpStack or TTN downlink, or into an
 * encrypted frame for edge-lorawan-gateway. A raw downlink to a Class A device answers in RX1 (or RX2) of the
 * device's uplink when the flow is quick enough, and otherwise waits for the device's next uplink (acknowledging
 * it when it is confirmed); a Class C device gets it at once on RX2 parameters. done() is called when it leaves.
 */
import type { NodeAPI, Node, NodeDef, Send, Done, Msg } from "../_shared/node-red";
import { errorText, numberSetting } from "../_shared/node-red";
import type { LorawanKeysNode } from "../_shared/lorawan-keys";
import type { LorawanDevice } from "../../lib/lorawan/device-table";
import { chirpstackDownlink, ttnDownlink, validateDownlink } from "../../lib/lorawan/downlink";
import type { PendingDownlink, Transmission } from "../../lib/lorawan/downlink-scheduler";
import { onInput } from "../_shared/guarded-input";

interface DownlinkDef extends NodeDef {
  keys: string;
  format: "chirpstack" | "ttn" | "raw";
  applicationId: string;
  tenantId: string;
  fPort: string;
  confirmed: boolean;
  /** how long after an uplink a raw downlink still makes its RX1 window */
  rx1BudgetMs: string;
  maxQueued: string;
}

export = function register(RED: NodeAPI): void {
  function EdgeLorawanDownlinkNode(this: Node, config: DownlinkDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const keys = RED.nodes.getNode(config.keys) as LorawanKeysNode | null;
    const format = config.format || "chirpstack";
    const rx1BudgetMs = numberSetting(config.rx1BudgetMs, 800);
    const maxQueued = numberSetting(config.maxQueued, 8);
    const showQueue = () => {
      const n = keys?.downlinks?.queued(node.id) ?? 0;
      node.status(n > 0 ? { fill: "yellow", shape: "ring", text: RED._("edge-lorawan-downlink.status.queued", { n }) } : {});
    };

    onInput(node, (msg: Msg, send: Send, done: Done) => {
      if (!keys) return done(new Error(RED._("edge-lorawan-downlink.errors.no-keys")));
      if (keys.problem) return done(new Error(keys.problem));
      const device = findDevice(keys, msg);
      if (!device) return done(new Error(RED._("edge-lorawan-downlink.errors.unknown-device", { device: String(msg.devEui ?? msg.deviceName ?? "") })));
      keys.codecs.encode(device, msg.payload).then(
        async (encoded) => {
          try {
            const fPort = numberSetting(msg.fPort, encoded.fPort ?? numberSetting(config.fPort, 10));
            const confirmed = typeof msg.confirmed === "boolean" ? msg.confirmed : !!config.confirmed;
            const req = { bytes: encoded.bytes, fPort, confirmed };
            validateDownlink(req);
            if (format === "chirpstack") {
              const d = chirpstackDownlink(config.applicationId || "cold-chain", device, req);
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

  function findDevice(keys: LorawanKeysNode, msg: Msg): LorawanDevice | undefined {
    const lorawan = (msg.lorawan ?? {}) as { devEui?: unknown };
    const devEui = typeof msg.devEui === "string" ? msg.devEui : typeof lorawan.devEui === "string" ? lorawan.devEui : undefined;
    if (devEui) return keys.table.byDevEui(devEui);
    return typeof msg.deviceName === "string" ? keys.table.byName(msg.deviceName) : undefined;
  }

  RED.nodes.registerType("edge-lorawan-downlink", EdgeLorawanDownlinkNode);
};
