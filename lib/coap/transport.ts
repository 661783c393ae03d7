/**
 * How the client reaches a server: plain UDP (one socket for every coap:// origin) or DTLS 1.2 with a pre-shared
 * key (one session per coaps:// origin, through node-dtls-client, the DTLS layer of node-coap-client).
 */
import * as dgram from "dgram";
import { EventEmitter } from "events";
import { dtls } from "node-dtls-client";
import { applyDtlsPskPatch } from "./dtls-psk-patch";

export interface Origin {
  secure: boolean;
  host: string;
  port: number;
}

export interface PskCredentials {
  identity: string;
  key: string;
}

/** emits "message" (data: Buffer, from: Origin) */
export interface ClientTransport extends EventEmitter {
  send(data: Buffer, origin: Origin): Promise<void>;
  close(): Promise<void>;
}

export const originKey = (o: Origin): string => `${o.secure ? "coaps" : "coap"}://${o.host.includes(":") ? `[${o.host}]` : o.host}:${o.port}`;

export class UdpTransport extends EventEmitter implements ClientTransport {
  private sockets = new Map<"udp4" | "udp6", Promise<dgram.Socket>>();

  send(data: Buffer, origin: Origin): Promise<void> {
    const type = origin.host.includes(":") ? "udp6" : "udp4";
    return this.socket(type).then(
      (socket) =>
        new Promise<void>((resolve, reject) => {
          socket.send(data, origin.port, origin.host, (err) => (err ? reject(err) : resolve()));
        }),
    );
  }

  private socket(type: "udp4" | "udp6"): Promise<dgram.Socket> {
    let ready = this.sockets.get(type);
    if (!ready) {
      ready = new Promise((resolve, reject) => {
        const socket = dgram.createSocket(type);
        socket.on("message", (data, rinfo) => this.deliver(data, { secure: false, host: rinfo.address, port: rinfo.port }));
        socket.once("error", reject);
        socket.bind(0, () => {
          socket.off("error", reject);
          socket.on("error", (err) => this.emit("warning", err));
          resolve(socket);
        });
      });
      this.sockets.set(type, ready);
    }
    return ready;
  }

  /** a listener's exception must not escape into dgram's handler (it would end the process) */
  private deliver(data: Buffer, from: Origin): void {
    try {
      this.emit("message", data, from);
    } catch (err) {
      this.emit("warning", err);
    }
  }

  async close(): Promise<void> {
    const sockets = await Promise.all([...this.sockets.values()].map((p) => p.catch(() => undefined)));
    this.sockets.clear();
    await Promise.all(sockets.map((s) => (s ? new Promise<void>((resolve) => s.close(() => resolve())) : undefined)));
  }
}

/**
 * The PSK suites offered: CoAP's mandatory TLS_PSK_WITH_AES_128_CCM_8 (RFC 7252 §9.1.3.1) and other AEAD or SHA-2
 * suites; node-dtls-client would also offer RC4, 3DES and SHA-1 CBC suites, which are left out.
 */
export const DTLS_PSK_CIPHERS = [
  "TLS_PSK_WITH_AES_128_CCM_8",
  "TLS_PSK_WITH_AES_128_GCM_SHA256",
  "TLS_PSK_WITH_AES_256_GCM_SHA384",
  "TLS_PSK_WITH_AES_128_CCM",
  "TLS_PSK_WITH_AES_256_CCM",
  "TLS_PSK_WITH_AES_256_CCM_8",
  "TLS_PSK_WITH_AES_128_CBC_SHA256",
  "TLS_PSK_WITH_AES_256_CBC_SHA384",
] as const;

export class DtlsError extends Error {
  override name = "DtlsError";
}

export class DtlsTransport extends EventEmitter implements ClientTransport {
  private sessions = new Map<string, Promise<dtls.Socket>>();

  constructor(
    private readonly credentials: PskCredentials,
    private readonly handshakeTimeoutMs = 5000,
  ) {
    super();
  }

  async send(data: Buffer, origin: Origin): Promise<void> {
    const socket = await this.session(origin);
    await new Promise<void>((resolve) => socket.send(data, () => resolve()));
  }

  private session(origin: Origin): Promise<dtls.Socket> {
    const key = originKey(origin);
    let ready = this.sessions.get(key);
    if (!ready) {
      ready = new Promise<dtls.Socket>((resolve, reject) => {
        let connected = false;
        let socket: dtls.Socket;
        try {
          // applied on first use, so that a library version it does not fit fails coaps:// requests only
          applyDtlsPskPatch();
          socket = dtls.createSocket({
            type: origin.host.includes(":") ? "udp6" : "udp4",
            address: origin.host,
            port: origin.port,
            psk: { [this.credentials.identity]: this.credentials.key },
            timeout: this.handshakeTimeoutMs,
            ciphers: [...DTLS_PSK_CIPHERS],
          });
        } catch (err) {
          reject(new DtlsError(`DTLS session with ${key} could not start: ${err instanceof Error ? err.message : String(err)}`));
          return;
        }
        socket.on("connected", () => {
          connected = true;
          resolve(socket);
        });
        socket.on("message", (data: Buffer) => {
          try {
            this.emit("message", data, origin);
          } catch (err) {
            this.emit("warning", err);
          }
        });
        const fail = (why: unknown) => {
          this.sessions.delete(key);
          const err = new DtlsError(`DTLS session with ${key} failed: ${why instanceof Error ? why.message : String(why)}`);
          if (!connected) reject(err);
          else this.emit("warning", err);
        };
        socket.on("error", fail);
        socket.on("close", () => fail("closed"));
      });
      const session = ready;
      session.catch(() => {
        if (this.sessions.get(key) === session) this.sessions.delete(key);
      });
      this.sessions.set(key, ready);
    }
    return ready;
  }

  async close(): Promise<void> {
    const sessions = await Promise.all([...this.sessions.values()].map((p) => p.catch(() => undefined)));
    this.sessions.clear();
    for (const s of sessions) {
      try {
        s?.close();
      } catch {
        // already closed by the peer
      }
    }
  }
}
