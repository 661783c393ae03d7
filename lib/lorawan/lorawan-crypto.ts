/**
 * LoRaWAN 1.0.x frame security: the MIC is AES-CMAC (RFC 4493) over a B0 block and the frame, and FRMPayload is
 * encrypted by XOR with AES-ECB of A blocks (LoRaWAN 1.0.x §4.3.3, §4.4). Written on node:crypto's AES so that
 * the tests can hold it against lora-packet and `openssl mac CMAC` as independent implementations.
 */
import * as crypto from "crypto";

const BLOCK = 16;
const RB = 0x87;

function aesEcb(key: Buffer, block: Buffer): Buffer {
  const cipher = crypto.createCipheriv("aes-128-ecb", key, null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(block), cipher.final()]);
}

function shiftLeft(block: Buffer): Buffer {
  const out = Buffer.alloc(BLOCK);
  for (let i = 0; i < BLOCK; i++) out[i] = ((block[i] << 1) | (i + 1 < BLOCK ? block[i + 1] >> 7 : 0)) & 0xff;
  return out;
}

function subkey(block: Buffer): Buffer {
  const k = shiftLeft(block);
  if (block[0] & 0x80) k[BLOCK - 1] ^= RB;
  return k;
}

/** AES-128-CMAC of a message (RFC 4493). */
export function aesCmac(key: Buffer, message: Buffer): Buffer {
  const k1 = subkey(aesEcb(key, Buffer.alloc(BLOCK)));
  const k2 = subkey(k1);
  const blocks = Math.max(1, Math.ceil(message.length / BLOCK));
  const complete = message.length > 0 && message.length % BLOCK === 0;
  const last = Buffer.alloc(BLOCK);
  message.copy(last, 0, (blocks - 1) * BLOCK);
  if (!complete) last[message.length - (blocks - 1) * BLOCK] = 0x80;
  const k = complete ? k1 : k2;
  for (let i = 0; i < BLOCK; i++) last[i] ^= k[i];
  let x: Buffer = Buffer.alloc(BLOCK);
  for (let b = 0; b < blocks - 1; b++) {
    const y = Buffer.alloc(BLOCK);
    for (let i = 0; i < BLOCK; i++) y[i] = x[i] ^ message[b * BLOCK + i];
    x = aesEcb(key, y);
  }
  for (let i = 0; i < BLOCK; i++) last[i] ^= x[i];
  return aesEcb(key, last);
}

/** DevAddr in air order (little-endian) from its written form. */
function devAddrBytes(devAddr: string): Buffer {
  return Buffer.from(devAddr, "hex").reverse();
}

function counterBlock(first: number, uplink: boolean, devAddr: string, fCnt32: number, last: number): Buffer {
  const b = Buffer.alloc(BLOCK);
  b[0] = first;
  b[5] = uplink ? 0 : 1;
  devAddrBytes(devAddr).copy(b, 6);
  b.writeUInt32LE(fCnt32 >>> 0, 10);
  b[15] = last;
  return b;
}

/** The 4-byte MIC of a data frame: CMAC over B0 | MHDR | MACPayload, keyed with NwkSKey. */
export function dataFrameMic(nwkSKey: Buffer, signedPart: Buffer, uplink: boolean, devAddr: string, fCnt32: number): Buffer {
  const b0 = counterBlock(0x49, uplink, devAddr, fCnt32, signedPart.length);
  return aesCmac(nwkSKey, Buffer.concat([b0, signedPart])).subarray(0, 4);
}

/** Encrypts or decrypts FRMPayload (the same XOR both ways); AppSKey for FPort > 0, NwkSKey for FPort 0. */
export function cryptFrmPayload(key: Buffer, payload: Buffer, uplink: boolean, devAddr: string, fCnt32: number): Buffer {
  const out = Buffer.alloc(payload.length);
  for (let i = 0; i * BLOCK < payload.length; i++) {
    const s = aesEcb(key, counterBlock(0x01, uplink, devAddr, fCnt32, i + 1));
    for (let j = 0; j < BLOCK && i * BLOCK + j < payload.length; j++) out[i * BLOCK + j] = payload[i * BLOCK + j] ^ s[j];
  }
  return out;
}

/** Constant-time comparison, so a MIC check does not leak how many bytes matched. */
export function sameMic(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
