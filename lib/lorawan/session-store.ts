/**
 * Frame counters per device (last uplink accepted, next downlink), kept on disk so that a restart neither
 * reopens the door to replays nor reuses a downlink counter. Each change rewrites a small JSON file atomically
 * (write, fsync, rename) before the frame is passed on: LoRaWAN devices send at most a few frames a minute
 * (duty cycle), so a synchronous write per frame costs nothing that matters and never loses a counter.
 */
import * as fs from "fs";
import * as path from "path";

export interface DeviceCounters {
  fCntUp?: number;
  fCntDown: number;
}

export class SessionStore {
  private readonly counters = new Map<string, DeviceCounters>();

  /** `file` undefined: counters in memory only (tests, or a user who opts out) */
  constructor(private readonly file?: string) {
    if (file && fs.existsSync(file)) {
      try {
        const data = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, DeviceCounters>;
        for (const [devEui, c] of Object.entries(data)) {
          if (c && typeof c === "object") this.counters.set(devEui, { fCntUp: typeof c.fCntUp === "number" ? c.fCntUp : undefined, fCntDown: typeof c.fCntDown === "number" ? c.fCntDown : 0 });
        }
      } catch (err) {
        throw new Error(`frame counter file ${file} is unreadable (${(err as Error).message}); move it away to start afresh`);
      }
    }
  }

  get(devEui: string): DeviceCounters {
    return this.counters.get(devEui) ?? { fCntDown: 0 };
  }

  acceptUplink(devEui: string, fCnt32: number): void {
    this.counters.set(devEui, { ...this.get(devEui), fCntUp: fCnt32 });
    this.save();
  }

  /** Reserves the next downlink counter: stored before the frame leaves, so it is never used twice. */
  takeDownlinkCounter(devEui: string): number {
    const c = this.get(devEui);
    this.counters.set(devEui, { ...c, fCntDown: c.fCntDown + 1 });
    this.save();
    return c.fCntDown;
  }

  private save(): void {
    if (!this.file) return;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    const fd = fs.openSync(tmp, "w");
    try {
      fs.writeSync(fd, JSON.stringify(Object.fromEntries(this.counters)));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
  }
}
