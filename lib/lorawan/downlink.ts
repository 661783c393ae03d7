/**
 * Downlinks in the three forms a gateway may need: a ChirpStack v4 `command/down`, a TTN v3 `down/push`, or an
 * encrypted data frame (FCntDown from the session store) wrapped in a txpk for edge-lorawan-gateway, timed for
 * the device's RX1 window after its last uplink.
 */
import { cryptFrmPayload, dataFrameMic } from "./lorawan-crypto";
import type { LorawanDevice } from "./device-table";
import { LorawanError } from "./lorawan-error";
import type { Txpk } from "./packet-forwarder";

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

/** An encrypted, MIC-signed data downlink (LoRaWAN 1.0.x, ABP). */
export function rawDownlinkFrame(device: LorawanDevice, req: DownlinkRequest, fCntDown: number): Buffer {
  validateDownlink(req);
  if (!device.devAddr || !device.nwkSKey || !device.appSKey) throw new LorawanError("bad-downlink", `${device.name} has no DevAddr and session keys: a raw downlink needs them`);
  const mhdr = req.confirmed ? 0xa0 : 0x60;
  const fhdr = Buffer.alloc(7);
  Buffer.from(device.devAddr, "hex").reverse().copy(fhdr, 0);
  fhdr[4] = 0x00; // FCtrl: no ADR, no ACK, no FOpts
  fhdr.writeUInt16LE(fCntDown & 0xffff, 5);
  const enc = cryptFrmPayload(device.appSKey, req.bytes, false, device.devAddr, fCntDown);
  const signed = Buffer.concat([Buffer.from([mhdr]), fhdr, Buffer.from([req.fPort]), enc]);
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

/** RX1 of a Class A device, the region's default RX1DROffset 0 and RECEIVE_DELAY1 1 s: the uplink's channel and data rate. */
export function rx1Txpk(frame: Buffer, uplink: UplinkTiming, powerDbm = 14, receiveDelayS = 1): Txpk {
  return {
    imme: false,
    tmst: (uplink.tmst + receiveDelayS * 1_000_000) >>> 0,
    freq: uplink.freq,
    rfch: 0,
    powe: powerDbm,
    modu: "LORA",
    datr: uplink.datr,
    codr: uplink.codr || "4/5",
    ipol: true,
    size: frame.length,
    data: frame.toString("base64"),
  };
}
