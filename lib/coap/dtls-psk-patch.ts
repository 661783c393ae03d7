/**
 * Two repairs to node-dtls-client 1.1.x, applied once at load, so that DTLS-PSK works against servers that send a PSK
 * identity hint and so that no datagram from a peer can end the process.
 *
 * 1. ServerKeyExchange (handshake type 12) is missing from the library's table of handshake messages, so the flight
 *    ServerHello, ServerKeyExchange, ServerHelloDone (RFC 4279 §2: a PSK server MAY send a hint; libcoap sends "CoAP"
 *    unless told `-h ""`) made it throw "unsupported message type 12". The library already has the class (the whole
 *    fragment kept as raw bytes, so the handshake hash covers the bytes exactly as received) and already parses the
 *    hint in its ServerHelloDone handler; only the table entry is missing. We send our one configured identity
 *    whatever the hint says (RFC 4279 §5.2: the hint may help a client choose; with one identity there is no choice).
 * 2. The library parses handshake records in its UDP socket's "message" handler outside any try, so a crafted or
 *    malformed record from any UDP peer throws there: an uncaught exception. Its close() can also throw from a send
 *    callback once the socket is gone. Both are wrapped: a failure ends that one DTLS session with an "error" event,
 *    which the transport turns into a rejected request.
 *
 * Patching rather than writing our own DTLS 1.2 client: the gap is one table entry and two missing try blocks, while
 * an own client means the record layer, PRF, CCM-8/GCM/CBC ciphers, fragmentation and retransmission again, which this
 * library already does and which is tested against libcoap. The patch checks the internals it relies on and refuses
 * loudly (DtlsPatchError) if a future version changes them, rather than silently running unpatched.
 */

export class DtlsPatchError extends Error {
  override name = "DtlsPatchError";
}

interface PatchableSocket {
  _isClosed: boolean;
  udp?: { close(): void };
  recordLayer?: unknown;
  killConnection(err: Error): void;
  sendAlert(alert: unknown, callback: (e?: Error) => void): void;
  once(event: string, listener: () => void): unknown;
}

type SocketPrototype = PatchableSocket & {
  udp_onMessage(this: PatchableSocket, msg: Buffer, rinfo: unknown): void;
  close(this: PatchableSocket, callback?: () => void): void;
  __edgeAiPatched?: boolean;
};

let applied = false;

export function applyDtlsPskPatch(): void {
  if (applied) return;
  const { dtls } = require("node-dtls-client") as { dtls: { Socket: { prototype: SocketPrototype } } };
  const handshake = require("node-dtls-client/build/DTLS/Handshake") as {
    HandshakeType: Record<string, number>;
    HandshakeMessages: Record<number, unknown>;
    ServerKeyExchange?: unknown;
  };
  const alertModule = require("node-dtls-client/build/TLS/Alert") as {
    Alert: new (level: number, description: number) => unknown;
    AlertLevel: Record<string, number>;
    AlertDescription: Record<string, number>;
  };
  const proto = dtls.Socket?.prototype;
  const type = handshake.HandshakeType?.server_key_exchange;
  if (!proto || typeof proto.udp_onMessage !== "function" || typeof proto.killConnection !== "function" || type !== 12 || !handshake.HandshakeMessages || !handshake.ServerKeyExchange) {
    throw new DtlsPatchError("node-dtls-client's internals are not those this pack patches (expected 1.1.x); DTLS cannot be used safely");
  }
  handshake.HandshakeMessages[type] ??= handshake.ServerKeyExchange;

  if (!proto.__edgeAiPatched) {
    const onMessage = proto.udp_onMessage;
    proto.udp_onMessage = function (this: PatchableSocket, msg: Buffer, rinfo: unknown) {
      try {
        onMessage.call(this, msg, rinfo);
      } catch (err) {
        this.killConnection(new Error(`malformed DTLS record from the peer: ${err instanceof Error ? err.message : String(err)}`));
      }
    };
    proto.close = function (this: PatchableSocket, callback?: () => void) {
      if (this._isClosed) {
        if (callback) queueMicrotask(callback);
        return;
      }
      if (callback) this.once("close", callback);
      const closeUdp = () => {
        try {
          this.udp?.close();
        } catch {
          // already closed (killed by an error meanwhile)
        }
      };
      if (!this.recordLayer) return closeUdp();
      try {
        this.sendAlert(new alertModule.Alert(alertModule.AlertLevel.warning, alertModule.AlertDescription.close_notify), closeUdp);
      } catch {
        closeUdp();
      }
    };
    proto.__edgeAiPatched = true;
  }
  applied = true;
}
