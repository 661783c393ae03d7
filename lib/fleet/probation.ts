/**
 * The health window after a bundle is activated: errors reported during it (a Catch node on the model wired back,
 * a drift alert) count against the new version; reaching the limit means roll back, the window passing quietly
 * means the version is healthy — the signal a centre waits for from its canaries before it targets the rest.
 */
export interface ProbationVerdict {
  outcome: "roll-back" | "healthy";
  key: string;
  version: string;
  errors: number;
  reason?: string;
}

export class Probation {
  private current: { key: string; version: string; until: number; errors: number; last?: string } | undefined;

  constructor(
    private readonly windowMs: number,
    private readonly maxErrors: number,
  ) {}

  get enabled(): boolean {
    return this.windowMs > 0;
  }

  /** a new version went live: its window starts (replacing any window still open) */
  start(key: string, version: string, now: number): number | undefined {
    if (!this.enabled) return undefined;
    this.current = { key, version, until: now + this.windowMs, errors: 0 };
    return this.current.until;
  }

  cancel(): void {
    this.current = undefined;
  }

  /** an error reported now; a verdict to roll back when it reaches the limit (or `immediately`, e.g. drift) */
  error(reason: string, now: number, immediately = false): ProbationVerdict | undefined {
    const c = this.current;
    if (!c || now > c.until) return undefined;
    c.errors++;
    c.last = reason;
    if (!immediately && c.errors < this.maxErrors) return undefined;
    this.current = undefined;
    const why = immediately ? reason : `${c.errors} errors within the health window (last: ${reason})`;
    return { outcome: "roll-back", key: c.key, version: c.version, errors: c.errors, reason: why };
  }

  /** the window has ended without reaching the limit */
  expire(now: number): ProbationVerdict | undefined {
    const c = this.current;
    if (!c || now < c.until) return undefined;
    this.current = undefined;
    return { outcome: "healthy", key: c.key, version: c.version, errors: c.errors };
  }
}
