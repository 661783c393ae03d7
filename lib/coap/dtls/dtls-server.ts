/**
 * A DTLS 1.2 server with pre-shared keys only (RFC 6347, RFC 4279, RFC 6655), on node:crypto: it owns one UDP
 * socket and hands the plaintext of each application-data record up with the peer's address and PSK identity.
 *
 * A peer costs nothing until it returns a valid stateless cookie; then it holds one bounded handshake (count and
 * time), and after the Finished exchange one session (count bounded, least recently used evicted, idle expiry).
 * Everything a peer sends is parsed inside a guard: a bad datagram is counted and dropped, never thrown.
 */
import * as dgram from "dgram";
import { EventEmitter } from "events";
import { randomBytes, timingSafeEqual } from "crypto";
import { ContentType, DTLS_1_0, DTLS_1_2, DtlsRecord, ReplayWindow, encodeRecord, parseRecords, sequenceBytes } from "./record";
import { ClientHello, EMPTY_RENEGOTIATION_INFO_SCSV, Extension, HandshakeType, MAX_HANDSHAKE_MESSAGE, Reassembly, encodeHandshake, helloVerifyRequest, parseClientHello, parseClientKeyExchange, parseHandshakeFragments, serverHello, serverKeyExchange } from "./handshake";
import { CipherSuite, SessionKeys, chooseSuite, keyBlockBytes, splitKeyBlock } from "./cipher-suites";
import { masterSecret, prf, pskPremasterSecret, sha256, verifyData } from "./prf";
import { CookieJar } from "./cookie";
import { AlertDescription, AlertLevel, alert } from "./alerts";

export interface DtlsPeer {
  address: string;
  port: number;
  identity: string;
}

export type HandshakeFailure = "unknown-identity" | "bad-key" | "no-shared-suite" | "protocol-version" | "timeout" | "malformed" | "alert";

export interface DtlsServerOptions {
  port: number;
  address?: string;
  /** PSK identity → key */
  keys: ReadonlyMap<string, Buffer>;
  /** sent in a ServerKeyExchange only when given (RFC 4279 §2) */
  identityHint?: string;
  maxSessions?: number;
  sessionIdleMs?: number;
  maxHandshakes?: number;
  handshakeTimeoutMs?: number;
  /** first retransmission of a flight; doubled each time up to maxRetransmitMs (RFC 6347 §4.2.4.1) */
  retransmitMs?: number;
  maxRetransmitMs?: number;
  now?: () => number;
}

export interface DtlsStats {
  datagrams: number;
  dropped: number;
  helloVerifyRequests: number;
  handshakesStarted: number;
  handshakesFailed: number;
  handshakesEvicted: number;
  sessionsOpened: number;
  sessionsEvicted: number;
  replays: number;
  badRecords: number;
}

interface FlightRecord {
  type: number;
  epoch: 0 | 1;
  payload: Buffer;
}

/** what both a handshake and the session it becomes need to protect records */
class Connection {
  readonly writeSequence = [0, 0];
  readonly windows = [new ReplayWindow(), new ReplayWindow()];
  suite: CipherSuite | undefined;
  keys: SessionKeys | undefined;
  lastSeen: number;

  constructor(
    readonly address: string,
    readonly port: number,
    now: number,
  ) {
    this.lastSeen = now;
  }

  encode(type: number, epoch: 0 | 1, payload: Buffer): Buffer {
    const seq = sequenceBytes(epoch, this.writeSequence[epoch]++);
    const fragment = epoch === 0 ? payload : this.suite!.protect(this.keys!.server, seq, type, DTLS_1_2, payload);
    return encodeRecord(type, DTLS_1_2, seq, fragment);
  }

  /** the plaintext of a record of epoch 1 from the client, once; undefined when replayed or forged */
  open(record: DtlsRecord, stats: DtlsStats): Buffer | undefined {
    if (record.epoch > 1) return undefined;
    const window = this.windows[record.epoch];
    if (!window.check(record.sequence)) {
      stats.replays++;
      return undefined;
    }
    let plaintext: Buffer | undefined = record.fragment;
    if (record.epoch === 1) {
      plaintext = this.suite && this.keys ? this.suite.unprotect(this.keys.client, record.sequenceBytes, record.type, record.version, record.fragment) : undefined;
      if (!plaintext) {
        stats.badRecords++;
        return undefined;
      }
    }
    window.accept(record.sequence);
    return plaintext;
  }
}

