/**
 * Waits for Node-RED to have started the flows (the runtime event "flows:started"). A node that sends on its own —
 * a backlog drained after a restart — must not send while the nodes after it are still being created: Node-RED
 * drops a message sent to a node that does not exist yet, and the sender then waits out its ack timeout.
 *
 * Node-RED 4 (runtime/lib/flows/index.js) emits "flows:started" after every start of the flows — at start-up and
 * on every deploy, full or modified-flows or modified-nodes — once all nodes of that start are created, so a node
 * constructed in one always sees it. The fallback only bounds the wait should the event never come (a runtime
 * that does not emit it).
 */
import type { NodeAPI } from "./node-red";

export interface FlowsStarted {
  /** resolves with what ended the wait */
  readonly ready: Promise<"flows:started" | "fallback" | "cancelled">;
  /** the node is closing: stop listening (the promise resolves "cancelled") */
  cancel(): void;
}

export const FLOWS_STARTED_FALLBACK_MS = 15000;

export function flowsStarted(RED: NodeAPI, fallbackMs = FLOWS_STARTED_FALLBACK_MS): FlowsStarted {
  let timer: NodeJS.Timeout | undefined;
  let listener: (() => void) | undefined;
  let settle: (how: "flows:started" | "fallback" | "cancelled") => void = () => undefined;
  const events = RED.events;
  const ready = new Promise<"flows:started" | "fallback" | "cancelled">((resolve) => {
    settle = (how) => {
      clearTimeout(timer);
      if (listener) events?.removeListener("flows:started", listener);
      listener = undefined;
      resolve(how);
    };
  });
  if (!events || typeof events.on !== "function") settle("fallback");
  else {
    listener = () => settle("flows:started");
    events.on("flows:started", listener);
    timer = setTimeout(() => settle("fallback"), fallbackMs);
    timer.unref?.();
  }
  return { ready, cancel: () => settle("cancelled") };
}
