/**
 * Disk persistence for the embedded aedes broker: retained messages, persistent sessions (subscriptions and the
 * QoS 1/2 messages queued for offline clients), in-flight QoS 2 state and wills survive a restart.
 *
 * Why our own: aedes (1 and 2) needs an async persistence. aedes-persistence-level would bring classic-level, a
 * native module whose prebuilt binaries do not cover every gateway CPU/libc. It builds on aedes-persistence 11's
 * in-memory persistence (aedes 2.0.0-beta.1 itself asks for ^10.3.1: 11 is the same plus `cleanIncoming`).
 * MQTT 5: packets are stored with their properties and absolute `messageExpiry`; the session expiry deadlines
 * aedes keeps only as timers are journalled too (see EmbeddedBroker). Instead we keep aedes' own in-memory persistence for
 * every read (topic tries, streams) and make it durable with an append-only journal of every change:
 * - each change is applied in memory first (so aedes sees exactly its reference behaviour), then appended to the
 *   journal as one JSON line; changes that would lose a message if forgotten (retained, enqueued for an offline
 *   client, subscriptions, incoming QoS 2, wills) resolve only after fdatasync (group commit), so aedes sends
 *   PUBACK/PUBREC only for what is on disk;
 * - a mirror of the state, kept as plain data, lets the journal be compacted into a snapshot (written to a new
 *   file, fsynced, renamed over the old one) when it grows; a torn last line after a crash is dropped.
 * The journal and the snapshot are lib/durable's (group commit; a failed write cut off again and failing exactly
 * the changes in it; atomic file replace), the same as the durable queue's and the LoRaWAN counters'.
 */
import * as fs from "fs";
import * as path from "path";
import { AppendJournal } from "../durable/append-journal";
import { writeFileAtomic } from "../durable/atomic-file";
import type { Readable } from "stream";

/** the packet shape aedes hands its persistence (aedes-packet, QoSPacket, PubRel) */
export interface PacketLike {
  cmd?: string;
  topic?: string;
  payload?: Buffer | string;
  qos?: number;
  retain?: boolean;
  messageId?: number;
  brokerId?: string;
  brokerCounter?: number;
  [key: string]: unknown;
}

interface ClientLike {
  id: string;
}

interface SubscriptionLike {
  topic: string;
  qos: number;
  rh?: number;
  rap?: boolean | number;
  nl?: boolean | number;
  subscriptionIdentifier?: number;
}

/** a packet as stored: every data field, the payload in base64 */
type StoredPacket = Record<string, unknown> & { payload: string; messageId?: number; brokerId?: string; brokerCounter?: number; cmd?: string; qos?: number };

type JournalRecord =
  | { o: "ret"; p: StoredPacket }
  | { o: "sub"; c: string; s: SubscriptionLike[] }
  | { o: "unsub"; c: string; t: string[] }
  | { o: "cleansub"; c: string }
  | { o: "enq"; c: string[]; p: StoredPacket }
  | { o: "upd"; c: string; p: StoredPacket }
  | { o: "clr"; c: string; m: number }
  | { o: "in"; c: string; p: StoredPacket }
  | { o: "indel"; c: string; m: number }
  | { o: "inclean"; c: string }
  | { o: "will"; c: string; p: StoredPacket }
  | { o: "delwill"; c: string }
  /** an MQTT 5 session's expiry: interval in seconds, deadline (epoch ms) once its client left */
  | { o: "sexp"; c: string; i: number; d?: number }
  | { o: "sexpclr"; c: string }
  /** a session that expired: subscriptions, queue, QoS 2 state and will gone */
  | { o: "expire"; c: string };

export interface SessionExpiry {
  /** seconds */
  interval: number;
  /** epoch ms; undefined while the client is connected */
  deadline?: number;
}

