/**
 * Over-the-air activation for LoRaWAN 1.0.x, as a network server does it (LoRaWAN 1.0.4 §6.2): the Join-request's
 * MIC under the AppKey, a Join-accept encrypted with AES decrypt under the AppKey (so the device only ever
 * encrypts), and the session keys both sides derive from the nonces. Multi-byte fields travel little-endian;
 * this module takes and gives them as people write them (most significant byte first, hex).
 */
import * as crypto from "crypto";
import { aesCmac, sameMic } from "./lorawan-crypto";
import { LorawanError } from "./lorawan-error";

export interface JoinRequest {
  joinEui: string;
  devEui: string;
  devNonce: number;
  /** MHDR | JoinEUI | DevEUI | DevNonce: what the MIC covers */
  signed: Buffer;
  mic: Buffer;
}

export interface JoinAcceptFields {
  joinNonce: number;
  netId: string;
  devAddr: string;
  rx1DrOffset: number;
  rx2DataRate: number;
  /** RECEIVE_DELAY1 in seconds (0 means 1) */
  rxDelay: number;
}

export interface SessionKeys {
  nwkSKey: Buffer;
  appSKey: Buffer;
}

const JOIN_REQUEST_BYTES = 23;

const le = (hex: string) => Buffer.from(hex, "hex").reverse();
const display = (b: Buffer) => Buffer.from(b).reverse().toString("hex").toUpperCase();

export function parseJoinRequest(phy: Buffer): JoinRequest {
  if (phy.length !== JOIN_REQUEST_BYTES) throw new LorawanError("truncated-frame", `Join-request of ${phy.length} bytes: it has ${JOIN_REQUEST_BYTES}`);
  return {
    joinEui: display(phy.subarray(1, 9)),
    devEui: display(phy.subarray(9, 17)),
    devNonce: phy.readUInt16LE(17),
    signed: Buffer.from(phy.subarray(0, 19)),
    mic: Buffer.from(phy.subarray(19, 23)),
  };
}

export function joinRequestMicValid(appKey: Buffer, req: JoinRequest): boolean {
  return sameMic(aesCmac(appKey, req.signed).subarray(0, 4), req.mic);
}

/** the encrypted Join-accept PHYPayload */
export function buildJoinAccept(appKey: Buffer, f: JoinAcceptFields): Buffer {
  const body = Buffer.alloc(12);
  body.writeUIntLE(f.joinNonce, 0, 3);
  le(f.netId).copy(body, 3);
  le(f.devAddr).copy(body, 6);
  body[10] = ((f.rx1DrOffset & 0x07) << 4) | (f.rx2DataRate & 0x0f);
  body[11] = f.rxDelay & 0x0f;
  const mhdr = Buffer.from([0x20]);
  const mic = aesCmac(appKey, Buffer.concat([mhdr, body])).subarray(0, 4);
  // the network server applies AES *decryption* so that the device needs only the encryption primitive
  const decipher = crypto.createDecipheriv("aes-128-ecb", appKey, null);
  decipher.setAutoPadding(false);
  return Buffer.concat([mhdr, decipher.update(Buffer.concat([body, mic])), decipher.final()]);
}

/** NwkSKey and AppSKey of a LoRaWAN 1.0.x session (1.0.4 §6.2.5) */
export function deriveSessionKeys(appKey: Buffer, joinNonce: number, netId: string, devNonce: number): SessionKeys {
  const block = (prefix: number) => {
    const b = Buffer.alloc(16);
    b[0] = prefix;
    b.writeUIntLE(joinNonce, 1, 3);
    le(netId).copy(b, 4);
    b.writeUInt16LE(devNonce, 7);
    const cipher = crypto.createCipheriv("aes-128-ecb", appKey, null);
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(b), cipher.final()]);
  };
  return { nwkSKey: block(0x01), appSKey: block(0x02) };
}

/** session keys at rest, wrapped under the device's AppKey (which itself lives only in Node-RED's credentials) */
export function wrapKey(appKey: Buffer, key: Buffer): string {
  const cipher = crypto.createCipheriv("aes-128-ecb", appKey, null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(key), cipher.final()]).toString("hex");
}

export function unwrapKey(appKey: Buffer, wrapped: string): Buffer {
  const decipher = crypto.createDecipheriv("aes-128-ecb", appKey, null);
  decipher.setAutoPadding(false);
  return Buffer.concat([decipher.update(Buffer.from(wrapped, "hex")), decipher.final()]);
}
