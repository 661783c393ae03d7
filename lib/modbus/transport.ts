/** What a Modbus master needs of a link (TCP or RTU): send a PDU to a unit, get its response PDU. */
import type { EventEmitter } from "events";

export type LinkState = "connecting" | "connected" | "disconnected" | "closed";

export interface ModbusTransport extends EventEmitter {
  readonly state: LinkState;
  /** the last reason the link went down or failed to come up */
  readonly lastError: Error | undefined;
  /** opens the link and keeps it open (reconnecting with backoff) until close() */
  start(): void;
  /** the response PDU; undefined for a broadcast (unit 0 on RTU), which has none */
  request(unitId: number, pdu: Buffer, timeoutMs?: number): Promise<Buffer | undefined>;
  close(): Promise<void>;
  // emits "state" (state: LinkState, error?: Error)
}

export const DEFAULTS = {
  timeoutMs: 1000,
  /** requests waiting for the link or their turn; more are refused at once */
  maxQueued: 64,
  reconnectMinMs: 250,
  reconnectMaxMs: 30000,
} as const;