/** the in-memory persistence of aedes-persistence, as far as we use it */
interface MemoryPersistenceApi {
  setup(broker: { id: string }): Promise<void>;
  storeRetained(packet: PacketLike): Promise<void>;
  createRetainedStreamCombi(patterns: string[]): Readable;
  addSubscriptions(client: ClientLike, subs: SubscriptionLike[]): Promise<void>;
  removeSubscriptions(client: ClientLike, topics: string[]): Promise<void>;
  cleanSubscriptions(client: ClientLike): Promise<void>;
  outgoingEnqueue(sub: { clientId: string }, packet: PacketLike): Promise<void>;
  outgoingEnqueueCombi(subs: Array<{ clientId: string }>, packet: PacketLike): Promise<void>;
  outgoingUpdate(client: ClientLike, packet: PacketLike): Promise<void>;
  outgoingClearMessageId(client: ClientLike, packet: PacketLike): Promise<PacketLike | undefined>;
  outgoingStream(client: ClientLike): Readable;
  incomingStorePacket(client: ClientLike, packet: PacketLike): Promise<void>;
  incomingDelPacket(client: ClientLike, packet: PacketLike): Promise<void>;
  cleanIncoming(client: ClientLike): Promise<void>;
  putWill(client: ClientLike, packet: PacketLike): Promise<void>;
  delWill(client: ClientLike): Promise<PacketLike | undefined>;
  destroy(): Promise<void>;
}

// aedes' own reference implementation (a dependency of aedes; declared in our package.json too)
const MemoryPersistence = require("aedes-persistence/asyncPersistence.js") as new () => MemoryPersistenceApi;

export interface FilePersistenceOptions {
  dir: string;
  /** compact the journal once it is larger than this and twice its last snapshot (default 8 MiB) */
  compactBytes?: number;
}

const JOURNAL = "broker-journal.log";

function toStored(packet: PacketLike): StoredPacket {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(packet)) {
    if (value === undefined || typeof value === "function") continue;
    out[key] = value;
  }
  const payload = packet.payload;
  out.payload = Buffer.isBuffer(payload) ? payload.toString("base64") : Buffer.from(payload === undefined ? "" : String(payload)).toString("base64");
  return out as StoredPacket;
}

/** JSON turns a Buffer into {type: "Buffer", data: [...]}: MQTT 5 correlation data must come back as a Buffer */
function reviveBuffers(properties: unknown): unknown {
  if (!properties || typeof properties !== "object") return properties;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(properties as Record<string, unknown>)) {
    const v = value as { type?: unknown; data?: unknown } | null;
    out[key] = v && typeof v === "object" && v.type === "Buffer" && Array.isArray(v.data) ? Buffer.from(v.data as number[]) : value;
  }
  return out;
}

function fromStored(stored: StoredPacket): PacketLike {
  const packet: PacketLike = { ...stored, payload: Buffer.from(stored.payload, "base64") };
  if (stored.properties !== undefined) packet.properties = reviveBuffers(stored.properties);
  return packet;
}

/** the state the journal describes, as plain data (mirrors aedes-persistence's semantics) */
class MirrorState {
  readonly retained = new Map<string, StoredPacket>();
  readonly subscriptions = new Map<string, Map<string, SubscriptionLike>>();
  readonly outgoing = new Map<string, StoredPacket[]>();
  readonly incoming = new Map<string, Map<number, StoredPacket>>();
  readonly wills = new Map<string, StoredPacket>();
  readonly sessionExpiry = new Map<string, SessionExpiry>();

