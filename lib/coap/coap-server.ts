/**
 * A CoAP server over UDP (RFC 7252) with its own block-wise transfer (RFC 7959) and Observe (RFC 7641).
 * Resources are registered by path; a request becomes a call of the resource's handler, whose answer may come
 * later (a separate response is sent when it takes longer than `separateAfterMs`). Bad datagrams are counted and
 * answered (RST, 4.02, 4.08, 4.13) or dropped, never thrown.
 */
import * as dgram from "dgram";
import { EventEmitter } from "events";
import { createHash } from "crypto";
import { Code, ContentFormat, DEFAULT_TRANSMISSION, MessageType, Method, MethodName, Option, TransmissionParameters, KNOWN_OPTIONS, isCritical, methodName, exchangeLifetimeMs, OPTION_NAMES } from "./constants";
import { CoapMessage, CoapOption, CoapFormatError, decodeMessage, encodeMessage, optionValues, uintOption, uintOptionOf, firstOption, readUint } from "./message";
import { blockSize, decodeBlock, encodeBlock, szxFor, BlockValue } from "./block";
import { Block1Assembler } from "./block1-assembler";
import { Clock, systemClock } from "./clock";
import { Retransmission } from "./retransmission";

export interface Endpoint {
  address: string;
  port: number;
  /** the PSK identity of a peer that came in over the secure channel (DTLS); absent for plain UDP */
  identity?: string;
}

/**
 * A second way in beside the UDP socket (DTLS): it delivers decrypted datagrams with the peer's identity, and
 * takes replies for such peers back.
 */
export interface SecureChannel {
  listen(): Promise<void>;
  close(): Promise<void>;
  send(data: Buffer, to: Endpoint): boolean;
  on(event: "datagram", listener: (data: Buffer, from: Required<Endpoint>) => void): unknown;
}

/** 4.01 and 4.03 (RFC 7252 §5.9.2) */
const UNAUTHORIZED = (4 << 5) | 1;
const FORBIDDEN = (4 << 5) | 3;

/**
 * A peer over DTLS is another peer than a plain one at the same address and port, and so is one that came back
 * there with another identity: a duplicate's cached answer must not go to it.
 */
function endpointKey(e: Endpoint): string {
  return e.identity !== undefined ? `dtls|${e.address}|${e.port}|${e.identity}` : `${e.address}|${e.port}`;
}

export interface IncomingRequest {
  method: MethodName;
  path: string;
  query: string[];
  /** options by name (Uri-Path, Block and Observe left out), repeated options as arrays of strings or numbers */
  options: Record<string, unknown>;
  contentFormat: number | undefined;
  accept: number | undefined;
  payload: Buffer;
  source: Endpoint;
  confirmable: boolean;
  token: string;
  messageId: number;
}

export interface OutgoingResponse {
  code: number;
  payload?: Buffer;
  contentFormat?: number;
  options?: CoapOption[];
}

export type Respond = (response: OutgoingResponse) => void;
export type RequestHandler = (request: IncomingRequest, respond: Respond) => void;

export interface ResourceSettings {
  methods: MethodName[];
  observable: boolean;
  /** notifications as CON (else NON, with a CON every 20th to learn whether the observer is still there) */
  confirmableNotifications: boolean;
  /** PSK identities allowed (requests over DTLS only); undefined or empty: everyone */
  identities?: string[];
  handler: RequestHandler;
}

export interface Representation {
  payload: Buffer;
  contentFormat: number | undefined;
}

export interface ServerStats {
  received: number;
  requests: number;
  malformed: number;
  badOption: number;
  tooLarge: number;
  incomplete: number;
  duplicates: number;
  notFound: number;
  responseTimeouts: number;
  notifications: number;
  denied: number;
}

export interface ServerOptions {
  port: number;
  address?: string;
  /** the largest reassembled request body */
  maxPayloadBytes?: number;
  /** block size offered in responses, 16…1024 */
  blockBytes?: number;
  transmission?: TransmissionParameters;
  /** send an empty ACK, then a separate response, when a handler takes longer than this */
  separateAfterMs?: number;
  /** answer 5.03 when a handler has not responded within this */
  responseTimeoutMs?: number;
  clock?: Clock;
  /** DTLS, served beside plain UDP */
  secure?: SecureChannel;
}