class Handshake extends Connection {
  readonly transcript: Buffer[] = [];
  readonly reassembly = new Map<number, Reassembly>();
  nextReceiveSeq: number;
  nextSendSeq: number;
  serverRandom = randomBytes(32);
  identity: string | undefined;
  master: Buffer | undefined;
  clientChangedCipher = false;
  lastFlight: FlightRecord[] = [];
  timer: NodeJS.Timeout | undefined;
  retransmitDelay: number;
  readonly deadline: number;

  constructor(
    address: string,
    port: number,
    now: number,
    readonly hello: ClientHello,
    helloSeq: number,
    recordSequence: number,
    retransmitMs: number,
    timeoutMs: number,
  ) {
    super(address, port, now);
    this.nextReceiveSeq = helloSeq + 1;
    // the ServerHello takes the ClientHello's message_seq, as OpenSSL and GnuTLS expect after a HelloVerifyRequest
    this.nextSendSeq = helloSeq;
    this.writeSequence[0] = recordSequence;
    this.retransmitDelay = retransmitMs;
    this.deadline = now + timeoutMs;
  }
}

class Session extends Connection {
  constructor(
    from: Handshake,
    readonly identity: string,
    /** our last flight (ChangeCipherSpec, Finished), sent again if the client repeats its Finished */
    readonly finalFlight: FlightRecord[],
    readonly clientFinishedSeq: number,
    now: number,
  ) {
    super(from.address, from.port, now);
    this.suite = from.suite;
    this.keys = from.keys;
    this.writeSequence[0] = from.writeSequence[0];
    this.writeSequence[1] = from.writeSequence[1];
    this.windows[0] = from.windows[0];
    this.windows[1] = from.windows[1];
  }
}

class HandshakeAbort extends Error {
  constructor(
    readonly reason: HandshakeFailure,
    readonly description: number,
    message: string,
  ) {
    super(message);
  }
}

