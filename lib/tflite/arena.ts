/**
 * Plans one memory arena for a subgraph's activations: each tensor lives from the first operator that touches
 * it to the last, and tensors whose lifetimes do not overlap share bytes (greedy first fit, largest first).
 */
export interface ArenaRequest {
  id: number;
  bytes: number;
  first: number;
  last: number;
}

const ALIGN = 16;

export function planArena(requests: ArenaRequest[]): { offsets: Map<number, number>; size: number } {
  const sorted = [...requests].sort((a, b) => b.bytes - a.bytes || a.first - b.first);
  const placed: Array<ArenaRequest & { offset: number }> = [];
  const offsets = new Map<number, number>();
  let size = 0;
  for (const r of sorted) {
    const live = placed.filter((p) => p.first <= r.last && r.first <= p.last).sort((a, b) => a.offset - b.offset);
    let offset = 0;
    for (const p of live) {
      if (offset + r.bytes <= p.offset) break;
      offset = Math.max(offset, align(p.offset + p.bytes));
    }
    placed.push({ ...r, offset });
    offsets.set(r.id, offset);
    size = Math.max(size, offset + r.bytes);
  }
  return { offsets, size: align(size) };
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}
