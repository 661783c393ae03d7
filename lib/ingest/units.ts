/**
 * Unit conversion from a resource's raw units to its declared units through convert-units. EdgeX profiles and
 * SenML name units in several ways (degF, °F, F, Cel, %RH …); they are mapped to convert-units' names first.
 */
import convert from "convert-units";

const ALIASES: Record<string, string> = {
  degf: "F", "°f": "F", f: "F", fahrenheit: "F",
  degc: "C", "°c": "C", c: "C", cel: "C", celsius: "C",
  k: "K", kelvin: "K",
  g: "g", gram: "g", grams: "g", kg: "kg", kilogram: "kg", lb: "lb", lbs: "lb", pound: "lb", oz: "oz",
  pa: "Pa", kpa: "kPa", hpa: "hPa", mpa: "MPa", bar: "bar", psi: "psi",
  "%": "%", "%rh": "%", percent: "%",
  a: "A", ma: "mA", v: "V", mv: "mV", w: "W", kw: "kW",
  m: "m", km: "km", s: "s", ms: "ms", min: "min", h: "h",
};

export function canonicalUnit(unit: string): string {
  return ALIASES[unit.trim().toLowerCase()] ?? unit.trim();
}

/** Temperature scales are affine: written out so that a reading costs two float operations and stays exact where it can. */
const AFFINE: Record<string, (v: number) => number> = {
  "F>C": (v) => ((v - 32) * 5) / 9,
  "C>F": (v) => (v * 9) / 5 + 32,
  "K>C": (v) => v - 273.15,
  "C>K": (v) => v + 273.15,
  "F>K": (v) => ((v - 32) * 5) / 9 + 273.15,
  "K>F": (v) => ((v - 273.15) * 9) / 5 + 32,
};

/**
 * A converter for raw → declared units, or undefined when they are the same; throws when convert-units cannot.
 * convert-units looks both units up on every call (about 3 µs a reading), so the conversion is resolved once here:
 * a written-out formula for temperature, a factor for every ratio conversion, the library only for anything else.
 */
export function unitConverter(rawUnits: string, units: string): ((v: number) => number) | undefined {
  const from = canonicalUnit(rawUnits);
  const to = canonicalUnit(units);
  if (from === to) return undefined;
  if (from === "%" || to === "%") throw new Error(`cannot convert ${rawUnits} to ${units}`);
  const viaLibrary = (v: number) => convert(v).from(from as never).to(to as never);
  let factor: number;
  try {
    factor = viaLibrary(1);
  } catch (err) {
    throw new Error(`cannot convert ${rawUnits} to ${units}: ${(err as Error).message}`);
  }
  const affine = AFFINE[`${from}>${to}`];
  if (affine) return affine;
  if (viaLibrary(0) !== 0) return viaLibrary; // an affine scale not written out above
  return (v: number) => v * factor;
}
