/**
 * Per-device sliding windows over the normalised event's readings (lib/ingest/event.ts), for time-series
 * models: each event contributes one row of the chosen resources' values; a full window of `length` rows,
 * oldest first, flattened, is what the model sees.
 */
import type { EdgeEvent } from "../ingest/event";

export class SlidingWindows {
  private readonly windows = new Map<string, number[][]>();

  constructor(readonly length: number, readonly resources: string[], readonly maxDevices = 10000) {}

  /** Adds the event's row; returns the flattened window once the device has `length` rows, else undefined. */
  push(event: EdgeEvent): number[] | undefined {
    const row = this.resources.map((name) => {
      const reading = event.readings.find((r) => r.resourceName === name);
      if (!reading) throw new Error(`event from "${event.deviceName}" has no reading "${name}"`);
      const v = typeof reading.value === "boolean" ? (reading.value ? 1 : 0) : Number(reading.value);
      if (!Number.isFinite(v)) throw new Error(`reading "${name}" of "${event.deviceName}" is not numeric`);
      return v;
    });
    let w = this.windows.get(event.deviceName);
    if (!w) {
      if (this.windows.size >= this.maxDevices) this.windows.delete(this.windows.keys().next().value as string);
      w = [];
      this.windows.set(event.deviceName, w);
    }
    w.push(row);
    if (w.length > this.length) w.shift();
    return w.length === this.length ? w.flat() : undefined;
  }

  fill(device: string): number {
    return this.windows.get(device)?.length ?? 0;
  }

  clear(): void {
    this.windows.clear();
  }
}

export function isEdgeEvent(v: unknown): v is EdgeEvent {
  return typeof v === "object" && v !== null && typeof (v as EdgeEvent).deviceName === "string" && Array.isArray((v as EdgeEvent).readings);
}
