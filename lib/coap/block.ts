/** The Block1/Block2 option value (RFC 7959 §2.2): block number, more flag and size exponent. */

export interface BlockValue {
  num: number;
  more: boolean;
  /** SZX: the block size is 2 ** (szx + 4), 16…1024; 7 is reserved (BERT, TCP only) */
  szx: number;
}

export const blockSize = (szx: number): number => 2 ** (szx + 4);

/** The largest SZX whose block size is at most `bytes` (16 bytes at least). */
export function szxFor(bytes: number): number {
  let szx = 6;
  while (szx > 0 && blockSize(szx) > bytes) szx--;
  return szx;
}

export function decodeBlock(value: Buffer): BlockValue | undefined {
  if (value.length > 3) return undefined;
  let n = 0;
  for (const byte of value) n = n * 256 + byte;
  const szx = n & 0x07;
  if (szx === 7) return undefined;
  return { num: n >>> 4, more: (n & 0x08) !== 0, szx };
}

export function encodeBlock({ num, more, szx }: BlockValue): Buffer {
  if (num > 0xfffff) throw new RangeError(`block number ${num} is over 2^20 - 1`);
  const n = (num << 4) | (more ? 0x08 : 0) | szx;
  if (n === 0) return Buffer.alloc(0);
  if (n < 0x100) return Buffer.of(n);
  if (n < 0x10000) return Buffer.of(n >> 8, n & 0xff);
  return Buffer.of(n >> 16, (n >> 8) & 0xff, n & 0xff);
}