interface Observer {
  key: string;
  endpoint: Endpoint;
  token: Buffer;
  resource: Resource;
  notifyCount: number;
  pending?: { messageId: number; retransmission: Retransmission };
}

interface DedupEntry {
  expires: number;
  reply?: Buffer;
}

const NOTIFY_CON_EVERY = 20;
/** message ids remembered for deduplication at most (about 10 MB) */
const MAX_DEDUP = 50_000;
/** observers per resource at most */
const MAX_OBSERVERS = 1000;

export class Resource {
  value: Representation | undefined;
  readonly observers = new Map<string, Observer>();
  sequence = 1;

  constructor(
    readonly path: string,
    readonly settings: ResourceSettings,
    private readonly server: CoapServer,
  ) {}

  /** Sets the observable value and notifies every observer. */
  setValue(value: Representation): void {
    this.value = value;
    this.sequence = (this.sequence + 1) & 0xffffff;
    for (const observer of [...this.observers.values()]) this.server.notify(observer);
  }

  remove(): void {
    this.server.removeResource(this);
  }
}

export class CoapServer extends EventEmitter {
  readonly stats: ServerStats = { received: 0, requests: 0, malformed: 0, badOption: 0, tooLarge: 0, incomplete: 0, duplicates: 0, notFound: 0, responseTimeouts: 0, notifications: 0, denied: 0 };
  private socket: dgram.Socket | undefined;
  private readonly resources = new Map<string, Resource>();
  private readonly dedup = new Map<string, DedupEntry>();
  private readonly block2Cache = new Map<string, { code: number; body: Representation; etag: Buffer; expires: number }>();
  private readonly notificationIds = new Map<string, Observer>();
  private readonly assembler: Block1Assembler;
  private readonly clock: Clock;
  private readonly transmission: TransmissionParameters;
  private readonly lifetimeMs: number;
  private readonly blockSzx: number;
  private readonly maxPayloadBytes: number;
  private nextMessageId = Math.floor(Math.random() * 0x10000);
  private sweepTimer: unknown;
  private closed = false;

  constructor(private readonly options: ServerOptions) {
    super();
    this.clock = options.clock ?? systemClock;
    this.transmission = options.transmission ?? DEFAULT_TRANSMISSION;
    this.lifetimeMs = exchangeLifetimeMs(this.transmission);
    this.blockSzx = szxFor(options.blockBytes ?? 1024);
    this.maxPayloadBytes = options.maxPayloadBytes ?? 1024 * 1024;
    this.assembler = new Block1Assembler(this.maxPayloadBytes, 60_000, this.clock);
  }

  get port(): number {
    return (this.socket?.address() as { port: number } | undefined)?.port ?? this.options.port;
  }

