/**
 * A CoAP client (RFC 7252) with retransmission of confirmable requests, separate responses, block-wise transfer
 * both ways (RFC 7959) and Observe (RFC 7641), over UDP or DTLS-PSK.
 */
import { randomBytes } from "crypto";
import { EventEmitter } from "events";
import { Code, DEFAULT_TRANSMISSION, MessageType, Method, MethodName, Option, TransmissionParameters, codeText } from "./constants";
import { CoapMessage, CoapOption, decodeMessage, encodeMessage, firstOption, uintOption, uintOptionOf, withoutOptions } from "./message";
import { blockSize, decodeBlock, encodeBlock, szxFor } from "./block";
import { Clock, systemClock } from "./clock";
import { Retransmission } from "./retransmission";
import { ClientTransport, DtlsTransport, Origin, PskCredentials, UdpTransport } from "./transport";

export interface ClientRequest {
  url: string;
  method: MethodName;
  payload?: Buffer;
  contentFormat?: number;
  accept?: number;
  confirmable?: boolean;
  /** more options (e.g. Uri-Query from the URL are added already) */
  options?: CoapOption[];
}

export interface ClientResponse {
  code: number;
  /** "2.05" */
  status: string;
  payload: Buffer;
  contentFormat: number | undefined;
  options: CoapOption[];
  /** the Observe sequence number of a notification */
  observe?: number;
}

export interface ClientOptions {
  transmission?: TransmissionParameters;
  /** block size for uploads and asked for downloads, 16…1024 */
  blockBytes?: number;
  /** how long to wait for a response after the request was acknowledged, or for a NON request */
  responseTimeoutMs?: number;
  /** the largest body assembled from Block2 responses */
  maxBodyBytes?: number;
  psk?: PskCredentials;
  clock?: Clock;
  handshakeTimeoutMs?: number;
}

export class CoapTimeoutError extends Error {
  override name = "CoapTimeoutError";
}
export class CoapResetError extends Error {
  override name = "CoapResetError";
}

interface Pending {
  token: string;
  onResponse(message: CoapMessage): void;
  onAck(): void;
  onReset(): void;
  abort(err: Error): void;
}

export function parseCoapUrl(url: string): { origin: Origin; path: string[]; query: string[] } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`'${url}' is not a URL`);
  }
  const secure = parsed.protocol === "coaps:";
  if (!secure && parsed.protocol !== "coap:") throw new Error(`'${url}' is not a coap:// or coaps:// URL`);
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  if (!host) throw new Error(`'${url}' names no host`);
  const port = parsed.port ? Number(parsed.port) : secure ? 5684 : 5683;
  const path = parsed.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const query = parsed.search ? parsed.search.slice(1).split("&").filter(Boolean).map(decodeURIComponent) : [];
  return { origin: { secure, host, port }, path, query };
}

export class Observation extends EventEmitter {
  /** emits "notification" (ClientResponse), "error" (Error), "end" */
  cancelled = false;
  constructor(readonly cancel: () => Promise<void>) {
    super();
  }
}

export class CoapClient {
  private readonly udp = new UdpTransport();
  private dtls: DtlsTransport | undefined;
  private readonly pendingByToken = new Map<string, Pending>();
  private readonly pendingById = new Map<number, Pending>();
  private readonly transmission: TransmissionParameters;
  private readonly clock: Clock;
  private readonly szx: number;
  private nextMessageId = Math.floor(Math.random() * 0x10000);
  private closed = false;
  readonly observations = new Set<Observation>();

  constructor(private readonly options: ClientOptions = {}) {
    this.transmission = options.transmission ?? DEFAULT_TRANSMISSION;
    this.clock = options.clock ?? systemClock;
    this.szx = szxFor(options.blockBytes ?? 1024);
    this.udp.on("message", (data: Buffer, from: Origin) => this.onDatagram(data, this.udp, from));
  }

  private transportFor(origin: Origin): ClientTransport {
    if (!origin.secure) return this.udp;
    if (!this.options.psk) throw new Error("coaps:// needs a PSK identity and key");
    if (!this.dtls) {
      this.dtls = new DtlsTransport(this.options.psk, this.options.handshakeTimeoutMs);
      const dtls = this.dtls;
      dtls.on("message", (data: Buffer, from: Origin) => this.onDatagram(data, dtls, from));
      dtls.on("warning", () => undefined);
    }
    return this.dtls;
  }