  apply(r: JournalRecord): void {
    switch (r.o) {
      case "ret":
        if (Buffer.from(r.p.payload, "base64").length === 0) this.retained.delete(String(r.p.topic));
        else this.retained.set(String(r.p.topic), r.p);
        return;
      case "sub": {
        const subs = this.subscriptions.get(r.c) ?? new Map<string, SubscriptionLike>();
        for (const s of r.s) subs.set(s.topic, s);
        this.subscriptions.set(r.c, subs);
        return;
      }
      case "unsub": {
        const subs = this.subscriptions.get(r.c);
        if (!subs) return;
        for (const t of r.t) subs.delete(t);
        if (subs.size === 0) this.subscriptions.delete(r.c);
        return;
      }
      case "cleansub":
        this.subscriptions.delete(r.c);
        return;
      case "enq":
        for (const c of r.c) {
          const queue = this.outgoing.get(c) ?? [];
          // as aedes-packet does: a queued QoS>0 packet gets its packet id only when it is sent
          const copy: StoredPacket = { ...r.p, brokerCounter: r.p.brokerCounter ?? 0 };
          if ((copy.qos ?? 0) > 0 || (copy.cmd ?? "publish") !== "publish") delete copy.messageId;
          queue.push(copy);
          this.outgoing.set(c, queue);
        }
        return;
      case "upd": {
        const queue = this.outgoing.get(r.c) ?? [];
        for (let i = 0; i < queue.length; i++) {
          const queued = queue[i];
          if (queued.brokerId === r.p.brokerId) {
            if (queued.brokerCounter === r.p.brokerCounter) {
              queued.messageId = r.p.messageId;
              return;
            }
          } else if (queued.messageId === r.p.messageId) {
            queue[i] = r.p;
            return;
          }
        }
        return;
      }
      case "clr": {
        const queue = this.outgoing.get(r.c);
        if (!queue) return;
        const i = queue.findIndex((p) => p.messageId === r.m);
        if (i >= 0) queue.splice(i, 1);
        if (queue.length === 0) this.outgoing.delete(r.c);
        return;
      }
      case "in": {
        const store = this.incoming.get(r.c) ?? new Map<number, StoredPacket>();
        store.set(Number(r.p.messageId), r.p);
        this.incoming.set(r.c, store);
        return;
      }
      case "indel":
        this.incoming.get(r.c)?.delete(r.m);
        return;
      case "inclean":
        this.incoming.delete(r.c);
        return;
      case "will":
        this.wills.set(r.c, r.p);
        return;
      case "delwill":
        this.wills.delete(r.c);
        return;
      case "sexp":
        this.sessionExpiry.set(r.c, { interval: r.i, deadline: r.d });
        return;
      case "sexpclr":
        this.sessionExpiry.delete(r.c);
        return;
      case "expire":
        this.subscriptions.delete(r.c);
        this.outgoing.delete(r.c);
        this.incoming.delete(r.c);
        this.wills.delete(r.c);
        this.sessionExpiry.delete(r.c);
        return;
    }
  }

  /** the shortest journal that rebuilds this state */
  *snapshot(): Generator<JournalRecord> {
    for (const p of this.retained.values()) yield { o: "ret", p };
    for (const [c, subs] of this.subscriptions) yield { o: "sub", c, s: [...subs.values()] };
    for (const [c, queue] of this.outgoing) {
      for (const p of queue) {
        yield { o: "enq", c: [c], p };
        if (p.messageId !== undefined) yield { o: "upd", c, p };
      }
    }
    for (const [c, store] of this.incoming) for (const p of store.values()) yield { o: "in", c, p };
    for (const [c, p] of this.wills) yield { o: "will", c, p };
    for (const [c, e] of this.sessionExpiry) yield { o: "sexp", c, i: e.interval, d: e.deadline };
  }
}

export class FilePersistence extends MemoryPersistence {
  private readonly dir: string;
  private readonly compactBytes: number;
  private readonly mirror = new MirrorState();
  private log?: AppendJournal;
  private snapshotBytes = 0;
  private closed = false;

  constructor(options: FilePersistenceOptions) {
    super();
    this.dir = options.dir;
    this.compactBytes = options.compactBytes ?? 8 * 1024 * 1024;
  }

  override async setup(broker: { id: string }): Promise<void> {
    await super.setup(broker);
    fs.mkdirSync(this.dir, { recursive: true });
    this.load();
    await this.hydrate();
    this.compact();
  }

  override async storeRetained(packet: PacketLike): Promise<void> {
    await super.storeRetained(packet);
    await this.record({ o: "ret", p: toStored(packet) }, true);
  }

