/** DTLS 1.2 records (RFC 6347 §4.1): header, the parse of a datagram holding several, and the anti-replay window. */

export const ContentType = { CHANGE_CIPHER_SPEC: 20, ALERT: 21, HANDSHAKE: 22, APPLICATION_DATA: 23 } as const;
export const DTLS_1_2 = 0xfefd;
export const DTLS_1_0 = 0xfeff;
export const RECORD_HEADER_BYTES = 13;
/** 2^14 plaintext plus the largest expansion allowed (RFC 5246 §6.2.3) */
const MAX_FRAGMENT = 16384 + 2048;

export interface DtlsRecord {
  type: number;
  version: number;
  epoch: number;
  /** 48-bit */
  sequence: number;
  /** epoch and sequence as the 8 bytes of the MAC/AEAD input */
  sequenceBytes: Buffer;
  fragment: Buffer;
}

/** The records of a datagram; stops at the first that does not parse (the rest of the datagram is dropped, §4.1.2.7). */
export function parseRecords(datagram: Buffer): DtlsRecord[] {
  const records: DtlsRecord[] = [];
  let at = 0;
  while (datagram.length - at >= RECORD_HEADER_BYTES && records.length < 32) {
    const type = datagram[at];
    const version = datagram.readUInt16BE(at + 1);
    const length = datagram.readUInt16BE(at + 11);
    if (type < 20 || type > 23 || (version !== DTLS_1_2 && version !== DTLS_1_0) || length > MAX_FRAGMENT || at + RECORD_HEADER_BYTES + length > datagram.length) break;
    const sequenceBytes = Buffer.from(datagram.subarray(at + 3, at + 11));
    records.push({
      type,
      version,
      epoch: datagram.readUInt16BE(at + 3),
      sequence: datagram.readUIntBE(at + 5, 6),
      sequenceBytes,
      fragment: datagram.subarray(at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + length),
    });
    at += RECORD_HEADER_BYTES + length;
  }
  return records;
}

export function sequenceBytes(epoch: number, sequence: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeUInt16BE(epoch, 0);
  out.writeUIntBE(sequence, 2, 6);
  return out;
}

export function encodeRecord(type: number, version: number, sequence: Buffer, fragment: Buffer): Buffer {
  const header = Buffer.alloc(RECORD_HEADER_BYTES);
  header.writeUInt8(type, 0);
  header.writeUInt16BE(version, 1);
  sequence.copy(header, 3);
  header.writeUInt16BE(fragment.length, 11);
  return Buffer.concat([header, fragment]);
}

const WINDOW = 64;

/**
 * RFC 6347 §4.1.2.6: a record is accepted once, and only if it is newer than the window's left edge. check()
 * before decrypting, accept() only after the record authenticated (a forged one must not move the window).
 */
export class ReplayWindow {
  private highest = -1;
  /** bit i set: highest - i was received */
  private bits = 0n;

  check(sequence: number): boolean {
    if (sequence > this.highest) return true;
    const offset = this.highest - sequence;
    if (offset >= WINDOW) return false;
    return ((this.bits >> BigInt(offset)) & 1n) === 0n;
  }

  accept(sequence: number): void {
    if (sequence > this.highest) {
      const shift = sequence - this.highest;
      this.bits = shift >= WINDOW ? 1n : ((this.bits << BigInt(shift)) | 1n) & ((1n << BigInt(WINDOW)) - 1n);
      this.highest = sequence;
    } else {
      this.bits |= 1n << BigInt(this.highest - sequence);
    }
  }
}
