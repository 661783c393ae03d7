import type { EventEmitter } from "events";
import helper from "node-red-node-test-helper";

/** A test-helper node as the event emitter it is (its typings only know "close"): for "input" and "call:…" spies. */
export function events(node: unknown): EventEmitter {
  return node as EventEmitter;
}

/** every message the loaded flow's node `id` receives from now on */
export function messagesTo<M = Record<string, unknown>>(id: string): M[] {
  const list: M[] = [];
  events(helper.getNode(id)).on("input", (m: M) => list.push(m));
  return list;
}
