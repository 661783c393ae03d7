/**
 * Node-RED's `onComplete` hook (a node finished with a message: done(), done(err), or a synchronous handler
 * returning), shared by every edge-broker node of the process: one hook, many listeners. edge-broker counts a
 * message it sent to its flow as finished when nodes complete its _msgid, so it can bound what the flow holds.
 */
import type { NodeAPI } from "../_shared/node-red";

interface Hooks {
  add(name: string, fn: (event: unknown) => void): void;
  remove(name: string): void;
}

type Listener = (msgId: string) => void;

const HOOK = "onComplete.edgeBrokerFlow";
const listeners = new Set<Listener>();

/** calls `listener` with the _msgid of every message a node completes; undefined when this Node-RED has no hooks */
export function onFlowComplete(RED: NodeAPI, listener: Listener): (() => void) | undefined {
  const hooks = (RED as unknown as { hooks?: Hooks }).hooks;
  if (!hooks) return undefined;
  if (listeners.size === 0) {
    hooks.add(HOOK, (event) => {
      const id = (event as { msg?: { _msgid?: unknown } }).msg?._msgid;
      if (typeof id === "string") for (const l of listeners) l(id);
    });
  }
  listeners.add(listener);
  return () => {
    if (listeners.delete(listener) && listeners.size === 0) hooks.remove(HOOK);
  };
}
