/**
 * The compliance record on disk: an append-only, hash-chained log (lib/record/entry.ts) in one segment per UTC
 * day, written through the pack's group-commit journal (lib/durable), so an append resolves only once it is on
 * disk. A head file (written atomically) names the last durable entry and the node's configuration, so a verifier
 * can tell entries removed from the end. Retention drops whole expired segments; a checkpoint entry written first
 * names the last dropped entry, anchoring the chain across the drop.
 *
 * Opening survives what a crash leaves: a line cut short at the end of the newest segment (a torn tail) is cut off
 * and reported in a `recovery` entry; entries the head names but the log lacks are reported the same way. Neither
 * is fatal: the chain goes on from the last whole entry, and the verifier shows both.
 */
import * as fs from "fs";
import * as path from "path";
import { AppendJournal, WriteFailure } from "../durable/append-journal";
import { syncFolder, writeFileAtomic } from "../durable/atomic-file";
import { Entry, EntryKind, GENESIS, entryLine, parseEntryLine, sealEntry } from "./entry";
import { DAY_MS, HEAD_FILE, dayOf, dayStart, listSegments, readLines, segmentName } from "./segments";

export const DEFAULT_RETENTION_DAYS = 730;

export interface RecordLogOptions {
  dir: string;
  /** days a segment is kept after its day ended (default two years) */
  retentionDays?: number;
  /** the journal's commit policy: "now", "tick" or a delay in ms (group commit) */
  commit?: "now" | "tick" | number;
  now?: () => number;
}

export interface Head {
  seq: number;
  hash: string;
  at: number;
  /** the recording node's configuration when the head was written */
  config?: Record<string, unknown>;
}

/** what opening found and repaired */
export interface Recovery {
  reason: "torn-tail" | "entries-missing" | "torn-tail-completed";
  segment: string;
  bytes?: number;
  fromSeq?: number;
  toSeq?: number;
}

interface Tag {
  seq: number;
  prev: string;
}

export class RecordLog {
  private journal: AppendJournal<Tag> | undefined;
  private journalDay = "";
  private nextSeq = 0;
  private lastHash = GENESIS;
  private closed = false;
  private readonly retentionDays: number;
  private readonly now: () => number;
  private storedHead: Head | undefined;
  readonly recoveries: Recovery[] = [];

  private constructor(private readonly options: RecordLogOptions) {
    this.retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
    this.now = options.now ?? Date.now;
  }

  /** opens (creating) the record in `dir`, repairing a torn tail; the repairs are in `recoveries` until logged */
  static open(options: RecordLogOptions): RecordLog {
    fs.mkdirSync(options.dir, { recursive: true });
    const log = new RecordLog(options);
    log.load();
    return log;
  }

  get dir(): string {
    return this.options.dir;
  }

  /** the last entry appended (durable or not yet) */
  get last(): { seq: number; hash: string } {
    return { seq: this.nextSeq - 1, hash: this.lastHash };
  }

  /** the head as the previous run left it: its configuration, to log what changed */
  get previousHead(): Head | undefined {
    return this.storedHead;
  }

  /** appends an entry; resolves with it once it is on disk, rejects when it could not be written */
  append(kind: EntryKind, data: Record<string, unknown>): Promise<Entry> {
    if (this.closed) return Promise.reject(new Error(`the record in ${this.dir} is closed`));
    const at = this.now();
    const journal = this.journalFor(dayOf(at));
    const entry = sealEntry(this.lastHash, { seq: this.nextSeq, at, kind, data });
    journal.append(Buffer.from(entryLine(entry)), { seq: entry.seq, prev: entry.prev });
    this.nextSeq = entry.seq + 1;
    this.lastHash = entry.hash;
    // the journal's commit writes and syncs every entry of this turn (or of the group-commit delay) at once
    return journal.durable().then(() => entry);
  }

  /** writes the head file naming the last durable entry (after a sync) and `config` */
  async writeHead(config?: Record<string, unknown>): Promise<void> {
    const head: Head = { seq: this.nextSeq - 1, hash: this.lastHash, at: this.now(), config: config ?? this.storedHead?.config };
    if (this.journal) await this.journal.sync();
    writeFileAtomic(path.join(this.dir, HEAD_FILE), `${JSON.stringify(head)}\n`);
    this.storedHead = head;
  }

