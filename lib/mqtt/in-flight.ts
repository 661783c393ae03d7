/**
 * A bound on the messages the embedded broker has handed to a flow and the flow has not finished with. A flow
 * slower than the devices would otherwise hold every message of a backlog in memory (Node-RED queues a sent
 * message without limit); at the bound the broker refuses the next publish instead: a QoS 1/2 device is not
 * acknowledged and sends it again, a QoS 0 message is dropped and counted.
 *
 * A message is finished when every node it was sent to has completed it (Node-RED's `onComplete`); one that no node
 * completes within `expireMs` (a node that never calls done, a wire to a node that is gone) stops counting then.
 */
export interface InFlightOptions {
  limit: number;
  expireMs: number;
  now?: () => number;
}

export class InFlight {
  private readonly pending = new Map<string, { remaining: number; since: number }>();
  /** messages refused because the bound was reached, since start */
  refused = 0;
  /** messages no node completed within expireMs, since start */
  expired = 0;
  private readonly now: () => number;

  constructor(private readonly options: InFlightOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.pending.size;
  }

  get full(): boolean {
    return this.pending.size >= this.options.limit;
  }

  /** counts a message sent to `destinations` nodes; false (and counted as refused) when the bound is reached */
  admit(id: string, destinations: number): boolean {
    if (destinations <= 0) return true;
    if (this.full) {
      this.refused++;
      return false;
    }
    this.pending.set(id, { remaining: destinations, since: this.now() });
    return true;
  }

  /** one destination completed message `id` (ids this tracker does not hold are ignored) */
  complete(id: string): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    if (--entry.remaining <= 0) this.pending.delete(id);
  }

  /** forgets messages older than expireMs; returns how many */
  sweep(): number {
    const oldest = this.now() - this.options.expireMs;
    let n = 0;
    // a Map iterates in insertion order: the oldest first
    for (const [id, entry] of this.pending) {
      if (entry.since > oldest) break;
      this.pending.delete(id);
      n++;
    }
    this.expired += n;
    return n;
  }
}
