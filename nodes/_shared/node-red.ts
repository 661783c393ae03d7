/** Types and small helpers shared by the node adapters (the only code here that knows Node-RED). */
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from "node-red";

export type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow };

export type Send = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void;
export type Done = (err?: Error) => void;

/** A message as our nodes read it: any property may be present. */
export type Msg = NodeMessageInFlow & Record<string, unknown>;

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/** Number from an editor field that may arrive as a string; the default when blank or not a number. */
export function numberSetting(value: unknown, fallback: number): number {
  if (value === undefined || value === null || value === "") return fallback;
  const n = Number(value);
  return Number.isFinite(n) ? n : fallback;
}

export interface ThrottledStatus {
  /** asks for a refresh; at most one status message per interval reaches the editor */
  update(): void;
  stop(): void;
}

/** A busy node must not send the editor a status message per input: updates are coalesced per interval. */
export function throttledStatus(node: Node, render: () => Parameters<Node["status"]>[0], intervalMs = 500): ThrottledStatus {
  let timer: NodeJS.Timeout | undefined;
  return {
    update() {
      timer ??= setTimeout(() => {
        timer = undefined;
        node.status(render());
      }, intervalMs);
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
