/** edge-modbus-link: one Modbus connection (TCP, or an RTU serial bus) shared by the edge-modbus nodes on it. */
import type { NodeAPI, Node, NodeDef, Msg } from "../_shared/node-red";
import { errorText } from "../_shared/node-red";
import { readSettings } from "../_shared/read-settings";
import * as settingsModule from "./settings";
import type { ModbusLinkNode } from "../_shared/modbus-link";
import { ModbusClient } from "../../lib/modbus/client";
import { TcpTransport } from "../../lib/modbus/tcp-transport";
import { RtuTransport, type RtuOptions } from "../../lib/modbus/rtu-transport";
import type { ModbusTransport } from "../../lib/modbus/transport";

const PARITIES = { none: "N", even: "E", odd: "O" } as const;

export = function register(RED: NodeAPI): void {
  function EdgeModbusLinkNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this as ModbusLinkNode;
    let make: (() => ModbusTransport) | undefined;
    let description = "";
    node.configError = undefined;
    const config = readSettings(RED, node, settingsModule, def);
    if (!config) node.configError = settingsProblem(def); // said by readSettings; the edge-modbus nodes show it
    else if (config.transport === "rtu") {
      const parity = config.parity;
      const [dataBits, stopBits] = [Number(config.dataBits) as 7 | 8, Number(config.stopBits) as 1 | 2];
      description = `rtu ${config.serialPath} ${config.baudRate} ${dataBits}${PARITIES[parity]}${stopBits}`;
      if (!config.serialPath) node.configError = RED._("edge-modbus-link.errors.no-serial-path");
      else {
        const o: RtuOptions = { path: config.serialPath, baudRate: config.baudRate, dataBits, stopBits, parity, timeoutMs: config.timeoutMs };
        make = () => new RtuTransport(o);
      }
    } else {
      // from the environment at deploy, as Node-RED's own config nodes read theirs
      const host = (config.hostType === "env" ? String(RED.util.evaluateNodeProperty(config.host, "env", node, {} as Msg) ?? "") : config.host).trim();
      const { port, maxInFlight, timeoutMs } = config;
      description = `tcp ${host}:${port}`;
      node.notConfigured = !host && config.hostType === "env";
      if (node.notConfigured) node.configError = RED._("edge-modbus-link.settings.unset-env", { field: "host", name: config.host });
      else if (!host) node.configError = RED._("edge-modbus-link.errors.no-host");
      else make = () => new TcpTransport({ host, port, timeoutMs, maxInFlight });
    }
    if (node.notConfigured) node.warn(RED._("edge-modbus-link.errors.config", { error: node.configError ?? "" }));
    else if (config && node.configError) node.error(RED._("edge-modbus-link.errors.config", { error: node.configError }));

    let client: ModbusClient | undefined;
    const users = new Set<string>();
    const shut = async () => {
      const c = client;
      client = undefined;
      if (c) await c.transport.close().catch(() => undefined);
    };
    node.describe = () => description;
    node.client = (user: string) => {
      if (!make) throw new Error(node.configError);
      users.add(user);
      if (!client) {
        const transport = make();
        // every node on this link listens to its state
        transport.setMaxListeners(100);
        transport.start();
        client = new ModbusClient(transport);
      }
      return client;
    };
    node.release = async (user: string) => {
      users.delete(user);
      if (users.size === 0) await shut();
    };

    node.on("close", (_removed: boolean, done: () => void) => {
      users.clear();
      shut().then(() => done());
    });
  }

  RED.nodes.registerType("edge-modbus-link", EdgeModbusLinkNode);
};

function settingsProblem(def: NodeDef): string {
  try {
    settingsModule.parseSettings(def as unknown as Record<string, unknown>);
    return "";
  } catch (err) {
    return errorText(err);
  }
}
