/** The simulated devices of a retail cold chain, each emitting its own vendor's native payload. */
import { SeededRandom } from "./random";
import { stepThermal, ThermalParams, ThermalState, cToF } from "./thermal";
import { produceImage, ProduceQuality } from "./produce-camera";

export type DeviceKind = "reefer" | "coldroom" | "freezer" | "shelf" | "coap-sensor" | "camera";

/** What a simulated device hands to the transport: the native reading, before any protocol framing. */
export interface DeviceReading {
  kind: DeviceKind;
  device: string;
  /** simulated epoch milliseconds */
  ts: number;
  payload: Record<string, unknown> | unknown[] | Buffer;
}

export interface DeviceConditions {
  nowS: number;
  ts: number;
  doorForcedOpen: boolean;
  compressorFailed: boolean;
  powerCut: boolean;
}

export interface SimDevice {
  readonly kind: DeviceKind;
  readonly name: string;
  step(dtS: number, conditions: DeviceConditions): DeviceReading;
}

const round = (v: number, digits = 1): number => Math.round(v * 10 ** digits) / 10 ** digits;

/** A refrigerated truck's telematics unit: return/supply air in °F, door, defrost, compressor current, GPS. */
export class ReeferTruck implements SimDevice {
  readonly kind = "reefer" as const;
  private thermal: ThermalState;
  private readonly params: ThermalParams;
  private health = 1;
  private doorUntilS = -1;
  private nextStopS: number;
  private lat: number;
  private lon: number;
  private heading: number;

  constructor(
    readonly name: string,
    private readonly rnd: SeededRandom,
    setpointC: number,
    /** compressor wear per simulated hour (health 1 → 0; below 0.15 the compressor fails) */
    private readonly wearPerHour: number,
  ) {
    this.params = { setpointC, bandC: 0.8, leakTauS: 20000, doorTauS: 1800, coolingCPerS: setpointC < -5 ? 0.012 : 0.006 };
    this.thermal = { boxC: setpointC + rnd.between(-0.5, 0.5), compressorOn: false };
    this.nextStopS = rnd.between(1800, 5400);
    this.lat = 52.37 + rnd.between(-0.3, 0.3);
    this.lon = 4.9 + rnd.between(-0.3, 0.3);
    this.heading = rnd.between(0, 2 * Math.PI);
  }

  step(dtS: number, c: DeviceConditions): DeviceReading {
    this.health = Math.max(0, this.health - (this.wearPerHour * dtS) / 3600);
    if (c.nowS >= this.nextStopS) {
      this.doorUntilS = c.nowS + this.rnd.between(120, 480);
      this.nextStopS = c.nowS + this.rnd.between(3600, 9000);
    }
    const stopped = c.nowS < this.doorUntilS;
    const doorOpen = c.doorForcedOpen || stopped;
    const defrosting = c.nowS % 21600 < 1500;
    const failed = c.compressorFailed || this.health < 0.15;
    const capacity = failed || c.powerCut ? 0 : 0.4 + 0.6 * this.health;
    const ambientC = 18 + 6 * Math.sin((2 * Math.PI * c.nowS) / 86400) + this.rnd.gaussian(0, 0.3);
    this.thermal = stepThermal(this.thermal, this.params, { ambientC, doorOpen, coolingCapacity: capacity, defrosting }, dtS);
    if (!stopped) this.drive(dtS);
    const running = this.thermal.compressorOn && capacity > 0 && !defrosting;
    const supplyC = running ? this.thermal.boxC - 4 * capacity : defrosting ? this.thermal.boxC + 6 : this.thermal.boxC + 0.5;
    const amps = running ? 9 + 7 * (1 - this.health) + this.rnd.gaussian(0, 0.2) : 0.3;
    return {
      kind: this.kind,
      device: this.name,
      ts: c.ts,
      payload: {
        unit_id: this.name,
        ts: c.ts,
        ret_air_f: round(cToF(this.thermal.boxC + this.rnd.gaussian(0, 0.05)), 2),
        sup_air_f: round(cToF(supplyC + this.rnd.gaussian(0, 0.05)), 2),
        setpoint_f: round(cToF(this.params.setpointC), 1),
        door: doorOpen ? "open" : "closed",
        defrost: defrosting,
        comp_amps: round(Math.max(0, amps), 2),
        power: c.powerCut ? "off" : "on",
        lat: round(this.lat, 5),
        lon: round(this.lon, 5),
      },
    };
  }

  private drive(dtS: number): void {
    this.heading += this.rnd.gaussian(0, 0.05);
    const km = (60 * dtS) / 3600;
    this.lat += (km / 111) * Math.cos(this.heading);
    this.lon += (km / 68) * Math.sin(this.heading);
  }
}

/** A cold room or freezer cabinet read by a LoRaWAN temperature/humidity tag. */
export class RefrigeratedSpace implements SimDevice {
  private thermal: ThermalState;
  private readonly params: ThermalParams;
  private doorUntilS = -1;

  constructor(
    readonly kind: "coldroom" | "freezer",
    readonly name: string,
    private readonly rnd: SeededRandom,
  ) {
    const setpointC = kind === "freezer" ? -20 : 3;
    this.params = { setpointC, bandC: 1, leakTauS: kind === "freezer" ? 7200 : 10800, doorTauS: 900, coolingCPerS: 0.006 };
    this.thermal = { boxC: setpointC, compressorOn: false };
  }

