/**
 * Requests waiting for an answer from the flow, by id: edge-coap-in puts the id in msg._coap, edge-coap-response
 * answers through it. An id is forgotten once answered or when the server gave up waiting (it then answered 5.03).
 */
import { randomUUID } from "crypto";
import type { OutgoingResponse, Respond } from "./coap-server";

const waiting = new Map<string, Respond>();

export function holdResponse(respond: Respond, timeoutMs: number): { id: string; respond: Respond } {
  const id = randomUUID();
  const timer = setTimeout(() => waiting.delete(id), timeoutMs + 1000);
  timer.unref();
  const once: Respond = (response: OutgoingResponse) => {
    clearTimeout(timer);
    waiting.delete(id);
    respond(response);
  };
  waiting.set(id, once);
  return { id, respond: once };
}

/** the respond function for an id, undefined when it was answered already or expired */
export function takeResponse(id: unknown): Respond | undefined {
  if (typeof id !== "string") return undefined;
  const respond = waiting.get(id);
  waiting.delete(id);
  return respond;
}

export function waitingResponses(): number {
  return waiting.size;
}