  listen(): Promise<void> {
    const address = this.options.address || "0.0.0.0";
    const socket = dgram.createSocket({ type: address.includes(":") ? "udp6" : "udp4" });
    this.socket = socket;
    socket.on("message", (data, rinfo) => this.guarded(() => this.onDatagram(data, { address: rinfo.address, port: rinfo.port })));
    this.scheduleSweep();
    const plain = new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(this.options.port, address, () => {
        socket.off("error", reject);
        socket.on("error", (err) => this.emit("warning", err));
        resolve();
      });
    });
    const secure = this.options.secure;
    if (!secure) return plain;
    secure.on("datagram", (data, from) => this.guarded(() => this.onDatagram(data, from)));
    return Promise.all([plain, secure.listen()]).then(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.clock.clearTimeout(this.sweepTimer);
    for (const resource of this.resources.values()) for (const o of resource.observers.values()) o.pending?.retransmission.stop();
    for (const entry of this.pendingExchanges.values()) entry.cancel();
    this.pendingExchanges.clear();
    this.assembler.clear();
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
    await this.options.secure?.close();
  }

  addResource(path: string, settings: ResourceSettings): Resource {
    const key = normalisePath(path);
    if (this.resources.has(key)) throw new Error(`resource /${key} is already served`);
    const resource = new Resource(key, settings, this);
    this.resources.set(key, resource);
    return resource;
  }

  removeResource(resource: Resource): void {
    for (const observer of resource.observers.values()) observer.pending?.retransmission.stop();
    resource.observers.clear();
    if (this.resources.get(resource.path) === resource) this.resources.delete(resource.path);
  }

  get resourceCount(): number {
    return this.resources.size;
  }

  // ---------------------------------------------------------------- receiving

  /**
   * Runs a socket or timer callback so that nothing a client sends can end the process: an exception (ours, or a
   * listener's) is counted and reported as a "warning" for the node.
   * @internal
   */
  guarded(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.stats.malformed++;
      try {
        this.emit("warning", err);
      } catch {
        // the listener failed too: nothing more can be done here
      }
    }
  }

  private onDatagram(data: Buffer, source: Endpoint): void {
    if (this.closed) return;
    this.stats.received++;
    let message: CoapMessage;
    try {
      message = decodeMessage(data);
    } catch (err) {
      this.stats.malformed++;
      const header = err instanceof CoapFormatError ? err.header : undefined;
      if (header?.type === MessageType.CON) this.sendEmpty(MessageType.RST, header.messageId, source);
      this.emit("bad-datagram", err, source);
      return;
    }
    try {
      this.onMessage(message, source);
    } catch (err) {
      // a bug must not take Node-RED down: count it and tell the user through the node
      this.stats.malformed++;
      this.emit("warning", err);
    }
  }

  private onMessage(message: CoapMessage, source: Endpoint): void {
    if (message.type === MessageType.ACK || message.type === MessageType.RST) return this.onReply(message, source);
    if (message.code === Code.EMPTY) {
      if (message.type === MessageType.CON) this.sendEmpty(MessageType.RST, message.messageId, source); // CoAP ping
      return;
    }
    if (message.code >> 5 !== 0) {
      // a response we did not ask for
      if (message.type === MessageType.CON) this.sendEmpty(MessageType.RST, message.messageId, source);
      return;
    }
    const dedupKey = `${endpointKey(source)}|${message.messageId}`;
    const seen = this.dedup.get(dedupKey);
    if (seen) {
      this.stats.duplicates++;
      if (seen.reply) this.sendRaw(seen.reply, source);
      return;
    }
    const entry: DedupEntry = { expires: this.clock.now() + this.lifetimeMs };
    this.dedup.set(dedupKey, entry);
    this.stats.requests++;
    this.onRequest(message, source, entry);
  }

  private onRequest(message: CoapMessage, source: Endpoint, entry: DedupEntry): void {
    const exchange = new Exchange(this, message, source, entry);
    const unknown = message.options.find((o) => isCritical(o.number) && !KNOWN_OPTIONS.has(o.number));
    if (unknown) {
      this.stats.badOption++;
      return exchange.reply({ code: Code.BAD_OPTION, payload: Buffer.from(`unknown critical option ${unknown.number}`), contentFormat: ContentFormat.TEXT });
    }
    const method = methodName(message.code);
    const path = normalisePath(optionValues(message, Option.URI_PATH).map((v) => v.toString("utf8")).join("/"));
    if (path === ".well-known/core" && method === "GET") return exchange.reply({ code: Code.CONTENT, payload: Buffer.from(this.linkFormat()), contentFormat: ContentFormat.LINK_FORMAT });
    const resource = this.resources.get(path);
    if (!resource) {
      this.stats.notFound++;
      return exchange.reply({ code: Code.NOT_FOUND });
    }
    const allowed = resource.settings.identities;
    if (allowed && allowed.length > 0 && (source.identity === undefined || !allowed.includes(source.identity))) {
      this.stats.denied++;
      this.emit("denied", resource, source);
      return exchange.reply({ code: source.identity === undefined ? UNAUTHORIZED : FORBIDDEN });
    }
    if (!method || !resource.settings.methods.includes(method)) return exchange.reply({ code: Code.METHOD_NOT_ALLOWED });

    const block1Value = firstOption(message, Option.BLOCK1);
    let payload = message.payload;
    let block1: BlockValue | undefined;
    if (block1Value !== undefined) {
      block1 = decodeBlock(block1Value);
      if (!block1) return exchange.reply({ code: Code.BAD_OPTION });
      const key = [endpointKey(source), method, path, ...meaningfulOptions(message)].join("|");
      const outcome = this.assembler.add(key, block1, message.payload);
      if (outcome.kind === "continue") return exchange.reply({ code: Code.CONTINUE, options: [{ number: Option.BLOCK1, value: encodeBlock({ ...block1, more: true }) }] });
      if (outcome.kind === "incomplete") {
        this.stats.incomplete++;
        return exchange.reply({ code: Code.REQUEST_ENTITY_INCOMPLETE });
      }
      if (outcome.kind === "too-large") return this.tooLarge(exchange);
      payload = outcome.payload;
    } else if (payload.length > this.maxPayloadBytes) {
      return this.tooLarge(exchange);
    }
    const block2Value = firstOption(message, Option.BLOCK2);
    const block2 = (block2Value !== undefined ? decodeBlock(block2Value) : undefined) ?? { num: 0, more: false, szx: this.blockSzx };
    exchange.block1 = block1;
    exchange.block2 = { ...block2, szx: Math.min(block2.szx, this.blockSzx) };
    exchange.blockKey = [endpointKey(source), method, path, ...optionValues(message, Option.URI_QUERY).map(String)].join("|");

    // the later blocks of any response, a POST's too (RFC 7959 §2.6: libcoap repeats the POST with Block2)
    if (block2.num > 0) {
      const cached = this.block2Cache.get(exchange.blockKey);
      if (cached && cached.expires > this.clock.now()) return exchange.reply({ code: cached.code, payload: cached.body.payload, contentFormat: cached.body.contentFormat, options: [{ number: Option.ETAG, value: cached.etag }] });
    }
    if (resource.settings.observable && method === "GET") return this.onObservableGet(resource, message, source, exchange);

    const request: IncomingRequest = {
      method,
      path: "/" + path,
      query: optionValues(message, Option.URI_QUERY).map((v) => v.toString("utf8")),
      options: optionsByName(message.options),
      contentFormat: uintOptionOf(message, Option.CONTENT_FORMAT),
      accept: uintOptionOf(message, Option.ACCEPT),
      payload,
      source,
      confirmable: message.type === MessageType.CON,
      token: message.token.toString("hex"),
      messageId: message.messageId,
    };
    exchange.awaitHandler(this.options.separateAfterMs ?? 1000, this.options.responseTimeoutMs ?? 30_000);
    try {
      resource.settings.handler(request, (response) => exchange.reply(response));
    } catch (err) {
      this.emit("warning", err);
      exchange.reply({ code: Code.INTERNAL_SERVER_ERROR });
    }
  }

  private tooLarge(exchange: Exchange): void {
    this.stats.tooLarge++;
    exchange.reply({
      code: Code.REQUEST_ENTITY_TOO_LARGE,
      options: [
        { number: Option.SIZE1, value: uintOption(this.maxPayloadBytes) },
        { number: Option.BLOCK1, value: encodeBlock({ num: 0, more: false, szx: this.blockSzx }) },
      ],
    });
  }

  private onObservableGet(resource: Resource, message: CoapMessage, source: Endpoint, exchange: Exchange): void {
    const observe = uintOptionOf(message, Option.OBSERVE);
    const key = `${endpointKey(source)}|${message.token.toString("hex")}`;
    const options: CoapOption[] = [];
    if (observe === 0 && exchange.block2!.num === 0 && (resource.observers.has(key) || resource.observers.size < MAX_OBSERVERS)) {
      // past MAX_OBSERVERS the answer carries no Observe option: the client knows it is not registered (RFC 7641 §4.1)
      const previous = resource.observers.get(key);
      previous?.pending?.retransmission.stop();
      resource.observers.set(key, { key, endpoint: source, token: message.token, resource, notifyCount: 0 });
      options.push({ number: Option.OBSERVE, value: uintOption(resource.sequence) });
      this.emit("observers", resource);
    } else if (observe === 1) {
      this.dropObserver(resource.observers.get(key));
    }
    const value = resource.value ?? { payload: Buffer.alloc(0), contentFormat: undefined };
    exchange.reply({ code: Code.CONTENT, payload: value.payload, contentFormat: value.contentFormat, options: [...options, { number: Option.ETAG, value: etagOf(value) }] });
  }

  private onReply(message: CoapMessage, source: Endpoint): void {
    const key = `${endpointKey(source)}|${message.messageId}`;
    const pending = this.pendingExchanges.get(key);
    if (pending) {
      this.pendingExchanges.delete(key);
      pending.cancel();
      return;
    }
    const observer = this.notificationIds.get(key);
    if (!observer) return;
    this.notificationIds.delete(key);
    if (message.type === MessageType.RST) return this.dropObserver(observer);
    if (observer.pending?.messageId === message.messageId) {
      observer.pending.retransmission.stop();
      observer.pending = undefined;
    }
  }

  private dropObserver(observer: Observer | undefined): void {
    if (!observer) return;
    observer.pending?.retransmission.stop();
    if (observer.resource.observers.get(observer.key) === observer) {
      observer.resource.observers.delete(observer.key);
      this.emit("observers", observer.resource);
    }
  }

  // ---------------------------------------------------------------- sending

  /** @internal called by Resource.setValue */
  notify(observer: Observer): void {
    if (this.closed || !this.socket) return;
    const resource = observer.resource;
    const value = resource.value ?? { payload: Buffer.alloc(0), contentFormat: undefined };
    observer.notifyCount++;
    const confirmable = resource.settings.confirmableNotifications || observer.notifyCount % NOTIFY_CON_EVERY === 0;
    const messageId = this.allocateMessageId();
    const options: CoapOption[] = [{ number: Option.OBSERVE, value: uintOption(resource.sequence) }, { number: Option.ETAG, value: etagOf(value) }];
    const body = sliceBlock(value.payload, { num: 0, more: false, szx: this.blockSzx });
    if (body.block) options.push({ number: Option.BLOCK2, value: encodeBlock(body.block) });
    if (value.contentFormat !== undefined) options.push({ number: Option.CONTENT_FORMAT, value: uintOption(value.contentFormat) });
    const bytes = encodeMessage({ type: confirmable ? MessageType.CON : MessageType.NON, code: Code.CONTENT, messageId, token: observer.token, options, payload: body.payload });
    const idKey = `${endpointKey(observer.endpoint)}|${messageId}`;
    this.notificationIds.set(idKey, observer);
    if (this.notificationIds.size > 10_000) this.notificationIds.delete(this.notificationIds.keys().next().value as string);
    this.stats.notifications++;
    if (confirmable) {
      // a newer notification replaces one still being retransmitted (RFC 7641 §4.5.2)
      observer.pending?.retransmission.stop();
      const retransmission = new Retransmission(this.transmission, this.clock, () => this.sendRaw(bytes, observer.endpoint), () => this.dropObserver(observer));
      observer.pending = { messageId, retransmission };
      retransmission.start();
    }
    this.sendRaw(bytes, observer.endpoint);
  }

  /** @internal */
  readonly pendingExchanges = new Map<string, { cancel(): void }>();

  /** @internal */
  allocateMessageId(): number {
    this.nextMessageId = (this.nextMessageId + 1) & 0xffff;
    return this.nextMessageId;
  }

  /** @internal */
  sendRaw(bytes: Buffer, to: Endpoint): void {
    // called from retransmission timers too: a socket closed meanwhile throws synchronously
    try {
      // a DTLS peer whose session ended meanwhile cannot be answered: it will start a new handshake
      if (to.identity !== undefined) return void this.options.secure?.send(bytes, to);
      this.socket?.send(bytes, to.port, to.address, (err) => {
        if (err) this.emit("warning", err);
      });
    } catch (err) {
      this.emit("warning", err);
    }
  }

  /** @internal */
  sendEmpty(type: MessageType, messageId: number, to: Endpoint): void {
    this.sendRaw(encodeMessage({ type, code: Code.EMPTY, messageId, token: Buffer.alloc(0), options: [], payload: Buffer.alloc(0) }), to);
  }

  /** @internal remembers a big body so that the next blocks need not ask the handler again */
  cacheBlocks(key: string, code: number, body: Representation, etag: Buffer): void {
    this.block2Cache.set(key, { code, body, etag, expires: this.clock.now() + 60_000 });
    if (this.block2Cache.size > 1000) this.block2Cache.delete(this.block2Cache.keys().next().value as string);
  }

  /** @internal */
  get transmissionParameters(): TransmissionParameters {
    return this.transmission;
  }

  /** @internal */
  get timers(): Clock {
    return this.clock;
  }

  /** @internal */
  countResponseTimeout(): void {
    this.stats.responseTimeouts++;
  }

  private linkFormat(): string {
    return [...this.resources.values()].map((r) => `</${r.path}>${r.settings.observable ? ";obs" : ""}`).join(",");
  }

  private scheduleSweep(): void {
    this.sweepTimer = this.clock.setTimeout(() => this.guarded(() => this.sweep()), 5000);
  }

  private sweep(): void {
    const now = this.clock.now();
    // insertion order is expiry order; past MAX_DEDUP entries the oldest go early (memory is bounded under load).
    // One pass of one iterator: restarting an iterator per deletion walks the holes again each time.
    let excess = this.dedup.size - MAX_DEDUP;
    for (const [key, entry] of this.dedup) {
      if (entry.expires > now && excess <= 0) break;
      this.dedup.delete(key);
      excess--;
    }
    for (const [key, entry] of this.block2Cache) if (entry.expires <= now) this.block2Cache.delete(key);
    if (!this.closed) this.scheduleSweep();
  }
}