export class DtlsServer extends EventEmitter {
  readonly stats: DtlsStats = { datagrams: 0, dropped: 0, helloVerifyRequests: 0, handshakesStarted: 0, handshakesFailed: 0, handshakesEvicted: 0, sessionsOpened: 0, sessionsEvicted: 0, replays: 0, badRecords: 0 };
  private socket: dgram.Socket | undefined;
  private readonly handshakes = new Map<string, Handshake>();
  private readonly sessions = new Map<string, Session>();
  private readonly now: () => number;
  private readonly cookies: CookieJar;
  private readonly maxSessions: number;
  private readonly sessionIdleMs: number;
  private readonly maxHandshakes: number;
  private readonly handshakeTimeoutMs: number;
  private readonly retransmitMs: number;
  private readonly maxRetransmitMs: number;
  private sweepTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: DtlsServerOptions) {
    super();
    this.now = options.now ?? Date.now;
    this.cookies = new CookieJar(this.now);
    this.maxSessions = options.maxSessions ?? 1000;
    this.sessionIdleMs = options.sessionIdleMs ?? 10 * 60_000;
    this.maxHandshakes = options.maxHandshakes ?? 100;
    this.handshakeTimeoutMs = options.handshakeTimeoutMs ?? 30_000;
    this.retransmitMs = options.retransmitMs ?? 1000;
    this.maxRetransmitMs = options.maxRetransmitMs ?? 8000;
  }

  get port(): number {
    return (this.socket?.address() as { port: number } | undefined)?.port ?? this.options.port;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  get handshakeCount(): number {
    return this.handshakes.size;
  }

  listen(): Promise<void> {
    const address = this.options.address || "0.0.0.0";
    const socket = dgram.createSocket({ type: address.includes(":") ? "udp6" : "udp4" });
    this.socket = socket;
    socket.on("message", (data, rinfo) => this.guarded(() => this.onDatagram(data, rinfo.address, rinfo.port)));
    this.sweepTimer = setInterval(() => this.guarded(() => this.sweep()), Math.max(100, Math.min(5000, this.sessionIdleMs / 2)));
    this.sweepTimer.unref();
    return new Promise((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(this.options.port, address, () => {
        socket.off("error", reject);
        socket.on("error", (err) => this.emit("warning", err));
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweepTimer);
    for (const session of this.sessions.values()) this.sendAlert(session, 1, AlertLevel.WARNING, AlertDescription.CLOSE_NOTIFY);
    for (const h of this.handshakes.values()) clearTimeout(h.timer);
    this.handshakes.clear();
    this.sessions.clear();
    const socket = this.socket;
    this.socket = undefined;
    // a socket whose bind failed is not running: closing it throws
    if (socket) await new Promise<void>((resolve) => {
      try {
        socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }

  /** sends a datagram to a peer with a session; false when there is none (it expired or closed) */
  send(data: Buffer, to: { address: string; port: number }): boolean {
    const session = this.sessions.get(peerKey(to.address, to.port));
    if (!session) return false;
    // an observer that only receives notifications keeps its session; a dead one is dropped by CoAP's CON check
    session.lastSeen = this.now();
    this.transmit(session, [session.encode(ContentType.APPLICATION_DATA, 1, data)]);
    return true;
  }

  /** ends the session with a peer (close_notify), e.g. when its key was removed */
  closeSession(to: { address: string; port: number }): void {
    const key = peerKey(to.address, to.port);
    const session = this.sessions.get(key);
    if (!session) return;
    this.sendAlert(session, 1, AlertLevel.WARNING, AlertDescription.CLOSE_NOTIFY);
    this.sessions.delete(key);
  }

  private guarded(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.stats.dropped++;
      try {
        this.emit("warning", err);
      } catch {
        // a listener failed as well: nothing more to do
      }
    }
  }

  // ------------------------------------------------------------------ receiving

  private onDatagram(data: Buffer, address: string, port: number): void {
    if (this.closed) return;
    this.stats.datagrams++;
    const key = peerKey(address, port);
    const records = parseRecords(data);
    if (records.length === 0) {
      this.stats.dropped++;
      return;
    }
    let resent = false;
    for (const record of records) {
      const handshake = this.handshakes.get(key);
      let inHandshake = false;
      try {
        if (record.epoch === 0 && record.type === ContentType.HANDSHAKE && isClientHello(record.fragment)) {
          this.onClientHello(record, key, address, port);
          continue;
        }
        if (handshake && (record.epoch === 0 || handshake.keys)) {
          inHandshake = true;
          const outcome = this.onHandshakeRecord(handshake, record, key, resent);
          resent ||= outcome === "resent";
          if (outcome !== "not-mine") continue;
        }
        const session = this.sessions.get(key);
        if (session) {
          resent = this.onSessionRecord(session, record, key, resent) || resent;
          continue;
        }
        this.stats.dropped++;
      } catch (err) {
        // a message that breaks the handshake ends it with an alert; any other bad record is only dropped
        const current = this.handshakes.get(key);
        if (current && (err instanceof HandshakeAbort || inHandshake)) this.abort(current, key, err instanceof HandshakeAbort ? err : new HandshakeAbort("malformed", AlertDescription.DECODE_ERROR, errorText(err)));
        else this.stats.dropped++;
        return;
      }
    }
  }

  private onClientHello(record: DtlsRecord, key: string, address: string, port: number): void {
    const fragments = parseHandshakeFragments(record.fragment);
    const f = fragments[0];
    // the first ClientHello is answered without state, so it must come whole in one record
    if (fragments.length !== 1 || f.offset !== 0 || f.body.length !== f.length) {
      this.stats.dropped++;
      return;
    }
    const hello = parseClientHello(f.body);
    if (hello.cookie.length === 0 || !this.cookies.verify(hello.cookie, address, port, hello.cookieInput)) {
      const cookie = this.cookies.make(address, port, hello.cookieInput);
      const body = encodeHandshake(HandshakeType.HELLO_VERIFY_REQUEST, f.messageSeq, helloVerifyRequest(cookie));
      // the record sequence number of the ClientHello, so no state is kept (RFC 6347 §4.2.1)
      this.stats.helloVerifyRequests++;
      this.sendRaw(encodeRecord(ContentType.HANDSHAKE, DTLS_1_0, record.sequenceBytes, body), address, port);
      return;
    }
    const existing = this.handshakes.get(key);
    if (existing) {
      if (existing.hello.random.equals(hello.random)) {
        // the client did not get our flight
        this.retransmit(existing);
        return;
      }
      clearTimeout(existing.timer);
      this.handshakes.delete(key);
    }
    if (this.handshakes.size >= this.maxHandshakes) {
      // the oldest goes: a real client finishes in a few round trips, so a table filled by peers that stop after
      // the cookie exchange cannot keep it out
      const [oldestKey, oldest] = this.handshakes.entries().next().value as [string, Handshake];
      clearTimeout(oldest.timer);
      this.handshakes.delete(oldestKey);
      this.stats.handshakesEvicted++;
    }
    const handshake = new Handshake(address, port, this.now(), hello, f.messageSeq, record.sequence, this.retransmitMs, this.handshakeTimeoutMs);
    handshake.windows[0].accept(record.sequence);
    this.handshakes.set(key, handshake);
    this.stats.handshakesStarted++;
    handshake.transcript.push(encodeHandshake(HandshakeType.CLIENT_HELLO, f.messageSeq, f.body));
    // DTLS versions count down: 0xfeff (1.0) is older than 0xfefd (1.2)
    if (hello.version > DTLS_1_2) throw new HandshakeAbort("protocol-version", AlertDescription.PROTOCOL_VERSION, `the client speaks DTLS 0x${hello.version.toString(16)} only, not 1.2`);
    handshake.suite = chooseSuite(hello.cipherSuites);
    if (!handshake.suite) throw new HandshakeAbort("no-shared-suite", AlertDescription.HANDSHAKE_FAILURE, `no PSK cipher suite in common (offered ${hello.cipherSuites.map((s) => "0x" + s.toString(16).padStart(4, "0")).join(" ")})`);
    if (hello.compressionMethods.indexOf(0) === -1) throw new HandshakeAbort("malformed", AlertDescription.HANDSHAKE_FAILURE, "the client offers no null compression");

    const extensions: Array<[number, Buffer]> = [];
    if (hello.cipherSuites.includes(EMPTY_RENEGOTIATION_INFO_SCSV) || hello.extensions.has(Extension.RENEGOTIATION_INFO)) extensions.push([Extension.RENEGOTIATION_INFO, Buffer.from([0])]);
    if (hello.extensions.has(Extension.EXTENDED_MASTER_SECRET)) extensions.push([Extension.EXTENDED_MASTER_SECRET, Buffer.alloc(0)]);
    const messages: Buffer[] = [encodeHandshake(HandshakeType.SERVER_HELLO, handshake.nextSendSeq++, serverHello(handshake.serverRandom, Buffer.alloc(0), handshake.suite.id, extensions))];
    if (this.options.identityHint) messages.push(encodeHandshake(HandshakeType.SERVER_KEY_EXCHANGE, handshake.nextSendSeq++, serverKeyExchange(this.options.identityHint)));
    messages.push(encodeHandshake(HandshakeType.SERVER_HELLO_DONE, handshake.nextSendSeq++, Buffer.alloc(0)));
    handshake.transcript.push(...messages);
    // one record per message, all in one datagram: small enough for any path MTU CoAP runs on
    handshake.lastFlight = messages.map((payload) => ({ type: ContentType.HANDSHAKE, epoch: 0, payload }));
    this.sendFlight(handshake, handshake.lastFlight);
    this.armRetransmission(handshake);
  }

  /** "resent" when a repeated message made us send our flight again; "not-mine" for a record of the old session */
  private onHandshakeRecord(h: Handshake, record: DtlsRecord, key: string, alreadyResent: boolean): "done" | "resent" | "not-mine" {
    if (record.epoch === 1 && !h.clientChangedCipher) return this.sessions.has(key) ? "not-mine" : "done";
    const plaintext = h.open(record, this.stats);
    if (!plaintext) {
      if (record.epoch === 1 && record.type === ContentType.HANDSHAKE && !this.sessions.has(key)) {
        // the client's Finished does not authenticate: it holds another key for this identity (RFC 4279 §2)
        throw new HandshakeAbort("bad-key", AlertDescription.DECRYPT_ERROR, "the client's Finished does not decrypt");
      }
      return this.sessions.has(key) ? "not-mine" : "done";
    }
    h.lastSeen = this.now();
    switch (record.type) {
      case ContentType.CHANGE_CIPHER_SPEC:
        if (!h.master) throw new HandshakeAbort("malformed", AlertDescription.UNEXPECTED_MESSAGE, "ChangeCipherSpec before ClientKeyExchange");
        h.clientChangedCipher = true;
        return "done";
      case ContentType.ALERT:
        throw new HandshakeAbort("alert", -1, `the client sent alert ${plaintext[1] ?? "?"}`);
      case ContentType.HANDSHAKE:
        break;
      default:
        throw new HandshakeAbort("malformed", AlertDescription.UNEXPECTED_MESSAGE, `record type ${record.type} during the handshake`);
    }
    let resend = false;
    for (const f of parseHandshakeFragments(plaintext)) {
      if (f.messageSeq < h.nextReceiveSeq) {
        resend = true;
        continue;
      }
      if (f.messageSeq > h.nextReceiveSeq + 4 || f.length > MAX_HANDSHAKE_MESSAGE) continue;
      let assembly = h.reassembly.get(f.messageSeq);
      if (!assembly) {
        assembly = new Reassembly(f.msgType, f.length);
        h.reassembly.set(f.messageSeq, assembly);
      }
      assembly.add(f);
      // process whatever is now complete, in order
      for (let next = h.reassembly.get(h.nextReceiveSeq); next && next.complete; next = h.reassembly.get(h.nextReceiveSeq)) {
        h.reassembly.delete(h.nextReceiveSeq);
        const seq = h.nextReceiveSeq++;
        this.onHandshakeMessage(h, key, next.msgType, seq, next.body);
        if (this.handshakes.get(key) !== h) return "done";
      }
    }
    if (resend && !alreadyResent) {
      this.retransmit(h);
      return "resent";
    }
    return "done";
  }

  private onHandshakeMessage(h: Handshake, key: string, type: number, seq: number, body: Buffer): void {
    const whole = encodeHandshake(type, seq, body);
    if (type === HandshakeType.CLIENT_KEY_EXCHANGE && !h.master) {
      let identity: string;
      try {
        identity = parseClientKeyExchange(body);
      } catch (err) {
        throw new HandshakeAbort("malformed", AlertDescription.DECODE_ERROR, errorText(err));
      }
      h.identity = identity;
      const psk = this.options.keys.get(identity);
      if (!psk) throw new HandshakeAbort("unknown-identity", AlertDescription.UNKNOWN_PSK_IDENTITY, `unknown PSK identity "${identity}"`);
      h.transcript.push(whole);
      const extended = h.hello.extensions.has(Extension.EXTENDED_MASTER_SECRET);
      h.master = masterSecret(pskPremasterSecret(psk), h.hello.random, h.serverRandom, extended ? sha256(Buffer.concat(h.transcript)) : undefined);
      const suite = h.suite!;
      h.keys = splitKeyBlock(suite, prf(h.master, "key expansion", Buffer.concat([h.serverRandom, h.hello.random]), keyBlockBytes(suite)));
      // the client now waits for our answer to its next flight: stop repeating ServerHelloDone
      clearTimeout(h.timer);
      h.timer = undefined;
      this.armDeadline(h);
      return;
    }
    if (type === HandshakeType.FINISHED && h.master && h.clientChangedCipher) {
      const expected = verifyData(h.master, "client", Buffer.concat(h.transcript));
      if (body.length !== expected.length || !timingSafeEqual(body, expected)) throw new HandshakeAbort("bad-key", AlertDescription.DECRYPT_ERROR, "the client's Finished does not verify");
      h.transcript.push(whole);
      const finished = encodeHandshake(HandshakeType.FINISHED, h.nextSendSeq++, verifyData(h.master, "server", Buffer.concat(h.transcript)));
      const flight: FlightRecord[] = [
        { type: ContentType.CHANGE_CIPHER_SPEC, epoch: 0, payload: Buffer.from([1]) },
        { type: ContentType.HANDSHAKE, epoch: 1, payload: finished },
      ];
      clearTimeout(h.timer);
      this.handshakes.delete(key);
      const session = new Session(h, h.identity!, flight, seq, this.now());
      this.addSession(key, session);
      this.sendFlight(session, flight);
      this.emit("session", { address: h.address, port: h.port, identity: session.identity } satisfies DtlsPeer);
      return;
    }
    throw new HandshakeAbort("malformed", AlertDescription.UNEXPECTED_MESSAGE, `unexpected handshake message ${type}`);
  }

  /** true when it sent our final flight again */
  private onSessionRecord(s: Session, record: DtlsRecord, key: string, alreadyResent: boolean): boolean {
    if (record.epoch !== 1) return false; // a late copy of the client's handshake flight: its Finished tells us
    const plaintext = s.open(record, this.stats);
    if (!plaintext) return false;
    s.lastSeen = this.now();
    switch (record.type) {
      case ContentType.APPLICATION_DATA:
        this.emit("datagram", plaintext, { address: s.address, port: s.port, identity: s.identity } satisfies DtlsPeer);
        return false;
      case ContentType.ALERT:
        if (plaintext[1] === AlertDescription.CLOSE_NOTIFY) this.sendAlert(s, 1, AlertLevel.WARNING, AlertDescription.CLOSE_NOTIFY);
        if (plaintext[1] === AlertDescription.CLOSE_NOTIFY || plaintext[0] === AlertLevel.FATAL) this.sessions.delete(key);
        return false;
      case ContentType.HANDSHAKE: {
        const fragments = parseHandshakeFragments(plaintext);
        if (fragments.some((f) => f.msgType === HandshakeType.CLIENT_HELLO)) {
          // renegotiation is refused (RFC 5746 is not needed then); the session goes on
          this.sendAlert(s, 1, AlertLevel.WARNING, AlertDescription.NO_RENEGOTIATION);
          return false;
        }
        if (!alreadyResent && fragments.some((f) => f.messageSeq <= s.clientFinishedSeq)) {
          this.sendFlight(s, s.finalFlight);
          return true;
        }
        return false;
      }
      default:
        return false;
    }
  }

  // ------------------------------------------------------------------ state

  private addSession(key: string, session: Session): void {
    this.sessions.delete(key);
    while (this.sessions.size >= this.maxSessions) {
      let oldest: [string, Session] | undefined;
      for (const entry of this.sessions) if (!oldest || entry[1].lastSeen < oldest[1].lastSeen) oldest = entry;
      if (!oldest) break;
      this.sessions.delete(oldest[0]);
      this.stats.sessionsEvicted++;
    }
    this.sessions.set(key, session);
    this.stats.sessionsOpened++;
  }

  private abort(h: Handshake, key: string, why: HandshakeAbort): void {
    clearTimeout(h.timer);
    if (this.handshakes.get(key) === h) this.handshakes.delete(key);
    this.stats.handshakesFailed++;
    if (why.description >= 0) this.sendAlert(h, 0, AlertLevel.FATAL, why.description);
    this.emit("handshake-failed", { address: h.address, port: h.port, identity: h.identity, reason: why.reason, detail: why.message });
  }

  private armRetransmission(h: Handshake): void {
    h.timer = setTimeout(() => this.guarded(() => {
      if (this.handshakes.get(peerKey(h.address, h.port)) !== h) return;
      if (this.now() >= h.deadline) return this.abort(h, peerKey(h.address, h.port), new HandshakeAbort("timeout", -1, "the handshake did not complete in time"));
      this.sendFlight(h, h.lastFlight);
      h.retransmitDelay = Math.min(h.retransmitDelay * 2, this.maxRetransmitMs);
      this.armRetransmission(h);
    }), Math.min(h.retransmitDelay, Math.max(0, h.deadline - this.now())));
    h.timer.unref();
  }

  private armDeadline(h: Handshake): void {
    h.timer = setTimeout(() => this.guarded(() => {
      if (this.handshakes.get(peerKey(h.address, h.port)) === h) this.abort(h, peerKey(h.address, h.port), new HandshakeAbort("timeout", -1, "the handshake did not complete in time"));
    }), Math.max(0, h.deadline - this.now()));
    h.timer.unref();
  }

  private retransmit(h: Handshake): void {
    if (h.lastFlight.length > 0 && !h.master) this.sendFlight(h, h.lastFlight);
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, session] of this.sessions) if (now - session.lastSeen > this.sessionIdleMs) this.sessions.delete(key);
    for (const [key, h] of this.handshakes) if (now >= h.deadline) this.abort(h, key, new HandshakeAbort("timeout", -1, "the handshake did not complete in time"));
  }

  // ------------------------------------------------------------------ sending

  private sendFlight(c: Connection, flight: FlightRecord[]): void {
    // a retransmitted flight gets fresh record sequence numbers (RFC 6347 §4.2.4)
    this.transmit(c, flight.map((r) => c.encode(r.type, r.epoch, r.payload)));
  }

  private sendAlert(c: Connection, epoch: 0 | 1, level: number, description: number): void {
    if (epoch === 1 && !c.keys) return;
    this.transmit(c, [c.encode(ContentType.ALERT, epoch, alert(level, description))]);
  }

  private transmit(c: Connection, records: Buffer[]): void {
    this.sendRaw(Buffer.concat(records), c.address, c.port);
  }

  private sendRaw(bytes: Buffer, address: string, port: number): void {
    try {
      this.socket?.send(bytes, port, address, (err) => {
        if (err) this.emit("warning", err);
      });
    } catch (err) {
      this.emit("warning", err);
    }
  }
}

function isClientHello(fragment: Buffer): boolean {
  return fragment.length > 0 && fragment[0] === HandshakeType.CLIENT_HELLO;
}

export function peerKey(address: string, port: number): string {
  return `${address}|${port}`;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

