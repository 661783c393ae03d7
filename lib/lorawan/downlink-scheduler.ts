/**
 * When a raw downlink may leave, and in which window: a Class A device listens only in RX1 and RX2 after each of
 * its uplinks and takes one frame per uplink, so a downlink either makes the windows of the uplink just heard or
 * waits for the next one; a confirmed uplink is answered with FCtrl.ACK in the same frame as the first downlink
 * waiting (or in an empty one); a retransmission gets the very frame that acknowledged it (same FCntDown, so a
 * downlink it carried is not delivered twice). A Class C device is sent to at once on RX2 parameters. Frames are
 * built here, when their window is known, and leave only once their FCntDown is on disk.
 */
import type { LorawanDevice } from "./device-table";
import { DownlinkRequest, rawDownlinkFrame, ReceiveWindow, UplinkTiming, windowTxpk } from "./downlink";
import { LorawanError } from "./lorawan-error";
import type { Txpk } from "./packet-forwarder";
import type { SessionStore } from "./session-store";

/** RX2 opens one second after RX1 */
const RX2_AFTER_RX1_MS = 1000;

export interface Transmission {
  txpk: Txpk;
  /** the same frame in RX2, for the gateway to send when it cannot make RX1 */
  fallback?: Txpk;
  gatewayEui: string;
  window: ReceiveWindow;
  fCntDown: number;
  /** FCtrl.ACK set: it answers a confirmed uplink */
  ack: boolean;
  /** the same frame again, for a retransmitted confirmed uplink */
  repeated: boolean;
}

/** a downlink a flow asked for, waiting for a window */
export interface PendingDownlink {
  /** who queued it: its node, which fails its own on close */
  owner: string;
  req: DownlinkRequest;
  /** the frame is on its way: the owner sends it on */
  deliver(tx: Transmission): void;
  fail(err: Error): void;
}

interface Heard {
  gatewayEui: string;
  timing: UplinkTiming;
  /** epoch ms the uplink was accepted */
  at: number;
  /** a frame already went (or is going) into this uplink's windows */
  answered: boolean;
}

export interface ScheduleOptions {
  /** how long after an uplink a downlink still makes RX1 (0: never RX1); RX2 a second longer */
  rx1BudgetMs: number;
  maxQueued: number;
}

export class DownlinkScheduler {
  private readonly heard = new Map<string, Heard>();
  private readonly queues = new Map<string, PendingDownlink[]>();
  private readonly acks = new Map<string, { fCntUp: number; frame: Buffer; fCntDown: number }>();

