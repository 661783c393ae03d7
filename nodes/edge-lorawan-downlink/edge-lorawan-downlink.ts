/**
 * edge-lorawan-downlink: msg.payload through the device's codec into a ChirpStack or TTN downlink, or into an
 * encrypted frame for edge-lorawan-gateway. A raw downlink answers in the RX1 window of the device's uplink
 * when the flow is quick enough, and otherwise waits for the device's next uplink (Class A devices listen only
 * then); done() is called when it leaves.
 */
import type { NodeAPI, Node, NodeDef, Send, Done, Msg } from "../_shared/node-red";
import { errorText, numberSetting } from "../_shared/node-red";
import type { LorawanKeysNode } from "../_shared/lorawan-keys";
import type { LorawanDevice } from "../../lib/lorawan/device-table";
import { chirpstackDownlink, rawDownlinkFrame, rx1Txpk, ttnDownlink, validateDownlink } from "../../lib/lorawan/downlink";
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

interface Queued {
  frame: Buffer;
  msg: Msg;
  send: Send;
  done: Done;
}

export = function register(RED: NodeAPI): void {
  function EdgeLorawanDownlinkNode(this: Node, config: DownlinkDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const keys = RED.nodes.getNode(config.keys) as LorawanKeysNode | null;
    const format = config.format || "chirpstack";
    const rx1BudgetMs = numberSetting(config.rx1BudgetMs, 800);
    const maxQueued = numberSetting(config.maxQueued, 8);
    const queues = new Map<string, Queued[]>();
    const queuedCount = () => [...queues.values()].reduce((n, q) => n + q.length, 0);
    const showQueue = () => {
      const n = queuedCount();
      node.status(n > 0 ? { fill: "yellow", shape: "ring", text: RED._("edge-lorawan-downlink.status.queued", { n }) } : {});
    };

    /** a raw frame leaves toward the gateway that heard the device last, timed for RX1 */
    const transmit = (devEui: string, q: Queued) => {
      const last = keys!.lastUplink.get(devEui)!;
      q.send({ ...q.msg, payload: { txpk: rx1Txpk(q.frame, last.timing) }, gatewayEui: last.gatewayEui } as Msg);
      q.done();
    };
    const onUplink = (devEui: string) => {
      const q = queues.get(devEui);
      const next = q?.shift();
      if (!next) return;
      if (q!.length === 0) queues.delete(devEui);
      transmit(devEui, next);
      showQueue();
    };
    if (format === "raw" && keys) keys.uplinks.on("uplink", onUplink);

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
            const counter = keys.sessions!.takeDownlinkCounter(device.devEui);
            const frame = rawDownlinkFrame(device, req, counter.fCnt);
            await counter.durable; // never on air before its FCntDown is on disk
            const last = keys.lastUplink.get(device.devEui);
            if (last && Date.now() - last.at <= rx1BudgetMs && !queues.has(device.devEui)) return transmit(device.devEui, { frame, msg, send, done });
            const q = queues.get(device.devEui) ?? [];
            if (q.length >= maxQueued) return done(new Error(RED._("edge-lorawan-downlink.errors.queue-full", { device: device.name, max: maxQueued })));
            q.push({ frame, msg, send, done });
            queues.set(device.devEui, q);
            showQueue();
          } catch (err) {
            done(new Error(errorText(err)));
          }
        },
        (err: unknown) => done(new Error(RED._("edge-lorawan-downlink.errors.codec", { device: device.name, error: errorText(err) }))),
      );
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      keys?.uplinks.off("uplink", onUplink);
      for (const q of queues.values()) for (const item of q) item.done(new Error(RED._("edge-lorawan-downlink.errors.closed")));
      queues.clear();
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
