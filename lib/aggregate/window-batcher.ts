/**
 * Gathers the summaries of one window, closed key by key as each key's readings pass its end, into one batch: the
 * batch of a window end goes out once no key still holds that window open (or, for windows with no common end,
 * at once).
 */
import type { Summary } from "./window-aggregator";

export class WindowBatcher<S extends Summary> {
  private readonly pending = new Map<number, S[]>();

  /** adds closed summaries; returns the batches now complete, oldest first, rows in key order */
  take(closed: readonly S[], stillOpen: (end: number) => boolean): S[][] {
    for (const s of closed) {
      const rows = this.pending.get(s.end) ?? [];
      rows.push(s);
      this.pending.set(s.end, rows);
    }
    const out: S[][] = [];
    for (const end of [...this.pending.keys()].sort((a, b) => a - b)) {
      if (stillOpen(end)) continue;
      out.push(this.pending.get(end)!.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)));
      this.pending.delete(end);
    }
    return out;
  }
}
