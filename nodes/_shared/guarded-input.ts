/**
 * A node's input handler whose `send` and `done` cannot throw out of the callback that calls them. Node-RED copies
 * a message for a second wire, a Catch or a Complete node, and that copy overflows the stack on a very deep object
 * (core nodes too). Called from a promise callback, the throw became an unhandled rejection that ended Node-RED;
 * here it is logged on the node instead, as Node-RED does for a synchronous handler.
 */
import type { Node } from "./node-red";
import type { Msg, Send, Done } from "./node-red";
import { errorText } from "./node-red";

/** how the log names Node-RED's failure to copy a very deep message (the fault suite counts it as Node-RED's) */
export const UNCOPYABLE = "Node-RED could not copy the message: it is nested too deeply";

export type InputHandler = (msg: Msg, send: Send, done: Done) => void | Promise<void>;

export function onInput(node: Node, handler: InputHandler): void {
  node.on("input", (msg: Msg, send: Send, done: Done) => {
    let settled = false;
    const report = (what: string, err: unknown) => node.error(`${what}: ${errorText(err)}${err instanceof RangeError ? ` (${UNCOPYABLE})` : ""}`);
    const guardedSend: Send = (out) => {
      try {
        send(out);
      } catch (err) {
        report("the message could not be sent on", err);
      }
    };
    const guardedDone: Done = (err) => {
      if (settled) return;
      settled = true;
      try {
        done(err);
      } catch (failure) {
        report(err ? `the message's error could not be reported (${errorText(err)})` : "the message could not be completed", failure);
      }
    };
    try {
      const running = handler(msg, guardedSend, guardedDone);
      if (running && typeof running.then === "function") running.then(undefined, (err: unknown) => guardedDone(err instanceof Error ? err : new Error(String(err))));
    } catch (err) {
      guardedDone(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
