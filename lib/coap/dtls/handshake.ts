/**
 * DTLS handshake messages (RFC 6347 §4.2.2, RFC 5246 §7.4, RFC 4279 §2): the 12-byte header, reassembly of
 * fragments, and the few messages a PSK server reads and writes.
 */

export const HandshakeType = {
  CLIENT_HELLO: 1,
  SERVER_HELLO: 2,
  HELLO_VERIFY_REQUEST: 3,
  SERVER_KEY_EXCHANGE: 12,
  SERVER_HELLO_DONE: 14,
  CLIENT_KEY_EXCHANGE: 16,
  FINISHED: 20,
} as const;

export const HANDSHAKE_HEADER_BYTES = 12;
/** a ClientHello with many suites and extensions stays far below this; larger messages are refused */
export const MAX_HANDSHAKE_MESSAGE = 4096;

export class DtlsDecodeError extends Error {
  override name = "DtlsDecodeError";
}

export interface HandshakeFragment {
  msgType: number;
  length: number;
  messageSeq: number;
  offset: number;
  body: Buffer;
}

export function parseHandshakeFragments(fragment: Buffer): HandshakeFragment[] {
  const out: HandshakeFragment[] = [];
  let at = 0;
  while (fragment.length - at >= HANDSHAKE_HEADER_BYTES && out.length < 16) {
    const msgType = fragment[at];
    const length = fragment.readUIntBE(at + 1, 3);
    const messageSeq = fragment.readUInt16BE(at + 4);
    const offset = fragment.readUIntBE(at + 6, 3);
    const fragmentLength = fragment.readUIntBE(at + 9, 3);
    if (at + HANDSHAKE_HEADER_BYTES + fragmentLength > fragment.length || offset + fragmentLength > length) throw new DtlsDecodeError("handshake fragment overruns its record or message");
    out.push({ msgType, length, messageSeq, offset, body: fragment.subarray(at + HANDSHAKE_HEADER_BYTES, at + HANDSHAKE_HEADER_BYTES + fragmentLength) });
    at += HANDSHAKE_HEADER_BYTES + fragmentLength;
  }
  return out;
}

/** a whole message with offset 0 and fragment length = length, as it enters the Finished hash (§4.2.6) */
export function encodeHandshake(msgType: number, messageSeq: number, body: Buffer): Buffer {
  const header = Buffer.alloc(HANDSHAKE_HEADER_BYTES);
  header.writeUInt8(msgType, 0);
  header.writeUIntBE(body.length, 1, 3);
  header.writeUInt16BE(messageSeq, 4);
  header.writeUIntBE(0, 6, 3);
  header.writeUIntBE(body.length, 9, 3);
  return Buffer.concat([header, body]);
}

/** Collects the fragments of one message; overlapping or repeated fragments are fine (§4.2.3). */
export class Reassembly {
  private readonly data: Buffer;
  private readonly have: Uint8Array;
  private missing: number;

  constructor(
    readonly msgType: number,
    readonly length: number,
  ) {
    this.data = Buffer.alloc(length);
    this.have = new Uint8Array(length);
    this.missing = length;
  }

  add(f: HandshakeFragment): boolean {
    if (f.msgType !== this.msgType || f.length !== this.length) throw new DtlsDecodeError("fragments of one message disagree on its type or length");
    for (let i = 0; i < f.body.length; i++) {
      const at = f.offset + i;
      if (!this.have[at]) {
        this.have[at] = 1;
        this.data[at] = f.body[i];
        this.missing--;
      }
    }
    return this.missing === 0;
  }

  get complete(): boolean {
    return this.missing === 0;
  }

  get body(): Buffer {
    return this.data;
  }
}

/** Bounds-checked reads of a handshake body. */
class Reader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}
  uint8(): number {
    this.need(1);
    return this.buf[this.at++];
  }
  uint16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.at);
    this.at += 2;
    return v;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const v = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }
  vector8(): Buffer {
    return this.bytes(this.uint8());
  }
  vector16(): Buffer {
    return this.bytes(this.uint16());
  }
  get left(): number {
    return this.buf.length - this.at;
  }
  private need(n: number): void {
    if (this.at + n > this.buf.length) throw new DtlsDecodeError("handshake message truncated");
  }
}

export interface ClientHello {
  version: number;
  random: Buffer;
  sessionId: Buffer;
  cookie: Buffer;
  cipherSuites: number[];
  compressionMethods: Buffer;
  extensions: Map<number, Buffer>;
  /** the body without the cookie, which is what the cookie is computed over */
  cookieInput: Buffer;
}

export const Extension = { EXTENDED_MASTER_SECRET: 0x0017, RENEGOTIATION_INFO: 0xff01 } as const;
export const EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;

export function parseClientHello(body: Buffer): ClientHello {
  const r = new Reader(body);
  const version = r.uint16();
  const random = r.bytes(32);
  const sessionId = r.vector8();
  if (sessionId.length > 32) throw new DtlsDecodeError("session id longer than 32 bytes");
  const cookieStart = 2 + 32 + 1 + sessionId.length;
  const cookie = r.vector8();
  const suites = r.vector16();
  if (suites.length % 2 !== 0 || suites.length === 0) throw new DtlsDecodeError("bad cipher suite list");
  const cipherSuites: number[] = [];
  for (let i = 0; i < suites.length; i += 2) cipherSuites.push(suites.readUInt16BE(i));
  const compressionMethods = r.vector8();
  const extensions = new Map<number, Buffer>();
  if (r.left > 0) {
    const list = new Reader(r.vector16());
    while (list.left > 0) {
      const type = list.uint16();
      extensions.set(type, list.vector16());
    }
  }
  const cookieInput = Buffer.concat([body.subarray(0, cookieStart), body.subarray(cookieStart + 1 + cookie.length)]);
  return { version, random, sessionId, cookie, cipherSuites, compressionMethods, extensions, cookieInput };
}

export function parseClientKeyExchange(body: Buffer): string {
  const r = new Reader(body);
  const identity = r.vector16();
  if (r.left !== 0) throw new DtlsDecodeError("trailing bytes after the PSK identity");
  return identity.toString("utf8");
}

export function helloVerifyRequest(cookie: Buffer): Buffer {
  // RFC 6347 §4.2.1: DTLS 1.0 in the HelloVerifyRequest, whatever version is negotiated later
  return Buffer.concat([Buffer.from([0xfe, 0xff, cookie.length]), cookie]);
}

export function serverHello(random: Buffer, sessionId: Buffer, suite: number, extensions: Array<[number, Buffer]>): Buffer {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(0xfefd, 0);
  const suiteBytes = Buffer.alloc(3);
  suiteBytes.writeUInt16BE(suite, 0);
  const parts = [head, random, Buffer.from([sessionId.length]), sessionId, suiteBytes];
  if (extensions.length > 0) {
    const ext = Buffer.concat(extensions.map(([type, data]) => {
      const h = Buffer.alloc(4);
      h.writeUInt16BE(type, 0);
      h.writeUInt16BE(data.length, 2);
      return Buffer.concat([h, data]);
    }));
    const len = Buffer.alloc(2);
    len.writeUInt16BE(ext.length, 0);
    parts.push(len, ext);
  }
  return Buffer.concat(parts);
}

export function serverKeyExchange(identityHint: string): Buffer {
  const hint = Buffer.from(identityHint, "utf8");
  const len = Buffer.alloc(2);
  len.writeUInt16BE(hint.length, 0);
  return Buffer.concat([len, hint]);
}
