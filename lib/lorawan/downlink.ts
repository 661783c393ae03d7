/**
 * Downlinks in the three forms a gateway may need: a ChirpStack v4 `command/down`, a TTN v3 `down/push`, or an
 * encrypted data frame (FCntDown from the session store) wrapped in a txpk for edge-lorawan-gateway, timed for
 * one of the device's receive windows per its region.
 */
import { cryptFrmPayload, dataFrameMic } from "./lorawan-crypto";
import type { LorawanDevice } from "./device-table";
import { LorawanError } from "./lorawan-error";
import type { Txpk } from "./packet-forwarder";
import { rx1Parameters, rx2Parameters } from "./regions";

export interface DownlinkRequest {
  bytes: Buffer;
  fPort: number;
  confirmed: boolean;
}

export function validateDownlink(req: DownlinkRequest): void {
  if (!Number.isInteger(req.fPort) || req.fPort < 1 || req.fPort > 223) throw new LorawanError("bad-downlink", `FPort ${req.fPort}: application ports are 1 to 223`);
  if (req.bytes.length > 242) throw new LorawanError("bad-downlink", `${req.bytes.length}-byte payload: more than the largest LoRaWAN payload (242 bytes)`);
}

export function chirpstackDownlink(applicationId: string, device: LorawanDevice, req: DownlinkRequest) {
  validateDownlink(req);
  const devEui = device.devEui.toLowerCase();
  return { topic: `application/${applicationId}/device/${devEui}/command/down`, payload: { devEui, confirmed: req.confirmed, fPort: req.fPort, data: req.bytes.toString("base64") } };
}

export function ttnDownlink(applicationId: string, tenantId: string, device: LorawanDevice, req: DownlinkRequest, priority = "NORMAL") {
  validateDownlink(req);
  const tenant = tenantId ? `@${tenantId}` : "";
  return {
    topic: `v3/${applicationId}${tenant}/devices/${device.name}/down/push`,
    payload: { downlinks: [{ f_port: req.fPort, frm_payload: req.bytes.toString("base64"), priority, confirmed: req.confirmed }] },
  };
}

/**
 * An encrypted, MIC-signed data downlink (LoRaWAN 1.0.x). `req` undefined: an empty frame (no FPort), as an ACK
 * with nothing to carry is sent; `ack` sets FCtrl.ACK, answering a confirmed uplink.
 */
export function rawDownlinkFrame(device: LorawanDevice, req: DownlinkRequest | undefined, fCntDown: number, ack = false): Buffer {
  if (req) validateDownlink(req);
  if (!device.devAddr || !device.nwkSKey || !device.appSKey) throw new LorawanError("bad-downlink", `${device.name} has no DevAddr and session keys: a raw downlink needs them`);
  const mhdr = req?.confirmed ? 0xa0 : 0x60;
  const fhdr = Buffer.alloc(7);
  Buffer.from(device.devAddr, "hex").reverse().copy(fhdr, 0);
  fhdr[4] = ack ? 0x20 : 0x00; // FCtrl: no ADR, no FPending, no FOpts
  fhdr.writeUInt16LE(fCntDown & 0xffff, 5);
  const body = req ? Buffer.concat([Buffer.from([req.fPort]), cryptFrmPayload(device.appSKey, req.bytes, false, device.devAddr, fCntDown)]) : Buffer.alloc(0);
  const signed = Buffer.concat([Buffer.from([mhdr]), fhdr, body]);
  return Buffer.concat([signed, dataFrameMic(device.nwkSKey, signed, false, device.devAddr, fCntDown)]);
}

export interface UplinkTiming {
  /** concentrator timestamp of the uplink, µs */
  tmst: number;
  /** MHz, as rxpk gives it */
  freq: number;
  datr: string;
  codr: string;
}

/** RX1 or RX2 after an uplink (Class A), or at once on RX2 parameters (Class C) */
export type ReceiveWindow = "rx1" | "rx2" | "immediate";

export interface WindowOptions {
  /** seconds from the end of the uplink to RX1 (RECEIVE_DELAY1, or JOIN_ACCEPT_DELAY1 for a Join-accept) */
  delayS?: number;
  rx1DrOffset?: number;
  /** the region's RX2, not the device's own: a device that has not joined yet knows only the defaults */
  regionRx2?: boolean;
}

/** the txpk that puts a frame in one of the device's receive windows, per its region and settings */
export function windowTxpk(device: LorawanDevice, frame: Buffer, window: ReceiveWindow, uplink?: UplinkTiming, options: WindowOptions = {}): Txpk {
  const { region } = device.radio;
  const delayS = options.delayS ?? device.radio.rxDelayS;
  let params = window === "rx1" && uplink ? rx1Parameters(region, Math.round(uplink.freq * 1e6), uplink.datr, options.rx1DrOffset ?? device.radio.rx1DrOffset) : rx2Parameters(region, options.regionRx2 ? {} : device.radio.rx2);
  if (!params) throw new LorawanError("bad-downlink", `${device.name}: ${window === "rx1" ? `an uplink at ${uplink?.datr} is not a data rate of ${region.name}` : `no RX2 data rate in ${region.name}`}`);
  if (window !== "immediate" && !uplink) throw new LorawanError("bad-downlink", `${device.name}: ${window.toUpperCase()} needs the timing of an uplink`);
  // RX2 opens one second after RX1
  const tmst = window === "immediate" ? undefined : (uplink!.tmst + (delayS + (window === "rx2" ? 1 : 0)) * 1_000_000) >>> 0;
  params = params!;
  return {
    imme: window === "immediate",
    ...(tmst !== undefined ? { tmst } : {}),
    freq: params.frequencyHz / 1e6,
    rfch: 0,
    powe: region.txPowerDbm,
    modu: "LORA",
    datr: params.datr,
    codr: uplink?.codr || "4/5",
    ipol: true,
    size: frame.length,
    data: frame.toString("base64"),
  };
}