  override async addSubscriptions(client: ClientLike, subs: SubscriptionLike[]): Promise<void> {
    await super.addSubscriptions(client, subs);
    const s = subs.map(({ topic, qos, rh, rap, nl, subscriptionIdentifier }) => ({ topic, qos, rh, rap, nl, subscriptionIdentifier }));
    await this.record({ o: "sub", c: client.id, s }, true);
  }

  override async removeSubscriptions(client: ClientLike, topics: string[]): Promise<void> {
    await super.removeSubscriptions(client, topics);
    await this.record({ o: "unsub", c: client.id, t: topics }, true);
  }

  override async cleanSubscriptions(client: ClientLike): Promise<void> {
    await super.cleanSubscriptions(client);
    // aedes calls this on every clean-session connect: journal only a real change
    if (this.mirror.subscriptions.has(client.id)) await this.record({ o: "cleansub", c: client.id }, true);
    // a clean session discards the QoS 2 state too; aedes 1 called cleanIncoming for that, aedes 2 beta no longer does
    await this.cleanIncoming(client);
  }

  override async outgoingEnqueue(sub: { clientId: string }, packet: PacketLike): Promise<void> {
    await super.outgoingEnqueue(sub, packet);
    await this.record({ o: "enq", c: [sub.clientId], p: toStored(packet) }, true);
  }

  override async outgoingEnqueueCombi(subs: Array<{ clientId: string }>, packet: PacketLike): Promise<void> {
    await super.outgoingEnqueueCombi(subs, packet);
    if (subs.length > 0) await this.record({ o: "enq", c: subs.map((s) => s.clientId), p: toStored(packet) }, true);
  }

  // losing the two records below in a crash only means a redelivery (QoS 1 and 2 allow it): no fsync wait
  override async outgoingUpdate(client: ClientLike, packet: PacketLike): Promise<void> {
    await super.outgoingUpdate(client, packet);
    await this.record({ o: "upd", c: client.id, p: toStored(packet) }, false);
  }

  override async outgoingClearMessageId(client: ClientLike, packet: PacketLike): Promise<PacketLike | undefined> {
    const cleared = await super.outgoingClearMessageId(client, packet);
    if (cleared && packet.messageId !== undefined) await this.record({ o: "clr", c: client.id, m: packet.messageId }, false);
    return cleared;
  }

  override async incomingStorePacket(client: ClientLike, packet: PacketLike): Promise<void> {
    await super.incomingStorePacket(client, packet);
    await this.record({ o: "in", c: client.id, p: toStored(packet) }, true);
  }

  override async incomingDelPacket(client: ClientLike, packet: PacketLike): Promise<void> {
    await super.incomingDelPacket(client, packet);
    await this.record({ o: "indel", c: client.id, m: Number(packet.messageId) }, false);
  }

  override async cleanIncoming(client: ClientLike): Promise<void> {
    await super.cleanIncoming(client);
    if (this.mirror.incoming.has(client.id)) await this.record({ o: "inclean", c: client.id }, true);
  }

  override async putWill(client: ClientLike, packet: PacketLike): Promise<void> {
    await super.putWill(client, packet);
    await this.record({ o: "will", c: client.id, p: toStored(packet) }, true);
  }

  override async delWill(client: ClientLike): Promise<PacketLike | undefined> {
    const will = await super.delWill(client);
    if (will) await this.record({ o: "delwill", c: client.id }, true);
    return will;
  }

  override async destroy(): Promise<void> {
    this.closed = true;
    await this.log?.close();
    this.log = undefined;
    await super.destroy();
  }

  /** the journalled MQTT 5 session expiries */
  sessionExpiries(): Map<string, SessionExpiry> {
    return new Map(this.mirror.sessionExpiry);
  }

  sessionExpiry(clientId: string): SessionExpiry | undefined {
    return this.mirror.sessionExpiry.get(clientId);
  }

  /** records (or, undefined, forgets) a session's expiry */
  setSessionExpiry(clientId: string, expiry: SessionExpiry | undefined): Promise<void> {
    return this.record(expiry ? { o: "sexp", c: clientId, i: expiry.interval, d: expiry.deadline } : { o: "sexpclr", c: clientId }, true);
  }

