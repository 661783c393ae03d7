/**
 * The messages of LoRa Basics Station's LNS protocol (https://doc.sm.tc/station/tcproto.html), read without trusting
 * a field: what the station sends (version, updf, jreq, propdf, dntxed, timesync) and what the LNS answers. An uplink
 * arrives split into its LoRaWAN fields; it is put back together into the PHYPayload the station heard, byte for
 * byte, so that the same MIC check, decryption and counters apply as to a Semtech UDP rxpk.
 */
import { parseEui } from "./eui";
import { int64, parseStationJson, StationJsonError } from "./station-json";

export class StationMessageError extends Error {
  override name = "StationMessageError";
}

/** where and how the station heard a frame */
export interface UpInfo {
  /** radio context: which antenna; echoed in the downlink */
  rctx: bigint;
  /** the concentrator's time of the reception (µs in the low 48 bits, a session id above); a downlink is timed from it */
  xtime: bigint;
  gpstime?: bigint;
  rssi?: number;
  snr?: number;
  /** UTC seconds */
  rxtime?: number;
}

export interface StationVersion {
  msgtype: "version";
  station?: string;
  firmware?: string;
  package?: string;
  model?: string;
  protocol?: number;
  features?: string;
}

export interface StationUplink {
  msgtype: "updf" | "jreq" | "propdf";
  /** the frame as it was on air */
  phyPayload: Buffer;
  /** index into the DRs table of router_config */
  dr: number;
  freqHz: number;
  upinfo: UpInfo;
}

export interface StationTxConfirmation {
  msgtype: "dntxed";
  diid: bigint;
  devEui?: bigint;
  xtime?: bigint;
  rctx?: bigint;
  /** UTC seconds the frame left */
  txtime?: number;
  gpstime?: bigint;
}

export interface StationTimesync {
  msgtype: "timesync";
  txtime: number;
}

/** a message type this server does not act on (rejoin, dndf, event, or one from a later protocol version) */
export interface OtherStationMessage {
  msgtype: string;
  other: true;
}

export type StationMessage = StationVersion | StationUplink | StationTxConfirmation | StationTimesync | OtherStationMessage;

/** Parses a text frame from a station's muxs connection. Throws StationMessageError with the reason. */
export function parseStationMessage(text: string, maxBytes: number): StationMessage {
  const o = objectOf(text, maxBytes);
  const msgtype = o.msgtype;
  if (typeof msgtype !== "string" || msgtype.length === 0) throw new StationMessageError("no msgtype");
  switch (msgtype) {
    case "version":
      return {
        msgtype,
        station: optionalString(o.station, "station"),
        firmware: optionalString(o.firmware, "firmware"),
        package: optionalString(o.package, "package"),
        model: optionalString(o.model, "model"),
        protocol: o.protocol === undefined ? undefined : integer(o.protocol, "protocol", 0, 0xffff),
        features: optionalString(o.features, "features"),
      };
    case "updf":
      return { msgtype, phyPayload: dataFrameOf(o), ...radioOf(o) };
    case "jreq":
      return { msgtype, phyPayload: joinRequestOf(o), ...radioOf(o) };
    case "propdf":
      return { msgtype, phyPayload: hex(o.FRMPayload, "FRMPayload", 255), ...radioOf(o) };
    case "dntxed": {
      const diid = int64(o.diid ?? o.seqno);
      if (diid === undefined) throw new StationMessageError("dntxed without an integer diid");
      const devEui = o.DevEui ?? o.DevEUI;
      return {
        msgtype,
        diid,
        devEui: devEui === undefined ? undefined : eui(devEui, "DevEui"),
        xtime: optionalInt64(o.xtime, "xtime"),
        rctx: optionalInt64(o.rctx, "rctx"),
        txtime: optionalNumber(o.txtime, "txtime"),
        gpstime: optionalInt64(o.gpstime, "gpstime"),
      };
    }
    case "timesync": {
      const txtime = optionalNumber(o.txtime, "txtime");
      if (txtime === undefined) throw new StationMessageError("timesync without txtime");
      return { msgtype, txtime };
    }
    default:
      if (msgtype.length > 32 || !/^[\w-]+$/.test(msgtype)) throw new StationMessageError("msgtype is not a name");
      return { msgtype, other: true };
  }
}

/** The discovery request a station sends to /router-info: its EUI (ID6, hex, dashed, or an integer). */
export function parseRouterInfoRequest(text: string, maxBytes: number): bigint {
  const o = objectOf(text, maxBytes);
  const router = parseEui(o.router);
  if (router === undefined) throw new StationMessageError(`router-info request without a router EUI (got ${JSON.stringify(o.router)?.slice(0, 40)})`);
  return router;
}

