import type { Node } from "./node-red";
import type { DeviceTable } from "../../lib/lorawan/device-table";
import type { SessionStore } from "../../lib/lorawan/session-store";
import type { CodecRegistry } from "../../lib/lorawan/codec-registry";
import type { DownlinkScheduler } from "../../lib/lorawan/downlink-scheduler";

/** what edge-lorawan-keys offers the uplink and downlink nodes */
export interface LorawanKeysNode extends Node {
  table: DeviceTable;
  sessions?: SessionStore;
  codecs: CodecRegistry;
  /** why the node cannot serve, if it cannot (bad table, unreadable counter file) */
  problem?: string;
  /** the receive windows of raw (gateway) devices: uplinks heard, downlinks waiting, ACKs sent */
  downlinks?: DownlinkScheduler;
}