/** One request and the answer to it: piggybacked on the ACK, or separate when the handler is slow. */
class Exchange {
  block1: BlockValue | undefined;
  block2: BlockValue | undefined;
  blockKey = "";
  private answered = false;
  private separate = false;
  private separateTimer: unknown;
  private timeoutTimer: unknown;

  constructor(
    private readonly server: CoapServer,
    private readonly request: CoapMessage,
    private readonly source: Endpoint,
    private readonly entry: DedupEntry,
  ) {}

  awaitHandler(separateAfterMs: number, timeoutMs: number): void {
    const clock = this.server.timers;
    if (this.request.type === MessageType.CON) {
      this.separateTimer = clock.setTimeout(() => this.server.guarded(() => {
        if (this.answered) return;
        this.separate = true;
        const ack = encodeMessage({ type: MessageType.ACK, code: Code.EMPTY, messageId: this.request.messageId, token: Buffer.alloc(0), options: [], payload: Buffer.alloc(0) });
        this.entry.reply = ack;
        this.server.sendRaw(ack, this.source);
      }), separateAfterMs);
    }
    this.timeoutTimer = clock.setTimeout(() => this.server.guarded(() => {
      if (this.answered) return;
      this.server.countResponseTimeout();
      this.reply({ code: Code.SERVICE_UNAVAILABLE });
    }), timeoutMs);
  }

