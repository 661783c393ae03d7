/**
 * A name-based UUID (version 8, RFC 9562 variant) from a 128-bit non-cryptographic hash of a string: the mixing
 * of MurmurHash3 x86_128 (four 32-bit lanes, cross-mixed per block, finalised with fmix32) over the string's
 * UTF-16 code units, two to a 32-bit word. Not byte-compatible with the reference MurmurHash3 (which reads bytes);
 * our own, deterministic across processes, platforms and versions of Node.
 *
 * Why not a cryptographic hash: these ids name messages (one transition of an alert) so that queues de-duplicate a
 * redelivered copy. They are neither secrets nor proofs: whoever can write a message can write any eventId, so
 * resistance to a chosen collision buys nothing here. What they need is determinism and no accidental collisions,
 * and 122 well-mixed bits give that (a collision is expected after about 2^61 ids). SHA-256 per alert cost
 * 2–3 % of edge-rules' time when a fleet's readings crossed a band.
 */

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** the 32-bit word of code units 2w and 2w + 1 (0 past the end) */
function word(text: string, w: number): number {
  const i = 2 * w;
  const lo = text.charCodeAt(i);
  const hi = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
  return (lo | (hi << 16)) >>> 0;
}

/** two hex digits per byte value: four lookups per word instead of toString(16) and padStart */
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));
const hex4 = (x: number) => HEX[(x >>> 8) & 0xff] + HEX[x & 0xff];
const hex8 = (x: number) => hex4(x >>> 16) + hex4(x);

/** the UUID-shaped 128-bit hash of `text` (see the file's header) */
export function nameHashUuid(text: string): string {
  const words = (text.length + 1) >> 1;
  let h1 = 0x9e3779b9;
  let h2 = 0x85ebca6b;
  let h3 = 0xc2b2ae35;
  let h4 = 0x27d4eb2f;
  let w = 0;
  for (; w + 4 <= words; w += 4) {
    let k1 = word(text, w);
    let k2 = word(text, w + 1);
    let k3 = word(text, w + 2);
    let k4 = word(text, w + 3);
    k1 = Math.imul(rotl(Math.imul(k1, C1), 15), C2);
    h1 ^= k1;
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(rotl(Math.imul(k2, C2), 16), C3);
    h2 ^= k2;
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(rotl(Math.imul(k3, C3), 17), C4);
    h3 ^= k3;
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(rotl(Math.imul(k4, C4), 18), C1);
    h4 ^= k4;
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }
  // the last one to three words
  const left = words - w;
  if (left >= 3) h3 ^= Math.imul(rotl(Math.imul(word(text, w + 2), C3), 17), C4);
  if (left >= 2) h2 ^= Math.imul(rotl(Math.imul(word(text, w + 1), C2), 16), C3);
  if (left >= 1) h1 ^= Math.imul(rotl(Math.imul(word(text, w), C1), 15), C2);
  // the length in code units, so that a trailing NUL is not the same as none
  h1 ^= text.length;
  h2 ^= text.length;
  h3 ^= text.length;
  h4 ^= text.length;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h2 = (h2 & 0xffff0fff) | 0x00008000; // version 8: custom, name-based
  h3 = (h3 & 0x3fffffff) | 0x80000000; // RFC 9562 variant
  return `${hex8(h1)}-${hex4(h2 >>> 16)}-${hex4(h2)}-${hex4(h3 >>> 16)}-${hex4(h3)}${hex8(h4)}`;
}
