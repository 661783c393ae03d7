/**
 * The uplink path of a gateway without a network server: find the device, check the MIC and the frame counter,
 * decrypt, decode, and build the event; answer an OTAA device's Join-request with a Join-accept. Network-server
 * events (ChirpStack, TTN) arrive verified and decrypted and are only decoded. Every refusal is a LorawanError
 * whose reason names what was wrong.
 */
import { randomInt } from "crypto";
import type { EdgeEvent } from "../ingest/event";
import { cryptFrmPayload, dataFrameMic, sameMic } from "./lorawan-crypto";
import { defaultRadioSettings, LorawanDevice, DeviceTable } from "./device-table";
import { LorawanError } from "./lorawan-error";
import { lorawanEvent } from "./lorawan-event";
import { MAX_FCNT_GAP, uplinkCounterCandidates } from "./frame-counter";
import { parseDataFrame, DataFrame, mTypeOf } from "./phy-payload";
import { buildJoinAccept, deriveSessionKeys, joinRequestMicValid, parseJoinRequest, wrapKey } from "./join";
import type { SessionStore } from "./session-store";
import { recogniseUplink, ReceptionContext, UplinkInput } from "./uplink-input";

export interface DecodedPayload {
  data: Record<string, unknown>;
  warnings?: string[];
}

/** runs the device's codec; rejects with the codec's reason */
export type PayloadDecoder = (device: LorawanDevice, bytes: Buffer, fPort: number, recvTime: Date) => Promise<DecodedPayload>;

export interface AcceptedUplink {
  kind: "uplink";
  device: LorawanDevice;
  input: UplinkInput;
  fCnt?: number;
  fPort?: number;
  /** the decrypted application payload */
  payload: Buffer;
  /** a ConfirmedDataUp: the device waits for a downlink with FCtrl.ACK */
  confirmed: boolean;
  event: EdgeEvent;
}

/**
 * The device sent the frame it sent last again (same FCnt, same MIC): it missed our ACK (a confirmed uplink) or
 * repeats every frame (NbTrans). Not new information: no event; a confirmed one is acknowledged again.
 */
export interface Retransmission {
  kind: "retransmission";
  device: LorawanDevice;
  input: UplinkInput;
  fCnt: number;
  confirmed: boolean;
  /** how many times this frame came again */
  count: number;
}

/** an OTAA device joined: the Join-accept to send back through the gateway, JOIN_ACCEPT_DELAY1 after the request */
export interface AcceptedJoin {
  kind: "join";
  device: LorawanDevice;
  input: UplinkInput;
  devAddr: string;
  devNonce: number;
  joinAccept: Buffer;
}

/** a private network's NetID (type 0, NwkID 0): DevAddrs are 25 random bits under a zero prefix */
export const NET_ID = "000000";
/** DevNonces remembered per device to refuse a replayed Join-request */
const DEV_NONCES_KEPT = 64;
/** LoRaWAN 1.0.x NbTrans is at most 15: a frame coming back more often than that is a replay */
export const MAX_RETRANSMISSIONS = 15;

type Verified = Omit<AcceptedUplink, "event" | "input" | "kind"> & { counterOnDisk?: Promise<void>; mType?: string; downlinkAcked?: boolean };

export class UplinkProcessor {
  constructor(
    private readonly table: DeviceTable,
    private readonly sessions: SessionStore,
    private readonly decode: PayloadDecoder,
    private readonly now: () => number = Date.now,
  ) {}

  /** retransmissions seen of each device's last frame (in memory: after a restart a retransmission counts afresh) */
  private readonly repeats = new Map<string, { fCnt: number; count: number }>();

