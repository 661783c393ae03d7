/** edge-sim: a deterministic retail cold-chain simulator, so every flow runs without hardware. */
import type { NodeAPI, Node, NodeDef, Send, Done, Msg } from "../_shared/node-red";
import { errorText } from "../_shared/node-red";
import { ColdChainSimulator, FaultChange, SimMessage } from "../../lib/sim/simulator";
import { Fault, isFaultKind, parseFaultSchedule } from "../../lib/sim/faults";
import { onInput } from "../_shared/guarded-input";
import { readSettings } from "../_shared/read-settings";
import * as settingsModule from "./settings";
import { ColdRoomController } from "../../lib/sim/modbus-cold-room";
import { ModbusTcpServer } from "../../lib/modbus/tcp-server";
import { SeededRandom } from "../../lib/sim/random";

const MAX_TICKS_PER_MESSAGE = 100000;

export = function register(RED: NodeAPI): void {
  function EdgeSimNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = readSettings(RED, node, settingsModule, def);
    if (!config) return;
    const { intervalMs, stepS } = config;
    let faults: Fault[] = [];
    // a schedule that does not parse: the simulator runs without it, and its status says so the whole time
    let badFaults = false;
    try {
      faults = parseFaultSchedule(config.faults);
    } catch (err) {
      badFaults = true;
      node.error(RED._("edge-sim.errors.faults", { error: errorText(err) }));
    }
    const sim = new ColdChainSimulator({
      seed: config.seed,
      fleet: { trucks: config.trucks, coldRooms: config.coldRooms, freezers: config.freezers, shelves: config.shelves, coapSensors: config.coapSensors, cameras: config.cameras },
      startTime: Date.now(),
      lorawan: config.lorawan,
      wearOutHours: config.wearOutHours,
      faults,
    });
    const forwarder = { ip: config.forwarderHost || "127.0.0.1", port: config.forwarderPort };
    let timer: NodeJS.Timeout | undefined;
    let ticks = 0;

    const toMsg = (m: SimMessage) => {
      const msg: Record<string, unknown> = { topic: m.topic, payload: m.payload, device: { name: m.device, kind: m.kind, transport: m.transport }, timestamp: m.ts };
      if (m.transport === "packet-forwarder") Object.assign(msg, forwarder);
      return msg;
    };
    const faultMsg = (c: FaultChange) => ({ topic: `sim/fault/${c.fault}`, payload: c });

    const controllers = Array.from({ length: config.modbusRooms }, (_, i) => new ColdRoomController(`modbus-room-${String(i + 1).padStart(2, "0")}`, new SeededRandom(config.seed * 31 + i + 1)));
    // a controller without power does not answer; the server answers for it as a gateway does (exception 0x0B)
    const modbus = controllers.length ? new ModbusTcpServer((unit) => (controllers[unit - 1] && !sim.faultActiveOn("power-cut", controllers[unit - 1].name) ? controllers[unit - 1].bank : undefined), { host: config.modbusAddress || "127.0.0.1", port: config.modbusPort }) : undefined;
    let modbusProblem: string | undefined;
    modbus?.listen().catch((err) => {
      modbusProblem = errorText(err);
      node.error(RED._("edge-sim.errors.modbus", { address: config.modbusAddress || "127.0.0.1", port: config.modbusPort, error: modbusProblem }));
      showStatus();
    });

    const step = (send: Send) => {
      const { messages, faultChanges } = sim.tick(stepS);
      for (const c of controllers) c.step(stepS, { doorForcedOpen: sim.faultActiveOn("door-open", c.name), compressorFailed: sim.faultActiveOn("compressor-failure", c.name) || sim.faultActiveOn("power-cut", c.name) });
      ticks++;
      send([messages.map(toMsg), faultChanges.map(faultMsg)]);
    };
    const showStatus = () => {
      const text = RED._("edge-sim.status.running", { devices: sim.deviceNames().length, hours: (sim.simulatedSeconds / 3600).toFixed(1) });
      if (modbusProblem) node.status({ fill: "red", shape: "ring", text: RED._("edge-sim.status.modbus-down") });
      else if (badFaults) node.status({ fill: "red", shape: "ring", text: RED._("edge-sim.status.bad-faults") });
      else node.status(timer ? { fill: "green", shape: "dot", text } : { fill: "grey", shape: "ring", text: RED._("edge-sim.status.stopped") });
    };
    const start = () => {
      if (timer) return;
      timer = setInterval(() => {
        step((msgs) => node.send(msgs));
        if (ticks % 10 === 1) showStatus();
      }, intervalMs);
      showStatus();
    };
    const stop = () => {
      if (timer) clearInterval(timer);
      timer = undefined;
      showStatus();
    };

    onInput(node, (msg: Msg, send: Send, done: Done) => {
      const command = msg.payload;
      if (command === "start") start();
      else if (command === "stop") stop();
      else if (command && typeof command === "object" && !Array.isArray(command)) {
        const c = command as Record<string, unknown>;
        if (c.tick !== undefined) {
          const n = Number(c.tick);
          if (!Number.isInteger(n) || n < 1 || n > MAX_TICKS_PER_MESSAGE) return done(new Error(RED._("edge-sim.errors.tick", { max: MAX_TICKS_PER_MESSAGE })));
          for (let i = 0; i < n; i++) step(send);
        } else if (c.fault !== undefined || c.clear !== undefined) {
          const kind = c.fault ?? c.clear;
          if (!isFaultKind(kind)) return done(new Error(RED._("edge-sim.errors.fault-kind", { kind: String(kind) })));
          const device = typeof c.device === "string" && c.device ? c.device : "*";
          if (device !== "*" && !sim.deviceNames().includes(device) && !controllers.some((c) => c.name === device)) return done(new Error(RED._("edge-sim.errors.device", { device })));
          if (c.fault !== undefined) sim.inject(kind, device, c.durationS === undefined ? Infinity : Number(c.durationS));
          else sim.clear(kind, device);
        } else return done(new Error(RED._("edge-sim.errors.command")));
      } else return done(new Error(RED._("edge-sim.errors.command")));
      showStatus();
      done();
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      stop();
      if (!modbus) return done();
      modbus.close().then(() => done(), () => done());
    });

    if (config.autostart) start();
    else showStatus();
  }

  RED.nodes.registerType("edge-sim", EdgeSimNode);
};
