/**
 * How a socket server reports what goes wrong in a callback without letting it end the process: "error" with no
 * listener would throw, so then the error is dropped; a listener that throws is contained too.
 */
import type { EventEmitter } from "events";

export function emitError(emitter: EventEmitter, err: unknown): void {
  if (emitter.listenerCount("error") === 0) return;
  try {
    emitter.emit("error", err instanceof Error ? err : new Error(String(err)));
  } catch {
    // the listener itself failed: nothing more can be done here
  }
}

/**
 * Runs a socket or timer callback so that nothing a peer sends can end the process: an exception (ours, or a
 * listener's, e.g. Node-RED's cloning of a message) becomes an "error" event.
 */
export function guarded(emitter: EventEmitter, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    emitError(emitter, err);
  }
}
