/**
 * A first-order thermal model of an insulated, refrigerated box: heat leaks in from the ambient air
 * (faster with the door open), the compressor pulls it out with an on/off thermostat around the setpoint,
 * and defrost cycles briefly heat the evaporator.
 */
export interface ThermalParams {
  setpointC: number;
  /** thermostat half-band: compressor on above setpoint+band, off below setpoint-band */
  bandC: number;
  /** time constant of heat leak with the door closed, seconds */
  leakTauS: number;
  /** time constant with the door open, seconds */
  doorTauS: number;
  /** cooling rate at full compressor health, °C per second */
  coolingCPerS: number;
}

export interface ThermalState {
  boxC: number;
  compressorOn: boolean;
}

export interface ThermalInputs {
  ambientC: number;
  doorOpen: boolean;
  /** 0..1; 0 means no cooling (failed or unpowered) */
  coolingCapacity: number;
  defrosting: boolean;
}

/** Advances the box temperature by dtS seconds (integrated in sub-steps of at most 10 s for stability). */
export function stepThermal(state: ThermalState, params: ThermalParams, inputs: ThermalInputs, dtS: number): ThermalState {
  let { boxC, compressorOn } = state;
  let remaining = dtS;
  while (remaining > 0) {
    const h = Math.min(remaining, 10);
    remaining -= h;
    if (boxC > params.setpointC + params.bandC) compressorOn = true;
    else if (boxC < params.setpointC - params.bandC) compressorOn = false;
    const running = compressorOn && !inputs.defrosting && inputs.coolingCapacity > 0;
    const tau = inputs.doorOpen ? params.doorTauS : params.leakTauS;
    let dT = ((inputs.ambientC - boxC) / tau) * h;
    if (running) dT -= params.coolingCPerS * inputs.coolingCapacity * h;
    if (inputs.defrosting) dT += 0.0005 * h;
    boxC += dT;
  }
  return { boxC, compressorOn };
}

export const cToF = (c: number): number => (c * 9) / 5 + 32;
