/**
 * The Semtech UDP packet-forwarder protocol (versions 1 and 2, Semtech PROTOCOL.TXT): a 4-byte header (version,
 * random token, identifier), the gateway's EUI on upstream packets, then JSON. Parsing validates every field a
 * datagram from the network could get wrong.
 */
import { isPayloadLimitError, parseJsonWithin } from "../common/payload-limits";

export const PUSH_DATA = 0x00;
export const PUSH_ACK = 0x01;
export const PULL_DATA = 0x02;
export const PULL_RESP = 0x03;
export const PULL_ACK = 0x04;
export const TX_ACK = 0x05;

/** one received LoRa packet as the forwarder reports it (the fields this pack reads; others are kept) */
export interface Rxpk {
  time?: string;
  tmst?: number;
  freq?: number;
  chan?: number;
  rfch?: number;
  stat?: number;
  modu?: string;
  datr?: string | number;
  codr?: string;
  rssi?: number;
  lsnr?: number;
  size?: number;
  data: string;
  [key: string]: unknown;
}

export interface Txpk {
  imme?: boolean;
  tmst?: number;
  freq: number;
  rfch: number;
  powe: number;
  modu: "LORA";
  datr: string;
  codr: string;
  ipol: boolean;
  size: number;
  data: string;
  ncrc?: boolean;
}

export type UpstreamPacket =
  | { kind: "push-data"; version: number; token: number; gatewayEui: string; rxpk: Rxpk[]; stat?: Record<string, unknown> }
  | { kind: "pull-data"; version: number; token: number; gatewayEui: string }
  | { kind: "tx-ack"; version: number; token: number; gatewayEui?: string; error?: string };

export class PacketForwarderError extends Error {}

export function parseUpstream(datagram: Buffer): UpstreamPacket {
  if (datagram.length < 4) throw new PacketForwarderError(`${datagram.length}-byte datagram: shorter than the 4-byte header`);
  const version = datagram[0];
  if (version !== 1 && version !== 2) throw new PacketForwarderError(`protocol version ${version} (1 and 2 are supported)`);
  const token = datagram.readUInt16BE(1);
  const id = datagram[3];
  const eui = () => {
    if (datagram.length < 12) throw new PacketForwarderError(`${datagram.length}-byte datagram: too short for the gateway EUI`);
    return datagram.subarray(4, 12).toString("hex").toUpperCase();
  };
  switch (id) {
    case PUSH_DATA: {
      const gatewayEui = eui();
      const body = json(datagram.subarray(12));
      const rxpk = body.rxpk === undefined ? [] : body.rxpk;
      if (!Array.isArray(rxpk)) throw new PacketForwarderError("PUSH_DATA: rxpk is not an array");
      rxpk.forEach((p: unknown, i: number) => {
        if (!p || typeof p !== "object" || typeof (p as Rxpk).data !== "string") throw new PacketForwarderError(`PUSH_DATA: rxpk[${i}] has no base64 data`);
      });
      const stat = body.stat && typeof body.stat === "object" ? (body.stat as Record<string, unknown>) : undefined;
      return { kind: "push-data", version, token, gatewayEui, rxpk: rxpk as Rxpk[], stat };
    }
    case PULL_DATA:
      return { kind: "pull-data", version, token, gatewayEui: eui() };
    case TX_ACK: {
      if (datagram.length <= 12) return { kind: "tx-ack", version, token, gatewayEui: datagram.length === 12 ? eui() : undefined };
      const body = json(datagram.subarray(12));
      const ack = body.txpk_ack as { error?: unknown } | undefined;
      const error = ack && typeof ack.error === "string" && ack.error !== "NONE" ? ack.error : undefined;
      return { kind: "tx-ack", version, token, gatewayEui: eui(), error };
    }
    default:
      throw new PacketForwarderError(`identifier 0x${id.toString(16).padStart(2, "0")} is not an upstream packet`);
  }
}

export function ack(version: number, token: number, id: typeof PUSH_ACK | typeof PULL_ACK): Buffer {
  return Buffer.from([version, token >> 8, token & 0xff, id]);
}

export function pullResp(version: number, token: number, txpk: Txpk): Buffer {
  return Buffer.concat([Buffer.from([version, token >> 8, token & 0xff, PULL_RESP]), Buffer.from(JSON.stringify({ txpk }))]);
}

/**
 * A forwarder's JSON is a few levels deep (rxpk[i].rsig[j] at most); 16 leaves room and keeps a crafted datagram
 * (64 KB of brackets) from handing the flow a structure that Node-RED's cloning overflows on.
 */
export const FORWARDER_JSON_LIMITS = { maxBytes: 65536, maxDepth: 16 } as const;

function json(bytes: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseJsonWithin(bytes, FORWARDER_JSON_LIMITS, "JSON body");
  } catch (err) {
    if (isPayloadLimitError(err)) throw new PacketForwarderError(err.message);
    throw new PacketForwarderError(`malformed JSON: ${(err as Error).message}`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new PacketForwarderError("JSON body is not an object");
  return value as Record<string, unknown>;
}
