/**
 * What the TCP and RTU links share: the link state and its events, the last error, the request queue's admission
 * check, and reopening with exponential backoff until close(). Each subclass opens its own kind of channel.
 */
import { EventEmitter } from "events";
import { Backoff } from "../kafka/backoff";
import { ModbusError } from "./errors";
import type { LinkState } from "./transport";

export abstract class LinkBase extends EventEmitter {
  state: LinkState = "disconnected";
  lastError: Error | undefined;
  private readonly backoff: Backoff;
  private reopenTimer: NodeJS.Timeout | undefined;

  protected constructor(
    /** "the connection", "the serial port": how errors name the channel */
    private readonly channel: string,
    reconnectMinMs: number,
    reconnectMaxMs: number,
  ) {
    super();
    this.backoff = new Backoff(reconnectMinMs, reconnectMaxMs);
  }

  /** opens the channel; calls opened() once it is up, lost() when it fails or goes away */
  protected abstract open(): void;

  protected setState(state: LinkState, error?: Error): void {
    if (error) this.lastError = error;
    if (this.state === state) return;
    this.state = state;
    this.emit("state", state, error);
  }

  protected opening(): void {
    this.reopenTimer = undefined;
    this.setState("connecting");
  }

  protected opened(): void {
    this.backoff.reset();
    this.setState("connected");
  }

  /** the channel is down: reopen after the backoff, unless the link was closed */
  protected lost(err: Error): void {
    if (this.state === "closed") return;
    this.setState("disconnected", err);
    this.reopenTimer = setTimeout(() => this.open(), this.backoff.next());
  }

  /** why a new request is refused at once (closed, or too many waiting), or undefined to queue it */
  protected refusal(queued: number, maxQueued: number): ModbusError | undefined {
    if (this.state === "closed") return this.closedError();
    if (queued >= maxQueued) return new ModbusError(`${maxQueued} requests are already waiting`, "connection");
    return undefined;
  }

  protected closedError(): ModbusError {
    return new ModbusError(`${this.channel} is closed`, "closed");
  }

  /** stops reopening; the subclass then fails what is pending and releases its channel */
  protected markClosed(): void {
    this.setState("closed");
    clearTimeout(this.reopenTimer);
    this.reopenTimer = undefined;
  }
}
