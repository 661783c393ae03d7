/**
 * Mean kinetic temperature (USP <1160>): T_mk = (ΔH/R) / −ln( Σ e^(−ΔH/(R·T_i)) / n ), temperatures in kelvin.
 * ΔH/R defaults to 10,000 K (ΔH ≈ 83.144 kJ/mol). Input and output in °C.
 */
export const DEFAULT_DELTA_H_OVER_R = 10000;

export function meanKineticTemperature(celsius: readonly number[], deltaHOverR = DEFAULT_DELTA_H_OVER_R): number {
  if (celsius.length === 0) return NaN;
  let sum = 0;
  for (const c of celsius) sum += Math.exp(-deltaHOverR / (c + 273.15));
  return deltaHOverR / -Math.log(sum / celsius.length) - 273.15;
}
