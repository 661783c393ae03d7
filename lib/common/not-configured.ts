/**
 * A failure that is a gateway not configured yet (an environment variable not set), not a fault: the node that
 * fails a message for it marks the error with this code, which Node-RED passes on to a Catch node as
 * msg.error.code. A node further up (edge-buffer, which the Catch node hands the message back to) can then say
 * "not configured" calmly, grey, as the failing node does, instead of "offline".
 */
export const NOT_CONFIGURED = "EDGE_NOT_CONFIGURED";

export type CodedError = Error & { code?: string };

/** an Error saying `message`, marked as "not configured" */
export function notConfiguredError(message: string): CodedError {
  return Object.assign(new Error(message), { code: NOT_CONFIGURED });
}

/** whether `err` (an Error, or a Catch node's msg.error) is marked as "not configured" */
export function isNotConfigured(err: unknown): boolean {
  return err !== null && typeof err === "object" && (err as { code?: unknown }).code === NOT_CONFIGURED;
}
