/**
 * Each distinct error said once: a broker that stays down, or a configuration that cannot work, must not write
 * the same line per message or per retry. `reset()` when things work again, so the next outage is told.
 */
export class OnceLog {
  private readonly seen = new Set<string>();

  constructor(
    private readonly write: (text: string) => void,
    private readonly limit = 100,
  ) {}

  error(text: string): void {
    if (this.seen.has(text)) return;
    if (this.seen.size >= this.limit) return; // bounded: a peer inventing new messages cannot flood the log
    this.seen.add(text);
    this.write(text);
  }

  reset(): void {
    this.seen.clear();
  }
}

/** an error's text short enough for a node's status line */
export function shortReason(text: string, max = 60): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}
