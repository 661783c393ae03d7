/**
 * A deterministic retail cold-chain simulation: a fleet of reefer trucks, cold rooms, freezer cabinets,
 * smart shelves and CoAP sensors, each emitting its vendor's native payload, with faults injected on a
 * schedule or on demand. Same seed, same settings, same ticks → the same output, byte for byte.
 */
import { SeededRandom } from "./random";
import { Fault, FaultKind, faultActive } from "./faults";
import { CoapSensor, DeviceReading, ProduceCamera, RefrigeratedSpace, ReeferTruck, SimDevice, SmartShelf } from "./devices";
import { buildUplink, chirpstackUplink, demoKeys, encodeTemperatureHumidityLpp, LorawanSessionKeys, pushData, radioFor } from "./lorawan-tag";

export interface FleetSize {
  trucks: number;
  coldRooms: number;
  freezers: number;
  shelves: number;
  coapSensors: number;
  /** shelf cameras over crates of produce (PNG images) */
  cameras?: number;
}

export type LorawanTransport = "chirpstack" | "packet-forwarder";

export interface SimulatorOptions {
  seed: number;
  fleet: FleetSize;
  /** simulated epoch ms of the first tick */
  startTime: number;
  site?: string;
  lorawan?: LorawanTransport;
  gatewayEui?: string;
  chirpstackApplicationId?: string;
  /** the last truck's compressor wears out over about this many simulated hours (0: no wear-out) */
  wearOutHours?: number;
  faults?: Fault[];
}

/** One message the simulator emits: a device's native payload, framed as its transport carries it. */
export interface SimMessage {
  topic: string;
  payload: Record<string, unknown> | unknown[] | Buffer;
  device: string;
  kind: SimDevice["kind"];
  transport: "mqtt-json" | "chirpstack" | "packet-forwarder" | "senml" | "image";
  ts: number;
}

export interface FaultChange {
  fault: FaultKind;
  device: string;
  active: boolean;
  ts: number;
}

export const DEFAULT_FLEET: FleetSize = { trucks: 3, coldRooms: 2, freezers: 2, shelves: 3, coapSensors: 2 };

const SKUS: Array<[string, number]> = [
  ["MILK-1L", 1032],
  ["YOGURT-500G", 515],
  ["SALAD-250G", 262],
  ["CHEESE-200G", 208],
];

export class ColdChainSimulator {
  private readonly devices: SimDevice[] = [];
  private readonly lorawanKeys = new Map<string, LorawanSessionKeys>();
  private readonly fCnt = new Map<string, number>();
  private readonly radioRnd: SeededRandom;
  private readonly faults: Fault[];
  private readonly active = new Set<string>();
  private nowS = 0;
  private token = 0;

  constructor(private readonly options: SimulatorOptions) {
    const root = new SeededRandom(options.seed);
    this.radioRnd = root.fork("radio");
    this.faults = [...(options.faults ?? [])];
    const site = options.site ?? "store-001";
    const wear = options.wearOutHours ?? 48;
    for (let i = 1; i <= options.fleet.trucks; i++) {
      const name = `truck-${pad(i)}`;
      const frozen = i % 3 === 0;
      const wearPerHour = wear > 0 && i === options.fleet.trucks ? 0.85 / wear : 0.002;
      this.devices.push(new ReeferTruck(name, root.fork(name), frozen ? -18 : 3, wearPerHour));
    }
    for (let i = 1; i <= options.fleet.coldRooms; i++) this.addTag(new RefrigeratedSpace("coldroom", `${site}-coldroom-${pad(i)}`, root.fork(`coldroom${i}`)));
    for (let i = 1; i <= options.fleet.freezers; i++) this.addTag(new RefrigeratedSpace("freezer", `${site}-freezer-${pad(i)}`, root.fork(`freezer${i}`)));
    for (let i = 1; i <= options.fleet.shelves; i++) {
      const [sku, unit] = SKUS[(i - 1) % SKUS.length];
      this.devices.push(new SmartShelf(`${site}-shelf-${pad(i)}`, root.fork(`shelf${i}`), sku, unit, 24));
    }
    for (let i = 1; i <= options.fleet.coapSensors; i++) this.devices.push(new CoapSensor(`${site}-case-${pad(i)}`, root.fork(`coap${i}`)));
    for (let i = 1; i <= (options.fleet.cameras ?? 0); i++) this.devices.push(new ProduceCamera(`${site}-camera-${pad(i)}`, root.fork(`camera${i}`)));
  }

  get simulatedSeconds(): number {
    return this.nowS;
  }

  deviceNames(): string[] {
    return this.devices.map((d) => d.name);
  }

