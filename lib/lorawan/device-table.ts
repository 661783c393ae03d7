import { Region, REGION_NAMES, regionNamed } from "./regions";

/**
 * The LoRaWAN devices a gateway knows: identities, ABP session keys or an OTAA AppKey, and the codec of each,
 * validated once so that frame handling never meets a malformed key. Found by DevAddr for raw frames (several
 * devices may share one: the MIC tells them apart) and by DevEUI for joins and network-server events. An OTAA
 * device gets its DevAddr and session keys when it joins (activate).
 */
export type CodecRef = { kind: "none" } | { kind: "cayenne-lpp" } | { kind: "script"; name: string };

export interface DeviceEntryInput {
  name?: string;
  devEui: string;
  devAddr?: string;
  nwkSKey?: string;
  appSKey?: string;
  /** OTAA (LoRaWAN 1.0.x): the root key, and optionally the JoinEUI (AppEUI) the device must present */
  appKey?: string;
  joinEui?: string;
  /** "none", "cayenne-lpp", or the name of a script codec */
  codec?: string;
  /** "A" (default) or "C": a Class C device listens on RX2 parameters whenever it does not transmit */
  class?: string;
  /** EU868, US915, AU915, AS923, IN865; the table's default when absent */
  region?: string;
  rx1DrOffset?: number | string;
  /** RX2 as the device was set up, when not the region's default (e.g. SF9 in EU868 on TTN): Hz and DR index */
  rx2Frequency?: number | string;
  rx2DataRate?: number | string;
  /** RECEIVE_DELAY1 in seconds (1 to 15) */
  rxDelay?: number | string;
  /** the window Class A downlinks use: "rx1" (default) or "rx2" */
  rxWindow?: string;
  /** ABP: the 32-bit uplink counter the device is at when it is first heard (a device that was running before) */
  fCntStart?: number | string;
}

/** how and when a device listens */
export interface RadioSettings {
  deviceClass: "A" | "C";
  region: Region;
  rx1DrOffset: number;
  rx2: { frequencyHz?: number; dataRate?: number };
  rxDelayS: number;
  rxWindow: "rx1" | "rx2";
}

export interface LorawanDevice {
  name: string;
  devEui: string;
  devAddr?: string;
  nwkSKey?: Buffer;
  appSKey?: Buffer;
  appKey?: Buffer;
  joinEui?: string;
  codec: CodecRef;
  radio: RadioSettings;
  /** ABP: the uplink counter to expect at first contact */
  fCntStart?: number;
}

const HEX = (digits: number) => new RegExp(`^[0-9A-F]{${digits}}$`);

export class DeviceTable {
  private readonly byEui = new Map<string, LorawanDevice>();
  private readonly byAddr = new Map<string, LorawanDevice[]>();
  /** one sentence per entry that was refused, shown on the config node */
  readonly problems: string[] = [];

  constructor(entries: DeviceEntryInput[], scriptCodecs: string[] = [], defaultRegion = "EU868") {
    entries.forEach((entry, i) => {
      const where = `device ${i + 1}${entry.name ? ` (${entry.name})` : ""}`;
      const devEui = normHex(entry.devEui);
      if (!HEX(16).test(devEui)) return void this.problems.push(`${where}: DevEUI must be 16 hex digits`);
      if (this.byEui.has(devEui)) return void this.problems.push(`${where}: DevEUI ${devEui} is listed twice`);
      const devAddr = entry.devAddr ? normHex(entry.devAddr) : undefined;
      if (devAddr !== undefined && !HEX(8).test(devAddr)) return void this.problems.push(`${where}: DevAddr must be 8 hex digits`);
      const keys: Partial<Record<"nwkSKey" | "appSKey" | "appKey", Buffer>> = {};
      for (const k of ["nwkSKey", "appSKey", "appKey"] as const) {
        const v = entry[k] ? normHex(entry[k]) : "";
        if (v && !HEX(32).test(v)) return void this.problems.push(`${where}: ${KEY_NAMES[k]} must be 32 hex digits`);
        if (v) keys[k] = Buffer.from(v, "hex");
      }
      const joinEui = entry.joinEui ? normHex(entry.joinEui) : undefined;
      if (joinEui !== undefined && !HEX(16).test(joinEui)) return void this.problems.push(`${where}: JoinEUI must be 16 hex digits`);
      if (devAddr && (!keys.nwkSKey || !keys.appSKey)) return void this.problems.push(`${where}: raw frames need both NwkSKey and AppSKey with the DevAddr`);
      const codec = codecRef(entry.codec, scriptCodecs);
      if (!codec) return void this.problems.push(`${where}: unknown codec "${entry.codec}"`);
      const settings = radioSettings(entry, defaultRegion);
      if (typeof settings === "string") return void this.problems.push(`${where}: ${settings}`);
      const fCntStart = optionalInt(entry.fCntStart);
      if (fCntStart !== undefined && (Number.isNaN(fCntStart) || fCntStart < 0 || fCntStart > 0xffffffff)) return void this.problems.push(`${where}: the starting frame counter must be a whole number from 0 to 4294967295`);
      const device: LorawanDevice = { name: entry.name?.trim() || devEui.toLowerCase(), devEui, devAddr, ...keys, joinEui, codec, radio: settings, ...(fCntStart !== undefined ? { fCntStart } : {}) };
      this.byEui.set(devEui, device);
      if (devAddr) this.byAddr.set(devAddr, [...(this.byAddr.get(devAddr) ?? []), device]);
    });
  }

