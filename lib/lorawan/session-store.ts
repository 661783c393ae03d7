/**
 * Frame counters per device (last uplink accepted, next downlink), kept on disk so that a restart neither reopens
 * the door to replays nor reuses a downlink counter. A change takes effect in memory at once (so a second copy of
 * a frame is refused even before the first is on disk) and is appended to a journal; the promise it returns
 * resolves at the next group commit (one fdatasync for every change made while the previous one ran), and the
 * caller passes the frame on only then.
 * The journal is lib/durable's group-commit journal (a failed write is cut off again and fails exactly the changes
 * in it) and is folded into a snapshot (lib/durable's atomic file write) when it grows. Within a session counters only
 * ever increase, so loading takes the highest value seen for each, whatever the order of snapshot and journal
 * lines; an OTAA join starts a new session (its JoinNonce is the counters' epoch) and resets them. The session
 * keys of a join are stored wrapped under the device's AppKey, never in clear.
 */
import * as fs from "fs";
import * as path from "path";
import { AppendJournal } from "../durable/append-journal";
import { writeFileAtomic } from "../durable/atomic-file";

export interface DeviceCounters {
  fCntUp?: number;
  fCntDown: number;
  /** the session the counters belong to: 0 for ABP, the JoinNonce after an OTAA join */
  epoch: number;
}

/** an OTAA session as stored: keys wrapped under the AppKey */
export interface StoredSession {
  devAddr: string;
  nwkSKey: string;
  appSKey: string;
  joinNonce: number;
  /** DevNonces already used by this device, most recent last (a Join-request reusing one is a replay) */
  devNonces: number[];
}

type JournalEntry = { d: string; e?: number; u?: number; n?: number; s?: StoredSession };

export interface SessionStoreOptions {
  /** journal size that triggers a snapshot (default 4 MB) */
  compactBytes?: number;
}

export class SessionStore {
  private readonly counters = new Map<string, DeviceCounters>();
  private readonly sessions = new Map<string, StoredSession>();
  private readonly journalFile?: string;
  private log?: AppendJournal;
  private readonly compactBytes: number;
  /** journal size that triggers the next snapshot */
  private compactAt: number;

  /** `file` undefined: counters in memory only (tests, or a user who opts out) */
  constructor(
    private readonly file?: string,
    options: SessionStoreOptions = {},
  ) {
    this.compactBytes = options.compactBytes ?? 4 * 1024 * 1024;
    this.compactAt = this.compactBytes;
    if (!file) return;
    this.journalFile = `${file}.journal`;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    try {
      if (fs.existsSync(file)) {
        const snapshot = JSON.parse(fs.readFileSync(file, "utf8")) as { counters?: Record<string, DeviceCounters>; sessions?: Record<string, StoredSession> };
        for (const [devEui, session] of Object.entries(snapshot.sessions ?? {})) this.applySession(devEui, session);
        for (const [devEui, c] of Object.entries(snapshot.counters ?? {})) this.raise(devEui, c);
      }
      if (fs.existsSync(this.journalFile)) {
        const lines = fs.readFileSync(this.journalFile, "utf8").split("\n");
        // the last line may be torn by a crash: it was never acknowledged, so it is dropped
        for (const line of lines.slice(0, -1)) {
          const entry = JSON.parse(line) as JournalEntry;
          if (entry.s) this.applySession(entry.d, entry.s);
          else this.raise(entry.d, { fCntUp: entry.u, fCntDown: entry.n, epoch: entry.e ?? 0 });
        }
      }
    } catch (err) {
      throw new Error(`frame counter file ${file} is unreadable (${(err as Error).message}); move it away to start afresh`);
    }
    // every change of one turn of the event loop goes in one commit; changes made during a commit, in the next
    this.log = AppendJournal.open(this.journalFile, { commit: "tick" });
  }

  get(devEui: string): DeviceCounters {
    return this.counters.get(devEui) ?? { fCntDown: 0, epoch: 0 };
  }

  /** records an accepted uplink counter; resolves once it is on disk */
  acceptUplink(devEui: string, fCnt32: number): Promise<void> {
    const c = this.get(devEui);
    this.counters.set(devEui, { ...c, fCntUp: fCnt32 });
    return this.journal({ d: devEui, e: c.epoch, u: fCnt32 });
  }

  /** reserves the next downlink counter: the frame may leave once `durable` resolves, so it is never used twice */
  takeDownlinkCounter(devEui: string): { fCnt: number; durable: Promise<void> } {
    const c = this.get(devEui);
    this.counters.set(devEui, { ...c, fCntDown: c.fCntDown + 1 });
    return { fCnt: c.fCntDown, durable: this.journal({ d: devEui, e: c.epoch, n: c.fCntDown + 1 }) };
  }

  session(devEui: string): StoredSession | undefined {
    return this.sessions.get(devEui);
  }

  allSessions(): Array<[string, StoredSession]> {
    return [...this.sessions];
  }

  /** a new OTAA session: counters start over under its JoinNonce; resolves once it is on disk */
  recordJoin(devEui: string, session: StoredSession): Promise<void> {
    this.applySession(devEui, session);
    return this.journal({ d: devEui, s: session });
  }

  private applySession(devEui: string, session: StoredSession): void {
    const known = this.sessions.get(devEui);
    if (known && known.joinNonce >= session.joinNonce) return;
    this.sessions.set(devEui, session);
    if (this.get(devEui).epoch < session.joinNonce) this.counters.set(devEui, { fCntDown: 0, epoch: session.joinNonce });
  }

  async close(): Promise<void> {
    await this.log?.close();
    this.log = undefined;
  }

  private raise(devEui: string, c: Partial<DeviceCounters>): void {
    const epoch = c.epoch ?? 0;
    const known = this.get(devEui);
    if (epoch < known.epoch) return; // a counter of an earlier session
    const now = epoch > known.epoch ? { fCntDown: 0, epoch } : known;
    const up = typeof c.fCntUp === "number" ? Math.max(c.fCntUp, now.fCntUp ?? -1) : now.fCntUp;
    const down = typeof c.fCntDown === "number" ? Math.max(c.fCntDown, now.fCntDown) : now.fCntDown;
    this.counters.set(devEui, { fCntUp: up === -1 ? undefined : up, fCntDown: down, epoch });
  }

  private journal(entry: JournalEntry): Promise<void> {
    const log = this.log;
    if (!log) return Promise.resolve();
    if (log.isClosed) return Promise.reject(new Error(`frame counter file ${this.file} is closed`));
    log.append(Buffer.from(JSON.stringify(entry) + "\n"));
    return log.durable().then(() => this.compactIfLarge(log));
  }

  /** the whole state as a snapshot, then an empty journal; a failure (a full disk) only postpones it */
  private compactIfLarge(log: AppendJournal): void {
    if (log.length <= this.compactAt || log.isClosed) return;
    try {
      // the snapshot holds every change made so far, those still waiting for their commit too: they are settled
      // (written and synced) before the journal that holds them is emptied
      log.syncSync();
      writeFileAtomic(this.file!, JSON.stringify({ counters: Object.fromEntries(this.counters), sessions: Object.fromEntries(this.sessions) }));
      log.truncate(0);
      this.compactAt = this.compactBytes;
    } catch {
      this.compactAt = log.length + this.compactBytes / 4;
    }
  }
}
