/**
 * The uplink path of a gateway without a network server: find the device, check the MIC and the frame counter,
 * decrypt, decode, and build the event. Network-server events (ChirpStack, TTN) arrive verified and decrypted
 * and are only decoded. Every refusal is a LorawanError whose reason names what was wrong.
 */
import type { EdgeEvent } from "../ingest/event";
import { cryptFrmPayload, dataFrameMic, sameMic } from "./lorawan-crypto";
import type { LorawanDevice, DeviceTable } from "./device-table";
import { LorawanError } from "./lorawan-error";
import { lorawanEvent } from "./lorawan-event";
import { nextUplinkCounter } from "./frame-counter";
import { parseDataFrame, DataFrame } from "./phy-payload";
import type { SessionStore } from "./session-store";
import { recogniseUplink, ReceptionContext, UplinkInput } from "./uplink-input";

export interface DecodedPayload {
  data: Record<string, unknown>;
  warnings?: string[];
}

/** runs the device's codec; rejects with the codec's reason */
export type PayloadDecoder = (device: LorawanDevice, bytes: Buffer, fPort: number, recvTime: Date) => Promise<DecodedPayload>;

export interface AcceptedUplink {
  device: LorawanDevice;
  input: UplinkInput;
  fCnt?: number;
  fPort?: number;
  /** the decrypted application payload */
  payload: Buffer;
  event: EdgeEvent;
}

type Verified = Omit<AcceptedUplink, "event" | "input"> & { counterOnDisk?: Promise<void> };

export class UplinkProcessor {
  constructor(
    private readonly table: DeviceTable,
    private readonly sessions: SessionStore,
    private readonly decode: PayloadDecoder,
    private readonly now: () => number = Date.now,
  ) {}

  async process(payload: unknown, context: ReceptionContext = {}): Promise<AcceptedUplink> {
    const input = recogniseUplink(payload, context);
    // verification and the counter update happen before any await, so two copies of a frame cannot both pass
    const accepted = input.phyPayload ? this.verifyFrame(input, input.phyPayload) : this.fromNetworkServer(input);
    // the new counter is in memory already (a second copy is refused now); the frame is passed on once it is on disk
    const counterOnDisk = accepted.counterOnDisk ?? Promise.resolve();
    const origin = input.receivedAt ?? this.now();
    const { device, fCnt, fPort, payload: bytes } = accepted;
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
      profileName: device.codec.kind === "none" && input.decoded ? "lorawan" : profileName,
      source: input.source,
      fCnt,
      fPort,
      origin,
      data: decoded.data,
      radio: input.radio,
      warnings: decoded.warnings,
    });
    return { device, input, fCnt, fPort, payload: bytes, event };
  }

  private verifyFrame(input: UplinkInput, phy: Buffer): Verified {
    const frame = parseDataFrame(phy);
    if (!frame.uplink) throw new LorawanError("not-a-data-frame", `${frame.mType}: a downlink, not an uplink`);
    const candidates = this.table.byDevAddr(frame.devAddr);
    if (candidates.length === 0) throw new LorawanError("unknown-device", `no device with DevAddr ${frame.devAddr} in the device table`);
    for (const device of candidates) {
      const last = this.sessions.get(device.devEui).fCntUp;
      const next = nextUplinkCounter(last, frame.fCnt16);
      if (next.ok && micMatches(device, frame, next.fCnt32)) {
        const counterOnDisk = this.sessions.acceptUplink(device.devEui, next.fCnt32);
        const key = frame.fPort === 0 ? device.nwkSKey! : device.appSKey!;
        const payload = cryptFrmPayload(key, frame.frmPayload, true, frame.devAddr, next.fCnt32);
        return { device, fCnt: next.fCnt32, fPort: frame.fPort, payload, counterOnDisk };
      }
      if (!next.ok && last !== undefined && micMatches(device, frame, olderCounter(last, frame.fCnt16))) {
        throw new LorawanError("replay", `${device.name}: ${next.detail}`);
      }
    }
    throw new LorawanError("bad-mic", `MIC check failed for DevAddr ${frame.devAddr} (${candidates.length === 1 ? candidates[0].name : `${candidates.length} devices share it`})`);
  }

  private fromNetworkServer(input: UplinkInput): Verified {
    const known = (input.devEui && this.table.byDevEui(input.devEui)) || (input.deviceName && this.table.byName(input.deviceName)) || undefined;
    if (!known && !input.decoded) {
      throw new LorawanError("unknown-device", `device ${input.deviceName ?? input.devEui} is not in the device table and the network server did not decode its payload`);
    }
    const device: LorawanDevice = known ?? { name: input.deviceName ?? input.devEui!.toLowerCase(), devEui: (input.devEui ?? "").toUpperCase(), codec: { kind: "none" } };
    return { device, fCnt: input.fCnt, fPort: input.fPort, payload: input.payload ?? Buffer.alloc(0) };
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