  get size(): number {
    return this.byEui.size;
  }

  byDevEui(devEui: string): LorawanDevice | undefined {
    return this.byEui.get(normHex(devEui));
  }

  byDevAddr(devAddr: string): LorawanDevice[] {
    return this.byAddr.get(normHex(devAddr)) ?? [];
  }

  /** an OTAA device's session after its join: found by its new DevAddr from now on */
  activate(devEui: string, devAddr: string, nwkSKey: Buffer, appSKey: Buffer): void {
    const device = this.byDevEui(devEui);
    if (!device) return;
    if (device.devAddr) this.byAddr.set(device.devAddr, this.byDevAddr(device.devAddr).filter((d) => d !== device));
    Object.assign(device, { devAddr: normHex(devAddr), nwkSKey, appSKey });
    this.byAddr.set(device.devAddr!, [...this.byDevAddr(device.devAddr!), device]);
  }

  byName(name: string): LorawanDevice | undefined {
    for (const d of this.byEui.values()) if (d.name === name) return d;
    return undefined;
  }
}

const KEY_NAMES = { nwkSKey: "NwkSKey", appSKey: "AppSKey", appKey: "AppKey" } as const;

function normHex(s: string): string {
  return String(s).replace(/[\s:-]/g, "").toUpperCase();
}

/** Class A in the given region with its defaults: a device only a network server knows */
export function defaultRadioSettings(regionName = "EU868"): RadioSettings {
  return radioSettings({ devEui: "" }, regionName) as RadioSettings;
}

/** undefined when absent, NaN when not a whole number */
function optionalInt(v: unknown): number | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : NaN;
}

/** the device's radio settings, or why they are wrong */
function radioSettings(entry: DeviceEntryInput, defaultRegion: string): RadioSettings | string {
  const cls = String(entry.class ?? "A").toUpperCase();
  if (cls !== "A" && cls !== "C") return `class "${entry.class}" is not supported (A or C)`;
  const region = regionNamed(entry.region || defaultRegion);
  if (!region) return `region "${entry.region || defaultRegion}" is not one of ${REGION_NAMES.join(", ")}`;
  const rx1DrOffset = optionalInt(entry.rx1DrOffset) ?? 0;
  if (!(rx1DrOffset >= 0 && rx1DrOffset <= region.maxRx1DrOffset)) return `RX1DROffset must be 0 to ${region.maxRx1DrOffset} in ${region.name}`;
  const rx2DataRate = optionalInt(entry.rx2DataRate);
  if (rx2DataRate !== undefined && !region.downlinkDataRates.includes(rx2DataRate)) return `RX2 data rate DR${entry.rx2DataRate} is not a LoRa downlink data rate of ${region.name} (${region.downlinkDataRates.map((d) => `DR${d}`).join(", ")})`;
  const rx2Frequency = optionalInt(entry.rx2Frequency);
  if (rx2Frequency !== undefined && !(rx2Frequency >= 100_000_000 && rx2Frequency <= 1_100_000_000)) return `RX2 frequency ${entry.rx2Frequency} is not a frequency in Hz`;
  const rxDelayS = optionalInt(entry.rxDelay) ?? 1;
  if (!(rxDelayS >= 1 && rxDelayS <= 15)) return "the receive delay must be 1 to 15 seconds";
  const rxWindow = String(entry.rxWindow || "rx1").toLowerCase();
  if (rxWindow !== "rx1" && rxWindow !== "rx2") return `receive window "${entry.rxWindow}" is not rx1 or rx2`;
  return { deviceClass: cls, region, rx1DrOffset, rx2: { frequencyHz: rx2Frequency, dataRate: rx2DataRate }, rxDelayS, rxWindow };
}

function codecRef(codec: string | undefined, scripts: string[]): CodecRef | undefined {
  if (!codec || codec === "none") return { kind: "none" };
  if (codec === "cayenne-lpp") return { kind: "cayenne-lpp" };
  return scripts.includes(codec) ? { kind: "script", name: codec } : undefined;
}
