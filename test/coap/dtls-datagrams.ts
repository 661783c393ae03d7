/** DTLS datagrams built by hand for the fuzz: a ClientHello (with or without cookie) and records of any kind. */
import { randomBytes } from "crypto";
import { encodeRecord, sequenceBytes } from "../../lib/coap/dtls/record";
import { encodeHandshake, HandshakeType } from "../../lib/coap/dtls/handshake";

/** a DTLS 1.2 ClientHello offering the PSK suites, in one record */
export function clientHello(random: Buffer, cookie: Buffer, recordSeq = 0, messageSeq = 0): Buffer {
  const suites = [0xc0a8, 0x00a8, 0x00ae, 0x00ff];
  const suiteBytes = Buffer.alloc(2 + 2 * suites.length);
  suiteBytes.writeUInt16BE(2 * suites.length, 0);
  suites.forEach((s, i) => suiteBytes.writeUInt16BE(s, 2 + 2 * i));
  // extended_master_secret, empty
  const extensions = Buffer.from([0x00, 0x04, 0x00, 0x17, 0x00, 0x00]);
  const body = Buffer.concat([Buffer.from([0xfe, 0xfd]), random, Buffer.from([0]), Buffer.from([cookie.length]), cookie, suiteBytes, Buffer.from([1, 0]), extensions]);
  return encodeRecord(22, 0xfefd, sequenceBytes(0, recordSeq), encodeHandshake(HandshakeType.CLIENT_HELLO, messageSeq, body));
}

/** the cookie of a HelloVerifyRequest datagram */
export function cookieOf(helloVerifyRequest: Buffer): Buffer | undefined {
  if (helloVerifyRequest.length < 13 + 12 + 3 || helloVerifyRequest[13] !== HandshakeType.HELLO_VERIFY_REQUEST) return undefined;
  const length = helloVerifyRequest[13 + 12 + 2];
  return helloVerifyRequest.subarray(13 + 12 + 3, 13 + 12 + 3 + length);
}

/** what a client sends after ServerHelloDone, with nonsense where keys would be needed */
export function clientKeyExchangeFlight(identity: string, seq: number): Buffer {
  const id = Buffer.from(identity);
  const cke = Buffer.concat([Buffer.from([0, id.length]), id]);
  return Buffer.concat([
    encodeRecord(22, 0xfefd, sequenceBytes(0, seq), encodeHandshake(HandshakeType.CLIENT_KEY_EXCHANGE, 1, cke)),
    encodeRecord(20, 0xfefd, sequenceBytes(0, seq + 1), Buffer.from([1])),
    encodeRecord(22, 0xfefd, sequenceBytes(1, 0), randomBytes(40)),
  ]);
}

/** a record with a well-formed header and random content */
export function randomRecord(): Buffer {
  const type = 20 + Math.floor(Math.random() * 4);
  const epoch = Math.floor(Math.random() * 3);
  return encodeRecord(type, Math.random() < 0.8 ? 0xfefd : 0xfeff, sequenceBytes(epoch, Math.floor(Math.random() * 1000)), randomBytes(Math.floor(Math.random() * 200)));
}

/** a copy of `datagram` with a few bytes changed, cut short or grown */
export function mutate(datagram: Buffer): Buffer {
  const out = Buffer.from(datagram);
  const kind = Math.floor(Math.random() * 4);
  if (kind === 0) {
    const flips = 1 + Math.floor(Math.random() * 4);
    for (let i = 0; i < flips; i++) out[Math.floor(Math.random() * out.length)] ^= 1 << Math.floor(Math.random() * 8);
    return out;
  }
  if (kind === 1) return out.subarray(0, Math.floor(Math.random() * out.length));
  if (kind === 2) return Buffer.concat([out, randomBytes(1 + Math.floor(Math.random() * 64))]);
  // a length field (record or handshake) set to something else
  const at = [11, 12, 14, 15, 16, 22, 23, 24][Math.floor(Math.random() * 8)];
  if (at < out.length) out[at] = Math.floor(Math.random() * 256);
  return out;
}
