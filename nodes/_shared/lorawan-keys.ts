import type { EventEmitter } from "events";
import type { Node } from "./node-red";
import type { DeviceTable } from "../../lib/lorawan/device-table";
import type { SessionStore } from "../../lib/lorawan/session-store";
import type { CodecRegistry } from "../../lib/lorawan/codec-registry";
import type { UplinkTiming } from "../../lib/lorawan/downlink";

/** the last uplink a device sent through a gateway: where and when a Class A downlink can answer it */
export interface LastUplink {
  gatewayEui: string;
  timing: UplinkTiming;
  /** epoch ms when the uplink node accepted it */
  at: number;
}

/** what edge-lorawan-keys offers the uplink and downlink nodes */
export interface LorawanKeysNode extends Node {
  table: DeviceTable;
  sessions?: SessionStore;
  codecs: CodecRegistry;
  /** why the node cannot serve, if it cannot (bad table, unreadable counter file) */
  problem?: string;
  lastUplink: Map<string, LastUplink>;
  /** emits "uplink" (devEui) when a raw uplink was accepted, so queued downlinks can leave in its RX1 window */
  uplinks: EventEmitter;
}