  /** ends a stored session that outlived its expiry: what aedes' own expiry timer does, for a session from before a restart */
  async expireSession(clientId: string): Promise<void> {
    const client = { id: clientId };
    await super.cleanSubscriptions(client);
    await super.delWill(client);
    await super.cleanIncoming(client);
    const queued: PacketLike[] = [];
    for await (const packet of super.outgoingStream(client)) queued.push(packet as PacketLike);
    for (const packet of queued) await super.outgoingClearMessageId(client, packet);
    await this.record({ o: "expire", c: clientId }, true);
  }

  /** journal size on disk, for tests and the status */
  get bytesOnDisk(): number {
    return this.log?.length ?? 0;
  }

  private record(r: JournalRecord, durable: boolean): Promise<void> {
    const log = this.log;
    if (this.closed || !log) return Promise.resolve();
    this.mirror.apply(r);
    log.append(Buffer.from(JSON.stringify(r) + "\n"));
    if (!durable) {
      log.write();
      return Promise.resolve();
    }
    // group commit: every record of this turn of the event loop shares one fdatasync
    return log.durable().then(() => this.compactIfLarge(log));
  }

  private compactIfLarge(log: AppendJournal): void {
    if (log !== this.log || log.length <= this.compactBytes || log.length <= 2 * this.snapshotBytes) return;
    try {
      this.compact();
    } catch {
      // a full disk: the journal keeps growing until a snapshot fits
      this.snapshotBytes = log.length;
    }
  }

  private journalPath(): string {
    return path.join(this.dir, JOURNAL);
  }

  private load(): void {
    let text: string;
    try {
      text = fs.readFileSync(this.journalPath(), "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
      throw err;
    }
    const lines = text.split("\n");
    // the last element is "" after a complete last line; anything else is a line torn by a crash
    for (let i = 0; i < lines.length - 1; i++) {
      let r: JournalRecord;
      try {
        r = JSON.parse(lines[i]) as JournalRecord;
      } catch {
        break; // a damaged record: nothing after it can be trusted
      }
      this.mirror.apply(r);
    }
  }

  /** loads the recovered state into aedes' in-memory persistence */
  private async hydrate(): Promise<void> {
    const m = this.mirror;
    for (const p of m.retained.values()) await super.storeRetained(fromStored(p));
    for (const [c, subs] of m.subscriptions) await super.addSubscriptions({ id: c }, [...subs.values()]);
    for (const [c, queue] of m.outgoing) {
      for (const p of queue) await super.outgoingEnqueue({ clientId: c }, fromStored(p));
      // the in-memory queue holds copies; give them back the packet ids (and PUBREL state) they had
      let i = 0;
      for await (const live of super.outgoingStream({ id: c })) Object.assign(live as PacketLike, fromStored(queue[i++]));
    }
    for (const [c, store] of m.incoming) for (const p of store.values()) await super.incomingStorePacket({ id: c }, fromStored(p));
    for (const [c, p] of m.wills) {
      const will = fromStored(p);
      await super.putWill({ id: c }, will);
      // keep the broker id it was stored under, so aedes publishes the will of a client that never returned
      if (p.brokerId !== undefined) will.brokerId = p.brokerId;
    }
  }

  /** rewrites the journal as a snapshot of the current state: written aside, fsynced, renamed over */
  private compact(): void {
    const old = this.log;
    // every change is in the mirror, those still waiting for their commit too: they are settled first
    old?.syncSync();
    const mirror = this.mirror;
    const bytes = writeFileAtomic(this.journalPath(), (function* () {
      const chunk: string[] = [];
      for (const r of mirror.snapshot()) {
        chunk.push(JSON.stringify(r));
        if (chunk.length >= 1000) yield chunk.splice(0).join("\n") + "\n";
      }
      if (chunk.length) yield chunk.join("\n") + "\n";
    })());
    this.log = AppendJournal.open(this.journalPath(), { commit: "tick" });
    this.snapshotBytes = bytes;
    void old?.close().catch(() => undefined);
  }
}