function objectOf(text: string, maxBytes: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseStationJson(text, maxBytes);
  } catch (err) {
    if (err instanceof StationJsonError) throw new StationMessageError(err.message);
    throw err;
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new StationMessageError("not a JSON object");
  return value as Record<string, unknown>;
}

/** MHdr | DevAddr | FCtrl | FCnt | FOpts | FPort | FRMPayload | MIC, multi-byte fields little-endian (LoRaWAN 1.0.x §4) */
function dataFrameOf(o: Record<string, unknown>): Buffer {
  const mhdr = integer(o.MHdr, "MHdr", 0, 0xff);
  const devAddr = integer(o.DevAddr, "DevAddr", -0x80000000, 0xffffffff) >>> 0;
  const fctrl = integer(o.FCtrl, "FCtrl", 0, 0xff);
  const fcnt = integer(o.FCnt, "FCnt", 0, 0xffff);
  const fopts = hex(o.FOpts ?? "", "FOpts", 15);
  if (fopts.length !== (fctrl & 0x0f)) throw new StationMessageError(`FOpts has ${fopts.length} bytes, FCtrl says ${fctrl & 0x0f}`);
  const fport = integer(o.FPort, "FPort", -1, 0xff);
  const frm = hex(o.FRMPayload ?? "", "FRMPayload", 242);
  if (fport === -1 && frm.length > 0) throw new StationMessageError("FRMPayload without an FPort");
  const head = Buffer.alloc(8);
  head[0] = mhdr;
  head.writeUInt32LE(devAddr, 1);
  head[5] = fctrl;
  head.writeUInt16LE(fcnt, 6);
  return Buffer.concat([head, fopts, fport === -1 ? Buffer.alloc(0) : Buffer.from([fport]), frm, mic(o.MIC)]);
}

/** MHdr | JoinEUI | DevEUI | DevNonce | MIC (LoRaWAN 1.0.4 §6.2.4), 23 bytes */
function joinRequestOf(o: Record<string, unknown>): Buffer {
  const out = Buffer.alloc(19);
  out[0] = integer(o.MHdr, "MHdr", 0, 0xff);
  out.writeBigUInt64LE(eui(o.JoinEui ?? o.JoinEUI, "JoinEui"), 1);
  out.writeBigUInt64LE(eui(o.DevEui ?? o.DevEUI, "DevEui"), 9);
  out.writeUInt16LE(integer(o.DevNonce, "DevNonce", 0, 0xffff), 17);
  return Buffer.concat([out, mic(o.MIC)]);
}

/** the station writes the MIC as a signed 32-bit integer of the four bytes read little-endian */
function mic(value: unknown): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(integer(value, "MIC", -0x80000000, 0xffffffff) >>> 0);
  return b;
}

function radioOf(o: Record<string, unknown>): Omit<StationUplink, "msgtype" | "phyPayload"> {
  const up = o.upinfo;
  if (!up || typeof up !== "object" || Array.isArray(up)) throw new StationMessageError("no upinfo object");
  const u = up as Record<string, unknown>;
  const xtime = int64(u.xtime);
  if (xtime === undefined) throw new StationMessageError("upinfo without an integer xtime");
  return {
    dr: integer(o.DR, "DR", 0, 15),
    freqHz: integer(o.Freq, "Freq", 1, 0xffffffff),
    upinfo: {
      rctx: optionalInt64(u.rctx, "rctx") ?? 0n,
      xtime,
      gpstime: optionalInt64(u.gpstime, "gpstime"),
      rssi: optionalNumber(u.rssi, "rssi"),
      snr: optionalNumber(u.snr, "snr"),
      rxtime: optionalNumber(u.rxtime, "rxtime"),
    },
  };
}

function integer(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) throw new StationMessageError(`${field} is not an integer from ${min} to ${max}`);
  return value;
}

function hex(value: unknown, field: string, maxBytes: number): Buffer {
  if (typeof value !== "string" || value.length % 2 !== 0 || value.length > maxBytes * 2 || !/^[0-9a-fA-F]*$/.test(value)) throw new StationMessageError(`${field} is not hex of at most ${maxBytes} bytes`);
  return Buffer.from(value, "hex");
}

function eui(value: unknown, field: string): bigint {
  const v = parseEui(value);
  if (v === undefined) throw new StationMessageError(`${field} is not an EUI`);
  return v;
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value.length > 256) throw new StationMessageError(`${field} is not a string of at most 256 characters`);
  return value;
}

function optionalNumber(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) throw new StationMessageError(`${field} is not a number`);
  return value;
}

function optionalInt64(value: unknown, field: string): bigint | undefined {
  if (value === undefined || value === null) return undefined;
  const v = int64(value);
  if (v === undefined) throw new StationMessageError(`${field} is not an integer`);
  return v;
}
