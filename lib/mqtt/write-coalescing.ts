/**
 * One socket write per event-loop turn instead of one per MQTT packet. aedes writes each packet through
 * mqtt-packet, which corks the socket and uncorks it on the next tick: every PUBLISH to a subscriber became a
 * writev system call and, with noDelay, a TCP segment of its own (writev was 13 % of the broker's busy time at
 * 5,000 commands/s). Held corked until the loop's check phase, the packets written meanwhile leave in one call;
 * the wait is the rest of the current loop turn, well under a millisecond when the gateway keeps up.
 */
import type { Socket } from "net";

export function coalesceWrites(socket: Socket): void {
  const write = socket.write;
  let held = false;
  const release = () => {
    held = false;
    // a socket closed meanwhile has nothing to flush
    if (!socket.destroyed) socket.uncork();
  };
  socket.write = function (this: Socket, ...args: Parameters<Socket["write"]>): boolean {
    if (!held && !socket.destroyed) {
      held = true;
      socket.cork();
      setImmediate(release);
    }
    return write.apply(this, args);
  } as Socket["write"];
}