  /**
   * drops the segments whose day ended more than the retention ago (never the one being written), after a
   * checkpoint entry naming the last dropped entry; returns the dropped segments' days
   */
  async applyRetention(): Promise<string[]> {
    const limit = this.now() - this.retentionDays * DAY_MS;
    const current = dayOf(this.now());
    const expired = listSegments(this.dir).filter((s) => s.day !== current && s.day !== this.journalDay && (dayStart(s.day) ?? 0) + DAY_MS <= limit);
    if (expired.length === 0) return [];
    const dropped = expired.map((s) => {
      const entries = readLines(s.file).lines.map(parseEntryLine).filter((e): e is Entry => e !== undefined);
      return { segment: path.basename(s.file), entries: entries.length, firstSeq: entries[0]?.seq ?? null, lastSeq: entries.at(-1)?.seq ?? null, lastHash: entries.at(-1)?.hash ?? null };
    });
    const lastWithEntries = [...dropped].reverse().find((d) => d.lastSeq !== null);
    const anchor = lastWithEntries ? { seq: lastWithEntries.lastSeq, hash: lastWithEntries.lastHash } : null;
    await this.append("checkpoint", { reason: "retention", retentionDays: this.retentionDays, anchor, dropped });
    for (const s of expired) fs.rmSync(s.file, { force: true });
    syncFolder(this.dir);
    return expired.map((s) => s.day);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.writeHead();
    } finally {
      this.closed = true;
      await this.journal?.close();
      this.journal = undefined;
    }
  }

  private journalFor(day: string): AppendJournal<Tag> {
    if (this.journal && this.journalDay === day) return this.journal;
    const old = this.journal;
    this.journal = AppendJournal.open<Tag>(path.join(this.dir, segmentName(day)), { commit: this.options.commit ?? "tick", onWriteFailure: (f) => this.writeFailed(f) });
    this.journalDay = day;
    // the old day's waiters are settled by its last commit
    void old?.close().catch(() => undefined);
    return this.journal;
  }

  private writeFailed(failure: WriteFailure<Tag>): void {
    // the dropped entries are not in the file: the chain goes on from the first of them, so no seq is skipped
    const first = failure.dropped[0]?.tag;
    if (first) {
      this.nextSeq = first.seq;
      this.lastHash = first.prev;
    }
  }

  private load(): void {
    this.storedHead = readHead(path.join(this.dir, HEAD_FILE));
    const segments = listSegments(this.dir);
    let last: Entry | undefined;
    for (let i = segments.length - 1; i >= 0 && !last; i--) {
      const { file } = segments[i];
      const read = readLines(file);
      if (i === segments.length - 1 && read.torn !== "") last = this.repairTail(file, read.torn, read.wholeBytes, read.lines);
      for (let l = read.lines.length - 1; l >= 0 && !last; l--) last = parseEntryLine(read.lines[l]);
    }
    const head = this.storedHead;
    if (last) {
      this.nextSeq = last.seq + 1;
      this.lastHash = last.hash;
    }
    if (head && head.seq > (last?.seq ?? -1)) {
      this.recoveries.push({ reason: "entries-missing", segment: segments.at(-1) ? path.basename(segments.at(-1)!.file) : "", fromSeq: (last?.seq ?? -1) + 1, toSeq: head.seq });
      if (!last) {
        // nothing left: go on from the head, so the entries written from now on still chain to what was
        this.nextSeq = head.seq + 1;
        this.lastHash = head.hash;
      }
    }
  }

  /** a line without its newline at the end of the newest segment: completed if it is a whole entry, else cut off */
  private repairTail(file: string, torn: string, wholeBytes: number, lines: string[]): Entry | undefined {
    const entry = parseEntryLine(torn);
    const before = lines.length ? parseEntryLine(lines[lines.length - 1]) : undefined;
    if (entry && (!before || entry.prev === before.hash)) {
      fs.appendFileSync(file, "\n");
      this.recoveries.push({ reason: "torn-tail-completed", segment: path.basename(file), bytes: 1 });
      return entry;
    }
    fs.truncateSync(file, wholeBytes);
    this.recoveries.push({ reason: "torn-tail", segment: path.basename(file), bytes: Buffer.byteLength(torn) });
    return undefined;
  }
}

function readHead(file: string): Head | undefined {
  try {
    const head = JSON.parse(fs.readFileSync(file, "utf8")) as Head;
    return typeof head.seq === "number" && typeof head.hash === "string" ? head : undefined;
  } catch {
    return undefined;
  }
}

export function readHeadFile(dir: string): Head | undefined {
  return readHead(path.join(dir, HEAD_FILE));
}
