/**
 * One frame heard by several gateways arrives as several rxpk within a few hundred milliseconds. The first copy
 * opens a window; when it closes the frame is passed on once, with the best reception (highest SNR, then RSSI)
 * as its metadata and every reception listed.
 */
import type { Rxpk } from "./packet-forwarder";

export interface Reception {
  gatewayEui: string;
  rxpk: Rxpk;
}

export interface DeduplicatedFrame {
  best: Reception;
  receptions: Reception[];
}

export class RxpkDeduplicator {
  private readonly open = new Map<string, { receptions: Reception[]; timer: NodeJS.Timeout }>();

  constructor(
    private readonly windowMs: number,
    private readonly emit: (frame: DeduplicatedFrame) => void,
    /** at most this many frames in their window at once; beyond it a frame is passed on at once */
    private readonly maxOpen = 10000,
  ) {}

  add(reception: Reception): void {
    const key = reception.rxpk.data;
    const pending = this.open.get(key);
    if (pending) {
      if (!pending.receptions.some((r) => r.gatewayEui === reception.gatewayEui)) pending.receptions.push(reception);
      return;
    }
    if (this.windowMs <= 0 || this.open.size >= this.maxOpen) return this.emit({ best: reception, receptions: [reception] });
    const timer = setTimeout(() => this.flush(key), this.windowMs);
    this.open.set(key, { receptions: [reception], timer });
  }

  get pending(): number {
    return this.open.size;
  }

  /** passes on every frame still in its window (on close) */
  flushAll(): void {
    for (const key of [...this.open.keys()]) this.flush(key);
  }

  private flush(key: string): void {
    const pending = this.open.get(key);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.open.delete(key);
    const best = pending.receptions.reduce((a, b) => (score(b) > score(a) ? b : a));
    this.emit({ best, receptions: pending.receptions });
  }
}

function score(r: Reception): number {
  return (r.rxpk.lsnr ?? -100) * 1000 + (r.rxpk.rssi ?? -200);
}
