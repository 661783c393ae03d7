/**
 * The PSK cipher suites served and their record protection (RFC 5246 §6.2.3, RFC 5288 for GCM, RFC 6655 for CCM).
 * Every suite uses the SHA-256 PRF. Order is the server's preference: CoAP's mandatory CCM_8 first (RFC 7252 §9.1.3.1).
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from "crypto";

export interface CipherSuite {
  id: number;
  name: string;
  /** key bytes taken from the key block, per direction */
  macKeyBytes: number;
  encKeyBytes: number;
  fixedIvBytes: number;
  protect(keys: DirectionKeys, sequence: Buffer, type: number, version: number, plaintext: Buffer): Buffer;
  /** undefined when the record does not authenticate */
  unprotect(keys: DirectionKeys, sequence: Buffer, type: number, version: number, fragment: Buffer): Buffer | undefined;
}

export interface DirectionKeys {
  macKey: Buffer;
  encKey: Buffer;
  fixedIv: Buffer;
}

/** seq_num (epoch + sequence, 8 bytes) + type + version + length */
function additionalData(sequence: Buffer, type: number, version: number, length: number): Buffer {
  const aad = Buffer.alloc(13);
  sequence.copy(aad, 0);
  aad.writeUInt8(type, 8);
  aad.writeUInt16BE(version, 9);
  aad.writeUInt16BE(length, 11);
  return aad;
}

type AeadMode = "gcm" | "ccm";

function aead(id: number, name: string, mode: AeadMode, keyBytes: number, tagBytes: number): CipherSuite {
  const algorithm = `aes-${keyBytes * 8}-${mode}` as const;
  return {
    id,
    name,
    macKeyBytes: 0,
    encKeyBytes: keyBytes,
    fixedIvBytes: 4,
    protect(keys, sequence, type, version, plaintext) {
      // the explicit nonce is the record's own epoch and sequence number: unique per key, as RFC 6655 §3 asks
      const nonce = Buffer.concat([keys.fixedIv, sequence]);
      const cipher = createCipheriv(algorithm as "aes-128-gcm", keys.encKey, nonce, { authTagLength: tagBytes });
      cipher.setAAD(additionalData(sequence, type, version, plaintext.length), { plaintextLength: plaintext.length });
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return Buffer.concat([sequence, body, cipher.getAuthTag()]);
    },
    unprotect(keys, sequence, type, version, fragment) {
      if (fragment.length < 8 + tagBytes) return undefined;
      const nonce = Buffer.concat([keys.fixedIv, fragment.subarray(0, 8)]);
      const body = fragment.subarray(8, fragment.length - tagBytes);
      const tag = fragment.subarray(fragment.length - tagBytes);
      try {
        const decipher = createDecipheriv(algorithm as "aes-128-gcm", keys.encKey, nonce, { authTagLength: tagBytes });
        decipher.setAuthTag(tag);
        decipher.setAAD(additionalData(sequence, type, version, body.length), { plaintextLength: body.length });
        return Buffer.concat([decipher.update(body), decipher.final()]);
      } catch {
        return undefined;
      }
    },
  };
}

/** AES-CBC with HMAC-SHA256, MAC then encrypt, explicit IV per record (RFC 5246 §6.2.3.2) */
function cbcSha256(id: number, name: string, keyBytes: number): CipherSuite {
  const algorithm = `aes-${keyBytes * 8}-cbc`;
  const macBytes = 32;
  const mac = (key: Buffer, sequence: Buffer, type: number, version: number, data: Buffer) =>
    createHmac("sha256", key).update(additionalData(sequence, type, version, data.length)).update(data).digest();
  return {
    id,
    name,
    macKeyBytes: macBytes,
    encKeyBytes: keyBytes,
    fixedIvBytes: 0,
    protect(keys, sequence, type, version, plaintext) {
      const tag = mac(keys.macKey, sequence, type, version, plaintext);
      const padLength = 15 - ((plaintext.length + macBytes) % 16);
      const padding = Buffer.alloc(padLength + 1, padLength);
      const iv = randomBytes(16);
      const cipher = createCipheriv(algorithm, keys.encKey, iv).setAutoPadding(false);
      return Buffer.concat([iv, cipher.update(Buffer.concat([plaintext, tag, padding])), cipher.final()]);
    },
    unprotect(keys, sequence, type, version, fragment) {
      if (fragment.length < 16 + 48 || fragment.length % 16 !== 0) return undefined;
      let clear: Buffer;
      try {
        const decipher = createDecipheriv(algorithm, keys.encKey, fragment.subarray(0, 16)).setAutoPadding(false);
        clear = Buffer.concat([decipher.update(fragment.subarray(16)), decipher.final()]);
      } catch {
        return undefined;
      }
      const padLength = clear[clear.length - 1];
      // a bad padding is checked against a MAC all the same, so both failures take about as long (RFC 5246 §6.2.3.2)
      let good = padLength + 1 + macBytes <= clear.length;
      if (good) for (let i = clear.length - 1 - padLength; i < clear.length - 1; i++) if (clear[i] !== padLength) good = false;
      const end = good ? clear.length - padLength - 1 - macBytes : clear.length - macBytes;
      const plaintext = clear.subarray(0, end);
      const expected = mac(keys.macKey, sequence, type, version, plaintext);
      const received = clear.subarray(end, end + macBytes);
      const macOk = received.length === macBytes && timingSafeEqual(expected, received);
      return good && macOk ? plaintext : undefined;
    },
  };
}

export const CIPHER_SUITES: readonly CipherSuite[] = [
  aead(0xc0a8, "TLS_PSK_WITH_AES_128_CCM_8", "ccm", 16, 8),
  aead(0xc0a4, "TLS_PSK_WITH_AES_128_CCM", "ccm", 16, 16),
  aead(0x00a8, "TLS_PSK_WITH_AES_128_GCM_SHA256", "gcm", 16, 16),
  aead(0xc0a9, "TLS_PSK_WITH_AES_256_CCM_8", "ccm", 32, 8),
  aead(0xc0a5, "TLS_PSK_WITH_AES_256_CCM", "ccm", 32, 16),
  cbcSha256(0x00ae, "TLS_PSK_WITH_AES_128_CBC_SHA256", 16),
];

/** the first of our suites the client offers */
export function chooseSuite(offered: number[]): CipherSuite | undefined {
  return CIPHER_SUITES.find((s) => offered.includes(s.id));
}

export interface SessionKeys {
  client: DirectionKeys;
  server: DirectionKeys;
}

/** splits the key block (RFC 5246 §6.3) */
export function splitKeyBlock(suite: CipherSuite, block: Buffer): SessionKeys {
  let at = 0;
  const take = (n: number) => block.subarray(at, (at += n));
  const clientMac = take(suite.macKeyBytes);
  const serverMac = take(suite.macKeyBytes);
  const clientKey = take(suite.encKeyBytes);
  const serverKey = take(suite.encKeyBytes);
  const clientIv = take(suite.fixedIvBytes);
  const serverIv = take(suite.fixedIvBytes);
  return { client: { macKey: clientMac, encKey: clientKey, fixedIv: clientIv }, server: { macKey: serverMac, encKey: serverKey, fixedIv: serverIv } };
}

export function keyBlockBytes(suite: CipherSuite): number {
  return 2 * (suite.macKeyBytes + suite.encKeyBytes + suite.fixedIvBytes);
}
