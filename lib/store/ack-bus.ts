/**
 * The direct acknowledgement between a durable buffer and the node that delivers for it: edge-buffer registers a
 * settle function under its node id, and a delivering node that knows when a message is really delivered
 * (edge-kafka-out, from the broker's answer) settles the buffer's record itself, so that no Complete and Catch
 * nodes need be wired back (Node-RED deep-copies a message for each of them). A settle names the attempt it
 * answers: the buffer settles only the delivery still waiting under that attempt, so a late answer to an earlier
 * delivery (an ack timeout passed, the record was sent again) cannot acknowledge the retry.
 *
 * One registry per process, kept on the global object: the pack loaded twice in one process (a benchmark that
 * loads the built nodes and these sources) still has one bus.
 */

/** settles a buffer's delivery: `err` undefined is an acknowledgement; returns whether a waiting delivery matched */
export type Settle = (recordId: string, attempt: number, err?: Error) => boolean;

/** told of every message a buffer has delivered (acknowledged downstream): metrics, benchmarks */
export type DeliveredObserver = (bufferId: string, message: unknown) => void;

interface Bus {
  receivers: Map<string, Settle>;
  observers: Set<DeliveredObserver>;
}

const KEY = Symbol.for("@edge-ai/node-red-edge-ai/ack-bus");

const holder = globalThis as unknown as Record<symbol, Bus | undefined>;
const BUS: Bus = (holder[KEY] ??= { receivers: new Map(), observers: new Set() });

/** registers a buffer's settle function; the returned function removes it (and only it, not a successor's) */
export function registerBuffer(bufferId: string, settle: Settle): () => void {
  const { receivers } = BUS;
  receivers.set(bufferId, settle);
  return () => {
    if (receivers.get(bufferId) === settle) receivers.delete(bufferId);
  };
}

/**
 * settles attempt `attempt` of record `recordId` of buffer `bufferId`: false when no such buffer is registered
 * or the delivery is no longer waiting (settled before, timed out, or a later attempt waits instead)
 */
export function settleDelivery(bufferId: string, recordId: string, attempt: number, err?: Error): boolean {
  const settle = BUS.receivers.get(bufferId);
  return settle ? settle(recordId, attempt, err) : false;
}

/** observes every delivered message of every buffer; the returned function stops it */
export function observeDelivered(observer: DeliveredObserver): () => void {
  const { observers } = BUS;
  observers.add(observer);
  return () => observers.delete(observer);
}

/** a buffer has delivered `message` (cheap when nobody observes) */
export function noteDelivered(bufferId: string, message: unknown): void {
  const { observers } = BUS;
  if (observers.size === 0) return;
  for (const o of observers) o(bufferId, message);
}
