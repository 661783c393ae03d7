/**
 * The 32-bit uplink frame counter from the 16 bits on air, and the replay rule: a frame is new only if its
 * counter is above the last accepted one by at most MAX_FCNT_GAP (LoRaWAN 1.0.x §4.3.1.5, §18); anything else
 * is a replay or a counter that went back.
 */
export const MAX_FCNT_GAP = 16384;

export type CounterCheck = { ok: true; fCnt32: number } | { ok: false; detail: string };

/** `last` is the last accepted 32-bit counter, undefined for a device never heard from (then any counter is new). */
export function nextUplinkCounter(last: number | undefined, fCnt16: number, maxGap = MAX_FCNT_GAP): CounterCheck {
  if (last === undefined) return { ok: true, fCnt32: fCnt16 };
  const diff = (fCnt16 - (last & 0xffff) + 0x10000) & 0xffff;
  if (diff === 0) return { ok: false, detail: `frame counter ${last} already accepted` };
  if (diff > maxGap) return { ok: false, detail: `frame counter ${fCnt16} (16 bits) is not above the last accepted ${last}` };
  const fCnt32 = last + diff;
  if (fCnt32 > 0xffffffff) return { ok: false, detail: "frame counter exhausted: the device must rejoin" };
  return { ok: true, fCnt32 };
}

/** 16-bit epochs tried past the guessed one, so a device far into its count is still found (16 × 65536 frames) */
export const EPOCHS_TRIED = 16;

/**
 * What a counter on air may stand for, in the order to try the MIC: "retransmission" (the last accepted counter
 * again), "next" (above it within MAX_FCNT_GAP), "gap" (above it by more: the frame is genuine but refused), and
 * "first" for a device never heard (over EPOCHS_TRIED epochs; within MAX_FCNT_GAP of its starting counter when it
 * has one, "gap" beyond).
 */
export interface CounterCandidate {
  fCnt32: number;
  kind: "retransmission" | "next" | "gap" | "first";
}

export function uplinkCounterCandidates(last: number | undefined, fCnt16: number, start?: number, maxGap = MAX_FCNT_GAP, epochs = EPOCHS_TRIED): CounterCandidate[] {
  const out: CounterCandidate[] = [];
  if (last === undefined) {
    // a starting counter is where the device is: within MAX_FCNT_GAP of it; without one, any epoch tried
    const from = start ?? 0;
    let c = from - (from % 0x10000) + fCnt16;
    if (c < from) c += 0x10000;
    for (let k = 0; k < epochs && c <= 0xffffffff; k++, c += 0x10000) out.push({ fCnt32: c, kind: start === undefined || c - start <= maxGap ? "first" : "gap" });
    return out;
  }
  const diff = (fCnt16 - (last % 0x10000) + 0x10000) % 0x10000;
  if (diff === 0) out.push({ fCnt32: last, kind: "retransmission" });
  let c = last + (diff === 0 ? 0x10000 : diff);
  for (let k = 0; k < epochs && c <= 0xffffffff; k++, c += 0x10000) out.push({ fCnt32: c, kind: c - last <= maxGap ? "next" : "gap" });
  return out;
}
