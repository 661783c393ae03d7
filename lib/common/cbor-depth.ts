/**
 * The nesting depth of the first CBOR data item in a buffer (RFC 8949), read from the item headers alone, without
 * decoding. A decoder fed 1 MB of 0x81 bytes builds a million nested arrays (seconds of blocked event loop, then a
 * structure nothing recursive survives); this scan refuses it in one pass first. Arrays, maps and tags each add a
 * level (an indefinite-length string's chunks do not). Malformed or truncated input ends the scan early: reporting
 * those is the decoder's job.
 */
import { depthError, PayloadLimits, resolveLimits } from "./payload-limits";

/** Throws a PayloadLimitError when the first item nests deeper than maxDepth. */
export function assertCborDepthWithin(data: Uint8Array, limits: PayloadLimits = {}, what = "payload"): void {
  const { maxDepth } = resolveLimits(limits);
  if (cborDepth(data, maxDepth) > maxDepth) throw depthError(what, maxDepth);
}

interface Open {
  /** items still due, or -1 for an indefinite container (closed by a break byte) */
  due: number;
  /** a level of nesting (not an indefinite string's chunk list) */
  level: boolean;
}

/** the depth of the first item, or the first depth found above stopAbove */
export function cborDepth(data: Uint8Array, stopAbove = Infinity): number {
  const open: Open[] = [];
  let depth = 0;
  let max = 0;
  let pos = 0;
  /** one item finished: count it against the containers it completes; true once the top-level item is complete */
  const completeItem = (): boolean => {
    while (open.length > 0) {
      const top = open[open.length - 1];
      if (top.due === -1) return false;
      if (--top.due > 0) return false;
      open.pop();
      if (top.level) depth--;
    }
    return true;
  };
  while (pos < data.length) {
    const initial = data[pos++];
    if (initial === 0xff) {
      const top = open[open.length - 1];
      if (!top || top.due !== -1) return max;
      open.pop();
      if (top.level) depth--;
      if (completeItem()) return max;
      continue;
    }
    const major = initial >> 5;
    const info = initial & 0x1f;
    const indefinite = info === 31;
    let value = info;
    if (info >= 24 && info <= 27) {
      const bytes = 1 << (info - 24);
      if (pos + bytes > data.length) return max;
      value = 0;
      for (let i = 0; i < bytes; i++) value = value * 256 + data[pos + i];
      pos += bytes;
    } else if (info >= 28 && info <= 30) return max;

    let opened: Open | undefined;
    if (major === 2 || major === 3) {
      if (indefinite) opened = { due: -1, level: false };
      else pos += value;
    } else if (major === 4 || major === 5) {
      const due = indefinite ? -1 : major === 5 ? value * 2 : value;
      if (due !== 0) opened = { due, level: true };
      else if (depth + 1 > max) max = depth + 1; // an empty array or map is a level too, with nothing inside
    } else if (major === 6) opened = { due: 1, level: true };

    if (opened) {
      open.push(opened);
      if (opened.level && ++depth > max) {
        max = depth;
        if (max > stopAbove) return max;
      }
      continue;
    }
    if (completeItem()) return max;
  }
  return max;
}
