import type { Node } from "./node-red";
import type { ModbusClient } from "../../lib/modbus/client";

/** what edge-modbus-link offers the edge-modbus nodes that share its connection (a TCP socket or a serial bus) */
export interface ModbusLinkNode extends Node {
  /** why the configuration cannot work, if it cannot */
  configError: string | undefined;
  /** the host comes from an environment variable that is not set: `configError` says which; no fault of the flow */
  notConfigured?: boolean;
  /** the shared client for node `user`; the link opens for its first user and reopens itself while it has users */
  client(user: string): ModbusClient;
  /** `user` is done with the link (its close handler); the last one out closes it */
  release(user: string): Promise<void>;
  /** "tcp 127.0.0.1:502" or "rtu /dev/ttyUSB0 19200 8E1", for status and errors */
  describe(): string;
}
