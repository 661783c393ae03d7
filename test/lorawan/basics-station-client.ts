/**
 * A LoRa Basics Station as the LNS sees it, for tests. Debian packages no station binary, so this client speaks
 * the protocol exactly as Basics Station 2.0.6 writes it (lorabasics/basicstation, src/tc.c, src/s2e.c, src/lora.c):
 * router-info with its ID6 EUI, `version` with the fields tc.c sends, `updf`/`jreq` split the way
 * s2e_parse_lora_frame splits a frame (DevAddr and MIC as signed 32-bit integers, EUIs as dashed bytes, FPort -1
 * when absent), the upinfo s2e_flushRxjobs adds (xtime, rctx, gpstime as 64-bit integer literals), and `dntxed`
 * as send_dntxed writes it. 64-bit integers are written as bare literals, as the station's JSON encoder does.
 */
import { WebSocket } from "ws";

export interface Reception {
  dr: number;
  freqHz: number;
  xtime: bigint;
  rctx?: bigint;
  rssi?: number;
  snr?: number;
}

/** renders bigints as bare integer literals (the station's uj_encKVn 'I' format) */
export function stationJson(value: unknown): string {
  const marker = "\u0001bigint:";
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? marker + v.toString() : v)).replace(/"\\u0001bigint:(-?\d+)"/g, "$1");
}

/** reads a 64-bit integer field exactly from the raw JSON text of one message */
export function rawInteger(text: string, field: string): bigint | undefined {
  const m = new RegExp(`"${field}"\\s*:\\s*(-?\\d+)`).exec(text);
  return m ? BigInt(m[1]) : undefined;
}

export function id6Of(eui: bigint): string {
  const g = [48n, 32n, 16n, 0n].map((s) => Number((eui >> s) & 0xffffn).toString(16));
  return g.join(":");
}

export function dashed(eui: bigint): string {
  return eui.toString(16).toUpperCase().padStart(16, "0").match(/../g)!.join("-");
}

/** what s2e_parse_lora_frame makes of a PHYPayload, plus s2e_flushRxjobs' radio fields */
export function uplinkMessage(phy: Buffer, rx: Reception): Record<string, unknown> {
  const mhdr = phy[0];
  const ftype = mhdr & 0xe0;
  let fields: Record<string, unknown>;
  if (ftype === 0x00) {
    fields = {
      msgtype: "jreq",
      MHdr: mhdr,
      JoinEui: dashed(phy.readBigUInt64LE(1)),
      DevEui: dashed(phy.readBigUInt64LE(9)),
      DevNonce: phy.readUInt16LE(17),
      MIC: phy.readInt32LE(phy.length - 4),
    };
  } else {
    const foptslen = phy[5] & 0x0f;
    const portoff = 8 + foptslen;
    const hasPort = portoff < phy.length - 4;
    fields = {
      msgtype: "updf",
      MHdr: mhdr,
      DevAddr: phy.readInt32LE(1),
      FCtrl: phy[5],
      FCnt: phy.readUInt16LE(6),
      FOpts: phy.subarray(8, portoff).toString("hex").toUpperCase(),
      FPort: hasPort ? phy[portoff] : -1,
      FRMPayload: hasPort ? phy.subarray(portoff + 1, phy.length - 4).toString("hex").toUpperCase() : "",
      MIC: phy.readInt32LE(phy.length - 4),
    };
  }
  const rxtime = Date.now() / 1000;
  return {
    ...fields,
    RefTime: 0.0,
    DR: rx.dr,
    Freq: rx.freqHz,
    upinfo: { rctx: rx.rctx ?? 0n, xtime: rx.xtime, gpstime: 0n, fts: -1, rssi: rx.rssi ?? -92, snr: rx.snr ?? 7.25, rxtime },
  };
}

/** a station's socket to one endpoint: every text message received, raw and parsed */
export class StationSocket {
  readonly received: Array<{ text: string; msg: Record<string, unknown> }> = [];
  closed?: { code: number; reason: string };
  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const text = data.toString();
      this.received.push({ text, msg: JSON.parse(text) as Record<string, unknown> });
    });
    ws.on("close", (code, reason) => (this.closed = { code, reason: reason.toString() }));
    ws.on("error", () => undefined);
  }

  static open(url: string, options: { headers?: Record<string, string>; ca?: string } = {}): Promise<StationSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers: options.headers, ca: options.ca });
      const socket = new StationSocket(ws);
      ws.once("open", () => resolve(socket));
      ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once("error", reject);
    });
  }

  send(value: unknown): void {
    this.ws.send(typeof value === "string" ? value : stationJson(value));
  }

  of(msgtype: string): Array<{ text: string; msg: Record<string, unknown> }> {
    return this.received.filter((r) => r.msg.msgtype === msgtype);
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once("close", () => resolve());
      this.ws.close(1000);
      setTimeout(() => this.ws.terminate(), 2000).unref();
    });
  }
}

/** the version message of tc.c's tc_muxs_connection */
export function versionMessage(): Record<string, unknown> {
  return { msgtype: "version", station: "2.0.6(rpi/std)", firmware: null, package: null, model: "rpi", protocol: 2, features: "rmtsh gps" };
}

/** send_dntxed for a dnmsg the station put on air */
export function dntxedFor(dnmsg: Record<string, unknown>, rawText: string, sentXtime: bigint): Record<string, unknown> {
  return {
    msgtype: "dntxed",
    seqno: dnmsg.diid,
    diid: dnmsg.diid,
    DR: dnmsg.RX1DR ?? dnmsg.RX2DR,
    Freq: dnmsg.RX1Freq ?? dnmsg.RX2Freq,
    DevEui: dnmsg.DevEui,
    rctx: Number(rawInteger(rawText, "rctx") ?? 0n),
    xtime: sentXtime,
    txtime: Date.now() / 1000,
    gpstime: 0n,
  };
}