  reply(response: OutgoingResponse): void {
    if (this.answered) return;
    this.answered = true;
    const clock = this.server.timers;
    if (this.separateTimer !== undefined) clock.clearTimeout(this.separateTimer);
    if (this.timeoutTimer !== undefined) clock.clearTimeout(this.timeoutTimer);
    const options: CoapOption[] = [...(response.options ?? [])];
    let payload = response.payload ?? Buffer.alloc(0);
    if (response.contentFormat !== undefined) options.push({ number: Option.CONTENT_FORMAT, value: uintOption(response.contentFormat) });
    if (this.block1 && response.code >> 5 === 2 && !options.some((o) => o.number === Option.BLOCK1)) options.push({ number: Option.BLOCK1, value: encodeBlock({ ...this.block1, more: false }) });
    const block2 = this.block2 ?? { num: 0, more: false, szx: 6 };
    if (payload.length > blockSize(block2.szx) || block2.num > 0) {
      if (block2.num === 0 && response.code >> 5 === 2) {
        let etag = firstOption({ options } as CoapMessage, Option.ETAG);
        if (!etag) {
          etag = etagOf({ payload, contentFormat: response.contentFormat });
          options.push({ number: Option.ETAG, value: etag });
        }
        this.server.cacheBlocks(this.blockKey, response.code, { payload, contentFormat: response.contentFormat }, etag);
      }
      const sliced = sliceBlock(payload, block2);
      if (!sliced.block) {
        return this.send({ code: Code.BAD_OPTION, options: [], payload: Buffer.alloc(0) });
      }
      payload = sliced.payload;
      options.push({ number: Option.BLOCK2, value: encodeBlock(sliced.block) }, { number: Option.SIZE2, value: uintOption(response.payload?.length ?? 0) });
    }
    this.send({ code: response.code, options, payload });
  }

