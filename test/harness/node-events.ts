import type { EventEmitter } from "events";

/** A test-helper node as the event emitter it is (its typings only know "close"): for "input" and "call:…" spies. */
export function events(node: unknown): EventEmitter {
  return node as EventEmitter;
}