  /** The ABP session keys of the simulated LoRaWAN tags, to enter in an edge-lorawan-keys node. */
  lorawanDevices(): Array<{ device: string } & LorawanSessionKeys> {
    return [...this.lorawanKeys].map(([device, keys]) => ({ device, ...keys }));
  }

  inject(kind: FaultKind, device: string, durationS = Infinity, startS = this.nowS): void {
    this.faults.push({ kind, device, startS, durationS });
  }

  /** whether a fault is on for a device the simulator does not step itself (edge-sim's Modbus controllers) */
  faultActiveOn(kind: FaultKind, device: string): boolean {
    return this.faults.some((f) => f.kind === kind && faultActive(f, device, this.nowS));
  }

  clear(kind: FaultKind, device: string): void {
    for (const f of this.faults) {
      if (f.kind === kind && (device === "*" || f.device === device) && f.startS <= this.nowS) f.durationS = Math.max(0, this.nowS - f.startS);
    }
  }

  /** Advances the simulation by dtS seconds: one reading per reporting device, and the faults that changed. */
  tick(dtS: number): { messages: SimMessage[]; faultChanges: FaultChange[] } {
    this.nowS += dtS;
    const ts = this.options.startTime + Math.round(this.nowS * 1000);
    const faultChanges = this.faultTransitions(ts);
    const messages: SimMessage[] = [];
    for (const device of this.devices) {
      const is = (kind: FaultKind) => this.faults.some((f) => f.kind === kind && faultActive(f, device.name, this.nowS));
      const reading = device.step(dtS, { nowS: this.nowS, ts, doorForcedOpen: is("door-open"), compressorFailed: is("compressor-failure"), powerCut: is("power-cut") });
      if (is("sensor-dropout")) continue;
      messages.push(this.frame(reading));
    }
    return { messages, faultChanges };
  }

  private faultTransitions(ts: number): FaultChange[] {
    const changes: FaultChange[] = [];
    const now = new Set<string>();
    for (const f of this.faults) if (this.nowS >= f.startS && this.nowS < f.startS + f.durationS) now.add(`${f.kind}\u0000${f.device}`);
    for (const key of now) if (!this.active.has(key)) changes.push(change(key, true, ts));
    for (const key of this.active) if (!now.has(key)) changes.push(change(key, false, ts));
    this.active.clear();
    for (const key of now) this.active.add(key);
    return changes;
  }

  private addTag(device: RefrigeratedSpace): void {
    this.devices.push(device);
    this.lorawanKeys.set(device.name, demoKeys(this.options.seed, device.name));
  }

  private frame(reading: DeviceReading): SimMessage {
    const base = { device: reading.device, kind: reading.kind, ts: reading.ts };
    switch (reading.kind) {
      case "reefer":
        return { ...base, topic: `fleet/reefer/${reading.device}/telemetry`, payload: reading.payload, transport: "mqtt-json" };
      case "shelf":
        return { ...base, topic: `store/shelf/${reading.device}/weight`, payload: reading.payload, transport: "mqtt-json" };
      case "coap-sensor":
        return { ...base, topic: `coap/${reading.device}`, payload: reading.payload, transport: "senml" };
      case "camera":
        return { ...base, topic: `store/camera/${reading.device}/image`, payload: reading.payload, transport: "image" };
      case "coldroom":
      case "freezer":
        return { ...base, ...this.lorawanFrame(reading) };
    }
  }

  private lorawanFrame(reading: DeviceReading): Pick<SimMessage, "topic" | "payload" | "transport"> {
    const keys = this.lorawanKeys.get(reading.device)!;
    const fCnt = this.fCnt.get(reading.device) ?? 0;
    this.fCnt.set(reading.device, fCnt + 1);
    const { temperature, humidity } = reading.payload as { temperature: number; humidity: number };
    const lpp = encodeTemperatureHumidityLpp(temperature, humidity);
    const radio = radioFor(this.radioRnd, this.options.gatewayEui ?? "B827EBFFFE000001", reading.ts);
    if ((this.options.lorawan ?? "chirpstack") === "packet-forwarder") {
      this.token = (this.token + 1) & 0xffff;
      return { topic: `gateway/${radio.gatewayEui.toLowerCase()}/push-data`, payload: pushData(buildUplink(keys, fCnt, 1, lpp), radio, this.token), transport: "packet-forwarder" };
    }
    const up = chirpstackUplink(reading.device, keys, fCnt, 1, lpp, radio, this.options.chirpstackApplicationId ?? "cold-chain");
    return { topic: up.topic, payload: up.event, transport: "chirpstack" };
  }
}

function change(key: string, active: boolean, ts: number): FaultChange {
  const [fault, device] = key.split("\u0000");
  return { fault: fault as FaultKind, device, active, ts };
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