  async process(payload: unknown, context: ReceptionContext = {}): Promise<AcceptedUplink | AcceptedJoin | Retransmission> {
    const input = recogniseUplink(payload, context);
    if (input.phyPayload && input.phyPayload.length > 0 && mTypeOf(input.phyPayload[0]) === "JoinRequest") return this.join(input, input.phyPayload);
    // verification and the counter update happen before any await, so two copies of a frame cannot both pass
    const accepted = input.phyPayload ? this.verifyFrame(input, input.phyPayload) : this.fromNetworkServer(input);
    if ("kind" in accepted) return accepted;
    // the new counter is in memory already (a second copy is refused now); the frame is passed on once it is on disk
    const counterOnDisk = accepted.counterOnDisk ?? Promise.resolve();
    const origin = input.receivedAt ?? this.now();
    const { device, fCnt, fPort, payload: bytes, confirmed } = accepted;
    let decoded: DecodedPayload;
    if (device.codec.kind !== "none" && fPort !== undefined && fPort > 0) {
      try {
        decoded = await this.decode(device, bytes, fPort, new Date(origin));
      } catch (err) {
        throw new LorawanError("codec", `codec of ${device.name}: ${(err as Error).message}`);
      }
    } else if (input.decoded) decoded = { data: input.decoded };
    else decoded = { data: bytes.length > 0 ? { payload: bytes.toString("hex") } : {} };
    await counterOnDisk;
    const profileName = device.codec.kind === "script" ? device.codec.name : device.codec.kind === "cayenne-lpp" ? "cayenne-lpp" : "lorawan";
    const event = lorawanEvent({
      deviceName: device.name,
      devEui: device.devEui,
      devAddr: device.devAddr ?? input.devAddr,
      profileName,
      source: input.source,
      fCnt,
      fPort,
      confirmed,
      mType: accepted.mType,
      downlinkAcked: accepted.downlinkAcked,
      origin,
      data: decoded.data,
      radio: input.radio,
      warnings: decoded.warnings,
    });
    return { kind: "uplink", device, input, fCnt, fPort, payload: bytes, confirmed, event };
  }

  private async join(input: UplinkInput, phy: Buffer): Promise<AcceptedJoin> {
    const req = parseJoinRequest(phy);
    const device = this.table.byDevEui(req.devEui);
    if (!device || !device.appKey) throw new LorawanError("unknown-device", `Join-request from DevEUI ${req.devEui}, which has no AppKey in the device table`);
    if (device.joinEui && device.joinEui !== req.joinEui) throw new LorawanError("unknown-device", `${device.name}: Join-request for JoinEUI ${req.joinEui}, the table says ${device.joinEui}`);
    if (!joinRequestMicValid(device.appKey, req)) throw new LorawanError("bad-mic", `${device.name}: Join-request MIC check failed (wrong AppKey?)`);
    const previous = this.sessions.session(device.devEui);
    if (previous?.devNonces.includes(req.devNonce)) throw new LorawanError("replay", `${device.name}: DevNonce ${req.devNonce} was used before`);
    const joinNonce = (previous?.joinNonce ?? 0) + 1;
    const devAddr = this.freeDevAddr();
    const keys = deriveSessionKeys(device.appKey, joinNonce, NET_ID, req.devNonce);
    // the settings the device keeps for its session: its RX windows must be where the gateway answers
    const radio = device.radio;
    const joinAccept = buildJoinAccept(device.appKey, { joinNonce, netId: NET_ID, devAddr, rx1DrOffset: radio.rx1DrOffset, rx2DataRate: radio.rx2.dataRate ?? radio.region.rx2.dataRate, rxDelay: radio.rxDelayS });
    this.table.activate(device.devEui, devAddr, keys.nwkSKey, keys.appSKey);
    await this.sessions.recordJoin(device.devEui, {
      devAddr,
      nwkSKey: wrapKey(device.appKey, keys.nwkSKey),
      appSKey: wrapKey(device.appKey, keys.appSKey),
      joinNonce,
      devNonces: [...(previous?.devNonces ?? []), req.devNonce].slice(-DEV_NONCES_KEPT),
    });
    return { kind: "join", device, input, devAddr, devNonce: req.devNonce, joinAccept };
  }

  private freeDevAddr(): string {
    for (let attempt = 0; attempt < 100; attempt++) {
      const addr = randomInt(1, 0x2000000).toString(16).padStart(8, "0").toUpperCase();
      if (this.table.byDevAddr(addr).length === 0) return addr;
    }
    throw new LorawanError("unknown-device", "no free DevAddr found");
  }

