/**
 * The inputs of the reefer anomaly model, shared by the training script and the flows that feed the model:
 * per reading, the reefer profile's resources in this order (°C, A, 0/1), WINDOW consecutive readings of one
 * truck, oldest first. The model normalises them itself and outputs one anomaly score (the reconstruction error
 * of an autoencoder), so a flow feeds it raw readings.
 */
export const FEATURES = ["returnAir", "supplyAir", "setpoint", "compressorCurrent", "door", "defrost"] as const;
export const WINDOW = 12;
export const INPUT_SIZE = FEATURES.length * WINDOW;

export interface ReeferSample {
  returnAirC: number;
  supplyAirC: number;
  setpointC: number;
  compressorA: number;
  doorOpen: boolean;
  defrost: boolean;
}

export function featureVector(s: ReeferSample): number[] {
  return [s.returnAirC, s.supplyAirC, s.setpointC, s.compressorA, s.doorOpen ? 1 : 0, s.defrost ? 1 : 0];
}

const fToC = (f: number): number => ((f - 32) * 5) / 9;

/** The simulator's (and a typical vendor's) reefer JSON, in °F, as a sample. */
export function sampleFromReeferPayload(p: Record<string, unknown>): ReeferSample {
  return {
    returnAirC: fToC(Number(p.ret_air_f)),
    supplyAirC: fToC(Number(p.sup_air_f)),
    setpointC: fToC(Number(p.setpoint_f)),
    compressorA: Number(p.comp_amps),
    doorOpen: p.door === "open",
    defrost: p.defrost === true,
  };
}

/** Sliding windows of WINDOW samples (stride 1), flattened oldest first. */
export function windows(series: number[][], stride = 1): number[][] {
  const out: number[][] = [];
  for (let end = WINDOW; end <= series.length; end += stride) out.push(series.slice(end - WINDOW, end).flat());
  return out;
}
