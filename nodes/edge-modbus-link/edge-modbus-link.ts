/** edge-modbus-link: one Modbus connection (TCP, or an RTU serial bus) shared by the edge-modbus nodes on it. */
import type { NodeAPI, Node, NodeDef } from "../_shared/node-red";
import { numberSetting } from "../_shared/node-red";
import type { ModbusLinkNode } from "../_shared/modbus-link";
import { ModbusClient } from "../../lib/modbus/client";
import { TcpTransport } from "../../lib/modbus/tcp-transport";
import { RtuTransport, type RtuOptions } from "../../lib/modbus/rtu-transport";
import type { ModbusTransport } from "../../lib/modbus/transport";

interface EdgeModbusLinkDef extends NodeDef {
  transport: "tcp" | "rtu";
  host: string;
  port: string;
  maxInFlight: string;
  serialPath: string;
  baudRate: string;
  dataBits: string;
  parity: string;
  stopBits: string;
  timeoutMs: string;
}

const PARITIES = { none: "N", even: "E", odd: "O" } as const;

export = function register(RED: NodeAPI): void {
  function EdgeModbusLinkNode(this: Node, config: EdgeModbusLinkDef) {
    RED.nodes.createNode(this, config);
    const node = this as ModbusLinkNode;
    const timeoutMs = Math.max(10, Math.min(60000, numberSetting(config.timeoutMs, 1000)));
    let make: (() => ModbusTransport) | undefined;
    let description = "";
    node.configError = undefined;
    if (config.transport === "rtu") {
      const baudRate = numberSetting(config.baudRate, 19200);
      const dataBits = numberSetting(config.dataBits, 8);
      const stopBits = numberSetting(config.stopBits, 1);
      const parity = (config.parity || "even") as keyof typeof PARITIES;
      description = `rtu ${config.serialPath} ${baudRate} ${dataBits}${PARITIES[parity] ?? "?"}${stopBits}`;
      if (!config.serialPath) node.configError = RED._("edge-modbus-link.errors.no-serial-path");
      else if (!Number.isInteger(baudRate) || baudRate < 300 || baudRate > 921600) node.configError = RED._("edge-modbus-link.errors.baud", { baud: String(config.baudRate) });
      else if ((dataBits !== 7 && dataBits !== 8) || (stopBits !== 1 && stopBits !== 2) || !(parity in PARITIES)) node.configError = RED._("edge-modbus-link.errors.framing");
      else {
        const o: RtuOptions = { path: config.serialPath, baudRate, dataBits: dataBits as 7 | 8, stopBits: stopBits as 1 | 2, parity, timeoutMs };
        make = () => new RtuTransport(o);
      }
    } else {
      const host = (config.host || "").trim();
      const port = numberSetting(config.port, 502);
      description = `tcp ${host}:${port}`;
      if (!host) node.configError = RED._("edge-modbus-link.errors.no-host");
      else if (!Number.isInteger(port) || port < 1 || port > 65535) node.configError = RED._("edge-modbus-link.errors.port", { port: String(config.port) });
      else {
        const maxInFlight = Math.max(1, Math.min(16, Math.floor(numberSetting(config.maxInFlight, 1))));
        make = () => new TcpTransport({ host, port, timeoutMs, maxInFlight });
      }
    }
    if (node.configError) node.error(RED._("edge-modbus-link.errors.config", { error: node.configError }));

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