  private verifyFrame(input: UplinkInput, phy: Buffer): Verified | Retransmission {
    const frame = parseDataFrame(phy);
    if (!frame.uplink) throw new LorawanError("not-a-data-frame", `${frame.mType}: a downlink, not an uplink`);
    const candidates = this.table.byDevAddr(frame.devAddr);
    if (candidates.length === 0) throw new LorawanError("unknown-device", `no device with DevAddr ${frame.devAddr} in the device table`);
    for (const device of candidates) {
      const last = this.sessions.get(device.devEui).fCntUp;
      // a device never heard may be far into its count (an ABP device running before): its starting counter, then later epochs
      for (const candidate of uplinkCounterCandidates(last, frame.fCnt16, device.fCntStart)) {
        if (!micMatches(device, frame, candidate.fCnt32)) continue;
        if (candidate.kind === "retransmission") return this.retransmission(device, input, frame, candidate.fCnt32);
        if (candidate.kind === "gap") {
          const from = last === undefined ? `the starting counter ${device.fCntStart}` : `the last accepted ${last}`;
          throw new LorawanError("fcnt-gap", `${device.name}: frame counter ${candidate.fCnt32} is more than MAX_FCNT_GAP (${MAX_FCNT_GAP}) above ${from}; if the device was reset or replaced, set its starting counter`);
        }
        this.repeats.delete(device.devEui);
        const counterOnDisk = this.sessions.acceptUplink(device.devEui, candidate.fCnt32);
        const key = frame.fPort === 0 ? device.nwkSKey! : device.appSKey!;
        const payload = cryptFrmPayload(key, frame.frmPayload, true, frame.devAddr, candidate.fCnt32);
        return { device, fCnt: candidate.fCnt32, fPort: frame.fPort, payload, confirmed: frame.confirmed, mType: frame.mType, downlinkAcked: frame.fCtrl.ack, counterOnDisk };
      }
      const floor = last ?? (device.fCntStart ? device.fCntStart - 1 : undefined);
      if (floor !== undefined && micMatches(device, frame, olderCounter(floor, frame.fCnt16))) {
        const detail = last === undefined ? `frame counter below the starting counter ${device.fCntStart}` : `frame counter ${frame.fCnt16} (16 bits) is not above the last accepted ${last}`;
        throw new LorawanError("replay", `${device.name}: ${detail}`);
      }
    }
    throw new LorawanError("bad-mic", `MIC check failed for DevAddr ${frame.devAddr} (${candidates.length === 1 ? candidates[0].name : `${candidates.length} devices share it`})`);
  }

  private retransmission(device: LorawanDevice, input: UplinkInput, frame: DataFrame, fCnt: number): Retransmission {
    const seen = this.repeats.get(device.devEui);
    const count = seen && seen.fCnt === fCnt ? seen.count + 1 : 1;
    if (count > MAX_RETRANSMISSIONS) throw new LorawanError("replay", `${device.name}: frame counter ${fCnt} came back more than ${MAX_RETRANSMISSIONS} times (LoRaWAN's largest NbTrans)`);
    this.repeats.set(device.devEui, { fCnt, count });
    return { kind: "retransmission", device, input, fCnt, confirmed: frame.confirmed, count };
  }

  private fromNetworkServer(input: UplinkInput): Verified {
    const known = (input.devEui && this.table.byDevEui(input.devEui)) || (input.deviceName && this.table.byName(input.deviceName)) || undefined;
    if (!known && !input.decoded) {
      throw new LorawanError("unknown-device", `device ${input.deviceName ?? input.devEui} is not in the device table and the network server did not decode its payload`);
    }
    const device: LorawanDevice = known ?? { name: input.deviceName ?? input.devEui!.toLowerCase(), devEui: (input.devEui ?? "").toUpperCase(), codec: { kind: "none" }, radio: defaultRadioSettings() };
    return { device, fCnt: input.fCnt, fPort: input.fPort, payload: input.payload ?? Buffer.alloc(0), confirmed: input.confirmed ?? false };
  }
}

function micMatches(device: LorawanDevice, frame: DataFrame, fCnt32: number): boolean {
  if (!device.nwkSKey) return false;
  return sameMic(dataFrameMic(device.nwkSKey, frame.signedPart, true, frame.devAddr, fCnt32), frame.mic);
}

/** the 32-bit value an old (replayed) 16-bit counter stood for: at or below the last accepted one */
function olderCounter(last: number, fCnt16: number): number {
  const base = last - (last % 0x10000);
  const same = base + fCnt16;
  return same > last && base >= 0x10000 ? same - 0x10000 : same;
}