  private send({ code, options, payload }: { code: number; options: CoapOption[]; payload: Buffer }): void {
    const confirmable = this.request.type === MessageType.CON;
    if (confirmable && this.separate) {
      const messageId = this.server.allocateMessageId();
      const bytes = encodeMessage({ type: MessageType.CON, code, messageId, token: this.request.token, options, payload });
      const key = `${endpointKey(this.source)}|${messageId}`;
      const retransmission = new Retransmission(this.server.transmissionParameters, this.server.timers, () => this.server.sendRaw(bytes, this.source), () => this.server.pendingExchanges.delete(key));
      this.server.pendingExchanges.set(key, { cancel: () => retransmission.stop() });
      retransmission.start();
      this.server.sendRaw(bytes, this.source);
      return;
    }
    const type = confirmable ? MessageType.ACK : MessageType.NON;
    const messageId = confirmable ? this.request.messageId : this.server.allocateMessageId();
    const bytes = encodeMessage({ type, code, messageId, token: this.request.token, options, payload });
    if (confirmable) this.entry.reply = bytes;
    this.server.sendRaw(bytes, this.source);
  }
}

function sliceBlock(payload: Buffer, block: BlockValue): { payload: Buffer; block?: BlockValue } {
  const size = blockSize(block.szx);
  if (block.num === 0 && payload.length <= size) return { payload };
  const start = block.num * size;
  if (start >= payload.length && !(start === 0 && payload.length === 0)) return { payload: Buffer.alloc(0) };
  const end = Math.min(payload.length, start + size);
  return { payload: payload.subarray(start, end), block: { num: block.num, more: end < payload.length, szx: block.szx } };
}