  step(dtS: number, c: DeviceConditions): DeviceReading {
    if (this.rnd.chance(dtS / 5400)) this.doorUntilS = c.nowS + this.rnd.between(30, 180);
    const doorOpen = c.doorForcedOpen || c.nowS < this.doorUntilS;
    const capacity = c.compressorFailed || c.powerCut ? 0 : 1;
    const defrosting = this.kind === "freezer" && c.nowS % 28800 < 1200;
    this.thermal = stepThermal(this.thermal, this.params, { ambientC: 21, doorOpen, coolingCapacity: capacity, defrosting }, dtS);
    const humidity = Math.min(100, Math.max(20, (this.kind === "freezer" ? 60 : 85) + (doorOpen ? 8 : 0) + this.rnd.gaussian(0, 1.5)));
    return {
      kind: this.kind,
      device: this.name,
      ts: c.ts,
      payload: { temperature: round(this.thermal.boxC + this.rnd.gaussian(0, 0.05), 1), humidity: round(humidity * 2, 0) / 2 },
    };
  }
}

/** A smart shelf: a weight cell under one SKU, RFID reads of the tagged items, sales and restocking. */
export class SmartShelf implements SimDevice {
  readonly kind = "shelf" as const;
  private count: number;
  private restockAtS = -1;
  private serial = 0;
  private readonly tags: string[] = [];

  constructor(
    readonly name: string,
    private readonly rnd: SeededRandom,
    readonly sku: string,
    readonly unitWeightG: number,
    readonly capacity: number,
  ) {
    this.count = capacity;
    for (let i = 0; i < this.count; i++) this.tags.push(this.nextTag());
  }

  step(dtS: number, c: DeviceConditions): DeviceReading {
    const hour = (c.nowS / 3600) % 24;
    const salesPerHour = hour > 8 && hour < 21 ? 6 : 0.5;
    let sold = 0;
    const expected = (salesPerHour * dtS) / 3600;
    for (let k = 0; k < 20 && this.rnd.chance(Math.min(0.95, expected)); k++) sold++;
    sold = Math.min(sold, this.count);
    this.count -= sold;
    this.tags.splice(0, sold);
    if (this.count < this.capacity * 0.25 && this.restockAtS < 0) this.restockAtS = c.nowS + this.rnd.between(1800, 5400);
    if (this.restockAtS >= 0 && c.nowS >= this.restockAtS) {
      while (this.count < this.capacity) {
        this.count++;
        this.tags.push(this.nextTag());
      }
      this.restockAtS = -1;
    }
    const trayG = 850;
    return {
      kind: this.kind,
      device: this.name,
      ts: c.ts,
      payload: {
        shelf: this.name,
        sku: this.sku,
        weight_g: Math.round(trayG + this.count * this.unitWeightG + this.rnd.gaussian(0, 3)),
        tare_g: trayG,
        rfid: this.tags.slice(0, 50),
      },
    };
  }

  private nextTag(): string {
    this.serial++;
    return `3034${this.name.replace(/\W/g, "").slice(-6).padStart(6, "0")}${this.serial.toString(16).padStart(10, "0")}`.toUpperCase();
  }
}

/** A battery CoAP sensor on a display case, reporting SenML (RFC 8428) JSON. */
export class CoapSensor implements SimDevice {
  readonly kind = "coap-sensor" as const;
  private tempC: number;

  constructor(
    readonly name: string,
    private readonly rnd: SeededRandom,
  ) {
    this.tempC = 4 + rnd.between(-0.5, 0.5);
  }

  step(dtS: number, c: DeviceConditions): DeviceReading {
    const target = c.compressorFailed || c.powerCut || c.doorForcedOpen ? 15 : 4;
    this.tempC += (target - this.tempC) * Math.min(1, dtS / 3600) + this.rnd.gaussian(0, 0.05);
    return {
      kind: this.kind,
      device: this.name,
      ts: c.ts,
      payload: [
        { bn: `urn:dev:ow:${this.name}:`, bt: c.ts / 1000, n: "temperature", u: "Cel", v: round(this.tempC, 2) },
        { n: "humidity", u: "%RH", v: round(70 + this.rnd.gaussian(0, 2), 1) },
        { n: "battery", u: "%EL", v: round(Math.max(0, 100 - c.nowS / 86400), 1) },
      ],
    };
  }
}

/**
 * A camera over a crate of produce: the crate arrives fresh, ripens over about a simulated day and spoils over
 * the next (three times faster without refrigeration), then is replaced. Each reading is a PNG image.
 */
export class ProduceCamera implements SimDevice {
  readonly kind = "camera" as const;
  private ageH: number;

  constructor(
    readonly name: string,
    private readonly rnd: SeededRandom,
  ) {
    this.ageH = rnd.between(0, 40);
  }

  get quality(): ProduceQuality {
    return this.ageH < 18 ? "fresh" : this.ageH < 36 ? "ripe" : "spoiled";
  }

  step(dtS: number, c: DeviceConditions): DeviceReading {
    this.ageH += ((c.compressorFailed || c.powerCut ? 3 : 1) * dtS) / 3600;
    if (this.ageH > 54) this.ageH = 0;
    return { kind: this.kind, device: this.name, ts: c.ts, payload: produceImage(this.rnd, this.quality) };
  }
}
