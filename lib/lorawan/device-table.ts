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
}

const HEX = (digits: number) => new RegExp(`^[0-9A-F]{${digits}}$`);

export class DeviceTable {
  private readonly byEui = new Map<string, LorawanDevice>();
  private readonly byAddr = new Map<string, LorawanDevice[]>();
  /** one sentence per entry that was refused, shown on the config node */
  readonly problems: string[] = [];

  constructor(entries: DeviceEntryInput[], scriptCodecs: string[] = []) {
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
      const device: LorawanDevice = { name: entry.name?.trim() || devEui.toLowerCase(), devEui, devAddr, ...keys, joinEui, codec };
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

function codecRef(codec: string | undefined, scripts: string[]): CodecRef | undefined {
  if (!codec || codec === "none") return { kind: "none" };
  if (codec === "cayenne-lpp") return { kind: "cayenne-lpp" };
  return scripts.includes(codec) ? { kind: "script", name: codec } : undefined;
}
