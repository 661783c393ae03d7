/** The TLS 1.2 PRF with SHA-256 (RFC 5246 §5) and the key schedule of a PSK handshake (RFC 4279 §2, RFC 7627). */
import { createHash, createHmac } from "crypto";

export function prf(secret: Buffer, label: string, seed: Buffer, length: number): Buffer {
  const labelSeed = Buffer.concat([Buffer.from(label, "ascii"), seed]);
  const out: Buffer[] = [];
  let total = 0;
  let a = labelSeed;
  while (total < length) {
    a = createHmac("sha256", secret).update(a).digest();
    const block = createHmac("sha256", secret).update(a).update(labelSeed).digest();
    out.push(block);
    total += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

/** RFC 4279 §2: the "other secret" of plain PSK is N zero bytes */
export function pskPremasterSecret(psk: Buffer): Buffer {
  const out = Buffer.alloc(4 + 2 * psk.length);
  out.writeUInt16BE(psk.length, 0);
  out.writeUInt16BE(psk.length, 2 + psk.length);
  psk.copy(out, 4 + psk.length);
  return out;
}

/**
 * The master secret: bound to the whole handshake so far when the client asked for the extended master secret
 * (RFC 7627), else to the two randoms.
 */
export function masterSecret(premaster: Buffer, clientRandom: Buffer, serverRandom: Buffer, sessionHash: Buffer | undefined): Buffer {
  return sessionHash
    ? prf(premaster, "extended master secret", sessionHash, 48)
    : prf(premaster, "master secret", Buffer.concat([clientRandom, serverRandom]), 48);
}

export function sha256(data: Buffer): Buffer {
  return createHash("sha256").update(data).digest();
}

export function verifyData(master: Buffer, sender: "client" | "server", transcript: Buffer): Buffer {
  return prf(master, `${sender} finished`, sha256(transcript), 12);
}
