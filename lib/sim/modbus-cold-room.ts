/**
 * A cold room's refrigeration controller as a Modbus device, for the examples and tests: its registers follow a
 * thermal model of the room (lib/sim/thermal.ts) — air and evaporator temperature, door, compressor, defrost
 * cycles — and a master may change its setpoint and defrost settings or start a defrost, as on a real
 * controller. The register map is the EdgeX profile lib/ingest/profiles/modbus-cold-room.yaml.
 */
import { EXCEPTION } from "../modbus/pdu";
import { RegisterBank } from "../modbus/register-bank";
import { SeededRandom } from "./random";
import { stepThermal, type ThermalParams, type ThermalState } from "./thermal";

/** the register map (zero-based addresses) */
export const COLD_ROOM_MAP = {
  input: { airTemp: 0, evaporatorTemp: 1, compressorRunMin: 2 /* UINT32, 2 registers */ },
  holding: { setpoint: 0, defrostIntervalMin: 1, defrostDurationMin: 2 },
  coils: { defrostOn: 0, lightOn: 1 },
  discrete: { doorOpen: 0, compressorRunning: 1, highTempAlarm: 2 },
} as const;

/** what the controller accepts, refusing anything else with exception 3 (illegal data value) */
export const COLD_ROOM_LIMITS = { setpointTenths: [-50, 120], defrostIntervalMin: [60, 1440], defrostDurationMin: [5, 60] } as const;

export interface ControllerConditions {
  doorForcedOpen: boolean;
  compressorFailed: boolean;
}

const tenths = (c: number) => Math.round(c * 10) & 0xffff;

export class ColdRoomController {
  readonly bank = new RegisterBank({ coils: 8, discreteInputs: 8, holdingRegisters: 8, inputRegisters: 8 });
  private thermal: ThermalState;
  private readonly params: ThermalParams;
  private nowS = 0;
  private doorUntilS = -1;
  private defrostUntilS = -1;
  private nextDefrostS: number;
  private runS = 0;

  constructor(
    readonly name: string,
    private readonly rnd: SeededRandom,
  ) {
    this.params = { setpointC: 3, bandC: 1, leakTauS: 10800, doorTauS: 900, coolingCPerS: 0.006 };
    this.thermal = { boxC: 3 + rnd.between(-0.3, 0.3), compressorOn: false };
    const h = this.bank.holdingRegisters;
    h[COLD_ROOM_MAP.holding.setpoint] = tenths(3);
    h[COLD_ROOM_MAP.holding.defrostIntervalMin] = 480;
    h[COLD_ROOM_MAP.holding.defrostDurationMin] = 20;
    this.bank.coils[COLD_ROOM_MAP.coils.lightOn] = true;
    this.nextDefrostS = 480 * 60;
    this.bank.onWrite = (table, address, values) => this.onWrite(table, address, values);
    this.publish();
  }

  get setpointC(): number {
    return (this.bank.holdingRegisters[COLD_ROOM_MAP.holding.setpoint] << 16 >> 16) / 10;
  }

  private onWrite(table: "COILS" | "HOLDING_REGISTERS", address: number, values: number[] | boolean[]): number | void {
    if (table === "COILS") {
      const i = COLD_ROOM_MAP.coils.defrostOn - address;
      if (i >= 0 && i < values.length) {
        // writing the defrost coil starts (true) or ends (false) a manual defrost
        if (values[i]) this.defrostUntilS = this.nowS + this.bank.holdingRegisters[COLD_ROOM_MAP.holding.defrostDurationMin] * 60;
        else this.defrostUntilS = -1;
      }
      return;
    }
    for (let k = 0; k < values.length; k++) {
      const reg = address + k;
      const v = values[k] as number;
      const signed = (v << 16) >> 16;
      if (reg === COLD_ROOM_MAP.holding.setpoint && (signed < COLD_ROOM_LIMITS.setpointTenths[0] || signed > COLD_ROOM_LIMITS.setpointTenths[1])) return EXCEPTION.illegalDataValue;
      if (reg === COLD_ROOM_MAP.holding.defrostIntervalMin && (v < COLD_ROOM_LIMITS.defrostIntervalMin[0] || v > COLD_ROOM_LIMITS.defrostIntervalMin[1])) return EXCEPTION.illegalDataValue;
      if (reg === COLD_ROOM_MAP.holding.defrostDurationMin && (v < COLD_ROOM_LIMITS.defrostDurationMin[0] || v > COLD_ROOM_LIMITS.defrostDurationMin[1])) return EXCEPTION.illegalDataValue;
      if (reg > COLD_ROOM_MAP.holding.defrostDurationMin) return EXCEPTION.illegalDataAddress;
    }
  }

  /** advances the room by dtS simulated seconds and updates the registers */
  step(dtS: number, c: ControllerConditions): void {
    this.nowS += dtS;
    const h = this.bank.holdingRegisters;
    if (this.nowS >= this.nextDefrostS) {
      this.defrostUntilS = this.nowS + h[COLD_ROOM_MAP.holding.defrostDurationMin] * 60;
      this.nextDefrostS = this.nowS + h[COLD_ROOM_MAP.holding.defrostIntervalMin] * 60;
    }
    if (this.rnd.chance(dtS / 5400)) this.doorUntilS = this.nowS + this.rnd.between(30, 180);
    const doorOpen = c.doorForcedOpen || this.nowS < this.doorUntilS;
    const defrosting = this.nowS < this.defrostUntilS;
    this.params.setpointC = this.setpointC;
    this.thermal = stepThermal(this.thermal, this.params, { ambientC: 21, doorOpen, coolingCapacity: c.compressorFailed ? 0 : 1, defrosting }, dtS);
    const running = this.thermal.compressorOn && !defrosting && !c.compressorFailed;
    if (running) this.runS += dtS;
    this.publish(doorOpen, defrosting, running);
  }

  private publish(doorOpen = false, defrosting = false, running = false): void {
    const air = this.thermal.boxC + this.rnd.gaussian(0, 0.05);
    const evaporator = running ? air - 8 : defrosting ? air + 10 : air - 1;
    const ir = this.bank.inputRegisters;
    ir[COLD_ROOM_MAP.input.airTemp] = tenths(air);
    ir[COLD_ROOM_MAP.input.evaporatorTemp] = tenths(evaporator);
    const minutes = Math.floor(this.runS / 60);
    ir[COLD_ROOM_MAP.input.compressorRunMin] = (minutes >>> 16) & 0xffff;
    ir[COLD_ROOM_MAP.input.compressorRunMin + 1] = minutes & 0xffff;
    this.bank.coils[COLD_ROOM_MAP.coils.defrostOn] = defrosting;
    const di = this.bank.discreteInputs;
    di[COLD_ROOM_MAP.discrete.doorOpen] = doorOpen;
    di[COLD_ROOM_MAP.discrete.compressorRunning] = running;
    di[COLD_ROOM_MAP.discrete.highTempAlarm] = air > this.setpointC + 4;
  }
}