  /** A request and its full response (all Block2 blocks), uploading the payload block-wise when it is larger than a block. */
  async request(request: ClientRequest): Promise<ClientResponse> {
    const { origin, path, query } = parseCoapUrl(request.url);
    const base = this.baseOptions(request, path, query);
    const payload = request.payload ?? Buffer.alloc(0);
    let response: ClientResponse;
    if (payload.length > blockSize(this.szx)) response = await this.upload(origin, request, base, payload);
    else response = await this.exchange(origin, request, payload.length ? [...base, ...this.contentFormatOption(request)] : base, payload);
    return this.downloadRest(origin, request, base, response);
  }

  /** Observes a resource: every notification (body complete) is emitted until cancel(). */
  observe(request: ClientRequest): Observation {
    const { origin, path, query } = parseCoapUrl(request.url);
    const base = this.baseOptions(request, path, query);
    const token = randomBytes(8);
    const tokenHex = token.toString("hex");
    let last: { seq: number; at: number } | undefined;
    const observation = new Observation(async () => {
      if (observation.cancelled) return;
      observation.cancelled = true;
      this.observations.delete(observation);
      this.pendingByToken.delete(tokenHex);
      // deregister actively (RFC 7641 §3.6): a GET with Observe 1 and the same token
      const deregistered = this.exchange(origin, { ...request, method: "GET" }, [...base, { number: Option.OBSERVE, value: uintOption(1) }], Buffer.alloc(0), token).catch(() => undefined);
      // wait a little for the server to confirm, never for the whole retransmission span (close must be quick)
      let timer: unknown;
      await Promise.race([deregistered, new Promise<void>((resolve) => (timer = this.clock.setTimeout(resolve, 1000)))]);
      this.clock.clearTimeout(timer);
      observation.emit("end");
    });
    this.observations.add(observation);
    const deliver = (response: ClientResponse) => {
      if (observation.cancelled) return;
      const seq = response.observe;
      const now = this.clock.now();
      if (seq !== undefined && last && !isFresher(last.seq, seq) && now < last.at + 128_000) return; // reordered
      if (seq !== undefined) last = { seq, at: now };
      this.downloadRest(origin, { ...request, method: "GET" }, base, response).then(
        (full) => {
          if (observation.cancelled) return;
          observation.emit("notification", full);
          if (full.observe === undefined || full.code >> 5 !== 2) {
            // not (or no longer) observable: this was the last message
            observation.cancelled = true;
            this.observations.delete(observation);
            this.pendingByToken.delete(tokenHex);
            observation.emit("end");
          }
        },
        (err: Error) => observation.emit("error", err),
      );
    };
    const register = [...base, { number: Option.OBSERVE, value: uintOption(0) }];
    this.exchange(origin, { ...request, method: "GET" }, register, Buffer.alloc(0), token, (message) => deliver(toResponse(message))).then(deliver, (err: Error) => {
      if (observation.cancelled) return;
      observation.cancelled = true;
      this.observations.delete(observation);
      this.pendingByToken.delete(tokenHex);
      observation.emit("error", err);
      observation.emit("end");
    });
    return observation;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.observations].map((o) => o.cancel()));
    for (const p of [...this.pendingByToken.values()]) p.abort(new Error("CoAP client closed"));
    this.pendingByToken.clear();
    this.pendingById.clear();
    await this.udp.close();
    await this.dtls?.close();
  }

  // ---------------------------------------------------------------- block-wise

  private async upload(origin: Origin, request: ClientRequest, base: CoapOption[], payload: Buffer): Promise<ClientResponse> {
    let szx = this.szx;
    let offset = 0;
    for (let guard = 0; guard < 1_100_000; guard++) {
      const size = blockSize(szx);
      const num = offset / size;
      const chunk = payload.subarray(offset, offset + size);
      const more = offset + chunk.length < payload.length;
      const options = [...base, ...this.contentFormatOption(request), { number: Option.BLOCK1, value: encodeBlock({ num, more, szx }) }];
      if (num === 0) options.push({ number: Option.SIZE1, value: uintOption(payload.length) });
      const response = await this.exchange(origin, request, options, chunk);
      if (!more || response.code !== Code.CONTINUE) {
        if (more && response.code >> 5 === 2) throw new Error(`server answered ${response.status} before the last block`);
        return response;
      }
      const echoed = decodeBlock(firstOption({ options: response.options } as CoapMessage, Option.BLOCK1) ?? Buffer.alloc(0));
      offset += chunk.length;
      // the server may ask for smaller blocks (RFC 7959 §2.5)
      if (echoed && echoed.szx < szx) szx = echoed.szx;
    }
    throw new Error("upload has too many blocks");
  }

  private async downloadRest(origin: Origin, request: ClientRequest, base: CoapOption[], first: ClientResponse): Promise<ClientResponse> {
    let block = decodeBlock(firstOption({ options: first.options } as CoapMessage, Option.BLOCK2) ?? Buffer.alloc(0));
    if (!firstOption({ options: first.options } as CoapMessage, Option.BLOCK2) || !block?.more) return first;
    const parts = [first.payload];
    let bytes = first.payload.length;
    const etag = firstOption({ options: first.options } as CoapMessage, Option.ETAG);
    const max = this.options.maxBodyBytes ?? 16 * 1024 * 1024;
    while (block?.more) {
      const num = bytes / blockSize(block.szx);
      const options = [...base, { number: Option.BLOCK2, value: encodeBlock({ num, more: false, szx: block.szx }) }];
      const next = await this.exchange(origin, { ...request, method: request.method === "FETCH" ? "FETCH" : "GET" }, options, request.method === "FETCH" ? (request.payload ?? Buffer.alloc(0)) : Buffer.alloc(0));
      if (next.code >> 5 !== 2) return next;
      const nextEtag = firstOption({ options: next.options } as CoapMessage, Option.ETAG);
      if (etag && nextEtag && !etag.equals(nextEtag)) throw new Error("the resource changed during a block-wise download (ETag differs)");
      block = decodeBlock(firstOption({ options: next.options } as CoapMessage, Option.BLOCK2) ?? Buffer.alloc(0));
      parts.push(next.payload);
      bytes += next.payload.length;
      if (bytes > max) throw new Error(`response body over ${max} bytes`);
      if (!block) break;
    }
    return { ...first, payload: Buffer.concat(parts), options: withoutOptions(first.options, Option.BLOCK2) };
  }

  // ---------------------------------------------------------------- one exchange

  /**
   * Sends one message and resolves with the response. A confirmable request is retransmitted until acknowledged;
   * `onLater` receives messages arriving later under the same token (notifications), which keeps the token alive.
   */
  private exchange(origin: Origin, request: ClientRequest, options: CoapOption[], payload: Buffer, token = randomBytes(8), onLater?: (m: CoapMessage) => void): Promise<ClientResponse> {
    if (this.closed && !options.some((o) => o.number === Option.OBSERVE)) return Promise.reject(new Error("client closed"));
    const transport = this.transportFor(origin);
    const confirmable = request.confirmable !== false;
    const messageId = this.allocateMessageId();
    const bytes = encodeMessage({ type: confirmable ? MessageType.CON : MessageType.NON, code: Method[request.method], messageId, token, options, payload });
    const tokenHex = token.toString("hex");
    return new Promise<ClientResponse>((resolve, reject) => {
      let settled = false;
      let responseTimer: unknown;
      const finish = (err?: Error, message?: CoapMessage) => {
        retransmission?.stop();
        if (responseTimer !== undefined) this.clock.clearTimeout(responseTimer);
        this.pendingById.delete(messageId);
        if (err || !onLater) {
          if (this.pendingByToken.get(tokenHex) === pending) this.pendingByToken.delete(tokenHex);
        }
        if (settled) return;
        settled = true;
        if (err) reject(err);
        else resolve(toResponse(message!));
      };
      const waitForResponse = () => {
        responseTimer = this.clock.setTimeout(() => finish(new CoapTimeoutError(`no response from ${request.url} within ${responseTimeoutMs} ms`)), responseTimeoutMs);
      };
      const responseTimeoutMs = this.options.responseTimeoutMs ?? 30_000;
      const pending: Pending = {
        token: tokenHex,
        onResponse: (message) => {
          if (settled) onLater?.(message);
          else finish(undefined, message);
        },
        onAck: () => {
          retransmission?.stop();
          this.pendingById.delete(messageId);
          waitForResponse();
        },
        onReset: () => finish(new CoapResetError(`${request.url} answered with a reset`)),
        abort: (err) => finish(err),
      };
      this.pendingByToken.set(tokenHex, pending);
      this.pendingById.set(messageId, pending);
      const send = () => transport.send(bytes, origin).catch((err: Error) => finish(err));
      const retransmission = confirmable
        ? new Retransmission(this.transmission, this.clock, () => void send(), () => finish(new CoapTimeoutError(`no acknowledgement from ${request.url} after ${this.transmission.maxRetransmit} retransmissions`)))
        : undefined;
      void send();
      if (retransmission) retransmission.start();
      else waitForResponse();
    });
  }

  private onDatagram(data: Buffer, transport: ClientTransport, from: Origin): void {
    let message: CoapMessage;
    try {
      message = decodeMessage(data);
    } catch {
      return; // a malformed datagram: dropped (RFC 7252 §4.2 allows silently ignoring it)
    }
    const byId = this.pendingById.get(message.messageId);
    if (message.type === MessageType.RST) {
      byId?.onReset();
      return;
    }
    if (message.type === MessageType.ACK && message.code === Code.EMPTY) {
      byId?.onAck();
      return;
    }
    const pending = this.pendingByToken.get(message.token.toString("hex"));
    if (message.type === MessageType.CON) {
      // acknowledge separate responses and confirmable notifications; reject what nobody waits for
      void this.replyEmpty(pending ? MessageType.ACK : MessageType.RST, message.messageId, transport, from);
    } else if (message.type === MessageType.NON && !pending && message.code >> 5 === 2) {
      void this.replyEmpty(MessageType.RST, message.messageId, transport, from);
    }
    if (!pending || message.code === Code.EMPTY) return;
    if (message.type === MessageType.ACK && byId !== pending) return;
    pending.onResponse(message);
  }

  private async replyEmpty(type: MessageType, messageId: number, transport: ClientTransport, origin: Origin): Promise<void> {
    await transport.send(encodeMessage({ type, code: Code.EMPTY, messageId, token: Buffer.alloc(0), options: [], payload: Buffer.alloc(0) }), origin).catch(() => undefined);
  }

  private baseOptions(request: ClientRequest, path: string[], query: string[]): CoapOption[] {
    const options: CoapOption[] = [...path.map((p) => ({ number: Option.URI_PATH, value: Buffer.from(p) })), ...query.map((q) => ({ number: Option.URI_QUERY, value: Buffer.from(q) }))];
    if (request.accept !== undefined) options.push({ number: Option.ACCEPT, value: uintOption(request.accept) });
    options.push(...(request.options ?? []));
    return options;
  }

  private contentFormatOption(request: ClientRequest): CoapOption[] {
    return request.contentFormat === undefined ? [] : [{ number: Option.CONTENT_FORMAT, value: uintOption(request.contentFormat) }];
  }

  private allocateMessageId(): number {
    this.nextMessageId = (this.nextMessageId + 1) & 0xffff;
    return this.nextMessageId;
  }
}

function toResponse(message: CoapMessage): ClientResponse {
  return {
    code: message.code,
    status: codeText(message.code),
    payload: message.payload,
    contentFormat: uintOptionOf(message, Option.CONTENT_FORMAT),
    options: message.options,
    observe: uintOptionOf(message, Option.OBSERVE),
  };
}

/** RFC 7641 §3.4: is sequence number `next` newer than `previous` (24-bit, wrapping)? */
export function isFresher(previous: number, next: number): boolean {
  return (previous < next && next - previous < 2 ** 23) || (previous > next && previous - next > 2 ** 23);
}
