/**
 * The payload codecs of a device table: Cayenne LPP built in, TS013 script codecs each in its own sandbox, or
 * none. Decoding and encoding go through here so that the uplink and downlink nodes treat every codec alike.
 */
import { decodeCayenneLpp, encodeCayenneLpp, LPP_TYPES, LppReading } from "./cayenne-lpp";
import { CodecLimits, CodecSandbox } from "./codec-sandbox";
import type { LorawanDevice } from "./device-table";
import type { DecodedPayload } from "./uplink-processor";
import { assertWithinLimits, PayloadLimits } from "../common/payload-limits";

/** what a downlink may ask to encode: far above any downlink (at most 242 bytes on air), the pack's shared defaults */
export const DOWNLINK_LIMITS: PayloadLimits = {};

export interface ScriptCodec {
  name: string;
  script: string;
}

export interface EncodedDownlink {
  bytes: Buffer;
  fPort?: number;
  warnings: string[];
}

export class CodecRegistry {
  private readonly sandboxes = new Map<string, CodecSandbox>();

  constructor(codecs: ScriptCodec[], limits: Partial<CodecLimits> = {}) {
    for (const c of codecs) this.sandboxes.set(c.name, new CodecSandbox(c.script, limits));
  }

  get names(): string[] {
    return [...this.sandboxes.keys()];
  }

  async decode(device: LorawanDevice, bytes: Buffer, fPort: number, recvTime: Date): Promise<DecodedPayload> {
    switch (device.codec.kind) {
      case "none":
        return { data: { payload: bytes.toString("hex") } };
      case "cayenne-lpp":
        return { data: decodeCayenneLpp(bytes).data };
      case "script":
        return this.sandbox(device.codec.name).decodeUplink({ bytes, fPort, recvTime });
    }
  }

  /** `data` is what the flow asked to send: bytes as they are (Buffer, byte array, hex string) or an object for the codec */
  async encode(device: LorawanDevice, data: unknown): Promise<EncodedDownlink> {
    assertWithinLimits(data, DOWNLINK_LIMITS, "msg.payload");
    const raw = rawBytes(data);
    if (raw) return { bytes: raw, warnings: [] };
    switch (device.codec.kind) {
      case "none":
        throw new Error("the device has no codec: send a Buffer, an array of bytes or a hex string");
      case "cayenne-lpp":
        return { bytes: encodeCayenneLpp(lppReadings(data)), warnings: [] };
      case "script":
        return this.sandbox(device.codec.name).encodeDownlink({ data });
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.sandboxes.values()].map((s) => s.close()));
  }

  private sandbox(name: string): CodecSandbox {
    const s = this.sandboxes.get(name);
    if (!s) throw new Error(`no codec named "${name}"`);
    return s;
  }
}

function rawBytes(data: unknown): Buffer | undefined {
  if (Buffer.isBuffer(data) || data instanceof Uint8Array) return Buffer.from(data);
  if (Array.isArray(data) && data.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) return Buffer.from(data as number[]);
  // no repeated group: /^([0-9a-f]{2})+$/ overflows the regexp stack on a long string
  if (typeof data === "string" && data.length > 0 && data.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(data)) return Buffer.from(data, "hex");
  return undefined;
}

/** `{digitalOutput_3: 1, analogOutput_4: 2.5}` → LPP readings (the keys decodeCayenneLpp produces) */
function lppReadings(data: unknown): LppReading[] {
  if (Array.isArray(data)) return data as LppReading[];
  if (!data || typeof data !== "object") throw new Error("Cayenne LPP downlink: expected an object such as {\"digitalOutput_1\": 1}");
  return Object.entries(data as Record<string, unknown>).map(([key, value]) => {
    const m = /^([A-Za-z]+)_(\d+)$/.exec(key);
    const type = m && LPP_TYPES.find((t) => t.name === m[1]);
    if (!m || !type) throw new Error(`Cayenne LPP downlink: "${key}" is not <type>_<channel> with a known type`);
    return { channel: Number(m[2]), type: type.name, value: value as LppReading["value"] };
  });
}
