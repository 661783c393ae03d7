/**
 * The stations connected to the LNS, one session per gateway EUI, at most `maxStations` at once: a station that
 * reconnects (its old TCP connection may be half-open) takes over its EUI's session and the old socket is to be
 * closed; a new EUI beyond the bound is refused. Each session remembers the last uplinks it reported, newest last,
 * to time the answers to them.
 */
import type { HeardUplink } from "./dnmsg";
import type { StationVersion } from "./lns-messages";

export interface StationSession<S> {
  eui: string;
  socket: S;
  connectedAt: number;
  version?: StationVersion;
  /** router_config was sent: uplinks and downlinks may flow */
  configured: boolean;
  heard: HeardUplink[];
  /** the antenna of the last uplink, for a Class C downlink */
  lastRctx: bigint;
}

export class StationLimitError extends Error {
  override name = "StationLimitError";
}

export class StationRegistry<S> {
  private readonly sessions = new Map<string, StationSession<S>>();

  constructor(
    readonly maxStations: number,
    /** uplinks remembered per station: RX2 closes 16 s after an uplink at most, a few dozen cover any busy store */
    private readonly maxHeard = 64,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  euis(): string[] {
    return [...this.sessions.keys()];
  }

  get(eui: string): StationSession<S> | undefined {
    return this.sessions.get(eui);
  }

  all(): Array<StationSession<S>> {
    return [...this.sessions.values()];
  }

  /** a new connection for `eui`; returns the session it displaced, whose socket the caller closes */
  connect(eui: string, socket: S): { session: StationSession<S>; displaced?: StationSession<S> } {
    const displaced = this.sessions.get(eui);
    if (!displaced && this.sessions.size >= this.maxStations) throw new StationLimitError(`${this.maxStations} stations are connected already (the most this gateway node serves)`);
    const session: StationSession<S> = { eui, socket, connectedAt: this.now(), configured: false, heard: [], lastRctx: 0n };
    this.sessions.set(eui, session);
    return { session, displaced };
  }

  /** the session's socket closed: forgotten unless a newer connection took its place */
  disconnect(session: StationSession<S>): boolean {
    if (this.sessions.get(session.eui) !== session) return false;
    this.sessions.delete(session.eui);
    return true;
  }

  remember(session: StationSession<S>, uplink: HeardUplink): void {
    session.heard.push(uplink);
    if (session.heard.length > this.maxHeard) session.heard.splice(0, session.heard.length - this.maxHeard);
    session.lastRctx = uplink.rctx;
  }
}
