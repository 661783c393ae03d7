/**
 * Logs each distinct message once until the condition that caused it clears: a node that fails the same way for
 * every message (a refused client, a bad payload shape) would otherwise flood the log. Keyed by the message text;
 * the set of texts is bounded, the oldest forgotten first (it may then be logged again).
 */
export class LogOnce {
  private readonly seen = new Set<string>();

  constructor(
    private readonly write: (text: string) => void = () => undefined,
    private readonly limit = 200,
  ) {}

  /** logs `text` unless it was logged since the last reset; true when it was logged now */
  log(text: string): boolean {
    if (!this.first(text)) return false;
    this.write(text);
    return true;
  }

  /** true the first time `text` is seen since the last reset (for a caller that words the log line itself) */
  first(text: string): boolean {
    if (this.seen.has(text)) return false;
    if (this.seen.size >= this.limit) this.seen.delete(this.seen.values().next().value as string);
    this.seen.add(text);
    return true;
  }

  /** the condition behind `text` cleared (or, without text, every condition): log it again when it comes back */
  reset(text?: string): void {
    if (text === undefined) this.seen.clear();
    else this.seen.delete(text);
  }
}
