/**
 * A UDP socket on 127.0.0.1 that plays a coaps:// server badly: it answers each DTLS ClientHello with one crafted
 * reply — the server flight with a PSK identity hint (RFC 4279 §2, what libcoap sends by default), a handshake
 * record whose lengths lie, or plain garbage — and never completes a handshake.
 */
import * as dgram from "dgram";

export type DtlsFault = "identity-hint" | "malformed-record" | "garbage";

export interface FakeDtlsPeer {
  port: number;
  fault: DtlsFault;
  /** ClientHellos received (each answered with the fault) */
  clientHellos: number;
  close(): Promise<void>;
}

const CONTENT_HANDSHAKE = 22;
const DTLS_1_2 = [0xfe, 0xfd];

function record(epochSeq: number, body: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header[0] = CONTENT_HANDSHAKE;
  header[1] = DTLS_1_2[0];
  header[2] = DTLS_1_2[1];
  header.writeUIntBE(0, 3, 2); // epoch 0
  header.writeUIntBE(epochSeq, 5, 6);
  header.writeUInt16BE(body.length, 11);
  return Buffer.concat([header, body]);
}

function handshake(type: number, messageSeq: number, body: Buffer, claimedLength = body.length): Buffer {
  const header = Buffer.alloc(12);
  header[0] = type;
  header.writeUIntBE(claimedLength, 1, 3);
  header.writeUInt16BE(messageSeq, 4);
  header.writeUIntBE(0, 6, 3); // fragment offset
  header.writeUIntBE(claimedLength, 9, 3); // fragment length
  return Buffer.concat([header, body]);
}

/** the first cipher suite the client offers, read from its ClientHello */
function offeredSuite(datagram: Buffer): Buffer {
  let at = 13 + 12 + 2 + 32; // record header, handshake header, client_version, random
  at += 1 + datagram[at]; // session id
  at += 1 + datagram[at]; // cookie
  return datagram.subarray(at + 2, at + 4);
}

function isClientHello(datagram: Buffer): boolean {
  return datagram.length > 13 + 12 && datagram[0] === CONTENT_HANDSHAKE && datagram[13] === 1;
}

function reply(fault: DtlsFault, clientHello: Buffer, seed: number): Buffer {
  if (fault === "identity-hint") {
    const hint = Buffer.from("CoAP");
    const serverHello = Buffer.concat([Buffer.from(DTLS_1_2), Buffer.alloc(32, 0x5a), Buffer.from([0]), offeredSuite(clientHello), Buffer.from([0])]);
    const keyExchange = Buffer.concat([Buffer.from([0, hint.length]), hint]); // ServerKeyExchange: psk_identity_hint
    return Buffer.concat([record(0, handshake(2, 0, serverHello)), record(1, handshake(12, 1, keyExchange)), record(2, handshake(14, 2, Buffer.alloc(0)))]);
  }
  if (fault === "malformed-record") {
    // 27 bytes: a ServerKeyExchange that claims 65,535 bytes in a 14-byte record
    return record(0, handshake(12, 1, Buffer.from([0x00, 0x04]), 0xffff));
  }
  const bytes = Buffer.alloc(61);
  let s = seed | 1;
  for (let i = 0; i < bytes.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    bytes[i] = s & 255;
  }
  return bytes;
}

export function startFakeDtlsPeer(fault: DtlsFault, seed = 7): Promise<FakeDtlsPeer> {
  const socket = dgram.createSocket("udp4");
  const peer: FakeDtlsPeer = {
    port: 0,
    fault,
    clientHellos: 0,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
  socket.on("message", (datagram, from) => {
    if (!isClientHello(datagram)) return;
    peer.clientHellos++;
    socket.send(reply(fault, datagram, seed + peer.clientHellos), from.port, from.address);
  });
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => {
      peer.port = socket.address().port;
      resolve(peer);
    });
  });
}