function etagOf(value: Representation): Buffer {
  return createHash("sha1").update(value.payload).update(String(value.contentFormat)).digest().subarray(0, 4);
}

export function normalisePath(path: string): string {
  return path.split("/").filter(Boolean).join("/");
}

/** Request options that make two uploads different requests (RFC 7959 §2.4): not Block, Size or the NoCacheKey ones. */
function meaningfulOptions(message: CoapMessage): string[] {
  return message.options
    .filter((o) => ![Option.BLOCK1, Option.BLOCK2, Option.SIZE1, Option.SIZE2, Option.URI_PATH, Option.OBSERVE].includes(o.number as 27) && (o.number & 0x1e) !== 0x1c)
    .map((o) => `${o.number}=${o.value.toString("hex")}`);
}

const STRING_OPTIONS = new Set<number>([Option.URI_HOST, Option.LOCATION_PATH, Option.URI_PATH, Option.URI_QUERY, Option.LOCATION_QUERY, Option.PROXY_URI, Option.PROXY_SCHEME]);
const UINT_OPTIONS = new Set<number>([Option.URI_PORT, Option.CONTENT_FORMAT, Option.MAX_AGE, Option.ACCEPT, Option.SIZE1, Option.SIZE2, Option.OBSERVE, Option.NO_RESPONSE]);

/** Options as a plain object for msg.req / msg.options: names for known options, numbers for the others. */
export function optionsByName(options: CoapOption[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const o of options) {
    if (o.number === Option.URI_PATH) continue;
    const name = OPTION_NAMES[o.number] ?? String(o.number);
    const value = STRING_OPTIONS.has(o.number) ? o.value.toString("utf8") : UINT_OPTIONS.has(o.number) ? readUint(o.value) : o.value.toString("hex");
    if (name in out) out[name] = ([] as unknown[]).concat(out[name], value);
    else out[name] = value;
  }
  return out;
}

export { Method };
