/**
 * TCP noDelay for MQTT connections. An MQTT publish is a small write answered by a small write (PUBACK, or the
 * command a rule sends back): with Nagle's algorithm on, a second small write waits for the peer's delayed ACK of
 * the first (up to 40 ms on Linux), which at 1,000 messages/s doubled the gateway's median decision latency.
 */
import type { Duplex } from "stream";

/** sets noDelay on a TCP or TLS socket (a WebSocket stream or any other duplex has no Nagle to turn off) */
export function setNoDelay(stream: Duplex | undefined): void {
  const socket = stream as (Duplex & { setNoDelay?: (noDelay?: boolean) => unknown }) | undefined;
  if (typeof socket?.setNoDelay === "function") socket.setNoDelay(true);
}
