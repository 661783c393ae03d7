/**
 * A downlink the rest of the pack built as a txpk (for the Semtech UDP protocol: a concentrator timestamp, MHz, a
 * "SF9BW125" data rate) becomes a Basics Station dnmsg: the uplink's xtime and rctx with RxDelay (the station adds
 * the delay itself, and RX2 one second later), RX1 and RX2 as DR indexes of router_config's table and Hz. The
 * uplink is found by the timestamp the rxpk carried (the low 32 bits of its xtime): a txpk is timed RxDelay whole
 * seconds after it (RX1) or one more (RX2). A Class C frame (imme) goes as dC 2 on RX2 parameters, at once.
 */
import type { Txpk } from "../packet-forwarder";
import { dataRateIndex, Region } from "../regions";
import { euiDashed } from "./eui";

export class DnmsgError extends Error {
  override name = "DnmsgError";
}

/** an uplink a station reported, remembered to time the answer */
export interface HeardUplink {
  /** the rxpk timestamp it was passed on with: xtime's low 32 bits */
  tmst: number;
  xtime: bigint;
  rctx: bigint;
}

export interface StationDownlink {
  txpk: Txpk;
  /** the same frame in RX2 (edge-lorawan-downlink and -uplink add it to an RX1 txpk) */
  fallback?: Txpk;
  /** "rx1", "rx2" or "immediate" as the scheduler chose (msg.lorawan.window) */
  window?: string;
  devEui: bigint;
}

export interface Dnmsg {
  msgtype: "dnmsg";
  DevEui: string;
  /** device class: 0 A, 2 C */
  dC: 0 | 2;
  diid: number;
  pdu: string;
  RxDelay: number;
  RX1DR?: number;
  RX1Freq?: number;
  RX2DR?: number;
  RX2Freq?: number;
  xtime?: bigint;
  rctx: bigint;
  priority: number;
  MuxTime: number;
}

const US = 1_000_000;
/** RxDelay is 0..15 s in dnmsg (and in LoRaWAN's RxTimingSetupReq) */
const MAX_RX_DELAY_S = 15;

export function tmstOf(xtime: bigint): number {
  return Number(xtime & 0xffffffffn);
}

/**
 * The dnmsg for a downlink. `heard`: the station's recent uplinks, newest last; `lastRctx`: the antenna that heard
 * the station's last uplink (a Class C frame has no uplink of its own). Throws DnmsgError when the txpk does not
 * fit an uplink's windows or the station's data-rate table.
 */
export function dnmsgFor(region: Region, req: StationDownlink, heard: readonly HeardUplink[], lastRctx: bigint, diid: number, now: () => number = Date.now): Dnmsg {
  const { txpk } = req;
  if (typeof txpk.data !== "string") throw new DnmsgError("the txpk has no data");
  const pdu = Buffer.from(txpk.data, "base64");
  if (pdu.length === 0 || pdu.length > 255) throw new DnmsgError(`a ${pdu.length}-byte frame: a station sends 1 to 255 bytes`);
  const base = { msgtype: "dnmsg" as const, DevEui: euiDashed(req.devEui), diid, pdu: pdu.toString("hex").toUpperCase(), priority: 0, MuxTime: now() / 1000 };
  if (txpk.imme || req.window === "immediate") {
    const rx2 = windowOf(region, txpk);
    return { ...base, dC: 2, RxDelay: 1, RX2DR: rx2.dr, RX2Freq: rx2.freqHz, rctx: lastRctx };
  }
  if (typeof txpk.tmst !== "number") throw new DnmsgError("a Class A txpk without tmst");
  const secondsAfter = (up: HeardUplink) => {
    const delta = (txpk.tmst! - up.tmst) >>> 0;
    return delta % US === 0 ? delta / US : undefined;
  };
  const rx2Only = !req.fallback && req.window === "rx2";
  const uplink = [...heard].reverse().find((up) => {
    const s = secondsAfter(up);
    return s !== undefined && s >= (rx2Only ? 2 : 1) && s <= MAX_RX_DELAY_S + (rx2Only ? 1 : 0);
  });
  if (!uplink) throw new DnmsgError(`no uplink of this station ${rx2Only ? "2 to 16" : "1 to 15"} whole seconds before tmst ${txpk.tmst}: the device's receive windows have passed or were never heard here`);
  const after = secondsAfter(uplink)!;
  const timing = { xtime: uplink.xtime, rctx: uplink.rctx };
  if (rx2Only) {
    const rx2 = windowOf(region, txpk);
    return { ...base, dC: 0, RxDelay: after - 1, RX2DR: rx2.dr, RX2Freq: rx2.freqHz, ...timing };
  }
  const rx1 = windowOf(region, txpk);
  const msg: Dnmsg = { ...base, dC: 0, RxDelay: after, RX1DR: rx1.dr, RX1Freq: rx1.freqHz, ...timing };
  if (req.fallback) {
    if (req.fallback.tmst !== undefined && ((req.fallback.tmst - txpk.tmst) >>> 0) !== US) throw new DnmsgError("the RX2 txpk is not one second after RX1");
    if (req.fallback.data !== txpk.data) throw new DnmsgError("the RX2 txpk carries another frame than RX1");
    const rx2 = windowOf(region, req.fallback);
    msg.RX2DR = rx2.dr;
    msg.RX2Freq = rx2.freqHz;
  }
  return msg;
}

function windowOf(region: Region, txpk: Txpk): { dr: number; freqHz: number } {
  if (typeof txpk.freq !== "number" || !Number.isFinite(txpk.freq) || txpk.freq <= 0) throw new DnmsgError("the txpk has no frequency");
  const dr = typeof txpk.datr === "string" ? dataRateIndex(region, txpk.datr, false) : undefined;
  if (dr === undefined) throw new DnmsgError(`${String(txpk.datr)} is not a data rate of ${region.name}, the region this station runs`);
  return { dr, freqHz: Math.round(txpk.freq * 1e6) };
}