  constructor(
    private readonly sessions: SessionStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** the gateway that heard the device last, if any */
  lastGateway(devEui: string): string | undefined {
    return this.heard.get(devEui)?.gatewayEui;
  }

  queued(owner?: string): number {
    let n = 0;
    for (const q of this.queues.values()) n += owner === undefined ? q.length : q.filter((p) => p.owner === owner).length;
    return n;
  }

  /**
   * An accepted uplink heard through a gateway. Resolves with what goes into its windows: an ACK (empty, or in
   * the frame of the first downlink waiting, which is then handed to its owner and not returned), or undefined.
   */
  async uplink(device: LorawanDevice, gatewayEui: string, timing: UplinkTiming, up: { fCnt: number; confirmed: boolean; retransmission: boolean }): Promise<Transmission | undefined> {
    const window = device.radio.rxWindow;
    if (up.retransmission) {
      if (!up.confirmed) return undefined;
      this.heard.set(device.devEui, { gatewayEui, timing, at: this.now(), answered: true });
      const sent = this.acks.get(device.devEui);
      if (sent && sent.fCntUp === up.fCnt) {
        const fallback = window === "rx1" ? windowTxpk(device, sent.frame, "rx2", timing) : undefined;
        return { txpk: windowTxpk(device, sent.frame, window, timing), fallback, gatewayEui, window, fCntDown: sent.fCntDown, ack: true, repeated: true };
      }
      // the ACK was sent before a restart: a new one
    } else this.heard.set(device.devEui, { gatewayEui, timing, at: this.now(), answered: false });
    const heard = this.heard.get(device.devEui)!;
    const pending = up.retransmission ? undefined : this.take(device.devEui);
    if (!pending && !up.confirmed) return undefined;
    heard.answered = true;
    try {
      const tx = await this.build(device, pending?.req, heard, window, up.confirmed);
      if (up.confirmed) this.acks.set(device.devEui, { fCntUp: up.fCnt, frame: Buffer.from(tx.txpk.data, "base64"), fCntDown: tx.fCntDown });
      if (!pending) return tx;
      pending.deliver(tx);
      return undefined;
    } catch (err) {
      if (!pending) throw err;
      pending.fail(err instanceof Error ? err : new Error(String(err)));
      return undefined;
    }
  }

  /**
   * A downlink from a flow: to a Class C device at once, to a Class A device in the windows of the uplink just
   * heard (RX1 within the budget, RX2 a second later) when no frame went there yet, or queued for its next uplink.
   */
  async schedule(device: LorawanDevice, pending: PendingDownlink, options: ScheduleOptions): Promise<"sent" | "queued"> {
    const heard = this.heard.get(device.devEui);
    if (device.radio.deviceClass === "C") {
      if (!heard) throw new LorawanError("bad-downlink", `${device.name} (Class C) has not been heard by any gateway yet: there is no gateway to send from`);
      pending.deliver(await this.build(device, pending.req, heard, "immediate", false));
      return "sent";
    }
    const queue = this.queues.get(device.devEui) ?? [];
    if (heard && !heard.answered && queue.length === 0) {
      const elapsed = this.now() - heard.at;
      const window: ReceiveWindow | undefined =
        device.radio.rxWindow === "rx1" && elapsed < options.rx1BudgetMs ? "rx1" : elapsed < options.rx1BudgetMs + RX2_AFTER_RX1_MS ? "rx2" : undefined;
      if (window) {
        heard.answered = true; // before the await: a second downlink must not take the same window
        pending.deliver(await this.build(device, pending.req, heard, window, false));
        return "sent";
      }
    }
    if (queue.length >= options.maxQueued) throw new LorawanError("bad-downlink", `${device.name} already has ${options.maxQueued} downlinks waiting for its next uplink`);
    queue.push(pending);
    this.queues.set(device.devEui, queue);
    return "queued";
  }

  /** the downlinks an owner queued, removed (its node closes) */
  cancel(owner: string): PendingDownlink[] {
    const out: PendingDownlink[] = [];
    for (const [devEui, q] of this.queues) {
      out.push(...q.filter((p) => p.owner === owner));
      const kept = q.filter((p) => p.owner !== owner);
      if (kept.length > 0) this.queues.set(devEui, kept);
      else this.queues.delete(devEui);
    }
    return out;
  }

  private take(devEui: string): PendingDownlink | undefined {
    const q = this.queues.get(devEui);
    const next = q?.shift();
    if (q && q.length === 0) this.queues.delete(devEui);
    return next;
  }

  private async build(device: LorawanDevice, req: DownlinkRequest | undefined, heard: Heard, window: ReceiveWindow, ack: boolean): Promise<Transmission> {
    const counter = this.sessions.takeDownlinkCounter(device.devEui);
    const frame = rawDownlinkFrame(device, req, counter.fCnt, ack);
    const txpk = windowTxpk(device, frame, window, heard.timing);
    const fallback = window === "rx1" ? windowTxpk(device, frame, "rx2", heard.timing) : undefined;
    await counter.durable; // never on air before its FCntDown is on disk
    return { txpk, fallback, gatewayEui: heard.gatewayEui, window, fCntDown: counter.fCnt, ack, repeated: false };
  }
}
