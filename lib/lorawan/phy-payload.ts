/**
 * The structure of a LoRaWAN 1.0.x PHYPayload (MHDR | MACPayload | MIC), read without trusting a byte of it:
 * every length is checked before it is used, so a truncated or hostile frame ends as a LorawanError with its
 * reason, never as an exception from a Buffer read.
 */
import { LorawanError } from "./lorawan-error";

export type MType =
  | "JoinRequest"
  | "JoinAccept"
  | "UnconfirmedDataUp"
  | "UnconfirmedDataDown"
  | "ConfirmedDataUp"
  | "ConfirmedDataDown"
  | "RejoinRequest"
  | "Proprietary";

const MTYPES: MType[] = ["JoinRequest", "JoinAccept", "UnconfirmedDataUp", "UnconfirmedDataDown", "ConfirmedDataUp", "ConfirmedDataDown", "RejoinRequest", "Proprietary"];

export interface FCtrl {
  adr: boolean;
  /** ADRACKReq on uplinks, RFU on downlinks */
  adrAckReq: boolean;
  ack: boolean;
  /** ClassB on uplinks, FPending on downlinks */
  fPending: boolean;
  fOptsLen: number;
}

export interface DataFrame {
  mType: MType;
  uplink: boolean;
  confirmed: boolean;
  /** DevAddr as people write it: 8 upper-case hex digits, most significant byte first */
  devAddr: string;
  fCtrl: FCtrl;
  /** the 16 bits of the frame counter carried on air */
  fCnt16: number;
  fOpts: Buffer;
  /** absent when the frame carries no FPort (MAC commands in FOpts only) */
  fPort?: number;
  /** still encrypted */
  frmPayload: Buffer;
  mic: Buffer;
  /** MHDR | MACPayload: the bytes the MIC covers */
  signedPart: Buffer;
}

export const MIN_DATA_FRAME_BYTES = 12;

export function mTypeOf(mhdr: number): MType {
  return MTYPES[mhdr >> 5];
}

/** Parses a data frame (up or down); join and proprietary frames are refused with "not-a-data-frame". */
export function parseDataFrame(phy: Uint8Array): DataFrame {
  const buf = Buffer.from(phy.buffer, phy.byteOffset, phy.byteLength);
  if (buf.length === 0) throw new LorawanError("truncated-frame", "empty PHYPayload");
  const mhdr = buf[0];
  const mType = mTypeOf(mhdr);
  if ((mhdr & 0x03) !== 0) throw new LorawanError("not-a-data-frame", `unsupported LoRaWAN major version ${mhdr & 0x03} (MHDR 0x${hex2(mhdr)})`);
  if (!mType.includes("Data")) throw new LorawanError("not-a-data-frame", `${mType} frame, not a data frame`);
  if (buf.length < MIN_DATA_FRAME_BYTES) throw new LorawanError("truncated-frame", `${buf.length} bytes: a data frame has at least ${MIN_DATA_FRAME_BYTES}`);
  const uplink = mType.endsWith("Up");
  const devAddr = Buffer.from(buf.subarray(1, 5)).reverse().toString("hex").toUpperCase();
  const fctrl = buf[5];
  const fOptsLen = fctrl & 0x0f;
  const fCnt16 = buf.readUInt16LE(6);
  const macEnd = buf.length - 4;
  const fhdrEnd = 8 + fOptsLen;
  if (fhdrEnd > macEnd) throw new LorawanError("truncated-frame", `FOptsLen ${fOptsLen} runs past the end of a ${buf.length}-byte frame`);
  const hasPort = macEnd > fhdrEnd;
  const fPort = hasPort ? buf[fhdrEnd] : undefined;
  if (fPort === 0 && fOptsLen > 0) throw new LorawanError("not-a-data-frame", "FPort 0 with MAC commands in FOpts too (forbidden by LoRaWAN 1.0.x §4.3.1.6)");
  return {
    mType,
    uplink,
    confirmed: mType.startsWith("Confirmed"),
    devAddr,
    fCtrl: { adr: (fctrl & 0x80) !== 0, adrAckReq: (fctrl & 0x40) !== 0, ack: (fctrl & 0x20) !== 0, fPending: (fctrl & 0x10) !== 0, fOptsLen },
    fCnt16,
    fOpts: Buffer.from(buf.subarray(8, fhdrEnd)),
    fPort,
    frmPayload: Buffer.from(buf.subarray(hasPort ? fhdrEnd + 1 : macEnd, macEnd)),
    mic: Buffer.from(buf.subarray(macEnd)),
    signedPart: Buffer.from(buf.subarray(0, macEnd)),
  };
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, "0");
}
